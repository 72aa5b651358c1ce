"""Bad input at the command line: every case gives its documented exit code, exactly one `Error: ` line on
stderr, no traceback, nothing on stdout, and nothing written or changed in its folder.

The cases are data (:data:`CASES`): an id, the command line (``{t}`` is the test's folder), the files it needs
and the start of the one error line (``{t}`` again). Each runs in-process, as a user's shell would run it, with
the working directory set to the test's folder, so that default outputs (``report.html``, ``dist``) would land
there too and be seen. Options the error line names must be options of the command (a hint never points to an
option the command lacks).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "taxonomy"


# ------------------------------------------------------------------------------------------- fixtures


def _parquet(rows: dict, path: Path) -> None:
    import polars as pl

    pl.DataFrame(rows).write_parquet(path)


def _corrupt_parquet(path: Path) -> None:
    import polars as pl

    n = 2000
    pl.DataFrame({"timestamp": ["2025-01-01"] * n, "channel": ["web"] * n, "kind": ["recoded"] * n,
                  "submitted_code": [f"A{i}" for i in range(n)]}).write_parquet(path, compression="uncompressed")
    data = bytearray(path.read_bytes())
    data[200:1400] = b"A" * 1200  # a page overwritten; the footer still reads
    path.write_bytes(bytes(data))


def _empty_parquet(path: Path) -> None:
    import polars as pl

    pl.DataFrame({"code": [], "name": []}, schema={"code": pl.String, "name": pl.String}).write_parquet(path)


CAT = "code,name,division,section\nA1,Pothole,Transportation,Roads\nA2,Graffiti,Parks,Forestry\n"
LOG = "timestamp,channel,kind,submitted_code,correct_code\n2025-01-01,web,recoded,A1,A2\n"
YAML_HEAD = "codekit_catalogue: 1\nname: t\ncodes:\n"


def _release(tmp: Path) -> Path:
    """A copy of the session's published release at ``tmp/dist/1.0.0`` (made writable, so it can be tampered)."""
    dst = tmp / "dist" / "1.0.0"
    shutil.copytree(_session_release(), dst)
    for p in [dst, *dst.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    return dst


_RELEASE: list[Path] = []


def _session_release() -> Path:
    if not _RELEASE:
        import tempfile

        from codekit.release.build import build_release

        out = Path(tempfile.mkdtemp(prefix="codekit-badinput-"))
        _RELEASE.append(build_release(TAXONOMY, None, out / "dist").path)
    return _RELEASE[0]


def _tax(tmp: Path, name: str = "tax", extra: dict[str, bytes] | None = None, only: int | None = None) -> Path:
    d = tmp / name
    d.mkdir(parents=True)
    files = sorted(TAXONOMY.glob("*.yaml"))
    for f in files[:only] if only else files:
        shutil.copy(f, d / f.name)
    for n, data in (extra or {}).items():
        (d / n).write_bytes(data)
    return d


@dataclass
class Case:
    id: str
    argv: str  # split on spaces after formatting; {t} is the test's folder
    expect: str  # the start of the one error line ({t} formatted)
    files: dict[str, str | bytes] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    code: int = 2
    exact: bool = False

    def __str__(self) -> str:  # pragma: no cover - pytest ids
        return self.id


def C(id, argv, expect, files=None, setup=None, code=2, exact=False) -> Case:
    return Case(id, argv, expect, dict(files or {}), setup, code, exact)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b]\n"
DEEP_YAML = "[" * 400 + "]" * 400
DEEP_JSON = "[" * 50_000 + "]" * 50_000
RANDOM = bytes((i * 2654435761 >> 7) % 256 for i in range(3000))  # fixed "random" bytes
ZIP = b"PK\x03\x04" + RANDOM[:200]


def _fifo(name: str) -> Callable[[Path], None]:
    def make(t: Path) -> None:
        os.mkfifo(t / name)

    return make


def _mkdir(*names: str) -> Callable[[Path], None]:
    def make(t: Path) -> None:
        for n in names:
            (t / n).mkdir(parents=True, exist_ok=True)

    return make


def _with_release(t: Path) -> None:
    _release(t)


def _tamper(rel: str, data: str | bytes) -> Callable[[Path], None]:
    def make(t: Path) -> None:
        r = _release(t)
        (r / rel).write_bytes(data.encode() if isinstance(data, str) else data)

    return make


def _remove(rel: str) -> Callable[[Path], None]:
    def make(t: Path) -> None:
        r = _release(t)
        (r / rel).unlink()

    return make


def _taxdir(extra: dict[str, bytes] | None = None, only: int | None = None) -> Callable[[Path], None]:
    def make(t: Path) -> None:
        _tax(t, extra=extra, only=only)

    return make


def _setup_all(*fns: Callable[[Path], None]) -> Callable[[Path], None]:
    def make(t: Path) -> None:
        for f in fns:
            f(t)

    return make


