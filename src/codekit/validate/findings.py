"""Findings: what ``codekit validate`` reports, as data. Each has a stable kebab-case ``type``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Every finding type, with what it means (docs/taxonomy.md has the same table).
FINDING_TYPES: dict[str, str] = {
    "code-unreachable": "an active code that no combination of answers reaches",
    "route-unknown-code": "a route names a code the catalogue does not have",
    "route-retired-code": "a route reaches a retired code",
    "route-ambiguous": "some answer combination matches two or more routes",
    "route-missing": "some answer combination matches no route",
    "route-unreachable": "a route no answer combination reaches",
    "field-dropped": "a required operational field is not (always) filled",
    "field-unknown": "a route fills a field the code does not have",
    "field-type-mismatch": "a field filled from an incompatible question datatype or constant",
    "field-value-invalid": "a fill can produce a value outside the field's pick-list",
    "value-map-invalid": "a value map key the question cannot produce",
    "value-map-incomplete": "a required field's value map misses an answer possible on that route",
    "pick-value-unreachable": "an allowed value of a code's pick-list no answer can produce",
    "optional-field-dropped-without-reason": "an optional field neither filled nor dropped with a reason",
    "division-mismatch": "a route's stated division or section is not the code's",
    "ctl-mismatch": "the Closing-the-Loop level or milestones shown are not the code's",
    "sla-mismatch": "the route's stated SLA is not the code's",
    "proof-failed": "answers that should reproduce a code's field values route elsewhere or produce other values",
}


@dataclass(frozen=True, slots=True)
class Finding:
    type: str
    message: str
    file: str | None = None
    line: int | None = None
    category: str | None = None
    code: str | None = None
    division: str | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        if self.type not in FINDING_TYPES:
            raise ValueError(f"unknown finding type {self.type!r}")

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, self.type, self.code or "", self.field or "", self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type, "message": self.message, "file": self.file, "line": self.line,
            "category": self.category, "code": self.code, "division": self.division, "field": self.field,
        }


@dataclass(slots=True)
class Report:
    """The result of :func:`codekit.validate.validate`: findings plus what was checked."""

    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)
    taxonomy: str = ""
    catalogue: str = ""

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def types(self) -> list[str]:
        return sorted({f.type for f in self.findings})

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.type] = out.get(f.type, 0) + 1
        return dict(sorted(out.items()))

    def by_division(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            out.setdefault(f.division or "(no division)", []).append(f)
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "taxonomy": self.taxonomy,
            "catalogue": self.catalogue,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "retired": list(self.retired),
            "stats": self.stats,
        }
