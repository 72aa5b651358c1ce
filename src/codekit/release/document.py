"""Turn a loaded taxonomy and catalogue into the release document (:class:`CatalogueRelease`).

Paths and line numbers are left out (they depend on where the sources sit, not on what they say), so
the same taxonomy and catalogue give the same document wherever they are checked out.
"""

from __future__ import annotations

import hashlib
from typing import Any

from codekit import __version__
from codekit.model import Catalogue, ServiceCode
from codekit.release import model as m
from codekit.taxonomy.model import FieldFill, PublicCategory, Taxonomy


def _value(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_value(x) for x in v]
    return v


def _fill(f: FieldFill) -> m.Fill:
    if f.source:
        return m.Fill(kind="from", from_question=f.source, map=dict(f.map))
    if f.derived is not None:
        return m.Fill(kind="derived", value=_value(f.derived))
    return m.Fill(kind="constant", value=_value(f.constant))


def _category(c: PublicCategory) -> m.Category:
    questions = [
        m.Question(
            key=q.key, prompt=q.prompt, datatype=q.datatype, required=q.required,
            values=[m.Choice(key=v.key, label=v.label or v.key) for v in q.values],
            ask_when={k: list(v) for k, v in q.ask_when},
        )
        for q in c.questions
    ]
    routes = []
    for r in c.routes:
        ref = None
        if r.referral is not None:
            ref = m.Referral(to=r.referral.to, message=r.referral.message,
                             url=r.referral.url or None, phone=r.referral.phone or None)
        routes.append(m.Route(
            when={k: list(v) for k, v in r.when}, code=(str(r.code) if r.code else None) if ref is None else None,
            referral=ref, fields={k: _fill(f) for k, f in r.fields}, dropped=dict(r.dropped),
        ))
    merged = [m.Merge(code=str(x.code), into=str(x.into), reason=x.reason) for x in getattr(c, "merged", ())]
    return m.Category(
        id=c.id, label=c.label, description=c.description, synonyms=list(c.synonyms), groups=list(c.groups),
        ctl_level=c.ctl_level, milestones=list(c.milestones), questions=questions, routes=routes, merged=merged,
    )


def _code(sc: ServiceCode) -> m.Code:
    return m.Code(
        code=sc.code, name=sc.name, division=sc.division, section=sc.section, description=sc.description,
        keywords=list(sc.keywords), sla_days=sc.sla_days, ctl_level=sc.ctl_level, milestones=list(sc.milestones),
        status=sc.status,
        fields=[
            m.OperationalField(
                key=f.key, prompt=f.prompt, datatype=f.datatype, required=f.required, order=f.order,
                values=[m.AllowedValue(key=v.key, name=v.name or v.key) for v in f.values],
                variable=f.variable, description=f.description,
            )
            for f in sc.fields
        ],
    )


def _routing(taxonomy: Taxonomy, catalogue: Catalogue) -> list[m.RoutingRow]:
    from codekit.taxonomy.routing import routing_rows

    keep = set(m.ROUTING_COLUMNS)
    rows = []
    for r in routing_rows(taxonomy, catalogue):
        d = {k: v for k, v in r.items() if k in keep}
        d["target"] = d.get("target") or "none"
        d["field_map"] = d.get("field_map") or "{}"
        rows.append(m.RoutingRow(**d))
    return rows


def content_hash(content: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(m.canonical_json(content).encode("utf-8")).hexdigest()


def build_document(taxonomy: Taxonomy, catalogue: Catalogue, *, version: str = "0.0.0",
                   source_revision: str | None = None, built_at: str | None = None,
                   previous_version: str | None = None) -> m.CatalogueRelease:
    """The release document of ``taxonomy`` over ``catalogue``, with its metadata block filled in."""
    body = {
        "categories": [_category(c) for c in sorted(taxonomy, key=lambda c: c.id)],
        "codes": [_code(sc) for sc in sorted(catalogue, key=lambda s: s.code)],
        "routing": _routing(taxonomy, catalogue),
    }
    draft = m.CatalogueRelease(metadata=_metadata(version, "", source_revision, built_at, previous_version), **body)
    return with_version(draft, version, source_revision=source_revision, built_at=built_at,
                        previous_version=previous_version)


def _metadata(version: str, digest: str, source_revision, built_at, previous_version) -> m.Metadata:
    return m.Metadata(
        schema_id=m.SCHEMA_ID, schema_version=m.SCHEMA_VERSION, codekit_version=__version__,
        catalogue_version=version, content_hash=digest, source_revision=source_revision or None,
        built_at=built_at or None, previous_version=previous_version,
    )


def with_version(doc: m.CatalogueRelease, version: str, *, source_revision: str | None = None,
                 built_at: str | None = None, previous_version: str | None = None) -> m.CatalogueRelease:
    """The document with a new metadata block (version, provenance, content hash recomputed)."""
    meta = _metadata(version, content_hash(doc.content()), source_revision, built_at, previous_version)
    return doc.model_copy(update={"metadata": meta})
