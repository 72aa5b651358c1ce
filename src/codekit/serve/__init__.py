"""``codekit serve``: published releases over HTTP, read-only, for the web, the app and the chatbot.

Reads releases only (like ``report/``; GUIDE layering): every release is verified against its manifest at
start (a tampered one is refused, nothing is served), its files are read into memory once and served from
there, so what is answered is what was verified. Nothing is ever written.

Endpoints (``create_app``):

- ``GET /health``: ``{"status": "ok", "versions": [...], "latest": "X.Y.Z"}``
- ``GET /releases``: the versions, each with its content hash and file list
- ``GET /releases/{version}/{path}``: a file of a release (``catalogue.json``, ``routing.csv``,
  ``open311/services.json`` ...). ``version`` may be ``latest``. A versioned file is immutable:
  ``ETag`` = its manifest sha256, ``Cache-Control: public, max-age=31536000, immutable``; under
  ``latest`` the same ETag with ``Cache-Control: no-cache`` (the alias moves when a version is added).
  ``If-None-Match`` answers 304.
- ``GET /open311/v2/services.json|.xml`` and ``GET /open311/v2/services/{code}.json|.xml``: the
  GeoReport v2 service list and service definitions of the latest release (``?version=`` for another).
- ``GET /open311/v2/discovery.json``: GeoReport v2 discovery pointing at the endpoints above.
- ``GET /suggest?q=TEXT&k=5&version=latest``: zero-shot suggestions from the release's own
  ``catalogue.json`` (``codekit.suggest``).
- ``POST /route`` with ``{"category": ID, "answers": {question: answer}}``: the code, division, section and
  filled operational fields, or the referral; answers that do not fit are a 400 with the reason.

Only files listed in a release's manifest can be answered: a path is looked up, never joined onto the
file system, so ``..`` and absolute paths reach nothing (404). Errors are JSON ``{"error": ...}`` with a
4xx status; ``<``, ``>`` and ``&`` in any JSON answer are written as ``\\u003c`` ``\\u003e`` ``\\u0026``, so
an echoed text cannot become markup. Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codekit.errors import CodekitError, InputError, UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8311
IMMUTABLE = "public, max-age=31536000, immutable"
MAX_QUERY_CHARS = 5000

_TYPES = {".json": "application/json", ".xml": "application/xml", ".csv": "text/csv; charset=utf-8",
          ".md": "text/markdown; charset=utf-8", ".ttl": "text/turtle; charset=utf-8",
          ".parquet": "application/vnd.apache.parquet"}


@dataclass
class ServedRelease:
    """One verified release, its files in memory."""

    version: str
    content_hash: str
    files: dict[str, bytes]
    etags: dict[str, str]
    document: dict[str, Any]
    _suggester: Any = field(default=None, repr=False)


def load_releases(dist: str | Path) -> dict[str, ServedRelease]:
    """Every release under ``dist`` (an output folder of X.Y.Z releases, or one release folder), verified."""
    from codekit.release.read import is_release_dir, load_release, published_versions

    root = Path(dist)
    if not root.exists():
        raise InputError("no such release folder", path=str(root), hint="give dist/ (built by `codekit release`) or dist/X.Y.Z")
    if not root.is_dir():
        raise InputError("not a folder", path=str(root), hint="give dist/ (built by `codekit release`) or dist/X.Y.Z")
    folders = [root] if is_release_dir(root) else [root / v for v in published_versions(root)]
    if not folders:
        from codekit.release.read import DRAFT_SEMVER, version_key

        found = [m for p in root.iterdir() if p.is_dir() and (m := DRAFT_SEMVER.match(p.name))]
        drafts = [m.group(0) for m in sorted(found, key=lambda m: (version_key(m.group(1)), int(m.group(2))))]
        if drafts:  # drafts are previews, never served as the latest release; one can be served by name
            raise InputError("no published release in this folder, only drafts", path=str(root),
                             found=", ".join(drafts),
                             hint=f"serve a draft by its folder (codekit serve {root / drafts[-1]}), or publish with "
                                  "`codekit release`")
        raise InputError("no published release in this folder", path=str(root),
                         hint="build one with `codekit release`, or give a release folder dist/X.Y.Z")
    out: dict[str, ServedRelease] = {}
    for folder in folders:
        rel = load_release(folder)  # checksums, schema version, content hash: a tampered release is refused
        files = {name: (folder / name).read_bytes() for name in sorted(rel.manifest.files)}
        files["manifest.json"] = (folder / "manifest.json").read_bytes()
        etags = {name: f'"{info.sha256}"' for name, info in rel.manifest.files.items()}
        etags["manifest.json"] = f'"{rel.manifest.content_hash.split(":")[-1]}-manifest"'
        if rel.version in out:
            raise UsageError("two releases carry the same version", path=str(folder), found=rel.version)
        out[rel.version] = ServedRelease(rel.version, rel.document.metadata.content_hash, files, etags,
                                         rel.document.model_dump(mode="json"))
    return out


def dumps(obj: Any) -> bytes:
    """Canonical JSON with markup characters escaped (safe to echo user text)."""
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n").encode("utf-8")


def create_app(dist: str | Path, *, semantic: str = "off", threshold: float = 0.4, releases=None):
    """The Starlette app serving the releases under ``dist`` (see the module docstring)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from codekit.release.read import version_key

    served = releases if releases is not None else load_releases(dist)
    versions = sorted(served, key=version_key)
    latest = versions[-1]

    def jresp(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(dumps(obj), status_code=status, media_type="application/json", headers=headers)

    def error(status: int, message: str, **extra: Any) -> Response:
        return jresp({"error": message, **extra}, status)

    def pick(version: str) -> ServedRelease | None:
        return served.get(latest if version == "latest" else version)

    def file_response(request: Request, rel: ServedRelease, name: str, alias: bool) -> Response:
        data = rel.files.get(name)
        if data is None:
            return error(404, "no such file in this release", version=rel.version)
        etag = rel.etags.get(name, "")
        headers = {"ETag": etag, "Cache-Control": "no-cache" if alias else IMMUTABLE,
                   "X-Codekit-Release": rel.version, "X-Content-Type-Options": "nosniff"}
        inm = request.headers.get("if-none-match", "")
        if etag and etag in [t.strip() for t in inm.split(",")]:
            return Response(status_code=304, headers=headers)
        suffix = Path(name).suffix
        media = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return Response(data, media_type=media, headers=headers)

    async def health(request: Request) -> Response:
        return jresp({"status": "ok", "versions": versions, "latest": latest})

    async def index(request: Request) -> Response:
        return jresp({"codekit": "release server", "versions": versions, "latest": latest,
                      "endpoints": ["/health", "/releases", "/releases/{version}/{path}", "/open311/v2/discovery.json",
                                    "/open311/v2/services.json", "/open311/v2/services/{code}.json", "/suggest?q="]})

    async def releases_list(request: Request) -> Response:
        return jresp({"latest": latest, "versions": [
            {"version": v, "content_hash": served[v].content_hash, "files": sorted(served[v].files)} for v in versions]})

    async def release_file(request: Request) -> Response:
        version = request.path_params["version"]
        rel = pick(version)
        if rel is None:
            return error(404, "no such release version", known=versions)
        return file_response(request, rel, request.path_params["path"], version == "latest")

    def _version_param(request: Request) -> tuple[ServedRelease | None, bool]:
        v = request.query_params.get("version", "latest")
        return pick(v), v == "latest"

    async def services(request: Request) -> Response:
        rel, alias = _version_param(request)
        if rel is None:
            return error(404, "no such release version", known=versions)
        fmt = request.path_params["fmt"]
        return file_response(request, rel, f"open311/services.{fmt}", alias)

    async def definition(request: Request) -> Response:
        rel, alias = _version_param(request)
        if rel is None:
            return error(404, "no such release version", known=versions)
        code, fmt = request.path_params["code"], request.path_params["fmt"]
        name = f"open311/services/{code}.{fmt}"
        if name not in rel.files:
            return error(404, "no such service code", service_code=code)
        return file_response(request, rel, name, alias)

    async def discovery(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return jresp({
            "changeset": latest,
            "contact": "",
            "key_service": "",
            "endpoints": [{
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": f"{base}/open311/v2",
                "changeset": latest,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }],
        })

    async def suggest(request: Request) -> Response:
        q = request.query_params.get("q")
        if q is None:
            return error(400, "missing the q parameter", hint="GET /suggest?q=big+hole+in+the+road")
        if len(q) > MAX_QUERY_CHARS:
            return error(413, f"the text is longer than {MAX_QUERY_CHARS} characters")
        try:
            k = int(request.query_params.get("k", "5"))
        except ValueError:
            return error(400, "k is not a whole number", found=request.query_params.get("k"))
        if not 1 <= k <= 50:
            return error(400, "k is from 1 to 50", found=k)
        rel, _ = _version_param(request)
        if rel is None:
            return error(404, "no such release version", known=versions)
        from codekit.suggest import clean_text

        try:
            text, truncated = clean_text(q)
            model = _suggester(rel, semantic, threshold)
            top = model.rank([text], k)[0]
        except CodekitError as e:
            return error(400, e.message)
        sure = bool(top and top[0]["sure"])
        return jresp({"q": q, "version": rel.version, "sure": sure, "threshold": threshold, "suggestions": top},
                     headers={"Cache-Control": "no-cache", "X-Codekit-Release": rel.version})

    async def route(request: Request) -> Response:
        rel, _ = _version_param(request)
        if rel is None:
            return error(404, "no such release version", known=versions)
        body = await request.body()
        if len(body) > 100_000:
            return error(413, "the request body is longer than 100,000 bytes")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            return error(400, f"the body is not JSON ({e.__class__.__name__})",
                         hint='POST {"category": "...", "answers": {"question": "answer"}}')
        try:
            result = route_answers(rel.document, data)
        except RouteError as e:
            return error(e.status, str(e), **e.extra)
        return jresp({"version": rel.version, **result}, headers={"Cache-Control": "no-store"})

    async def not_found(request: Request, exc: Exception) -> Response:
        return error(getattr(exc, "status_code", 404), getattr(exc, "detail", "not found") or "not found")

    async def server_error(request: Request, exc: Exception) -> Response:
        return error(500, "internal error")

    routes = [
        Route("/", index), Route("/health", health), Route("/releases", releases_list),
        Route("/releases/{version}/{path:path}", release_file),
        Route("/open311/v2/discovery.json", discovery),
        Route("/open311/v2/services.{fmt:str}", services),
        Route("/open311/v2/services/{code:str}.{fmt:str}", definition),
        Route("/suggest", suggest),
        Route("/route", route, methods=["POST"]),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found, 500: server_error})


class RouteError(Exception):
    """Answers that do not lead anywhere: the reason, a status, and facts for the JSON answer."""

    def __init__(self, message: str, status: int = 400, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.extra = extra


def route_answers(doc: dict[str, Any], data: Any) -> dict[str, Any]:
    """A category and its answers -> the code, division and filled fields, or the referral.

    ``data`` is ``{"category": ID, "answers": {question: answer or [answers]}}``. Raises :class:`RouteError`
    for an unknown category, an unknown question, an answer not among a question's values, a missing answer
    a route needs, or answers no route (or more than one) accepts."""
    if not isinstance(data, dict) or not isinstance(data.get("category"), str):
        raise RouteError("the body names no category", hint='{"category": "...", "answers": {...}}')
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise RouteError("answers is not an object of question: answer")
    cat = next((c for c in doc.get("categories") or [] if c["id"] == data["category"]), None)
    if cat is None:
        raise RouteError("no such category", status=404, category=data["category"])
    questions = {q["key"]: q for q in cat.get("questions") or []}
    given: dict[str, list[str]] = {}
    for key, value in answers.items():
        q = questions.get(key)
        if q is None:
            raise RouteError("no such question in this category", question=key, known=sorted(questions))
        vals = value if isinstance(value, list) else [value]
        if not vals or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in vals):
            raise RouteError("an answer is not text or a number", question=key)
        vals = [str(v) for v in vals]
        allowed = [v["key"] for v in q.get("values") or []]
        if allowed:
            bad = [v for v in vals if v not in allowed]
            if bad:
                raise RouteError("the answer is not one of the question's values", question=key, found=bad[0],
                                 allowed=allowed)
            if q.get("datatype") == "singlevaluelist" and len(vals) > 1:
                raise RouteError("the question takes one answer", question=key)
        given[key] = vals
    matches = []
    for r in cat.get("routes") or []:
        when = r.get("when") or {}
        if all(k in given and any(v in opts for v in given[k]) for k, opts in when.items()):
            matches.append(r)
    if not matches:
        needed = sorted({k for r in cat.get("routes") or [] for k in (r.get("when") or {}) if k not in given})
        if needed:
            raise RouteError("an answer the routing needs is missing", missing=needed)
        raise RouteError("no route accepts these answers")
    if len(matches) > 1:
        raise RouteError("the answers fit more than one route: answer the routing questions", status=400)
    r = matches[0]
    if r.get("referral"):
        return {"category": cat["id"], "target": "referral", "referral": r["referral"]}
    code = next((c for c in doc.get("codes") or [] if c["code"] == r.get("code")), {})
    fields: dict[str, Any] = {}
    for key, fill in sorted((r.get("fields") or {}).items()):
        kind = fill.get("kind")
        if kind == "from":
            vals = given.get(fill.get("from_question") or "")
            if vals is None:
                fields[key] = None
            else:
                mapped = [(fill.get("map") or {}).get(v, v) for v in vals]
                fields[key] = mapped[0] if len(mapped) == 1 else mapped
        else:
            fields[key] = fill.get("value")
    return {"category": cat["id"], "target": "code", "code": r.get("code"), "code_name": code.get("name"),
            "division": code.get("division"), "section": code.get("section"), "fields": fields}


def _suggester(rel: ServedRelease, semantic: str, threshold: float):
    """The release's zero-shot ranker, built on first use and kept."""
    if rel._suggester is None:
        from codekit.suggest import candidates_from_document
        from codekit.suggest.rank import Suggester

        rel._suggester = Suggester(semantic=semantic, threshold=threshold).fit(candidates_from_document(rel.document))
    return rel._suggester


def describe(served: dict[str, ServedRelease]) -> dict[str, Any]:
    """What ``codekit serve --json`` prints before it starts."""
    from codekit.release.read import version_key

    versions = sorted(served, key=version_key)
    return {"versions": versions, "latest": versions[-1],
            "files": sum(len(r.files) for r in served.values())}


def run(dist: str | Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, semantic: str = "off",
        threshold: float = 0.4, log_level: str = "warning", releases=None) -> None:
    """Serve until interrupted (uvicorn)."""
    import uvicorn

    from codekit.release.read import version_key

    served = releases if releases is not None else load_releases(dist)
    _suggester(served[max(served, key=version_key)], semantic, threshold)  # the first /suggest is not the slow one
    app = create_app(dist, semantic=semantic, threshold=threshold, releases=served)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
