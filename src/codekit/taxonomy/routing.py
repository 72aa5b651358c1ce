"""The routing engine and the routing table.

Routing: a category's *routing questions* (the single-choice questions named in a route's ``when``
or a question's ``ask_when``) are asked in order; a dependent question is asked only when its
``ask_when`` holds, otherwise its answer is ``None`` ("not asked"). Every combination of answers is
enumerated; each must match exactly one route. :func:`routing_table` lists them with the code's
division, section, SLA, Closing-the-Loop level and the field map.

Pure Python here; polars only inside :func:`routing_table` (the CLI imports this lazily).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from codekit.errors import SchemaError, UsageError
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
    """Indices of the routes whose conditions hold."""
    return [i for i, r in enumerate(cat.routes) if r.matches(answers)]


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


def iter_routes(taxonomy: Taxonomy) -> Iterator[tuple[PublicCategory, int, Route]]:
    for cat in taxonomy:
        for i, r in enumerate(cat.routes):
            yield cat, i, r


def field_map_text(route: Route) -> str:
    """The field map as canonical JSON text: ``{field: "from:q (mapped)" | "derived:v" | ...}``."""
    d: dict[str, str] = {k: f.describe() for k, f in route.fields}
    for k, reason in route.dropped:
        d[k] = f"dropped:{reason}"
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


ROUTING_COLUMNS = (
    "category", "category_label", "file", "answers", "n_matches", "route_line", "target", "code",
    "code_name", "division", "section", "sla_days", "ctl_level", "code_status", "referral_to",
    "referral_message", "referral_url", "referral_phone", "field_map",
)


def routing_rows(taxonomy: Taxonomy, catalogue: Catalogue | None) -> list[dict[str, Any]]:
    """One dict per (category, answer combination), in category then enumeration order."""
    rows: list[dict[str, Any]] = []
    for cat in taxonomy:
        order = [q.key for q in cat.routing_questions()]
        for answers in answer_combinations(cat):
            hits = matching_routes(cat, answers)
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
