"""The release document (``catalogue.json``) and the manifest, as pydantic models.

The models are the single source of the committed JSON Schemas (``schemas/catalogue-release.schema.json``
and ``schemas/release-manifest.schema.json``, regenerated with ``python -m codekit.release.model``; a
test fails when they drift) and of the checks made when a release is read back.

Imports pydantic: the CLI imports this module only inside the release commands.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

#: Stable id and version of the ``catalogue.json`` document. Bump the version on any incompatible
#: change and register an upgrader for the old one in ``codekit.release.read.UPGRADERS``.
SCHEMA_ID = "https://codekit.example/schemas/catalogue-release.schema.json"
SCHEMA_VERSION = 1
MANIFEST_SCHEMA_ID = "https://codekit.example/schemas/release-manifest.schema.json"
MANIFEST_VERSION = 1
STATUS_SCHEMA_ID = "https://codekit.example/schemas/release-status.schema.json"

Scalar = Union[str, int, float, bool]
Value = Union[Scalar, list[Scalar], None]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Metadata(_Strict):
    """What the document is, where it came from, and a hash of its content."""

    schema_id: str = Field(description="Id of the JSON Schema this document follows.")
    schema_version: int = Field(description="Version of that schema; readers refuse versions they do not know.")
    codekit_version: str = Field(description="Version of codekit that built the release.")
    catalogue_version: str = Field(description="Semantic version of this release (X.Y.Z, or X.Y.Z-draft.N for a draft).")
    content_hash: str = Field(description="sha256 of the canonical JSON of everything but this block: 'sha256:<hex>'.")
    source_revision: Optional[str] = Field(default=None, description="Revision of the sources (a git commit), when given.")
    built_at: Optional[str] = Field(default=None, description="Build time (ISO 8601), only when given: builds stay reproducible.")
    previous_version: Optional[str] = Field(default=None, description="The release this one was diffed against.")
    status: Literal["final", "draft"] = Field(
        default="final",
        description="'draft' for a pre-release (X.Y.Z-draft.N) built with lint errors: not for publication. "
        "Written only for drafts; absent means final.",
    )


class Choice(_Strict):
    key: str
    label: str


class Question(_Strict):
    key: str
    prompt: str
    datatype: str
    required: bool
    values: list[Choice] = Field(default_factory=list)
    ask_when: dict[str, list[str]] = Field(default_factory=dict, description="Asked only when these earlier answers hold.")


class Referral(_Strict):
    to: str
    message: str
    url: Optional[str] = None
    phone: Optional[str] = None


class Fill(_Strict):
    """How an operational field is filled: exactly one of from_question, derived, constant."""

    kind: Literal["from", "derived", "constant"]
    from_question: Optional[str] = None
    map: dict[str, str] = Field(default_factory=dict)
    value: Value = None


class Route(_Strict):
    when: dict[str, list[str]] = Field(default_factory=dict)
    code: Optional[str] = None
    referral: Optional[Referral] = None
    fields: dict[str, Fill] = Field(default_factory=dict)
    dropped: dict[str, str] = Field(default_factory=dict)


class Merge(_Strict):
    """An active code no longer offered on its own: its requests go to ``into``."""

    code: str
    into: str
    reason: str


class Category(_Strict):
    """A public category: what residents see and pick."""

    id: str
    label: str
    description: str = ""
    synonyms: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    ctl_level: Optional[int] = None
    milestones: list[str] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    merged: list[Merge] = Field(default_factory=list)


class AllowedValue(_Strict):
    key: str
    name: str


class OperationalField(_Strict):
    key: str
    prompt: str
    datatype: str
    required: bool
    order: int
    values: list[AllowedValue] = Field(default_factory=list)
    variable: bool = True
    description: str = ""


class Code(_Strict):
    """A service code of the catalogue (operational counts are left out: they are not the contract)."""

    code: str
    name: str
    division: str
    section: str
    description: str = ""
    keywords: list[str] = Field(default_factory=list)
    sla_days: Optional[float] = None
    ctl_level: Optional[int] = None
    milestones: list[str] = Field(default_factory=list)
    status: str
    fields: list[OperationalField] = Field(default_factory=list)


class RoutingRow(_Strict):
    """One (category, answer combination) of the routing table."""

    category: str
    category_label: str
    answers: str
    target: Literal["code", "referral", "none"] = Field(
        description="code or referral; none only in an unvalidated working taxonomy (no route matches)."
    )
    code: Optional[str] = None
    code_name: Optional[str] = None
    division: Optional[str] = None
    section: Optional[str] = None
    sla_days: Optional[float] = None
    ctl_level: Optional[int] = None
    referral_to: Optional[str] = None
    referral_message: Optional[str] = None
    referral_url: Optional[str] = None
    referral_phone: Optional[str] = None
    field_map: str = "{}"


class Timeline(_Strict):
    """How long requests of one code or category really took (Kaplan-Meier over the request history,
    open requests censored at ``as_of``); see docs/timelines.md."""

    requests: int = Field(description="Requests timed (closed or still open at as_of).")
    closed: int
    still_open: int = Field(description="Requests still open at as_of (right-censored there).")
    open_share: Optional[float] = None
    p50_days: Optional[float] = Field(default=None, description="Half of the requests were closed within this many "
                                      "days; null when that cannot be estimated (too many still open).")
    p80_days: Optional[float] = None
    p90_days: Optional[float] = None
    follow_up_days: Optional[float] = Field(default=None, description="The longest time observed (closed or open).")
    sla_days: Optional[float] = Field(default=None, description="The stated SLA the compliance is measured against.")
    sla_compliance: Optional[float] = Field(default=None, description="Estimated share closed within the SLA.")
    due_on_time_share: Optional[float] = Field(default=None, description="Share closed by the due date the source "
                                               "recorded (NYC Due Date, Open311 expected_datetime), when it has one.")
    acknowledged_p50_days: Optional[float] = None
    suggested_ctl_level: Optional[int] = Field(default=None, description="A hint from the observed duration and "
                                               "spread (1 simple, 2 milestone, 3 complex); never the curated level.")
    expected: Optional[str] = Field(default=None, description="What to tell a resident, e.g. 'Most requests like "
                                    "this are done within 4 days.'; null with too few requests to say.")


class TimelineCounts(_Strict):
    rows: int
    timed: int
    closed: int
    still_open: int
    excluded: dict[str, int] = Field(default_factory=dict, description="Rows not timed, per reason.")
    codes_not_in_catalogue: int = Field(description="Codes of the requests this release does not carry.")


class Timelines(_Strict):
    """The expected timelines a release carries when it is built with request history."""

    as_of: str = Field(description="Export time: open requests are censored here.")
    as_of_from: Literal["data", "given"] = Field(description="'data': the latest timestamp in the history.")
    source: str = Field(description="The request history's file name (no folder) and format.")
    unit: Literal["hours", "business_days"]
    min_requests: int = Field(description="Fewer timed requests than this: no expected text, no suggested level.")
    counts: TimelineCounts
    categories: dict[str, Timeline] = Field(description="Per public category: the requests of every code it routes to.")
    codes: dict[str, Timeline]


class CatalogueRelease(_Strict):
    """``catalogue.json``: the whole release in one self-describing document."""

    metadata: Metadata
    categories: list[Category]
    codes: list[Code]
    routing: list[RoutingRow]
    timelines: Optional[Timelines] = Field(
        default=None, description="Expected timelines from request history; only in releases built with "
        "request history (left out otherwise, so releases without history read as before).")

    def dump(self) -> dict[str, Any]:
        """The document as plain JSON data, as ``catalogue.json`` holds it (no ``timelines`` key without them)."""
        d = self.model_dump(mode="json")
        if d.get("timelines") is None:
            d.pop("timelines", None)
        return d

    def content(self) -> dict[str, Any]:
        """Everything but the metadata, as plain JSON data (what the content hash covers)."""
        d = self.dump()
        d.pop("metadata")
        return d

    def code(self, code: str) -> Optional[Code]:
        for c in self.codes:
            if c.code == code:
                return c
        return None

    def category(self, cid: str) -> Optional[Category]:
        for c in self.categories:
            if c.id == cid:
                return c
        return None

    def code_categories(self) -> dict[str, set[str]]:
        """Each code -> the categories that reach it: by a route, or as a merged duplicate of a routed code."""
        out: dict[str, set[str]] = {}
        for r in self.routing:
            if r.code:
                out.setdefault(r.code, set()).add(r.category)
        for c in self.categories:
            for mg in c.merged:
                out.setdefault(mg.code, set()).add(c.id)
        return out


ROUTING_COLUMNS = tuple(RoutingRow.model_fields)


class ManifestFile(_Strict):
    sha256: str
    bytes: int


class ManifestApproval(_Strict):
    """A division's approval of its part of the diff this release was built from (see docs/release.md)."""

    division: str
    by: str = Field(description="The reviewer, as the project names them.")
    from_version: str = Field(description="The previous release the approved diff starts from.")
    diff_hash: str = Field(description="sha256 of the canonical JSON of the division's part of the diff: 'sha256:<hex>'.")


