"""The routing table (CSV, Parquet) and the status file of a release.

CSV: stdlib ``csv`` with ``\\n`` line ends; text cells a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are prefixed with ``'``.
Parquet: polars, fixed row order (the document's), fixed schema, zstd, no statistics, no index:
the same rows give the same bytes.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from codekit.model import DEFAULT_MILESTONES
from codekit.release import model as m
from codekit.taxonomy.routing import neutralise


def routing_csv(rows: list[m.RoutingRow]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(m.ROUTING_COLUMNS)
    for r in rows:
        d = r.model_dump()
        w.writerow(["" if d[c] is None else neutralise(d[c]) for c in m.ROUTING_COLUMNS])
    return buf.getvalue().encode("utf-8")


def routing_frame(rows: list[m.RoutingRow]):
    import polars as pl

    schema = {c: pl.String for c in m.ROUTING_COLUMNS}
    schema.update(sla_days=pl.Float64, ctl_level=pl.Int8)
    data = [[r.model_dump()[c] for c in m.ROUTING_COLUMNS] for r in rows]
    return pl.DataFrame(data, schema=schema, orient="row")


def routing_parquet(rows: list[m.RoutingRow]) -> bytes:
    buf = io.BytesIO()
    routing_frame(rows).write_parquet(buf, compression="zstd", statistics=False)
    return buf.getvalue()


def _milestones(ctl: int | None, given: list[str]) -> list[str]:
    if given:
        return list(given)
    return list(DEFAULT_MILESTONES.get(ctl or 0, ()))


def status(doc: m.CatalogueRelease) -> dict[str, Any]:
    """Closing-the-Loop level, SLA and status milestones of each category and code, for status pages."""
    codes: dict[str, Any] = {}
    for c in doc.codes:
        codes[c.code] = {
            "name": c.name, "division": c.division, "status": c.status, "ctl_level": c.ctl_level,
            "sla_days": c.sla_days, "milestones": _milestones(c.ctl_level, c.milestones),
        }
    reached: dict[str, list[str]] = {}
    for r in doc.routing:
        if r.code and r.code not in reached.setdefault(r.category, []):
            reached[r.category].append(r.code)
    cats: dict[str, Any] = {}
    for cat in doc.categories:
        cs = sorted(reached.get(cat.id, []))
        slas = [codes[c]["sla_days"] for c in cs if c in codes and codes[c]["sla_days"] is not None]
        ctls = sorted({codes[c]["ctl_level"] for c in cs if c in codes and codes[c]["ctl_level"] is not None})
        ctl = cat.ctl_level if cat.ctl_level is not None else (ctls[-1] if ctls else None)
        cats[cat.id] = {
            "label": cat.label, "codes": cs, "ctl_level": ctl,
            "sla_days": {"min": min(slas), "max": max(slas)} if slas else None,
            "milestones": _milestones(ctl, cat.milestones),
            "referral_only": not cs,
        }
    tl = doc.timelines
    if tl is not None:  # only releases built with request history: the others read exactly as before
        from codekit.release.timelines import status_timeline

        for key, t in tl.codes.items():
            if key in codes:
                codes[key]["timeline"] = status_timeline(t, tl.as_of)
        for key in tl.categories:
            if key in cats:
                cats[key]["timeline"] = status_timeline(tl.categories[key], tl.as_of)
    meta = doc.metadata.model_dump(mode="json")
    meta["schema_id"] = m.STATUS_SCHEMA_ID
    out = {"metadata": meta, "categories": cats, "codes": codes}
    m.StatusRelease.model_validate(out)  # what schemas/release-status.schema.json promises
    return out
