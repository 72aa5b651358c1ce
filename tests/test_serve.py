"""`codekit serve`: releases over HTTP, read-only; ETags, the latest alias, Open311, /suggest, traversal."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
import warnings
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture()
def dist(tmp_path) -> Path:
    """An output folder with two published versions: the test release (1.0.0) and the bundled one as 1.1.0."""
    d = tmp_path / "dist"
    shutil.copytree(GOLDEN / "v1.0.0", d / "1.0.0")
    # the bundled sample release, published under its own version number
    shutil.copytree(GOLDEN / "bundled-v1.0.0", tmp_path / "bundled")
    return d


@pytest.fixture()
def client(dist):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from codekit.serve import create_app

    return TestClient(create_app(dist))


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def test_health_and_versions(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "versions": ["1.0.0"], "latest": "1.0.0"}


def test_files_carry_the_manifest_hash_as_etag_and_are_immutable(client, dist):
    m = _manifest(dist / "1.0.0")
    r = client.get("/releases/1.0.0/catalogue.json")
    assert r.status_code == 200
    assert r.content == (dist / "1.0.0" / "catalogue.json").read_bytes()
    assert r.headers["etag"] == f'"{m["files"]["catalogue.json"]["sha256"]}"'
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["content-type"].startswith("application/json")
    again = client.get("/releases/1.0.0/catalogue.json", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/releases/1.0.0/catalogue.json", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200


def test_latest_alias_is_not_cached_forever(client, dist):
    r = client.get("/releases/latest/routing.csv")
    assert r.status_code == 200
    assert r.content == (dist / "1.0.0" / "routing.csv").read_bytes()
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["x-codekit-release"] == "1.0.0"


def test_open311_list_and_definitions(client, dist):
    r = client.get("/open311/v2/services.json")
    assert r.status_code == 200
    assert r.json() == json.loads((dist / "1.0.0" / "open311" / "services.json").read_text())
    xml = client.get("/open311/v2/services.xml")
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    d = client.get("/open311/v2/services/pothole.json")
    assert d.status_code == 200 and d.json()["service_code"] == "pothole"
    assert client.get("/open311/v2/services/nope.json").status_code == 404
    disc = client.get("/open311/v2/discovery.json").json()
    assert disc["endpoints"][0]["url"].endswith("/open311/v2")


@pytest.mark.parametrize("path", [
    "/releases/1.0.0/../../../etc/passwd",
    "/releases/1.0.0/%2e%2e/%2e%2e/etc/passwd",
    "/releases/1.0.0/..%2fmanifest.json",
    "/releases/1.0.0//etc/passwd",
    "/releases/1.0.0/%2Fetc%2Fpasswd",
    "/releases/latest/..%5c..%5cmanifest.json",
    "/releases/9.9.9/catalogue.json",
])
def test_path_traversal_reaches_nothing(client, path):
    r = client.get(path)
    assert r.status_code in (400, 404)
    assert b"root:" not in r.content
    assert "error" in r.json()


def test_unknown_routes_and_methods_are_json_4xx(client):
    r = client.get("/nope")
    assert r.status_code == 404 and r.json()["error"]
    r = client.post("/releases/1.0.0/catalogue.json")
    assert r.status_code == 405 and r.json()["error"]


def test_suggest_from_the_release_catalogue(client):
    r = client.get("/suggest", params={"q": "there is a huge hole in the road", "k": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == "1.0.0"
    assert [s["category"] for s in body["suggestions"]][0] == "pothole"
    assert len(body["suggestions"]) == 2


def test_suggest_bad_input_is_4xx_and_escaped(client):
    assert client.get("/suggest").status_code == 400
    assert client.get("/suggest", params={"q": "   "}).status_code == 400
    assert client.get("/suggest", params={"q": "hole", "k": "many"}).status_code == 400
    assert client.get("/suggest", params={"q": "x" * 6000}).status_code == 413
    r = client.get("/suggest", params={"q": "<script>alert(1)</script> pothole"})
    assert r.status_code == 200
    assert b"<script>" not in r.content and b"\\u003cscript\\u003e" in r.content


def test_a_tampered_release_is_refused_at_start(dist):
    p = dist / "1.0.0" / "routing.csv"
    p.write_bytes(p.read_bytes() + b"x\n")
    r = run_cli("serve", str(dist), "--check")
    assert r.exit_code == 2
    line = r.stderr.strip().splitlines()
    assert len(line) == 1 and line[0].startswith("Error: ") and "checksum mismatch for routing.csv" in line[0]


def test_unknown_release_folder(tmp_path):
    r = run_cli("serve", str(tmp_path / "nope"))
    assert r.exit_code == 2
    assert r.stderr.strip() == f"Error: {tmp_path / 'nope'}: no such release folder. Give dist/ (built by `codekit release`) or dist/X.Y.Z"


def test_a_folder_of_drafts_only_names_them(tmp_path):
    d = tmp_path / "dist"
    for n in ("1.0.0-draft.2", "1.0.0-draft.10"):
        shutil.copytree(GOLDEN / "v1.0.0", d / n)
    r = run_cli("serve", str(d))
    assert (r.exit_code, r.stderr.strip()) == (2, f"Error: {d}: no published release in this folder, only drafts "
                                                  f"(found 1.0.0-draft.2, 1.0.0-draft.10). Serve a draft by its folder "
                                                  f"(codekit serve {d / '1.0.0-draft.10'}), or publish with "
                                                  "`codekit release`")


def test_serve_check_lists_versions(dist, tmp_path):
    shutil.copytree(tmp_path / "bundled", dist / "1.1.0")
    # the bundled release says 1.0.0 inside: two folders with one version are refused, so rename is not enough
    r = run_cli("serve", str(dist), "--check", "--json")
    assert r.exit_code == 2 and "same version" in r.stderr
    shutil.rmtree(dist / "1.1.0")
    r = run_cli("serve", str(dist / "1.0.0"), "--check", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["versions"] == ["1.0.0"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_server_over_http(dist):
    import urllib.request

    import uvicorn

    from codekit.serve import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(dist), host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        assert server.started
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as resp:
            assert resp.status == 200 and json.loads(resp.read())["latest"] == "1.0.0"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/suggest?q=pothole", timeout=60) as resp:
            assert json.loads(resp.read())["suggestions"][0]["category"] == "pothole"
    finally:
        server.should_exit = True
        th.join(timeout=10)


def test_route_answers_to_code_division_and_fields(client):
    r = client.post("/route", json={"category": "pothole", "answers": {"where": "lane", "hazard": "yes"}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["target"], body["code"], body["division"]) == ("code", "RD-LANE", "Transportation Services")
    tree = client.post("/route", json={"category": "tree", "answers": {"where": "private"}}).json()
    assert tree["target"] == "referral" and tree["referral"]["to"] == "The property owner"


@pytest.mark.parametrize("body,status,words", [
    (b"{not json", 400, "not JSON"),
    (b"\xff\xfe\xfa", 400, "not JSON"),
    (b'{"answers": {}}', 400, "names no category"),
    (b'{"category": "nope", "answers": {}}', 404, "no such category"),
    (b'{"category": "pothole", "answers": {"colour": "red"}}', 400, "no such question"),
    (b'{"category": "pothole", "answers": {"where": "moon"}}', 400, "not one of the question's values"),
    (b'{"category": "pothole", "answers": {}}', 400, "missing"),
    (b'{"category": "pothole", "answers": {"where": ["road", "lane"]}}', 400, "one answer"),
    (b'{"category": "pothole", "answers": [1, 2]}', 400, "answers is not an object"),
])
def test_route_bad_answers_are_400_with_the_reason(client, body, status, words):
    r = client.post("/route", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status
    assert words in r.json()["error"]


def test_help_of_serve_and_suggest_imports_no_server_or_model_code():
    import subprocess
    import sys

    heavy = ("starlette", "uvicorn", "sklearn", "numpy", "scipy")
    code = (
        "import sys\nfrom codekit.cli import main\n"
        "for name in ('serve', 'suggest'):\n"
        "    try:\n        main([name, '--help'])\n    except SystemExit:\n        pass\n"
        f"print('HEAVY=' + ','.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_served_open311_documents_are_valid_against_the_open311_schemas(client, schema_dir, tmp_path):
    """The service list and every service definition, as served over HTTP (JSON and XML), validate against the
    Open311 project's JSON Schemas in ../shared, with the release's own check (skips without them)."""
    from codekit.release.open311 import check_against_schemas

    got = tmp_path / "served"
    (got / "open311" / "services").mkdir(parents=True)
    for ext in ("json", "xml"):
        r = client.get(f"/open311/v2/services.{ext}")
        assert r.status_code == 200
        (got / "open311" / f"services.{ext}").write_bytes(r.content)
    n = 0
    for s in json.loads((got / "open311" / "services.json").read_text(encoding="utf-8")):
        if s.get("metadata") in (True, "true"):
            for ext in ("json", "xml"):
                d = client.get(f"/open311/v2/services/{s['service_code']}.{ext}")
                assert d.status_code == 200
                (got / "open311" / "services" / f"{s['service_code']}.{ext}").write_bytes(d.content)
            n += 1
    assert n >= 1
    assert check_against_schemas(got, schema_dir) == []
