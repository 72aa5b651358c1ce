"""Fuzzing every loader: random bytes, random text and mutated valid files either load or raise a
CodekitError, never anything else (no traceback reaches a user).

Deterministic (``derandomize=True``) and modest (a few dozen examples per loader), so the suite stays fast;
run with ``CODEKIT_FUZZ_EXAMPLES=2000`` for a longer hunt.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codekit.errors import CodekitError

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("CODEKIT_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=N, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CAT_CSV = (
    "code,name,division,section,description,keywords,volume,sla_days,ctl_level,status,fields\n"
    'A1,Pothole,Transportation,Roads,A hole,"hole; road",120,2.5,2,active,'
    '"[{""key"":""size"",""prompt"":""How big?"",""datatype"":""singlevaluelist"",""values"":[{""key"":""s""}]}]"\n'
    "A2,Graffiti,Parks,Forestry,Paint,paint,30,,1,retired,\n"
)
CAT_YAML = (
    "codekit_catalogue: 1\nname: t\ncodes:\n"
    "  - {code: A1, name: Pothole, division: Transportation, volume: 120, sla_days: 2.5, ctl_level: 2}\n"
    "  - code: A2\n    name: Graffiti\n    keywords: [paint, wall]\n"
    "    fields:\n      - {key: where, prompt: Where?, datatype: string, required: true}\n"
)
OPEN311_JSON = json.dumps([
    {"service_code": "A1", "service_name": "Pothole", "description": "A hole", "metadata": True, "type": "realtime",
     "keywords": "hole,road", "group": "Streets"},
    {"service_code": "A2", "service_name": "Graffiti", "metadata": False, "type": "batch", "group": "Parks"},
])
OPEN311_XML = (
    '<?xml version="1.0" encoding="utf-8"?><services><service><service_code>A1</service_code>'
    "<service_name>Pothole</service_name><group>Streets</group><metadata>false</metadata></service>"
    "<service><service_code>A2</service_code><service_name>Graffiti</service_name></service></services>"
)
TORONTO_TAXONOMY = "code,division,section,request_type,count\n1,Transportation,Roads,Pothole,120\n2,Parks,Forestry,Tree,3\n"
TORONTO_REQUESTS = (
    "Creation Date,Status,First 3 Chars of Postal Code,Intersection Street 1,Intersection Street 2,Ward,"
    "Service Request Type,Division,Section\n"
    "2024-01-01 10:00:00,Completed,M5V,,,Ward 1,Pothole,Transportation Services,Road Operations\n"
    "2024-01-02 10:00:00,Cancelled,M5V,,,Ward 1,Graffiti,Parks,Forestry\n"
)
NYC_ROWS = ("Created Date,Agency,Complaint Type,Descriptor,Status\n"
            "01/01/2024 10:00:00 AM,DOT,Street Condition,Pothole,Closed\n"
            "01/02/2024 10:00:00 AM,DSNY,Dirty Condition,Trash,Open\n")
ERROR_LOG = ("event_id,timestamp,channel,kind,submitted_code,correct_code\n"
             "1,2025-01-01T10:00:00Z,web,recoded,A1,A2\n2,2025-01-02 11:00,phone,cancelled,A2,\n"
             "3,2025-01-03,app,transferred,A2,A1\n")
CONSTRAINTS = "must_link:\n  - [A1, A2]\ncannot_link:\n  - [A1, A3]\nmax_size: 12\nthreshold: 0.7\n"
CATEGORY = (ROOT / "taxonomy" / "bin-placement.yaml").read_bytes()


@st.composite
def mutated(draw, seed: bytes):
    """``seed`` with a few random edits: bytes flipped, inserted (often syntax characters), deleted, cut."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "cut", "dup"]))
        if not data:
            op = "insert"
        i = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "insert":
            ins = draw(st.one_of(st.binary(min_size=1, max_size=8),
                                 st.sampled_from([b'"', b",", b"\n", b"[", b"{", b"}", b"]", b":", b"<", b">", b"&",
                                                  b"- ", b"\x00", b"\xff", b"'", b"*a", b"&a ", b"1e400", b".inf",
                                                  b"\t", b"\r", b"=", b"\\u0000", b"NaN"])))
            data[i:i] = ins
        elif op == "delete":
            del data[i:i + draw(st.integers(1, 20))]
        elif op == "cut":
            del data[i:]
        else:
            j = draw(st.integers(i, min(len(data), i + 40)))
            data[j:j] = data[i:j]
    return bytes(data)


def _inputs(seed: bytes):
    return st.one_of(st.binary(max_size=600), st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
                     mutated(seed))


