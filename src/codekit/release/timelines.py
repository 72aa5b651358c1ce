"""The expected timelines a release carries when it is built with request history (``codekit release --requests``).

:func:`timelines_block` turns the result of :func:`codekit.analyse.timelines.build_timelines` (computed over the
release's own taxonomy and catalogue) into the ``timelines`` block of ``catalogue.json``; :func:`expected_text` is
the one sentence a resident is told, the same in ``catalogue.json``, ``status.json``, the Open311 service
definitions and the preview. Rules (docs/release.md, "Expected timelines"):

- fewer than ``min_requests`` (20) timed requests: nothing is said (no figure from a handful of requests);
- the p80 is known: "Most requests like this are done within N days." (N = the p80 rounded up to a whole day;
  under a day: hours, rounded up);
- only the p50 is known (more than one in five still open at the longest time seen): "About half of requests like
  this are done within N days; many take longer.";
- not even the p50 (most still open): "Many requests like this take longer than N days." with N the longest time
  observed, rounded down, when that is at least a day; otherwise nothing.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from codekit.release import model as m

_TOL = 1e-9


def _up(x: float) -> int:
    return max(1, math.ceil(x - _TOL))


def _span(days: float, unit: str) -> str:
    if unit == "business_days":
        n = _up(days)
        return "a working day" if n == 1 else f"{n} working days"
    if days < 1:
        h = _up(days * 24)
        return "an hour" if h == 1 else f"{h} hours"
    n = _up(days)
    return "a day" if n == 1 else f"{n} days"


def expected_text(requests: int, p50_days: float | None, p80_days: float | None, follow_up_days: float | None,
                  *, min_requests: int, unit: str = "hours") -> str | None:
    """What to tell a resident about how long a request like this takes (None: not enough to say)."""
    if requests < max(1, min_requests):
        return None
    if p80_days is not None:
        return f"Most requests like this are done within {_span(p80_days, unit)}."
    if p50_days is not None:
        return f"About half of requests like this are done within {_span(p50_days, unit)}; many take longer."
    if follow_up_days is not None and follow_up_days >= 1:
        n = math.floor(follow_up_days + _TOL)
        word = "working days" if unit == "business_days" else "days"
        return f"Many requests like this take longer than {n} {word if n != 1 else word[:-1]}."
    return None


def timeline(row: dict[str, Any], *, min_requests: int, unit: str) -> m.Timeline:
    """One row of ``build_timelines`` (a code or a category) as the release's :class:`Timeline`."""
    return m.Timeline(
        requests=row["n_requests"], closed=row["n_closed"], still_open=row["n_open"], open_share=row["open_share"],
        p50_days=row["p50_days"], p80_days=row["p80_days"], p90_days=row["p90_days"],
        follow_up_days=row["follow_up_days"], sla_days=row["sla_days"], sla_compliance=row["sla_compliance"],
        due_on_time_share=(row.get("due") or {}).get("on_time_share"),
        acknowledged_p50_days=(row.get("acknowledged") or {}).get("p50_days"),
        suggested_ctl_level=row["suggested_ctl_level"],
        expected=expected_text(row["n_requests"], row["p50_days"], row["p80_days"], row["follow_up_days"],
                               min_requests=min_requests, unit=unit),
    )


def timelines_block(result: dict[str, Any], doc: m.CatalogueRelease, *, min_requests: int) -> m.Timelines:
    """The ``timelines`` block of ``doc`` from ``result`` (``build_timelines`` over the same taxonomy and
    catalogue): every code of the release with requests, every category with requests."""
    unit = result["unit"]
    known = {c.code for c in doc.codes}
    codes = {r["code"]: timeline(r, min_requests=min_requests, unit=unit)
             for r in result["codes"] if r["code"] in known and r["n_requests"]}
    cat_ids = {c.id for c in doc.categories}
    cats = {r["category"]: timeline(r, min_requests=min_requests, unit=unit)
            for r in result["categories"] if r["category"] in cat_ids and r["n_requests"]}
    c = result["counts"]
    return m.Timelines(
        as_of=result["as_of"], as_of_from="data" if result["as_of_default"] else "given",
        source=f"{Path(result['source']).name} ({result['format']})", unit=unit, min_requests=min_requests,
        counts=m.TimelineCounts(rows=c["rows"], timed=c["used"], closed=c["closed"], still_open=c["open"],
                                excluded=dict(c["excluded"]),
                                codes_not_in_catalogue=sum(1 for r in result["codes"] if r["code"] not in known)),
        categories=dict(sorted(cats.items())), codes=dict(sorted(codes.items())),
    )


def history_timelines(requests: str | Path, *, catalogue: Any, taxonomy: Any, format: str | None = None,
                      columns: str | None = None, as_of: str | None = None, business_days: bool = False,
                      min_requests: int | None = None) -> dict[str, Any]:
    """:func:`codekit.analyse.timelines.build_timelines` of a request history read beside a catalogue (release,
    report): its errors name the options those commands have (:func:`as_request_options`)."""
    from codekit.analyse.timelines import CTL_MIN_REQUESTS, build_timelines
    from codekit.errors import CodekitError

    try:
        return build_timelines(requests, format=format, columns=columns, catalogue=catalogue, taxonomy=taxonomy,
                               as_of=as_of, business_days=business_days,
                               min_requests=CTL_MIN_REQUESTS if min_requests is None else min_requests)
    except CodekitError as e:
        raise as_request_options(e) from None


_REQUEST_OPTIONS = {"--columns": "--requests-columns", "--format": "--requests-format"}
_OPTION = re.compile(r"(?<![\w-])(--columns|--format)(?![\w-])")


def as_request_options(e: Any) -> Any:
    """A :class:`codekit.errors.CodekitError` raised reading a request history, its option names as the commands
    that read one beside a catalogue call them (``--columns`` -> ``--requests-columns``), so the hint names an
    option the user can give. Changed in place; returned for ``raise``."""
    for attr in ("message", "hint", "expected"):
        v = getattr(e, attr, None)
        if isinstance(v, str):
            setattr(e, attr, _OPTION.sub(lambda m: _REQUEST_OPTIONS[m.group(1)], v))
    return e


def status_timeline(t: m.Timeline | None, as_of: str) -> dict[str, Any] | None:
    """The part of a :class:`Timeline` ``status.json`` shows."""
    if t is None:
        return None
    return {"as_of": as_of, "requests": t.requests, "still_open": t.still_open, "p50_days": t.p50_days,
            "p80_days": t.p80_days, "p90_days": t.p90_days, "sla_compliance": t.sla_compliance,
            "suggested_ctl_level": t.suggested_ctl_level, "expected": t.expected}


__all__ = ["expected_text", "timeline", "timelines_block", "status_timeline", "as_request_options", "history_timelines"]
