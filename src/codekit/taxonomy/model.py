"""The curated taxonomy: public categories, their questions and their routes.

A public category is what a resident sees (a plain-language label, synonyms, groups). It asks a few
questions; its routes turn the answers into exactly one service code (with each of that code's
operational fields filled) or into a referral to whoever handles it instead. One YAML file per
category under ``taxonomy/``; see ``docs/taxonomy.md`` for the format.

The dataclasses carry, in each field's ``metadata``, the YAML key, a one-line description and the
JSON-Schema shape; ``codekit.taxonomy.schema`` builds the committed JSON Schema from them, and the
loader and the writer use the same keys, so the three cannot drift apart.

Imports nothing heavy: the CLI imports this at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

#: Datatypes a question may have (the Open311 attribute datatypes).
QUESTION_DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_DATATYPES = ("singlevaluelist", "multivaluelist")

#: Format version written at the top of every category file (``codekit_taxonomy: 1``).
FORMAT_VERSION = 1

_STR = {"type": "string"}
_STR_LIST = {"type": "array", "items": {"type": "string"}}
_SCALAR = {"type": ["string", "number", "boolean"]}


def _m(key: str, doc: str, schema: dict | None = None, *, required: bool = False) -> dict:
    return {"key": key, "doc": doc, "schema": schema, "required": required}


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed answer of a list question: a stable key and the text residents see."""

    key: str = field(metadata=_m("key", "Stable machine key of the answer.", _STR, required=True))
    label: str = field(default="", metadata=_m("label", "What the resident sees.", _STR))


@dataclass(frozen=True, slots=True)
class Question:
    """A question the category asks the resident.

    List questions (``singlevaluelist``) may be used in route conditions; any question may fill an
    operational field. ``ask_when`` makes a question dependent: it is asked only when every listed
    earlier question has one of the listed answers (otherwise its answer is "not asked").
    """

    key: str = field(metadata=_m("key", "Stable key of the question, unique in the category.", _STR, required=True))
    prompt: str = field(default="", metadata=_m("prompt", "The question as the resident reads it.", _STR, required=True))
    datatype: str = field(
        default="singlevaluelist",
        metadata=_m("datatype", "Open311 datatype of the answer.", {"enum": list(QUESTION_DATATYPES)}),
    )
    values: tuple[Choice, ...] = field(
        default=(),
        metadata=_m("values", "Allowed answers (list datatypes only; required for them).", None),
    )
    required: bool = field(default=True, metadata=_m("required", "Must the resident answer it?", {"type": "boolean"}))
    ask_when: tuple[tuple[str, tuple[str, ...]], ...] = field(
        default=(),
        metadata=_m(
            "ask_when",
            "Ask only when each earlier question named here has one of the listed answers.",
            None,
        ),
    )
    line: int = field(default=0, compare=False, metadata={"internal": True})

    @property
    def is_list(self) -> bool:
        return self.datatype in LIST_DATATYPES

    def value_keys(self) -> tuple[str, ...]:
        return tuple(v.key for v in self.values)

    def ask_when_dict(self) -> dict[str, tuple[str, ...]]:
        return dict(self.ask_when)


@dataclass(frozen=True, slots=True)
class Referral:
    """Where to go instead, for what the City does not handle (or not first)."""

    message: str = field(metadata=_m("message", "What the resident is told.", _STR, required=True))
    to: str = field(default="", metadata=_m("to", "Who handles it (the asset's owner, the police, ...).", _STR, required=True))
    url: str = field(default="", metadata=_m("url", "A web page to go to.", _STR))
    phone: str = field(default="", metadata=_m("phone", "A phone number to call.", _STR))


#: How a field is filled: from a question's answer, derived from the route itself, or a constant.
FILL_KINDS = ("from", "derived", "constant")


