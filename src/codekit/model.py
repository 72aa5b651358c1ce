"""The nouns of codekit: service codes, operational fields, catalogues, error events.

Imports nothing of ours but ``errors`` and nothing heavy at module level, so the CLI starts fast.
See ``docs/formats.md`` for how each noun is read from and written to files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from codekit.errors import SchemaError

#: Open311 GeoReport v2 attribute datatypes.
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_DATATYPES = ("singlevaluelist", "multivaluelist")

#: Closing-the-Loop levels: how much status a resident is told as the request moves.
CTL_LEVELS = {1: "simple", 2: "milestone", 3: "complex"}

#: Default status milestones per Closing-the-Loop level, used when a source gives none.
DEFAULT_MILESTONES = {
    1: ("Received", "Closed"),
    2: ("Received", "Assigned", "In progress", "Completed"),
    3: ("Received", "Assessed", "Scheduled", "Work in progress", "Inspected", "Completed"),
}

STATUSES = ("active", "retired")

#: Kinds of intake error events (the canonical error-log schema, docs/formats.md).
ERROR_KINDS = (
    "recoded",            # re-coded by staff to another code
    "transferred",        # transferred to another division's code
    "cancelled",          # cancelled as created in error
    "duplicate",          # closed as a duplicate of another request
    "not_city_asset",     # closed: the asset is not the City's (utility pole, mailbox, ...)
    "abandoned",          # self-serve submission abandoned before submit
    "validation_failed",  # form validation failed at submit
)
#: Kinds whose ``correct_code`` names the code the resident should have picked.
CONFUSION_KINDS = ("recoded", "transferred")

CHANNELS = ("phone", "email", "web", "app", "x", "counter")

#: Request statuses (any case) that mean "cancelled": an intake error signal even without an error log.
CANCELLED_STATUSES = ("cancelled", "canceled")

#: The canonical error-log columns: name -> (polars dtype name, required, meaning).
ERROR_LOG_COLUMNS: dict[str, tuple[str, bool, str]] = {
    "event_id": ("Int64", False, "unique id of the event"),
    "timestamp": ("Datetime", True, "when the error happened (ISO 8601)"),
    "channel": ("String", True, "intake channel: " + ", ".join(CHANNELS)),
    "kind": ("String", True, "error kind: " + ", ".join(ERROR_KINDS)),
    "submitted_code": ("String", True, "the code the request was submitted under"),
    "correct_code": ("String", False, "the code it should have been (re-coded, transferred), else empty"),
}


@dataclass(frozen=True, slots=True)
class AllowedValue:
    """One entry of a pick-list: the machine key and the text shown."""

    key: str
    name: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "name": self.name or self.key}


@dataclass(frozen=True, slots=True)
class OperationalField:
    """An intake question a division needs to fulfil a code (an Open311 attribute)."""

    key: str
    prompt: str = ""
    datatype: str = "string"
    required: bool = False
    values: tuple[AllowedValue, ...] = ()
    order: int = 0
    variable: bool = True  # Open311: False means information text shown to the resident, not a question
    description: str = ""  # Open311 datatype_description

    def __post_init__(self) -> None:
        if not self.key:
            raise SchemaError("an operational field has an empty key", hint="give every field a key")
        if self.datatype not in DATATYPES:
            raise SchemaError(
                f"field {self.key!r} has an unknown datatype",
                expected=", ".join(DATATYPES),
                found=repr(self.datatype),
            )

    @property
    def is_list(self) -> bool:
        return self.datatype in LIST_DATATYPES

    def value_keys(self) -> tuple[str, ...]:
        return tuple(v.key for v in self.values)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "key": self.key,
            "prompt": self.prompt,
            "datatype": self.datatype,
            "required": self.required,
            "order": self.order,
        }
        if self.values:
            d["values"] = [v.to_dict() for v in self.values]
        if not self.variable:
            d["variable"] = False
        if self.description:
            d["description"] = self.description
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "OperationalField":
        raw_values = d.get("values") or ()
        values = []
        for v in raw_values:
            if isinstance(v, dict):
                values.append(AllowedValue(str(v.get("key", "")), str(v.get("name", "") or "")))
            else:
                values.append(AllowedValue(str(v), str(v)))
        return cls(
            key=str(d.get("key", "")),
            prompt=str(d.get("prompt", "") or ""),
            datatype=str(d.get("datatype", "string") or "string"),
            required=_as_bool(d.get("required", False)),
            values=tuple(values),
            order=_opt_int(d.get("order", 0) or 0) or 0,
            variable=_as_bool(d.get("variable", True)),
            description=str(d.get("description", "") or ""),
        )


@dataclass(frozen=True, slots=True)
class ServiceCode:
    """The internal unit a division fulfils."""

    code: str
    name: str
    division: str = ""
    section: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    group: str = ""  # a public grouping the source already has (an Open311 group), if any
    volume: int | None = None
    sla_days: float | None = None
    ctl_level: int | None = None
    milestones: tuple[str, ...] = ()
    status: str = "active"
    fields: tuple[OperationalField, ...] = ()
    status_counts: tuple[tuple[str, int], ...] = ()  # e.g. Toronto's Completed/Cancelled/... counts
    extra: tuple[tuple[str, str], ...] = ()  # other source columns, kept as text

    def __post_init__(self) -> None:
        if not self.code:
            raise SchemaError("a service code is empty", hint="every row needs a code")
        if not self.name or not self.name.strip():
            raise SchemaError(f"service code {self.code!r} has an empty name", hint="give every code a name")
        if self.status not in STATUSES:
            raise SchemaError(
                f"service code {self.code!r} has an unknown status",
                expected=" or ".join(STATUSES),
                found=repr(self.status),
            )
        if self.ctl_level is not None and self.ctl_level not in CTL_LEVELS:
            raise SchemaError(
                f"service code {self.code!r} has an unknown Closing-the-Loop level",
                expected="1, 2 or 3",
                found=repr(self.ctl_level),
            )
        if self.volume is not None and self.volume < 0:
            raise SchemaError(f"service code {self.code!r} has a negative volume", found=str(self.volume))
        if self.sla_days is not None and (self.sla_days < 0 or self.sla_days != self.sla_days
                                          or self.sla_days in (float("inf"), float("-inf"))):
            raise SchemaError(f"service code {self.code!r} has an SLA that is not a finite number of days of "
                              "zero or more", found=repr(self.sla_days))

    @property
    def active(self) -> bool:
        return self.status == "active"

    def field(self, key: str) -> OperationalField | None:
        for f in self.fields:
            if f.key == key:
                return f
        return None

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready dict with every key present, in a stable order."""
        return {
            "code": self.code,
            "name": self.name,
            "division": self.division,
            "section": self.section,
            "description": self.description,
            "keywords": list(self.keywords),
            "group": self.group,
            "volume": self.volume,
            "sla_days": self.sla_days,
            "ctl_level": self.ctl_level,
            "milestones": list(self.milestones),
            "status": self.status,
            "fields": [f.to_dict() for f in self.fields],
            "status_counts": dict(self.status_counts),
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ServiceCode":
        kw = d.get("keywords") or ()
        if isinstance(kw, str):
            kw = split_list(kw)
        ms = d.get("milestones") or ()
        if isinstance(ms, str):
            ms = split_list(ms, seps="|;")
        return cls(
            code=str(d.get("code", "") or "").strip(),
            name=str(d.get("name", "") or "").strip(),
            division=str(d.get("division", "") or "").strip(),
            section=str(d.get("section", "") or "").strip(),
            description=str(d.get("description", "") or "").strip(),
            keywords=tuple(str(k) for k in kw),
            group=str(d.get("group", "") or "").strip(),
            volume=_opt_int(d.get("volume")),
            sla_days=_opt_float(d.get("sla_days")),
            ctl_level=_opt_int(d.get("ctl_level")),
            milestones=tuple(str(m) for m in ms),
            status=str(d.get("status", "") or "active").strip().lower(),
            fields=tuple(OperationalField.from_dict(f) for f in _fields_list(d.get("fields"))),
            status_counts=tuple(sorted((str(k), _count(v)) for k, v in _mapping(d.get("status_counts"), "status_counts").items())),
            extra=tuple(sorted((str(k), str(v)) for k, v in _mapping(d.get("extra"), "extra").items())),
        )


#: The flat columns of a catalogue table (CSV, Parquet), in order.
CATALOGUE_COLUMNS = (
    "code", "name", "division", "section", "description", "keywords", "group",
    "volume", "sla_days", "ctl_level", "milestones", "status",
)


@dataclass(slots=True)
class Catalogue:
    """A city's service codes, in a stable order, with where they came from."""

    codes: list[ServiceCode]
    source: str = ""
    format: str = ""
    warnings: list[str] = field(default_factory=list)
    _index: dict[str, ServiceCode] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {c.code: c for c in self.codes}

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[ServiceCode]:
        return iter(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def __getitem__(self, code: str) -> ServiceCode:
        return self._index[code]

    def get(self, code: str) -> ServiceCode | None:
        return self._index.get(code)

    @property
    def code_ids(self) -> list[str]:
        return [c.code for c in self.codes]

    def divisions(self) -> list[str]:
        return sorted({c.division for c in self.codes})

    def active(self) -> list[ServiceCode]:
        return [c for c in self.codes if c.active]

    def total_volume(self) -> int:
        return sum(c.volume or 0 for c in self.codes)

    def replace_codes(self, codes: Iterable[ServiceCode]) -> "Catalogue":
        return Catalogue(list(codes), source=self.source, format=self.format, warnings=list(self.warnings))

    def to_records(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self.codes]

    def to_frame(self):
        """The flat columns as a polars DataFrame (lists joined as text; fields left out)."""
        import polars as pl

        rows = []
        for c in self.codes:
            rows.append({
                "code": c.code, "name": c.name, "division": c.division, "section": c.section,
                "description": c.description, "keywords": "; ".join(c.keywords), "group": c.group,
                "volume": c.volume, "sla_days": c.sla_days, "ctl_level": c.ctl_level,
                "milestones": " | ".join(c.milestones), "status": c.status,
                "n_fields": len(c.fields),
            })
        schema = {
            "code": pl.String, "name": pl.String, "division": pl.String, "section": pl.String,
            "description": pl.String, "keywords": pl.String, "group": pl.String,
            "volume": pl.Int64, "sla_days": pl.Float64, "ctl_level": pl.Int8,
            "milestones": pl.String, "status": pl.String, "n_fields": pl.Int32,
        }
        return pl.DataFrame(rows, schema=schema)


def _count(v: Any) -> int:
    n = _opt_int(v)
    if n is None or n < 0:
        raise SchemaError("a status count must be a whole number of zero or more", found=_short(v))
    return n


def _mapping(v: Any, what: str) -> dict:
    if v is None or v == "":
        return {}
    if not isinstance(v, dict):
        raise SchemaError(f"{what} must be a mapping", found=type(v).__name__, hint=f"write {what} as {{key: value}}")
    return v


def _fields_list(v: Any) -> list:
    if v is None or v == "":
        return []
    if not isinstance(v, (list, tuple)) or not all(isinstance(f, dict) for f in v):
        raise SchemaError("fields must be a list of mappings", found=type(v).__name__,
                          hint="write fields as [{key: ..., prompt: ..., datatype: ...}]")
    return list(v)


def split_list(text: str, seps: str = ";,|") -> list[str]:
    """Split a keyword-like cell on the first separator it contains ("a; b", "a,b", "a|b")."""
    text = (text or "").strip()
    if not text:
        return []
    for sep in seps:
        if sep in text:
            return [p.strip() for p in text.split(sep) if p.strip()]
    return [text]


def _as_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if v is None:
        return False
    return str(v).strip().lower() in ("true", "1", "yes", "y", "t")


#: Largest whole number a catalogue holds (volumes, counts): what a Parquet Int64 column and JSON readers keep.
MAX_INT = 2**53


def _number(v: Any, what: str) -> float | None:
    """``v`` (a number, or text holding one) as a finite float; None when empty; SchemaError otherwise."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        raise SchemaError(f"not {what}", found=repr(v), hint="write a number, not true/false")
    if isinstance(v, int):
        f = v
        if abs(v) > MAX_INT:
            raise SchemaError("the number is too large", expected=f"at most {MAX_INT:,}", found=_short(v))
        return float(f)
    try:
        f = float(v.strip() if isinstance(v, str) else v)
    except (TypeError, ValueError, OverflowError):
        raise SchemaError(f"not {what}", found=_short(v)) from None
    if f != f:  # NaN: an empty cell of a float column (pandas, Parquet)
        if isinstance(v, str):
            raise SchemaError(f"not {what}", found=_short(v), hint="leave the cell empty when there is no value")
        return None
    if f in (float("inf"), float("-inf")):
        raise SchemaError("not a finite number", expected="a finite number (JSON has no Infinity)", found=_short(v))
    if abs(f) > MAX_INT:
        raise SchemaError("the number is too large", expected=f"at most {MAX_INT:,}", found=_short(v))
    return f


def _short(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 40 else r[:37] + "..."


def _opt_int(v: Any) -> int | None:
    """A whole number (``12``, ``"12"``, ``12.0``); ``12.7`` or ``inf`` is a SchemaError, never truncated."""
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) <= MAX_INT:
        return v
    f = _number(v, "a whole number")
    if f is None:
        return None
    if not f.is_integer():
        raise SchemaError("not a whole number", found=_short(v), hint="write a whole number (no fraction)")
    return int(f)


def _opt_float(v: Any) -> float | None:
    """A finite number; ``inf`` or ``nan`` text is a SchemaError (JSON has no Infinity)."""
    return _number(v, "a number")


__all__ = [
    "AllowedValue", "OperationalField", "ServiceCode", "Catalogue", "DATATYPES", "LIST_DATATYPES",
    "CTL_LEVELS", "DEFAULT_MILESTONES", "STATUSES", "ERROR_KINDS", "CONFUSION_KINDS", "CHANNELS",
    "ERROR_LOG_COLUMNS", "CATALOGUE_COLUMNS", "CANCELLED_STATUSES", "split_list",
]