class Manifest(_Strict):
    """``manifest.json``: the sha256 of every other file of the release."""

    schema_id: str
    schema_version: int
    catalogue_version: str
    content_hash: str
    files: dict[str, ManifestFile]
    approvals: Optional[list[ManifestApproval]] = Field(
        default=None, description="Division sign-off: who approved this release's changes (only when the project "
        "asks for sign-off; left out otherwise).",
    )


class StatusTimeline(_Strict):
    """The observed timeline beside the promise: what a status page can tell a resident."""

    as_of: str
    requests: int
    still_open: int
    p50_days: Optional[float]
    p80_days: Optional[float]
    p90_days: Optional[float]
    sla_compliance: Optional[float]
    suggested_ctl_level: Optional[int] = Field(description="A hint beside ctl_level, never in its place.")
    expected: Optional[str]


class StatusCode(_Strict):
    """What a status page shows for one service code."""

    name: str
    division: str
    status: str
    ctl_level: Optional[int] = Field(description="Closing-the-Loop level: 1 simple, 2 milestone, 3 complex.")
    sla_days: Optional[float] = Field(description="Service level in days, when known.")
    milestones: list[str] = Field(description="Status milestones residents are told, in order.")
    timeline: Optional[StatusTimeline] = Field(default=None, description="Observed timeline (releases built with "
                                                 "request history only).")