NO_OPT = "Error: no such option"
CASES: list[Case] = [
    # --- usage: one line naming the command, exit 2 (not typer's panel) -----------------------------------
    C("usage-unknown-option", "profile --nope",
      "Error: no such option --nope for codekit profile. Run codekit profile --help for its options", exact=True),
    C("usage-unknown-option-near", "profile --seeds 3",
      "Error: no such option --seeds for codekit profile (did you mean --seed?). Run codekit profile --help"),
    C("usage-unknown-option-validate", "validate --catalog x", f"{NO_OPT} --catalog for codekit validate"),
    C("usage-unknown-option-release", "release --force", f"{NO_OPT} --force for codekit release"),
    C("usage-unknown-option-sample", "sample --out x --format csv", f"{NO_OPT} --format for codekit sample"),
    C("usage-unknown-global-option", "--nope profile", "Error: no such option --nope for codekit."),
    C("usage-missing-argument", "convert",
      "Error: codekit convert needs the argument SOURCE. Run codekit convert --help for its usage", exact=True),
    C("usage-missing-second-argument", "convert {t}/c.csv", "Error: codekit convert needs the argument OUTPUT.",
      files={"c.csv": CAT}),
    C("usage-missing-argument-diff", "diff {t}", "Error: codekit diff needs the argument NEW."),
    C("usage-missing-argument-convert-log", "convert-log", "Error: codekit convert-log needs the argument SRC."),
    C("usage-missing-required-option", "sample",
      "Error: codekit sample needs the option --out. Run codekit sample --help for its options", exact=True),
    C("usage-missing-required-option-routes", "routes {t}", "Error: codekit routes needs the option --out."),
    C("usage-option-needs-value", "profile {t}/c.csv --format",
      "Error: the option --format of codekit profile needs a value.", files={"c.csv": CAT}),
    C("usage-option-needs-value-out", "sample --out", "Error: the option --out of codekit sample needs a value."),
    C("usage-bad-int", "profile --top abc", "Error: invalid value for --top of codekit profile:"),
    C("usage-int-below-min", "profile --top -1", "Error: invalid value for --top of codekit profile:"),
    C("usage-bad-float", "propose --threshold x", "Error: invalid value for --threshold of codekit propose:"),
    C("usage-sample-limit-zero", "validate --sample-limit 0", "Error: invalid value for --sample-limit of codekit validate:"),
    C("usage-report-top-zero", "report --top 0", "Error: invalid value for --top of codekit report:"),
    C("usage-events-negative", "sample --out {t}/s --events -1", "Error: invalid value for --events of codekit sample:"),
    C("usage-unknown-command", "nosuch", "Error: no such command nosuch. Run codekit --help for the commands", exact=True),
    C("usage-unknown-command-near", "profil",
      "Error: no such command profil (did you mean profile?). Run codekit --help for the commands", exact=True),
    C("usage-extra-argument", "profile a b c",
      "Error: unexpected extra argument b c for codekit profile. Run codekit profile --help for its usage", exact=True),
    C("usage-seed-negative-profile", "profile --seed -1", "Error: invalid value for --seed of codekit profile:"),
    C("usage-seed-negative-propose", "propose --seed -1", "Error: invalid value for --seed of codekit propose:"),
    C("usage-seed-negative-sample", "sample --out {t}/s --seed -1", "Error: invalid value for --seed of codekit sample:"),
    C("usage-seed-negative-validate", "validate --seed -1", "Error: invalid value for --seed of codekit validate:"),
    C("usage-seed-negative-report", "report --seed -1", "Error: invalid value for --seed of codekit report:"),
    C("usage-seed-negative-confusion", "confusion --seed -1", "Error: invalid value for --seed of codekit confusion:"),
    C("usage-diff-output", "diff {t}/a {t}/b --output bogus",
      "Error: unknown --output (expected table, markdown, html, json, tdf, found 'bogus')", exact=True),
    C("usage-diff-fail-on", "diff {t}/a {t}/b --fail-on patch", "Error: unknown --fail-on level"),
    C("usage-sample-log-format", "sample --out {t}/s --log-format xml", "Error: unknown error-log format"),
    C("usage-convert-to", "convert {t}/c.csv {t}/o.csv --to xlsx", "Error: codekit cannot write the format 'xlsx'",
      files={"c.csv": CAT}),
    C("usage-convert-log-suffix", "convert-log {t}/e.csv {t}/o.csv", "Error: {t}/o.csv: the converted log must be a Parquet file",
      files={"e.csv": LOG}),
    C("usage-convert-log-exists", "convert-log {t}/e.csv {t}/o.parquet", "Error: {t}/o.parquet: the output exists",
      files={"e.csv": LOG, "o.parquet": b"old"}),
    C("usage-confusion-needs-log", "confusion {t}/c.csv", "Error: codekit confusion needs an error log",
      files={"c.csv": CAT}),
    C("usage-propose-weight", "propose {t}/c.csv --weight text=abc", "Error: weight 'text' is not a number (found 'abc')",
      files={"c.csv": CAT}),
    C("usage-propose-weight-name", "propose {t}/c.csv --weight bogus=1", "Error: cannot read weight 'bogus=1' (expected NAME=NUMBER with NAME one of text", files={"c.csv": CAT}),
    C("usage-propose-strategy", "propose {t}/c.csv --strategy bogus", "Error: unknown strategy", files={"c.csv": CAT}),
    C("usage-columns-for-a-codekit-csv", "profile {t}/c.csv --format csv --columns nyc",
      "Error: {t}/c.csv: columns are named for request rows, but the format is csv", files={"c.csv": CAT}),
    C("usage-format-unknown", "profile {t}/c.csv --format bogus", "Error: unknown format 'bogus'", files={"c.csv": CAT}),

    # --- catalogue files ------------------------------------------------------------------------------
    C("cat-missing", "profile {t}/nope.csv", "Error: {t}/nope.csv: no such file."),
    C("cat-directory", "profile {t}/d", "Error: {t}/d: is a directory, not a file.", setup=_mkdir("d")),
    C("cat-fifo", "profile {t}/f.csv", "Error: {t}/f.csv: is a FIFO (named pipe), not a regular file.",
      setup=_fifo("f.csv")),
    C("cat-device", "profile /dev/null", "Error: /dev/null: is a device, not a regular file."),
    C("cat-path-through-file", "profile {t}/c.csv/x.csv", "Error: {t}/c.csv/x.csv: no such file", files={"c.csv": CAT}),
    C("cat-header-only", "profile {t}/c.csv", "Error: {t}/c.csv: the catalogue has no codes.",
      files={"c.csv": "code,name\n"}),
    C("cat-header-only-convert", "convert {t}/c.csv {t}/o.yaml", "Error: {t}/c.csv: the catalogue has no codes.",
      files={"c.csv": "code,name,division\n\n\n"}),
    C("cat-yaml-no-codes", "profile {t}/c.yaml", "Error: {t}/c.yaml: the catalogue has no codes.",
      files={"c.yaml": YAML_HEAD + "  []\n"}),
    C("cat-parquet-no-rows", "profile {t}/c.parquet", "Error: {t}/c.parquet: the catalogue has no codes.",
      setup=lambda t: _empty_parquet(t / "c.parquet")),
    C("cat-open311-empty-list", "profile {t}/s.json", "Error: {t}/s.json:", files={"s.json": "[]"}),
    C("cat-empty-file", "profile {t}/c.csv", "Error: {t}/c.csv: cannot tell the format of the file", files={"c.csv": ""}),
    C("cat-bom-only", "profile {t}/c.csv", "Error: {t}/c.csv: cannot tell the format of the file",
      files={"c.csv": b"\xef\xbb\xbf"}),
    C("cat-unknown-suffix", "profile {t}/c.dat",
      "Error: {t}/c.dat: cannot tell the format from the file name (expected a name ending in .csv, "
      ".txt, .tsv, .parquet, .pq, .yaml, .yml, .json, .geojson, .xml, found '.dat'). "
      "The content looks like csv: pass --format csv to read it as that", files={"c.dat": CAT}, exact=True),
    C("cat-no-suffix", "convert {t}/catalogue {t}/o.csv", "Error: {t}/catalogue: cannot tell the format from the file name",
      files={"catalogue": CAT}),
    C("cat-random-bytes", "profile {t}/c.csv",
      "Error: {t}/c.csv: the file holds binary data, not text (expected a text file). Check it is the file you meant",
      files={"c.csv": RANDOM}, exact=True),
    C("cat-zip-as-csv", "profile {t}/c.csv", "Error: {t}/c.csv: the file holds a zip archive (an Excel .xlsx workbook?)",
      files={"c.csv": ZIP}),
    C("cat-random-bytes-yaml", "profile {t}/c.yaml", "Error: {t}/c.yaml: the file holds binary data, not text",
      files={"c.yaml": RANDOM}),
    C("cat-random-bytes-parquet", "profile {t}/c.parquet", "Error: {t}/c.parquet: cannot read the Parquet file",
      files={"c.parquet": RANDOM}),
    C("cat-random-bytes-format-csv", "profile {t}/c.bin --format csv", "Error: {t}/c.bin: the file holds binary data",
      files={"c.bin": RANDOM}),
    C("cat-nul-in-name", "profile {t}/c.csv",
      "Error: {t}/c.csv, line 3: code 'A2': the name holds a control character (\\x00).",
      files={"c.csv": "code,name\nA1,Alpha\nA2,Al\x00pha\n"}),
    C("cat-nul-in-code", "profile {t}/c.csv", "Error: {t}/c.csv, line 2: a code holds a control character (\\x00)",
      files={"c.csv": "code,name\nA\x001,Alpha\n"}),
    C("cat-bell-in-division", "convert {t}/c.csv {t}/o.csv", "Error: {t}/c.csv, line 2: code 'A1': the division holds a control character (\\x07)",
      files={"c.csv": "code,name,division\nA1,Alpha,Par\x07ks\n"}),
    C("cat-escape-in-name-yaml", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: code 'A1': the name holds a control character (\\x1b)",
      files={"c.yaml": YAML_HEAD + '  - {code: A1, name: "Al\\e[31mpha"}\n'}),
    C("cat-nul-in-open311-json", "profile {t}/s.json", "Error: {t}/s.json: code 'A1': the name holds a control character (\\x00)",
      files={"s.json": json.dumps([{"service_code": "A1", "service_name": "Al\u0000pha"}])}),
    C("cat-surrogate-in-open311-json", "profile {t}/s.json", "Error: {t}/s.json: code 'A1': the name holds a control character (\\ud800)",
      files={"s.json": '[{"service_code": "A1", "service_name": "Al\\ud800pha"}]'}),
    C("cat-volume-fraction", "profile {t}/c.csv", "Error: {t}/c.csv, line 2: code 'A1': not a whole number (found '12.7')",
      files={"c.csv": "code,name,volume\nA1,Alpha,12.7\n"}),
    C("cat-volume-fraction-yaml", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: code 'A1': not a whole number (found 12.7)",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: Alpha, volume: 12.7}\n"}),
    C("cat-volume-1e400", "profile {t}/c.csv", "Error: {t}/c.csv, line 2: code 'A1': not a finite number",
      files={"c.csv": "code,name,volume\nA1,Alpha,1e400\n"}),
    C("cat-volume-1e400-yaml", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: code 'A1': not a finite number",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: Alpha, volume: 1e400}\n"}),
    C("cat-volume-huge", "convert {t}/c.csv {t}/o.parquet", "Error: {t}/c.csv, line 2: code 'A1': the number is too large",
      files={"c.csv": "code,name,volume\nA1,Alpha,99999999999999999999999\n"}),
    C("cat-volume-negative", "profile {t}/c.csv", "Error: {t}/c.csv, line 2: code 'A1': service code 'A1' has a negative volume",
      files={"c.csv": "code,name,volume\nA1,Alpha,-3\n"}),
    C("cat-volume-text", "profile {t}/c.csv", "Error: {t}/c.csv, line 2: column 'volume' is not a number",
      files={"c.csv": "code,name,volume\nA1,Alpha,lots\n"}),
    C("cat-volume-bool-yaml", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: code 'A1': not a whole number (found True)",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: Alpha, volume: true}\n"}),
    C("cat-ctl-fraction", "profile {t}/c.csv", "Error: {t}/c.csv, line 2: code 'A1': not a whole number (found '2.5')",
      files={"c.csv": "code,name,ctl_level\nA1,Alpha,2.5\n"}),
    C("cat-ctl-fraction-yaml", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: code 'A1': not a whole number (found 2.5)",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: Alpha, ctl_level: 2.5}\n"}),
    C("cat-ctl-unknown", "profile {t}/c.csv", "Error: {t}/c.csv, line 2: code 'A1': service code 'A1' has an unknown Closing-the-Loop level",
      files={"c.csv": "code,name,ctl_level\nA1,Alpha,4\n"}),
    C("cat-sla-inf-yaml", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: code 'A1': not a finite number (expected a finite number (JSON has no Infinity), found inf)",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: Alpha, sla_days: .inf}\n"}),
    C("cat-sla-inf-csv", "convert {t}/c.csv {t}/o.yaml", "Error: {t}/c.csv, line 2: code 'A1': not a finite number",
      files={"c.csv": "code,name,sla_days\nA1,Alpha,inf\n"}),
    C("cat-sla-nan-csv", "profile {t}/c.csv", "Error: {t}/c.csv, line 2: code 'A1': not a number (found 'nan')",
      files={"c.csv": "code,name,sla_days\nA1,Alpha,nan\n"}),
    C("cat-sla-negative", "profile {t}/c.csv", "Error: {t}/c.csv, line 2: code 'A1': service code 'A1' has an SLA that is not",
      files={"c.csv": "code,name,sla_days\nA1,Alpha,-2\n"}),
    C("cat-status-counts-not-mapping", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: code 'A1': status_counts must be a mapping",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: Alpha, status_counts: [1, 2]}\n"}),
    C("cat-status-count-fraction", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: code 'A1': not a whole number",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: Alpha, status_counts: {Closed: 2.5}}\n"}),
    C("cat-fields-not-list", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: code 'A1': fields must be a list of mappings",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: Alpha, fields: 3}\n"}),
    C("cat-field-order-fraction", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: code 'A1': not a whole number",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: Alpha, fields: [{key: k, order: 1.5}]}\n"}),
    C("cat-duplicate-code", "profile {t}/c.csv", "Error: {t}/c.csv, line 3: duplicate code 'A1' on lines 2 and 3",
      files={"c.csv": "code,name\nA1,Alpha\nA1,Beta\n"}),
    C("cat-yaml-duplicate-key", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: duplicate key 'name' (first on line 4)",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: x, name: y}\n"}),
    C("cat-yaml-alias-bomb", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 2: a YAML alias", files={"c.yaml": BOMB}),
    C("cat-yaml-deep", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 1: the YAML nests more than 100 levels deep",
      files={"c.yaml": DEEP_YAML}),
    C("cat-yaml-syntax", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 5: YAML syntax error",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: [x\n"}),
    C("cat-yaml-not-catalogue", "profile {t}/c.yaml", "Error: {t}/c.yaml: not a codekit catalogue", files={"c.yaml": "- a\n- b\n"}),
    C("cat-yaml-version", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 1: unsupported codekit_catalogue version",
      files={"c.yaml": "codekit_catalogue: 9\ncodes: []\n"}),
    C("cat-yaml-codes-mapping", "profile {t}/c.yaml", "Error: {t}/c.yaml: the codes key must hold a list",
      files={"c.yaml": "codekit_catalogue: 1\ncodes: {a: 1}\n"}),
    C("cat-yaml-code-list", "profile {t}/c.yaml", "Error: {t}/c.yaml, line 4: the code must be text",
      files={"c.yaml": YAML_HEAD + "  - {code: [A1], name: x}\n"}),
    C("cat-bom-then-invalid", "profile {t}/c.csv",
      "Error: {t}/c.csv: the file starts with a UTF-8 byte-order mark, but byte 20 is not UTF-8",
      files={"c.csv": b"\xef\xbb\xbfcode,name\nA1,Alph\xff\n"}),
    C("cat-utf16-odd", "profile {t}/c.csv", "Error: {t}/c.csv: the file starts with a UTF-16 byte-order mark, but it has an odd number of bytes",
      files={"c.csv": "code,name\nA1,Alpha\n".encode("utf-16") + b"x"}),
    C("cat-parquet-corrupt", "profile {t}/c.parquet", "Error: {t}/c.parquet: cannot read the Parquet file",
      setup=lambda t: _corrupt_parquet(t / "c.parquet")),
    C("cat-parquet-list-name", "profile {t}/c.parquet", "Error: {t}/c.parquet:",
      setup=lambda t: _parquet({"code": ["A1"], "name": [["x", "y"]]}, t / "c.parquet")),
    C("cat-csv-unclosed-quote", "profile {t}/c.csv", "Error: {t}/c.csv", files={"c.csv": 'code,name\nA1,"Alpha\n'}),
    C("cat-csv-bad-fields-json", "profile {t}/c.csv", "Error: {t}/c.csv, line 2: column 'fields' does not hold valid JSON",
      files={"c.csv": 'code,name,fields\nA1,Alpha,"[{"\n'}),
    C("cat-csv-deep-fields-json", "profile {t}/c.csv", "Error: {t}/c.csv, line 2:",
      files={"c.csv": "code,name,fields\nA1,Alpha," + "[" * 50_000 + "]" * 50_000 + "\n"}),
    C("cat-csv-missing-name-column", "profile {t}/c.csv", "Error: {t}/c.csv, line 1: missing required column 'name'",
      files={"c.csv": "code,title\nA1,Alpha\n"}),
    C("cat-missing-columns-hint-for-validate", "validate {t}/tax --catalogue {t}/c.csv",
      "Error: {t}/c.csv, line 1: missing required column 'name'", files={"c.csv": "code,title\nA1,Alpha\n"},
      setup=_taxdir(only=2)),
    C("cat-sidecar-unknown-code", "profile {t}/c.csv", "Error: {t}/c.fields.csv, line 2: fields given for code 'Z9'",
      files={"c.csv": CAT, "c.fields.csv": "code,key,prompt\nZ9,k,Prompt\n"}),
    C("cat-json-malformed", "profile {t}/s.json", "Error: {t}/s.json, line 1: malformed JSON", files={"s.json": '[{"a": 1,'}),
    C("cat-json-deep", "profile {t}/s.json", "Error: {t}/s.json: the JSON nests too deeply to read", files={"s.json": DEEP_JSON}),
    C("cat-xml-malformed", "profile {t}/s.xml", "Error: {t}/s.xml", files={"s.xml": "<services><service></services>"}),
    C("cat-xml-entity-bomb", "profile {t}/s.xml", "Error: {t}/s.xml",
      files={"s.xml": '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
             "<services><service><service_code>&b;</service_code></service></services>"}),
    C("cat-toronto-taxonomy-header-only", "profile {t}/taxonomy.csv", "Error: {t}/taxonomy.csv",
      files={"taxonomy.csv": "code,division,section,request_type,count\n"}),
    C("cat-rows-missing-column", "profile {t}/r.csv --columns code=Type,name=Name", "Error: {t}/r.csv",
      files={"r.csv": "Kind,Other\nx,y\n"}),
    C("cat-definitions-unknown-code", "profile {t}/c.csv --definitions {t}/d.json",
      "Error: {t}/d.json: the service definition is for code 'Z9'",
      files={"c.csv": CAT, "d.json": json.dumps({"service_code": "Z9", "attributes": []})}),

    # --- error logs ------------------------------------------------------------------------------------
    C("log-missing", "profile {t}/c.csv -e {t}/nope.csv", "Error: {t}/nope.csv: no such file.", files={"c.csv": CAT}),
    C("log-fifo", "profile {t}/c.csv -e {t}/e.csv", "Error: {t}/e.csv: is a FIFO (named pipe), not a regular file.",
      files={"c.csv": CAT}, setup=_fifo("e.csv")),
    C("log-device", "confusion {t}/c.csv -e /dev/zero", "Error: /dev/zero: is a device, not a regular file.",
      files={"c.csv": CAT}),
    C("log-unknown-suffix", "profile {t}/c.csv -e {t}/e.dat",
      "Error: {t}/e.dat: cannot tell the error log's format (expected a .csv or .parquet file, found '.dat'). "
      "End its name in .csv or .parquet", files={"c.csv": CAT, "e.dat": LOG}, exact=True),
    C("log-empty", "profile {t}/c.csv -e {t}/e.csv", "Error: {t}/e.csv: the error log is empty", files={"c.csv": CAT, "e.csv": ""}),
    C("log-header-only", "profile {t}/c.csv -e {t}/e.csv", "Error: {t}/e.csv: the error log has no events",
      files={"c.csv": CAT, "e.csv": LOG.splitlines()[0] + "\n"}),
    C("log-missing-column", "profile {t}/c.csv -e {t}/e.csv", "Error: {t}/e.csv, line 1: the error log lacks the required column kind",
      files={"c.csv": CAT, "e.csv": "timestamp,channel,submitted_code\n2025-01-01,web,A1\n"}),
    C("log-utf16", "profile {t}/c.csv -e {t}/e.csv", "Error: {t}/e.csv: the error log is UTF-16 text",
      files={"c.csv": CAT, "e.csv": LOG.encode("utf-16")}),
    C("log-unclosed-quote", "profile {t}/c.csv -e {t}/e.csv", "Error: {t}/e.csv: the error log is not readable CSV",
      files={"c.csv": CAT, "e.csv": LOG + '2025-01-02,web,recoded,"A1\n'}),
    C("log-unclosed-quote-confusion", "confusion {t}/c.csv -e {t}/e.csv", "Error: {t}/e.csv: the error log is not readable CSV",
      files={"c.csv": CAT, "e.csv": LOG + '2025-01-02,web,recoded,"A1\n'}),
    C("log-parquet-corrupt-page", "profile {t}/c.csv -e {t}/e.parquet", "Error: {t}/e.parquet: the error log's Parquet data is damaged",
      files={"c.csv": CAT}, setup=lambda t: _corrupt_parquet(t / "e.parquet")),
    C("log-parquet-corrupt-page-confusion", "confusion {t}/c.csv -e {t}/e.parquet", "Error: {t}/e.parquet: the error log's Parquet data is damaged",
      files={"c.csv": CAT}, setup=lambda t: _corrupt_parquet(t / "e.parquet")),
    C("log-parquet-list-column", "profile {t}/c.csv -e {t}/e.parquet",
      "Error: {t}/e.parquet: the error log's column 'submitted_code' holds List(String), not single values",
      files={"c.csv": CAT}, setup=lambda t: _parquet({"timestamp": ["2025-01-01"], "channel": ["web"], "kind": ["recoded"],
                                                      "submitted_code": [["A1", "A2"]]}, t / "e.parquet")),
    C("log-parquet-random", "profile {t}/c.csv -e {t}/e.parquet", "Error: {t}/e.parquet: not a readable Parquet file",
      files={"c.csv": CAT, "e.parquet": RANDOM}),
    C("log-convert-log-corrupt", "convert-log {t}/e.parquet {t}/o.parquet", "Error: {t}/e.parquet: the error log's Parquet data is damaged",
      setup=lambda t: _corrupt_parquet(t / "e.parquet")),
    C("log-convert-log-unclosed", "convert-log {t}/e.csv {t}/o.parquet", "Error: {t}/e.csv: the error log is not readable CSV",
      files={"e.csv": LOG + '2025-01-02,web,recoded,"A1\n'}),

    C("log-binary-csv", "convert-log {t}/e.csv {t}/o.parquet",
      "Error: {t}/e.csv: the error log holds binary data, not text (expected CSV text or a Parquet file). "
      "Check it is the file you meant", files={"e.csv": RANDOM}, exact=True),
    C("log-parquet-named-csv", "profile {t}/c.csv -e {t}/e.csv",
      "Error: {t}/e.csv: the error log holds a Parquet file (expected CSV text or a Parquet file). Rename it to end in "
      ".parquet: an error log is read by its suffix", files={"c.csv": CAT}, exact=True,
      setup=lambda t: _parquet({"timestamp": ["2025-01-01"], "channel": ["web"], "kind": ["recoded"],
                                "submitted_code": ["A1"]}, t / "e.csv")),
    C("log-parquet-named-csv-convert-log", "convert-log {t}/e.csv {t}/o.parquet",
      "Error: {t}/e.csv: the error log holds a Parquet file (expected CSV text or a Parquet file). Rename it to end in "
      ".parquet", setup=lambda t: _parquet({"timestamp": ["2025-01-01"], "channel": ["web"], "kind": ["recoded"],
                                            "submitted_code": ["A1"]}, t / "e.csv")),
    C("log-directory", "profile {t}/c.csv -e {t}/d", "Error: {t}/d: is a directory, not a file.", files={"c.csv": CAT},
      setup=_mkdir("d")),

    # --- taxonomy folders ------------------------------------------------------------------------------
    C("tax-missing", "validate {t}/nope", "Error: {t}/nope"),
    C("tax-is-file", "validate {t}/c.csv", "Error: {t}/c.csv", files={"c.csv": CAT}),
    C("tax-bom-then-invalid", "validate {t}/tax", "Error: {t}/tax/zz.yaml: the file starts with a UTF-8 byte-order mark",
      setup=_taxdir({"zz.yaml": b"\xef\xbb\xbfid: x\nlabel: \xff\xfe\x00bad\n"}, only=3)),
    C("tax-utf16-odd", "validate {t}/tax", "Error: {t}/tax/zz.yaml: the file starts with a UTF-16 byte-order mark, but it has an odd number of bytes",
      setup=_taxdir({"zz.yaml": b"\xff\xfei\x00d\x00:\x00 \x00x"}, only=3)),
    C("tax-deep", "validate {t}/tax", "Error: {t}/tax/zz.yaml, line 1: the YAML nests more than 100 levels deep",
      setup=_taxdir({"zz.yaml": DEEP_YAML.encode()}, only=3)),
    C("tax-alias-bomb", "validate {t}/tax", "Error: {t}/tax/zz.yaml, line 2: a YAML alias", setup=_taxdir({"zz.yaml": BOMB.encode()}, only=3)),
    C("tax-binary", "validate {t}/tax", "Error: {t}/tax/zz.yaml: the file holds binary data", setup=_taxdir({"zz.yaml": RANDOM}, only=3)),
    C("tax-syntax", "release {t}/tax --out {t}/dist", "Error: {t}/tax/zz.yaml, line 3: YAML syntax error",
      setup=_taxdir({"zz.yaml": b"id: x\nlabel: [a\n"}, only=3)),
    C("tax-routes-deep", "routes {t}/tax --out {t}/r.csv", "Error: {t}/tax/zz.yaml", setup=_taxdir({"zz.yaml": DEEP_YAML.encode()}, only=3)),

    # --- constraints files -----------------------------------------------------------------------------
    C("cons-max-size-inf", "propose {t}/c.csv --constraints {t}/k.yaml",
      "Error: {t}/k.yaml, line 1: max_size must be a whole number of 1 or more (found inf)",
      files={"c.csv": CAT, "k.yaml": "max_size: .inf\n"}),
    C("cons-max-size-fraction", "propose {t}/c.csv --constraints {t}/k.yaml",
      "Error: {t}/k.yaml, line 1: max_size must be a whole number of 1 or more (found 2.5)",
      files={"c.csv": CAT, "k.yaml": "max_size: 2.5\n"}),
    C("cons-max-size-zero", "propose {t}/c.csv --constraints {t}/k.yaml", "Error: {t}/k.yaml, line 1: max_size must be a whole number",
      files={"c.csv": CAT, "k.yaml": "max_size: 0\n"}),
    C("cons-threshold-text", "propose {t}/c.csv --constraints {t}/k.yaml", "Error: {t}/k.yaml, line 2: threshold must be a number from 0 to 1",
      files={"c.csv": CAT, "k.yaml": "max_size: 3\nthreshold: high\n"}),
    C("cons-categories-bool", "propose {t}/c.csv --constraints {t}/k.yaml", "Error: {t}/k.yaml, line 1: categories must be a whole number",
      files={"c.csv": CAT, "k.yaml": "categories: true\n"}),
    C("cons-deep", "propose {t}/c.csv --constraints {t}/k.yaml", "Error: {t}/k.yaml, line 1: the YAML nests more than 100 levels deep",
      files={"c.csv": CAT, "k.yaml": DEEP_YAML}),
    C("cons-alias-bomb", "propose {t}/c.csv --constraints {t}/k.yaml", "Error: {t}/k.yaml, line 2: a YAML alias",
      files={"c.csv": CAT, "k.yaml": BOMB}),
    C("cons-not-mapping", "propose {t}/c.csv --constraints {t}/k.yaml", "Error: {t}/k.yaml: the constraints file must be a mapping",
      files={"c.csv": CAT, "k.yaml": "- a\n"}),
    C("cons-unknown-key", "propose {t}/c.csv --constraints {t}/k.yaml", "Error: {t}/k.yaml: unknown key in the constraints file: maxsize",
      files={"c.csv": CAT, "k.yaml": "maxsize: 3\n"}),
    C("cons-device", "propose {t}/c.csv --constraints /dev/null", "Error: /dev/null: is a device, not a regular file",
      files={"c.csv": CAT}),
    C("cons-missing", "propose {t}/c.csv --constraints {t}/nope.yaml", "Error: {t}/nope.yaml: no such file", files={"c.csv": CAT}),
    C("cons-bad-pair", "propose {t}/c.csv --constraints {t}/k.yaml", "Error: {t}/k.yaml, line 2: cannot_link entry 1 must be a list of two codes",
      files={"c.csv": CAT, "k.yaml": "cannot_link:\n  - [A1]\n"}),

    # --- releases --------------------------------------------------------------------------------------
    C("rel-manifest-deep", "diff {t}/dist/1.0.0 {t}/dist/1.0.0", "Error: {t}/dist/1.0.0/manifest.json: not a codekit release file: the JSON nests too deeply",
      setup=_tamper("manifest.json", DEEP_JSON)),
    C("rel-manifest-deep-preview", "preview {t}/dist/1.0.0 --out {t}/p.html", "Error: {t}/dist/1.0.0/manifest.json: not a codekit release file",
      setup=_tamper("manifest.json", DEEP_JSON)),
    C("rel-manifest-binary", "diff {t}/dist/1.0.0 {t}/dist/1.0.0", "Error: {t}/dist/1.0.0/manifest.json: not valid JSON",
      setup=_tamper("manifest.json", RANDOM)),
    C("rel-manifest-not-object", "diff {t}/dist/1.0.0 {t}/dist/1.0.0", "Error: {t}/dist/1.0.0/manifest.json", setup=_tamper("manifest.json", "[1, 2]")),
    C("rel-catalogue-tampered", "preview {t}/dist/1.0.0 --out {t}/p.html", "Error: {t}/dist/1.0.0/catalogue.json: checksum mismatch",
      setup=_tamper("catalogue.json", DEEP_JSON)),
    C("rel-catalogue-missing", "diff {t}/dist/1.0.0 {t}/dist/1.0.0", "Error: {t}/dist/1.0.0", setup=_remove("catalogue.json")),
    C("rel-diff-missing-side", "diff {t}/dist/1.0.0 {t}/nope", "Error: {t}/nope", setup=_with_release),

    # --- outputs: refused before anything is written -----------------------------------------------------
    C("out-convert-under-a-file", "convert {t}/c.csv {t}/f/o.csv", "Error: {t}/f/o.csv: cannot write the output: {t}/f is a file, not a folder",
      files={"c.csv": CAT, "f": "x"}),
    C("out-convert-onto-input", "convert {t}/c.yaml {t}/c.yaml --to csv", "Error: {t}/c.yaml: the output is also an input of this command",
      files={"c.yaml": YAML_HEAD + "  - {code: A1, name: Alpha}\n"}),
    C("out-convert-is-folder", "convert {t}/c.csv {t}/d.csv", "Error: {t}/d.csv: the output is a folder", files={"c.csv": CAT},
      setup=_mkdir("d.csv")),
    C("out-convert-into-release", "convert {t}/c.csv {t}/dist/1.0.0/x.csv", "Error: {t}/dist/1.0.0/x.csv: the output lies inside the published release",
      files={"c.csv": CAT}, setup=_with_release),
    C("out-routes-into-release", "routes {t}/tax --out {t}/dist/1.0.0/routing.csv", "Error: {t}/dist/1.0.0/routing.csv: the routing table lies inside the published release",
      setup=_setup_all(_with_release, _taxdir(only=3))),
    C("out-preview-into-release", "preview {t}/dist/1.0.0 --out {t}/dist/1.0.0/catalogue.json",
      "Error: {t}/dist/1.0.0/catalogue.json: the output lies inside the published release", setup=_with_release),
    C("out-report-under-a-file", "report {t}/tax --out {t}/f/r.html", "Error: {t}/f/r.html: cannot write the output",
      files={"f": "x"}, setup=_taxdir(only=3)),
    C("out-report-markdown-under-a-file", "report {t}/tax --out {t}/r.html --markdown {t}/f/r.md", "Error: {t}/f/r.md: cannot write the output",
      files={"f": "x"}, setup=_taxdir(only=3)),
    C("out-confusion-second-output-bad", "confusion {t}/c.csv -e {t}/e.csv --graphml {t}/g.xml --graph-json {t}/f/g.json",
      "Error: {t}/f/g.json: cannot write the output", files={"c.csv": CAT, "e.csv": LOG, "f": "x"}),
    C("out-routes-under-a-file", "routes {t}/tax --out {t}/f/r.csv",
      "Error: {t}/f/r.csv: cannot write the routing table: {t}/f is a file, not a folder", files={"f": "x"},
      setup=_taxdir(only=3)),
    C("out-sample-is-file", "sample --out {t}/f", "Error: {t}/f: the output folder is a file, not a folder", files={"f": "x"}),
    C("out-sample-not-empty", "sample --out {t}/d", "Error: {t}/d: the output folder is not empty", files={"d/keep.txt": "mine"}),
    C("out-propose-is-file", "propose {t}/c.csv --out {t}/f", "Error: {t}/f: the output folder is a file, not a folder",
      files={"c.csv": CAT, "f": "x"}),
    C("out-propose-holds-input", "propose {t}/d/c.csv --out {t}/d --force", "Error: {t}/d: the output folder holds an input",
      files={"d/c.csv": CAT}),
    C("out-release-is-file", "release {t}/tax --out {t}/f", "Error: {t}/f:", files={"f": "x"}, setup=_taxdir(only=3)),
    C("out-convert-log-into-release", "convert-log {t}/e.csv {t}/dist/1.0.0/e.parquet",
      "Error: {t}/dist/1.0.0/e.parquet: the output lies inside the published release", files={"e.csv": LOG}, setup=_with_release),
]