@dataclass(frozen=True, slots=True)
class FieldFill:
    """How one operational field of the routed code gets its value.

    Exactly one of: ``from`` (a question's answer, optionally through ``map`` from answer keys to the
    field's value keys; answers not in the map give no value), ``derived`` (a value the route itself
    implies: this route is the "street" route, so the field ``location_type`` is ``street``), or
    ``constant`` (the same value whatever the resident answers). List values are lists.
    """

    source: str = field(
        default="", metadata=_m("from", "Key of the question whose answer fills the field.", _STR)
    )
    map: tuple[tuple[str, str], ...] = field(
        default=(),
        metadata=_m("map", "Answer key -> field value key (only with `from`).", None),
    )
    derived: Any = field(default=None, metadata=_m("derived", "Value implied by the route's conditions.", None))
    constant: Any = field(default=None, metadata=_m("constant", "A fixed value.", None))
    excluded: tuple[tuple[str, str], ...] = field(
        default=(),
        metadata=_m(
            "excluded",
            "Pick-list value -> why this route deliberately never produces it (e.g. sent to a referral).",
            None,
        ),
    )
    line: int = field(default=0, compare=False, metadata={"internal": True})

    def excluded_dict(self) -> dict[str, str]:
        return dict(self.excluded)

    @property
    def kind(self) -> str:
        if self.source:
            return "from"
        if self.derived is not None:
            return "derived"
        return "constant"

    def map_dict(self) -> dict[str, str]:
        return dict(self.map)

    def fixed_value(self) -> Any:
        return self.derived if self.derived is not None else self.constant

    def describe(self) -> str:
        if self.source:
            return f"from:{self.source}" + (" (mapped)" if self.map else "")
        if self.derived is not None:
            return f"derived:{_text(self.derived)}"
        return f"constant:{_text(self.constant)}"


@dataclass(frozen=True, slots=True)
class Merge:
    """An active code the category no longer offers on its own: its requests go to ``into``.

    For near-duplicates and legacy queues. ``into`` must be a code a route of the same category
    reaches, in the same division, with every required field of ``code`` (same key and values).
    """

    code: str = field(metadata=_m("code", "The code folded into another.", {"type": ["string", "integer"]}, required=True))
    into: str = field(default="", metadata=_m("into", "The code that now receives its requests.", {"type": ["string", "integer"]}, required=True))
    reason: str = field(default="", metadata=_m("reason", "Why (near-duplicate, legacy queue, ...).", {"type": "string", "minLength": 1}, required=True))
    line: int = field(default=0, compare=False, metadata={"internal": True})


@dataclass(frozen=True, slots=True)
class Route:
    """When the answers match ``when``, the request goes to ``code`` (or to ``referral``).

    ``when`` maps a question key to the answers that match (any of them); a question not named
    matches any answer; an empty ``when`` always matches. ``fields`` fills the code's operational
    fields; ``dropped`` names the optional fields left out, each with the reason.
    ``division``/``section``/``ctl_level``/``sla_days`` are optional statements for readers; when
    present they must agree with the catalogue. A referral may also name the ``code`` under which
    the City records it (311's referral codes); the resident sees the referral.
    """

    when: tuple[tuple[str, tuple[str, ...]], ...] = field(
        default=(), metadata=_m("when", "Question key -> answer key or list of answer keys.", None)
    )
    code: str = field(
        default="", metadata=_m("code", "The service code this route reaches.", {"type": ["string", "integer"]})
    )
    referral: Referral | None = field(default=None, metadata=_m("referral", "Instead of a code: where to go.", None))
    fields: tuple[tuple[str, FieldFill], ...] = field(
        default=(), metadata=_m("fields", "Operational field key -> how it is filled.", None)
    )
    dropped: tuple[tuple[str, str], ...] = field(
        default=(), metadata=_m("dropped", "Optional field key -> why it is not asked.", None)
    )
    division: str = field(default="", metadata=_m("division", "The code's division (checked).", _STR))
    section: str = field(default="", metadata=_m("section", "The code's section (checked).", _STR))
    ctl_level: int | None = field(
        default=None, metadata=_m("ctl_level", "Closing-the-Loop level of this route (checked).", {"enum": [1, 2, 3]})
    )
    sla_days: float | None = field(
        default=None, metadata=_m("sla_days", "Service level in days (checked).", {"type": "number", "minimum": 0})
    )
    note: str = field(default="", metadata=_m("note", "Free text for editors.", _STR))
    line: int = field(default=0, compare=False, metadata={"internal": True})
    key_lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, metadata={"internal": True})

    def line_of(self, key: str) -> int:
        """The line of one of the route's keys (``code``, ``division``, ...), else the route's line."""
        return dict(self.key_lines).get(key, self.line)

    def when_dict(self) -> dict[str, tuple[str, ...]]:
        return dict(self.when)

    def fields_dict(self) -> dict[str, FieldFill]:
        return dict(self.fields)

    def dropped_dict(self) -> dict[str, str]:
        return dict(self.dropped)

    def matches(self, answers: dict[str, Any]) -> bool:
        for q, allowed in self.when:
            if answers.get(q) not in allowed:
                return False
        return True

    @property
    def target(self) -> str:
        """``code:XYZ`` or ``referral:<to>``: a printable destination."""
        if self.referral is not None:
            return f"referral:{self.referral.to}" + (f" (recorded as {self.code})" if self.code else "")
        return f"code:{self.code}"

    @property
    def records_code(self) -> bool:
        return bool(self.code)

    def describe_when(self) -> str:
        if not self.when:
            return "(always)"
        return ", ".join(f"{q}={'|'.join(v)}" for q, v in self.when)