def _loads_or_codekit_error(fn, *args, **kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except CodekitError:
        pass


class _Tmp:
    """One temporary folder per test function (hypothesis re-runs the body many times)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="codekit-fuzz-"))

    def write(self, name: str, data: bytes) -> Path:
        p = self.dir / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        return p


@pytest.fixture(scope="module")
def tmp():
    t = _Tmp()
    yield t
    shutil.rmtree(t.dir, ignore_errors=True)


def _parquet_bytes(text: str) -> bytes:
    import polars as pl

    buf = io.BytesIO()
    pl.read_csv(io.StringIO(text), infer_schema=False).write_parquet(buf, compression="uncompressed")
    return buf.getvalue()


CATALOGUE_SEEDS = {
    "c.csv": (CAT_CSV.encode(), None),
    "c.yaml": (CAT_YAML.encode(), None),
    "s.json": (OPEN311_JSON.encode(), None),
    "s.xml": (OPEN311_XML.encode(), None),
    "taxonomy.csv": (TORONTO_TAXONOMY.encode(), None),
    "requests.csv": (TORONTO_REQUESTS.encode(), None),
    "nyc.csv": (NYC_ROWS.encode(), "nyc"),
}


@pytest.mark.parametrize("name", sorted(CATALOGUE_SEEDS))
def test_catalogue_loader_never_crashes(name, tmp):
    from codekit.io.catalogue import load_catalogue

    seed, columns = CATALOGUE_SEEDS[name]
    _loads_or_codekit_error(load_catalogue, tmp.write(name, seed), columns=columns)  # the seed itself loads

    @FUZZ
    @given(data=_inputs(seed), as_named=st.booleans())
    def run(data, as_named):
        p = tmp.write(name, data)
        fmt = {"c.csv": "csv", "c.yaml": "yaml", "s.json": "open311-json", "s.xml": "open311-xml",
               "taxonomy.csv": "toronto-taxonomy", "requests.csv": "toronto-requests", "nyc.csv": "rows"}[name]
        _loads_or_codekit_error(load_catalogue, p, format=fmt if as_named else None, columns=columns)

    run()


def test_catalogue_seeds_are_valid(tmp):
    from codekit.io.catalogue import load_catalogue

    for name, (seed, columns) in CATALOGUE_SEEDS.items():
        assert len(load_catalogue(tmp.write(name, seed), columns=columns)) >= 1, name


def test_parquet_catalogue_never_crashes(tmp):
    from codekit.io.catalogue import load_catalogue

    seed = _parquet_bytes(CAT_CSV)
    assert len(load_catalogue(tmp.write("c.parquet", seed))) == 2

    @FUZZ
    @given(data=st.one_of(st.binary(max_size=600), mutated(seed)))
    def run(data):
        _loads_or_codekit_error(load_catalogue, tmp.write("c.parquet", data))

    run()


def _aggregate(path: Path) -> None:
    from codekit.analyse.errorstats import raw_tables
    from codekit.io.errorlog import scan_error_log

    log = scan_error_log(path)
    raw_tables(log)
    log.collect()


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_error_log_loader_never_crashes(suffix, tmp):
    seed = ERROR_LOG.encode() if suffix == "csv" else _parquet_bytes(ERROR_LOG)
    _aggregate(tmp.write(f"e.{suffix}", seed))

    @FUZZ
    @given(data=_inputs(seed))
    def run(data):
        _loads_or_codekit_error(_aggregate, tmp.write(f"e.{suffix}", data))

    run()


def test_taxonomy_loader_never_crashes(tmp):
    from codekit.taxonomy.load import load_taxonomy

    folder = tmp.dir / "tax"
    tmp.write("tax/bin-placement.yaml", CATEGORY)
    assert len(load_taxonomy(folder)) == 1

    @FUZZ
    @given(data=_inputs(CATEGORY))
    def run(data):
        tmp.write("tax/bin-placement.yaml", data)
        _loads_or_codekit_error(load_taxonomy, folder)

    run()


def test_constraints_loader_never_crashes(tmp):
    from codekit.propose.constraints import load_constraints

    seed = CONSTRAINTS.encode()
    load_constraints(tmp.write("k.yaml", seed))

    @FUZZ
    @given(data=_inputs(seed))
    def run(data):
        _loads_or_codekit_error(load_constraints, tmp.write("k.yaml", data))

    run()


@pytest.fixture(scope="module")
def small_release(tmp):
    from codekit.release.build import build_release

    cat = tmp.write("rel/catalogue.yaml", CAT_YAML.replace("A2\n    name", "A2\n    status: retired\n    name").encode())
    tax = tmp.dir / "rel" / "tax"
    tax.mkdir()
    (tax / "potholes.yaml").write_text(
        "codekit_taxonomy: 1\nid: potholes\nlabel: Pothole\ndescription: A hole in the road.\n"
        "groups: [Roads]\nroutes:\n  - when: {}\n    code: A1\n    division: Transportation\n", encoding="utf-8")
    return build_release(tax, cat, tmp.dir / "rel" / "dist").path


@pytest.mark.parametrize("target", ["manifest.json", "catalogue.json", "status.json"])
def test_release_reader_never_crashes(target, tmp, small_release):
    from codekit.release.read import load_release

    load_release(small_release)
    work = tmp.dir / "relcopy"
    original = (small_release / target).read_bytes()

    @FUZZ
    @given(data=st.one_of(st.binary(max_size=400), mutated(original)))
    def run(data):
        if work.exists():
            shutil.rmtree(work)
        shutil.copytree(small_release, work)
        for p in work.rglob("*"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        (work / target).write_bytes(data)
        _loads_or_codekit_error(load_release, work)

    run()
