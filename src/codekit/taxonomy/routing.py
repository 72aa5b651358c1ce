"""The routing engine and the routing table.

Routing: a category's *routing questions* (the single-choice questions named in a route's ``when``
or a question's ``ask_when``) are asked in order; a dependent question is asked only when its
``ask_when`` holds, otherwise its answer is ``None`` ("not asked"). Every combination of answers is
enumerated; each must match exactly one route. :func:`routing_table` lists them with the code's
division, section, SLA, Closing-the-Loop level and the field map.

Pure Python here; polars only inside :func:`routing_table` (the CLI imports this lazily).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codekit.errors import SchemaError, UsageError
from codekit.io.serial import json_text
from codekit.model import Catalogue
from codekit.taxonomy.model import FieldFill, PublicCategory, Question, Route, Taxonomy, answers_key

#: Most answer combinations one category may have (a category asking more is unusable anyway).
MAX_COMBINATIONS = 200_000

#: Placeholder for a free-text answer in the proof ("whatever the resident typed").
FREE = "<answer>"


def is_asked(q: Question, answers: dict[str, Any]) -> bool:
    """Is ``q`` asked, given the answers so far?"""
    for dep, allowed in q.ask_when:
        if answers.get(dep) not in allowed:
            return False
    return True


def answer_combinations(cat: PublicCategory, questions: list[Question] | None = None) -> list[dict[str, Any]]:
    """Every combination of answers to ``questions`` (default: the routing questions), in question
    order; a dependent question not asked has the answer ``None``."""
    qs = cat.routing_questions() if questions is None else questions
    combos: list[dict[str, Any]] = [{}]
    for q in qs:
        nxt: list[dict[str, Any]] = []
        for a in combos:
            if is_asked(q, a):
                nxt.extend({**a, q.key: v} for v in q.value_keys())
            else:
                nxt.append({**a, q.key: None})
        combos = nxt
        if len(combos) > MAX_COMBINATIONS:
            raise SchemaError(
                f"category {cat.id!r} has more than {MAX_COMBINATIONS} answer combinations",
                path=cat.path, line=q.line, hint="split the category or make questions depend on earlier answers",
            )
    return combos


def matching_routes(cat: PublicCategory, answers: dict[str, Any]) -> list[int]:
    """Indices of the routes whose conditions hold (one pass over the routes; for many lookups in one
    category use a :class:`Router`)."""
    return [i for i, r in enumerate(cat.routes) if r.matches(answers)]


def _bits(indices) -> int:
    """An integer with the bits ``indices`` set."""
    idx = list(indices)
    if not idx:
        return 0
    buf = bytearray((max(idx) >> 3) + 1)
    for i in idx:
        buf[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buf, "little")


class Router:
    """One category's routes, indexed: :meth:`match` gives the same indices as :func:`matching_routes`
    without a pass over every route for every combination of answers.

    Each route is a bit; for each question a ``when`` names and each answer, a mask holds the routes that
    answer lets through (the routes that do not name the question, and those whose ``when`` allows it). The
    routes that match are the bits set in every mask, so a lookup costs a few integer ANDs however many routes
    the category has. Masks are built on first use of an answer.
    """

    __slots__ = ("cat", "routes", "questions", "routing_questions", "_keys", "_naming", "_by_answer", "_free",
                 "_all", "_masks")

    def __init__(self, cat: PublicCategory) -> None:
        self.cat = cat
        self.routes = cat.routes
        self.questions = {q.key: q for q in reversed(cat.questions)}  # the first of a key wins, as cat.question
        self.routing_questions = cat.routing_questions()
        naming: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        by_answer: dict[str, dict[Any, list[int]]] = {}
        for i, r in enumerate(self.routes):
            for q, allowed in r.when:
                naming.setdefault(q, []).append((i, allowed))
                per = by_answer.setdefault(q, {})
                for v in set(allowed):
                    per.setdefault(v, []).append(i)
        self._keys = tuple(naming)
        self._naming = naming
        self._by_answer = by_answer
        self._all = (1 << len(self.routes)) - 1
        self._free = {q: self._all & ~_bits(i for i, _ in rs) for q, rs in naming.items()}
        self._masks: dict[tuple[str, Any], int] = {}

    def question(self, key: str) -> Question | None:
        return self.questions.get(key)

    def _mask(self, q: str, answer: Any) -> int:
        try:
            return self._masks[(q, answer)]
        except KeyError:
            m = self._free[q] | _bits(self._by_answer[q].get(answer, ()))
            self._masks[(q, answer)] = m
            return m
        except TypeError:  # an unhashable answer (a list): compared as Route.matches does, not cached
            return self._free[q] | _bits(i for i, allowed in self._naming[q] if answer in allowed)

    def match_mask(self, answers: dict[str, Any]) -> int:
        m = self._all
        for q in self._keys:
            m &= self._mask(q, answers.get(q))
            if not m:
                break
        return m

    def match(self, answers: dict[str, Any]) -> list[int]:
        """Indices of the routes whose conditions hold, in route order."""
        m = self.match_mask(answers)
        out = []
        while m:
            low = m & -m
            out.append(low.bit_length() - 1)
            m ^= low
        return out


def fill_value(cat: PublicCategory, fill: FieldFill, answers: dict[str, Any]) -> Any:
    """The value a fill gives for a full set of answers (``None``: no value)."""
    if not fill.source:
        return fill.fixed_value()
    q = cat.question(fill.source)
    if q is None or not is_asked(q, answers):
        return None
    a = answers.get(q.key)
    if a is None:
        return None
    if not q.is_list:
        return a
    m = fill.map_dict()
    if q.datatype == "multivaluelist":
        items = a if isinstance(a, (list, tuple)) else [a]
        out = [m.get(x) if m else x for x in items]
        return [x for x in out if x is not None]
    return m.get(a) if m else a


def fill_fields(cat: PublicCategory, route: Route, answers: dict[str, Any]) -> dict[str, Any]:
    return {k: fill_value(cat, f, answers) for k, f in route.fields}


def field_map_text(route: Route) -> str:
    """The field map as canonical JSON text: ``{field: "from:q (mapped)" | "derived:v" | ...}``."""
    d: dict[str, str] = {k: f.describe() for k, f in route.fields}
    for k, reason in route.dropped:
        d[k] = f"dropped:{reason}"
    return json_text(d, what="the routing table")


ROUTING_COLUMNS = (
    "category", "category_label", "file", "answers", "n_matches", "route_line", "target", "code",
    "code_name", "division", "section", "sla_days", "ctl_level", "code_status", "referral_to",
    "referral_message", "referral_url", "referral_phone", "field_map",
)


def routing_rows(taxonomy: Taxonomy, catalogue: Catalogue | None) -> list[dict[str, Any]]:
    """One dict per (category, answer combination), in category then enumeration order."""
    rows: list[dict[str, Any]] = []
    for cat in taxonomy:
        router = Router(cat)
        order = [q.key for q in router.routing_questions]
        for answers in answer_combinations(cat, router.routing_questions):
            hits = router.match(answers)
            row: dict[str, Any] = dict.fromkeys(ROUTING_COLUMNS)
            row.update(category=cat.id, category_label=cat.label, file=cat.path,
                       answers=answers_key(answers, order), n_matches=len(hits))
            if hits:
                r = cat.routes[hits[0]]
                row["route_line"] = r.line
                row["field_map"] = field_map_text(r)
                if r.referral is not None:
                    row.update(target="referral", referral_to=r.referral.to, referral_message=r.referral.message,
                               referral_url=r.referral.url or None, referral_phone=r.referral.phone or None)
                else:
                    row.update(target="code")
                if r.code:
                    row.update(code=r.code)
                    sc = catalogue.get(r.code) if catalogue is not None else None
                    if sc is not None:
                        row.update(code_name=sc.name, division=sc.division, section=sc.section,
                                   sla_days=sc.sla_days, ctl_level=sc.ctl_level, code_status=sc.status)
            rows.append(row)
    return rows


def routing_table(taxonomy: Taxonomy, catalogue: Catalogue | None):
    """The routing table as a polars DataFrame (columns :data:`ROUTING_COLUMNS`)."""
    import polars as pl

    schema = {c: pl.String for c in ROUTING_COLUMNS}
    schema.update(n_matches=pl.Int32, route_line=pl.Int32, sla_days=pl.Float64, ctl_level=pl.Int8)
    return pl.DataFrame(routing_rows(taxonomy, catalogue), schema=schema, orient="row")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with ``'``."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def write_routing_table(df, out: str | Path, format: str | None = None) -> Path:
    """Write the table as CSV (formula cells neutralised) or Parquet, atomically, by suffix."""
    import polars as pl

    from codekit.io.files import write_bytes_atomic

    out = Path(out)
    fmt = (format or out.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "parquet"):
        raise UsageError("unknown output format for the routing table", path=str(out),
                         expected="a .csv or .parquet file", found=repr(out.suffix or fmt))
    from codekit.io.files import check_output

    check_output(out, what="routing table", make_parents=False)
    import io

    buf = io.BytesIO()
    if fmt == "csv":
        str_cols = [c for c, t in df.schema.items() if t == pl.String]
        safe = df.with_columns(
            pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]")).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
            for c in str_cols
        )
        safe.write_csv(buf)
    else:
        df.write_parquet(buf, compression="zstd", statistics=False)
    write_bytes_atomic(out, buf.getvalue())
    return out
