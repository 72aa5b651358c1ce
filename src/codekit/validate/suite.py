"""The great-expectations suite over the routing tables.

Python computes one row of facts per route, per answer combination and per (route, field); the
suite states what must hold of those columns, and the rows it reports as unexpected become findings.
Ephemeral context: nothing is written to disk; progress bars off. Results are looked up by
expectation type and column (the result order is not the suite's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One expectation: on which table, which expectation, which column(s), and the finding type."""

    table: str
    expectation: str  # the GX class name
    column: str
    kwargs: tuple[tuple[str, Any], ...] = ()
    finding: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, _snake(self.expectation), self.column)


def _snake(name: str) -> str:
    out = ""
    for ch in name:
        out += ("_" + ch.lower()) if ch.isupper() and out else ch.lower()
    return out


def _is_true(table: str, column: str, finding: str) -> Check:
    return Check(table, "ExpectColumnValuesToBeInSet", column, (("value_set", [True]),), finding)


def _pair(table: str, a: str, b: str, finding: str) -> Check:
    return Check(table, "ExpectColumnPairValuesToBeEqual", f"{a}|{b}",
                 (("column_A", a), ("column_B", b), ("ignore_row_if", "either_value_is_missing")), finding)


def checks(code_set: list[str]) -> list[Check]:
    return [
        # per route
        Check("routes", "ExpectColumnValuesToBeInSet", "code", (("value_set", code_set),), "route-unknown-code"),
        Check("routes", "ExpectColumnValuesToBeInSet", "code_status", (("value_set", ["active"]),), "route-retired-code"),
        _is_true("routes", "reached", "route-unreachable"),
        _pair("routes", "stated_division", "division", "division-mismatch"),
        _pair("routes", "stated_section", "section", "division-mismatch"),
        _pair("routes", "stated_ctl", "ctl_level", "ctl-mismatch"),
        _pair("routes", "stated_milestones", "milestones", "ctl-mismatch"),
        _pair("routes", "stated_sla", "sla_days", "sla-mismatch"),
        # per answer combination: each row it reports becomes route-missing (no route) or route-ambiguous
        # (several), grouped per category in checks.findings_from_suite; the check itself names no finding
        Check("combinations", "ExpectColumnValuesToBeInSet", "n_matches", (("value_set", [1]),)),
        # per (route, field)
        _is_true("fields", "known_field", "field-unknown"),
        _is_true("fields", "required_filled", "field-dropped"),
        _is_true("fields", "type_ok", "field-type-mismatch"),
        _is_true("fields", "values_ok", "field-value-invalid"),
        _is_true("fields", "map_keys_ok", "value-map-invalid"),
        _is_true("fields", "map_complete", "value-map-incomplete"),
        _is_true("fields", "optional_accounted", "optional-field-dropped-without-reason"),
    ]


_CACHE: dict[str, Any] = {}


def _batch_definition():
    """One ephemeral context per process (nothing on disk, progress bars off), reused across calls."""
    if "bd" not in _CACHE:
        import logging

        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = context.data_sources.add_pandas("codekit").add_dataframe_asset("routing")
        _CACHE["bd"] = asset.add_batch_definition_whole_dataframe("all")
    return _CACHE["bd"]


def run_suite(frames: dict[str, Any], code_set: list[str]) -> dict[tuple[str, str, str], list[int]]:
    """Validate the tables (stacked into one frame, a ``table`` column saying which rows are which:
    each expectation's columns are empty on the other tables' rows, and empty cells are not checked);
    return the unexpected row indices, within each table, per check key."""
    import great_expectations as gx
    import pandas as pd

    all_checks = checks(code_set)
    out: dict[tuple[str, str, str], list[int]] = {c.key: [] for c in all_checks}
    parts, offsets, start = [], {}, 0
    for table, frame in frames.items():
        if frame is None or len(frame) == 0:
            continue
        f = frame.reset_index(drop=True).copy()
        f.insert(0, "table", table)
        offsets[table] = (start, start + len(f))
        start += len(f)
        parts.append(f)
    if not parts:
        return out
    # prefix columns per table so a column name means one thing
    stacked = pd.concat(
        [p.rename(columns={c: f"{p['table'].iat[0]}.{c}" for c in p.columns if c != "table"}) for p in parts],
        ignore_index=True,
    )
    stacked = stacked.astype(object).where(stacked.notna(), None)
    by_key: dict[tuple[str, str], Check] = {}
    batch_definition = _batch_definition()  # creates the context a suite needs
    suite = gx.ExpectationSuite(name="codekit-routing")
    for c in all_checks:
        if c.table not in offsets:
            continue
        kwargs = dict(c.kwargs)
        if c.expectation == "ExpectColumnPairValuesToBeEqual":
            kwargs["column_A"] = f"{c.table}.{kwargs['column_A']}"
            kwargs["column_B"] = f"{c.table}.{kwargs['column_B']}"
            col = f"{kwargs['column_A']}|{kwargs['column_B']}"
        else:
            kwargs["column"] = col = f"{c.table}.{c.column}"
        suite.add_expectation(getattr(gx.expectations, c.expectation)(**kwargs))
        by_key[(_snake(c.expectation), col)] = c
    batch = batch_definition.get_batch(batch_parameters={"dataframe": stacked})
    result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    for r in result.results:
        kw = r.expectation_config.kwargs
        col = kw.get("column") or f"{kw.get('column_A')}|{kw.get('column_B')}"
        c = by_key[(r.expectation_config.type, col)]
        info = r.exception_info or {}
        if info.get("raised_exception"):
            raise RuntimeError(f"great-expectations failed on {c.key}: {info.get('exception_message')}")
        if not r.success:
            lo, _hi = offsets[c.table]
            out[c.key] = sorted(int(i) - lo for i in (r.result.get("unexpected_index_list") or []))
    return out