def _snapshot(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink() or not (p.is_file() or p.is_dir()):
            out[rel] = "special"
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _options(command: str) -> set[str]:
    import typer

    from codekit.cli import app

    group = typer.main.get_command(app)
    cmd = group.commands.get(command)
    opts = {"--help", "--debug", "--version"}
    for p in getattr(cmd, "params", []) if cmd is not None else []:
        opts.update(o for o in [*getattr(p, "opts", []), *getattr(p, "secondary_opts", [])] if o.startswith("--"))
    return opts


def _prepare(case: Case, t: Path) -> list[str]:
    for name, data in case.files.items():
        p = t / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if case.setup is not None:
        case.setup(t)
    return [w.format(t=t) for w in case.argv.split(" ")]


def assert_one_error_line(r, expect: str, code: int, exact: bool = False) -> str:
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    assert r.exit_code == code, (r.exit_code, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and r.stderr.endswith("\n"), r.stderr
    line = lines[0]
    assert line.startswith("Error: "), line
    if exact:
        assert line == expect
    else:
        assert line.startswith(expect), (line, expect)
    assert r.stdout == ""
    return line


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, monkeypatch) -> None:
    t = tmp_path / "w"
    t.mkdir()
    # the bundled example project's inputs (the sample city), from a folder above: commands given no
    # --catalogue read it, as they do in this repository; the snapshot of t does not include it
    (tmp_path / "codekit.toml").write_text('[inputs]\ncatalogue = "sample:311"\n', encoding="utf-8")
    argv = _prepare(case, t)
    monkeypatch.chdir(t)
    monkeypatch.delenv("CODEKIT_PROJECT", raising=False)
    before = _snapshot(t)
    r = run_cli(*argv)
    line = assert_one_error_line(r, case.expect.format(t=t), case.code, case.exact)
    assert _snapshot(t) == before, "the command wrote or changed files although it failed"
    command = next((w for w in argv if not w.startswith("-")), "")
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", line.split(f"{t}")[-1])) - set(argv)
    assert named <= _options(command), f"the error line names options {command} lacks: {named - _options(command)}"


def test_at_least_a_hundred_cases() -> None:
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)