class SlaRange(_Strict):
    min: float
    max: float


class StatusCategory(_Strict):
    """What a status page shows for one public category: the codes it reaches and their promises."""

    label: str
    codes: list[str] = Field(description="Codes the category's routes reach, sorted.")
    ctl_level: Optional[int] = Field(description="The category's level, else the highest of its codes.")
    sla_days: Optional[SlaRange] = Field(description="Shortest and longest SLA of its codes, when known.")
    milestones: list[str]
    referral_only: bool = Field(description="Every route is a referral: the City records no code.")
    timeline: Optional[StatusTimeline] = Field(default=None, description="Observed timeline (releases built with "
                                               "request history only).")


class StatusRelease(_Strict):
    """``status.json``: Closing-the-Loop level, SLA and milestones per category and code, for status pages."""

    metadata: Metadata
    categories: dict[str, StatusCategory]
    codes: dict[str, StatusCode]


def canonical_json(obj: Any) -> str:
    """Compact canonical JSON (sorted keys): what hashes are taken of."""
    from codekit.io.serial import json_text

    return json_text(obj, separators=(",", ":"), what="the release")


def pretty_json(obj: Any) -> bytes:
    """The bytes written to JSON files: sorted keys, two-space indent, UTF-8, final newline."""
    from codekit.io.serial import json_text

    return (json_text(obj, indent=2, what="the release") + "\n").encode("utf-8")


def _schema(model: type[BaseModel], schema_id: str, title: str) -> dict[str, Any]:
    s = model.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id, **s, "title": title}


def _document_schema(model: type[BaseModel], schema_id: str, title: str) -> dict[str, Any]:
    """The schema of a document with a :class:`Metadata` block naming ``schema_id`` (and SCHEMA_VERSION)."""
    s = _schema(model, schema_id, title)
    props = s["$defs"]["Metadata"]["properties"]
    props["schema_id"]["const"] = schema_id
    props["schema_version"]["const"] = SCHEMA_VERSION
    return s


def release_schema() -> dict[str, Any]:
    """The JSON Schema of ``catalogue.json`` (generated from :class:`CatalogueRelease`)."""
    return _document_schema(CatalogueRelease, SCHEMA_ID, "codekit catalogue release")


def manifest_schema() -> dict[str, Any]:
    s = _schema(Manifest, MANIFEST_SCHEMA_ID, "codekit release manifest")
    s["properties"]["schema_id"]["const"] = MANIFEST_SCHEMA_ID
    s["properties"]["schema_version"]["const"] = MANIFEST_VERSION
    return s


def status_schema() -> dict[str, Any]:
    """The JSON Schema of ``status.json`` (generated from :class:`StatusRelease`)."""
    return _document_schema(StatusRelease, STATUS_SCHEMA_ID, "codekit release status")


#: Committed schema files (relative to the repository root) and their generators.
SCHEMA_FILES = {
    "schemas/catalogue-release.schema.json": release_schema,
    "schemas/release-manifest.schema.json": manifest_schema,
    "schemas/release-status.schema.json": status_schema,
}


def schema_bytes(name: str) -> bytes:
    return pretty_json(SCHEMA_FILES[name]())


if __name__ == "__main__":  # python -m codekit.release.model [ROOT]: rewrite the committed schemas
    import sys
    from pathlib import Path

    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for name in SCHEMA_FILES:
        (root / name).write_bytes(schema_bytes(name))
        print(root / name)