@dataclass(frozen=True, slots=True)
class PublicCategory:
    """What residents see and pick: one YAML file under ``taxonomy/``."""

    id: str = field(
        metadata=_m(
            "id", "Stable id (lower-case words joined by '-'); never reuse or change it.",
            {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}, required=True,
        )
    )
    label: str = field(default="", metadata=_m("label", "Plain-language label, free of internal jargon.", _STR, required=True))
    description: str = field(default="", metadata=_m("description", "One or two sentences for residents.", _STR))
    synonyms: tuple[str, ...] = field(default=(), metadata=_m("synonyms", "Other words residents use.", _STR_LIST))
    groups: tuple[str, ...] = field(
        default=(), metadata=_m("groups", "One or more public groups (menus) it appears in.", {**_STR_LIST, "minItems": 1}, required=True)
    )
    ctl_level: int | None = field(
        default=None,
        metadata=_m("ctl_level", "Closing-the-Loop level: 1 simple, 2 milestone, 3 complex.", {"enum": [1, 2, 3]}),
    )
    milestones: tuple[str, ...] = field(default=(), metadata=_m("milestones", "Status milestones residents are told.", _STR_LIST))
    questions: tuple[Question, ...] = field(default=(), metadata=_m("questions", "Questions asked, in order.", None))
    routes: tuple[Route, ...] = field(default=(), metadata=_m("routes", "Where the answers lead.", None, required=True))
    merged: tuple[Merge, ...] = field(
        default=(), metadata=_m("merged", "Active codes folded into a code this category reaches.", None)
    )
    notes: str = field(default="", metadata=_m("notes", "Free text for editors (why these codes are together).", _STR))
    path: str = field(default="", compare=False, metadata={"internal": True})
    line: int = field(default=0, compare=False, metadata={"internal": True})
    routes_line: int = field(default=0, compare=False, metadata={"internal": True})
    key_lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, metadata={"internal": True})

    def line_of(self, key: str) -> int:
        return dict(self.key_lines).get(key, self.line)

    def question(self, key: str) -> Question | None:
        for q in self.questions:
            if q.key == key:
                return q
        return None

    def routing_questions(self) -> list[Question]:
        """The list questions that decide the route: named in a ``when`` or an ``ask_when``."""
        used: set[str] = set()
        for r in self.routes:
            used.update(k for k, _ in r.when)
        for q in self.questions:
            used.update(k for k, _ in q.ask_when)
        return [q for q in self.questions if q.key in used]

    def codes(self) -> list[str]:
        seen: dict[str, None] = {}
        for r in self.routes:
            if r.code:
                seen.setdefault(r.code, None)
        return list(seen)


@dataclass(slots=True)
class Taxonomy:
    """All public categories of a ``taxonomy/`` folder, sorted by id."""

    categories: list[PublicCategory]
    source: str = ""
    #: codes the project retires (``_retired.yaml``; :mod:`codekit.taxonomy.retired`)
    retired: tuple = ()

    def __post_init__(self) -> None:
        self.categories = sorted(self.categories, key=lambda c: c.id)

    def __len__(self) -> int:
        return len(self.categories)

    def __iter__(self) -> Iterator[PublicCategory]:
        return iter(self.categories)

    def get(self, category_id: str) -> PublicCategory | None:
        for c in self.categories:
            if c.id == category_id:
                return c
        return None

    def codes(self) -> set[str]:
        return {code for c in self.categories for code in c.codes()}

    def groups(self) -> list[str]:
        return sorted({g for c in self.categories for g in c.groups})


def answers_key(answers: dict[str, Any], order: Iterable[str]) -> str:
    """A stable text form of an answer combination: ``q1=a; q2=-`` ("-" = not asked)."""
    parts = []
    for k in order:
        v = answers.get(k)
        parts.append(f"{k}={'-' if v is None else v}")
    return "; ".join(parts)


def _text(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return "|".join(str(x) for x in v)
    return str(v)


__all__ = [
    "Choice", "Question", "Referral", "FieldFill", "Merge", "Route", "PublicCategory", "Taxonomy",
    "QUESTION_DATATYPES", "LIST_DATATYPES", "FILL_KINDS", "FORMAT_VERSION", "answers_key",
]
