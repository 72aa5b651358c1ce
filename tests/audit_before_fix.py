"""Audit for issue 10's done-when "every example above has a test that failed before the fix".

For each example the issue names, the tests on this branch that cover it are run twice: against the code as it
was before the hardening work (commit ``6f0e0b6``, unpacked with ``git archive`` into a temporary folder, with
*this* branch's ``tests/`` copied over its own) and against this checkout. An example is proven when at least
one of its tests fails on the old code and passes here. The table goes to ``tests/BEFORE_FIX.md``.

Run it from the repository root (it takes a few minutes; it is not collected by pytest)::

    PYTHONPATH=$PWD/src /work/main/.venv/bin/python tests/audit_before_fix.py [--old 6f0e0b6] [--out tests/BEFORE_FIX.md]

The old code hangs on some inputs (a FIFO, ``/dev/zero``) and runs for minutes on others (the 4,400-route
category): every test runs under a per-test alarm (:data:`PER_TEST` seconds, a small pytest plugin written to
the temporary folder) and every pytest run under ``timeout``; a test stopped by either counts as failed
("timeout"). A test "fails on old" for one of two reasons, both shown: the behaviour was wrong, or the API the
test calls did not exist yet (an ImportError/AttributeError); the second kind is marked "api" and does not count
as proof on its own.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PER_TEST = 100  # seconds a test may run before the alarm stops it
PER_RUN = 900  # seconds one pytest run may take

B = "tests/test_badinput_cli.py::test_bad_input"
S = "tests/test_output_safety.py"
CB = "tests/test_cli_boundary.py"
G = "tests/test_before_fix_gaps.py"

#: (example as the issue words it, [test node ids])
EXAMPLES: list[tuple[str, list[str]]] = [
    ("`routes --out` inside a published release", [f"{S}::test_routes_refuses_to_write_into_a_published_release",
                                                   f"{B}[out-routes-into-release]"]),
    ("`preview --out` inside the release it reads", [f"{S}::test_preview_refuses_to_write_into_the_release_it_reads",
                                                     f"{B}[out-preview-into-release]"]),
    ("`convert same.yaml same.yaml` writes over its input", [f"{S}::test_convert_refuses_to_write_over_its_own_input",
                                                             f"{B}[out-convert-onto-input]"]),
    ("`propose --out DIR --force` deletes files codekit never wrote",
     ["tests/test_propose_cli.py::test_refuses_a_non_empty_output_without_force"]),
    ("`report --markdown` into a missing folder leaves a half-written output",
     [f"{S}::test_report_with_a_markdown_path_in_a_missing_folder_leaves_the_html_untouched",
      f"{B}[out-report-markdown-under-a-file]"]),
    ("`confusion --graph-json` into a missing folder leaves a half-written output",
     [f"{S}::test_confusion_with_a_json_path_in_a_missing_folder_leaves_the_graphml_untouched",
      f"{B}[out-confusion-second-output-bad]"]),
    ("YAML alias bomb in a `--constraints` file", [f"{B}[cons-alias-bomb]"]),
    ("catalogue YAML keeps the last of two duplicate keys", [f"{B}[cat-yaml-duplicate-key]"]),
    ("catalogue YAML reads `code: NO` as False", [f"{CB}::test_yaml_catalogue_code_no_stays_the_string_no"]),
    ("`diff --output tdf` writes formula cells as they are", [f"{G}::test_tdf_neutralises_formula_cells"]),
    ("control characters in names reach open311/services.xml",
     [f"{S}::test_control_characters_in_names_keep_open311_xml_well_formed"]),
    ("control characters in names reach GraphML", [f"{S}::test_control_characters_in_names_keep_graphml_well_formed"]),
    ("`sla_days: .inf` released as Infinity", [f"{S}::test_an_infinite_sla_is_never_released_as_infinity",
                                               f"{B}[cat-sla-inf-yaml]"]),
    ("`volume: 12.7` truncated silently", [f"{B}[cat-volume-fraction]", f"{B}[cat-volume-fraction-yaml]"]),
    ("`ctl_level: 2.5` truncated silently", [f"{B}[cat-ctl-fraction]", f"{B}[cat-ctl-fraction-yaml]"]),
    ("`volume: 1e400` gives a traceback", [f"{B}[cat-volume-1e400]", f"{B}[cat-volume-1e400-yaml]"]),
    ("an impossible `--built-at` is written into a release",
     [f"{S}::test_an_impossible_built_at_is_refused[2026-02-30T10:00:00Z]"]),
    ("`release --version 0.9.0` accepted after 1.0.0", [f"{S}::test_a_version_older_than_the_latest_published_is_refused"]),
    ("rich markup in data or paths crashes validate and confusion",
     [f"{CB}::test_confusion_prints_names_with_markup", f"{CB}::test_validate_prints_bracketed_facts_and_odd_folder_names",
      f"{CB}::test_profile_prints_markup_in_data_and_paths_as_text"]),
    ("finding messages lose their bracketed facts (`e.g. [where=park]`)",
     [f"{CB}::test_validate_prints_bracketed_facts_and_odd_folder_names", f"{CB}::test_plain_table_keeps_brackets"]),
    ("error log with a non-UTF-8 byte in a code", [f"{CB}::test_an_error_log_with_a_byte_that_is_not_utf8_still_profiles"]),
    ("error log with an unclosed quote", [f"{B}[log-unclosed-quote]", f"{B}[log-unclosed-quote-confusion]"]),
    ("error log with a corrupt Parquet page", [f"{B}[log-parquet-corrupt-page]", f"{B}[log-parquet-corrupt-page-confusion]"]),
    ("error log with a list-typed column", [f"{B}[log-parquet-list-column]"]),
    ("error log that is a FIFO", [f"{B}[log-fifo]", f"{B}[cat-fifo]"]),
    ("read-only output folder (PermissionError)", [f"{CB}::test_read_only_output_folder_is_one_line"]),
    ("non-directory output folder (NotADirectoryError)", [f"{B}[out-convert-under-a-file]", f"{B}[out-routes-under-a-file]",
                                                          f"{B}[out-sample-is-file]"]),
    ("taxonomy file with a BOM and then invalid bytes", [f"{B}[tax-bom-then-invalid]", f"{B}[cat-bom-then-invalid]"]),
    ("UTF-16 with an odd byte count", [f"{B}[tax-utf16-odd]", f"{B}[cat-utf16-odd]"]),
    ("400 nested brackets", [f"{B}[tax-deep]", f"{B}[cat-yaml-deep]", f"{B}[cons-deep]"]),
    ("release manifest nested 50,000 levels deep", [f"{B}[rel-manifest-deep]", f"{B}[rel-manifest-deep-preview]"]),
    ("`sample --seed -1`", [f"{B}[usage-seed-negative-sample]"]),
    ("`max_size: .inf`", [f"{B}[cons-max-size-inf]"]),
    ("a 4,400-route category makes `validate` run for minutes", [f"{G}::test_validate_never_scans_every_route_for_every_answer_combination",
                                                                 f"{G}::test_a_4400_route_category_validates"]),
    ("an exception that is not a CodekitError: one line, exit 3 (never 1)",
     [f"{CB}::test_an_unexpected_exception_is_one_line_exit_3", f"{CB}::test_an_internal_error_is_never_exit_1"]),
    ("bad usage gives typer's five-line panel, not one `Error:` line",
     [f"{B}[usage-unknown-option]", f"{B}[usage-missing-argument]", f"{B}[usage-unknown-command]"]),
    ("hints name options the command lacks (`--log-format` from `profile`)",
     [f"{CB}::test_a_hint_never_names_an_option_the_command_lacks"]),
    ("binary bytes of a mislabelled file echoed into the message", [f"{B}[cat-random-bytes]", f"{B}[log-binary-csv]"]),
    ("SIGINT gives one `Error: interrupted` line", [f"{CB}::test_keyboard_interrupt_is_one_line_exit_130",
                                                    f"{CB}::test_sigint_during_a_write_is_one_line_and_leaves_nothing_behind"]),
    ("interrupted writes leave `.tmp-*` behind", [f"{CB}::test_stale_temporaries_of_a_dead_writer_are_removed_on_the_next_write"]),
    ("a header-only catalogue (0 codes) profiles as a success", [f"{B}[cat-header-only]", f"{B}[cat-parquet-no-rows]"]),
    ("a file with an unknown extension is read as CSV without a word", [f"{B}[cat-unknown-suffix]"]),
    ("NUL bytes inside names are accepted", [f"{B}[cat-nul-in-name]", f"{B}[cat-nul-in-code]"]),
    ("random bytes give `_csv.Error` tracebacks (fuzz every loader)",
     [f"{B}[cat-random-bytes]", "tests/test_fuzz_loaders.py::test_catalogue_loader_never_crashes[c.csv]"]),
    ("`code-renamed` reported when only a description changed", [f"{G}::test_description_only_change_is_not_code_renamed"]),
    ("`make_strategy` silently drops parameters", [f"{S}::test_make_strategy_refuses_parameters_the_strategy_does_not_take"]),
    ("the distance threshold has two defaults (0.7 and 0.75)", [
        f"{G}::test_the_strategy_and_the_proposal_share_one_distance_threshold_default",
        f"{S}::test_one_distance_threshold_default"]),
    ("status.json names a schema that is not generated", [f"{S}::test_status_json_names_a_committed_schema_it_validates_against"]),
]

PLUGIN = '''
import signal, pytest

class _Timeout(Exception):
    pass

def _alarm(signum, frame):
    raise _Timeout("audit: the test ran longer than {secs} s")

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm({secs})
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
'''

API_ERRORS = ("ImportError: cannot import name", "ModuleNotFoundError:", "AttributeError: module", "fixture '")


def _tree_of_old(commit: str, work: Path) -> Path:
    old = work / "old"
    old.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    shutil.rmtree(old / "tests")
    shutil.copytree(ROOT / "tests", old / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    return old


def _run(tree: Path, nodes: list[str], work: Path, tag: str) -> dict[str, tuple[str, str]]:
    """{node: (outcome, first line of the failure)} for ``nodes`` run in ``tree``."""
    plugdir = work / "plugin"
    plugdir.mkdir(exist_ok=True)
    (plugdir / "audit_alarm.py").write_text(PLUGIN.format(secs=PER_TEST), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree / "src"), str(tree), str(plugdir)]),
           "PYTHONDONTWRITEBYTECODE": "1"}
    xml = work / f"{tag}.xml"
    cmd = ["timeout", "-s", "KILL", str(PER_RUN), sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
           "-p", "audit_alarm", f"--junitxml={xml}", "-o", "junit_family=xunit1", *nodes]
    subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    results: dict[str, tuple[str, str]] = {}
    if xml.exists():
        for case in ET.parse(xml).getroot().iter("testcase"):
            file = case.get("file") or case.get("classname", "").replace(".", "/") + ".py"
            node = f"{file}::{case.get('name')}"
            outcome, why = "passed", ""
            for child in case:
                if child.tag in ("failure", "error"):
                    outcome = "failed"
                    why = (child.get("message") or child.text or "").strip().splitlines()[0][:160] if (
                        child.get("message") or child.text) else ""
                    text = (child.text or "") + (child.get("message") or "")
                    if "audit: the test ran longer" in text:
                        outcome, why = "timeout", f"ran longer than {PER_TEST} s"
                    elif any(why.startswith(a) for a in API_ERRORS):
                        outcome = "failed (api)"
                elif child.tag == "skipped":
                    outcome, why = "skipped", (child.get("message") or "")[:160]
            results[node] = (outcome, why)
    missing = [n for n in nodes if n not in results]
    if missing and len(nodes) > 1:  # the run died (a hang below Python): run what is left one by one
        for n in missing:
            results.update(_run(tree, [n], work, f"{tag}-{len(results)}") or {n: ("timeout", "")})
    for n in missing:
        results.setdefault(n, ("timeout" if len(nodes) == 1 else "not run", f"no result within {PER_RUN} s"))
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="6f0e0b6", help="the commit before the fix (default 6f0e0b6)")
    ap.add_argument("--out", default=str(ROOT / "tests" / "BEFORE_FIX.md"))
    args = ap.parse_args(argv)
    nodes = sorted({n for _, ns in EXAMPLES for n in ns})
    with tempfile.TemporaryDirectory(prefix="codekit-audit-") as tmp:
        work = Path(tmp)
        old_tree = _tree_of_old(args.old, work)
        old = _run(old_tree, nodes, work, "old")
        new = _run(ROOT, nodes, work, "new")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    lines = [
        "# Every example of issue 10 has a test that failed before the fix",
        "",
        f"Generated by `tests/audit_before_fix.py` (old code: `{args.old}`; this code: `{head}` plus the working tree).",
        "Regenerate from the repository root with",
        "",
        "    PYTHONPATH=$PWD/src /work/main/.venv/bin/python tests/audit_before_fix.py",
        "",
        "Each test runs on the old code with this branch's `tests/` copied over it. \"failed (api)\" means the old",
        "code lacked a function the test calls; \"timeout\" means the old code hung or ran longer than "
        f"{PER_TEST} s. An example is **proven** when one of its tests fails on the old code for a reason other "
        "than a missing API and passes on this code.",
        "",
        "| example | test | old (6f0e0b6) | this code | proven |",
        "|---|---|---|---|---|",
    ]
    unproven = []
    for example, ns in EXAMPLES:
        proven = any(old[n][0] in ("failed", "timeout") and new[n][0] == "passed" for n in ns)
        if not proven:
            unproven.append(example)
        for i, n in enumerate(ns):
            o, why = old[n]
            why = re.sub(r"/tmp/codekit-audit-\w+/old", "<old>", why)  # temporary folders: same text every run
            why = re.sub(r"/tmp/pytest-of-[^/]+/pytest-\d+/", "<tmp>/", why)
            cell = o + (f": {why}" if why and o != "passed" else "")
            cell = cell.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {example if i == 0 else ''} | `{n.removeprefix('tests/')}` | {cell} | {new[n][0]} | "
                         f"{('yes' if proven else '**no**') if i == 0 else ''} |")
    lines += ["", f"{len(EXAMPLES) - len(unproven)} of {len(EXAMPLES)} examples proven."]
    if unproven:
        lines += ["", "Not proven:", *[f"- {u}" for u in unproven]]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[-3:]))
    return 0 if not unproven else 1


if __name__ == "__main__":
    sys.exit(main())
