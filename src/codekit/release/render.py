"""Render a :class:`~codekit.release.diff.Diff` as Markdown, a self-contained HTML page, JSON, or the
routing table's changes in the Tabular Diff Format (daff); and the CHANGELOG entry of a release.

Every name that came from a taxonomy or catalogue is escaped for the output (HTML: ``html.escape``;
Markdown: ``<``, ``|`` and backticks), so a label such as ``<script>`` is shown, never run.
"""

from __future__ import annotations

import html
import json
from typing import Any

from codekit.release import model as m
from codekit.release.diff import CHANGE_KINDS, LEVELS, Change, Diff

OUTPUTS = ("table", "markdown", "html", "json", "tdf")


def _show(v: Any) -> str:
    """A before/after value as a reader sees it: texts as they are, lists one item after another,
    mappings as ``key: value``; JSON only for what has no plainer form. Never truncated."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list) and all(isinstance(x, (str, int, float)) for x in v):
        return "; ".join(str(x) for x in v) if v else "(none)"
    if isinstance(v, dict) and all(isinstance(x, (str, int, float, bool, list, dict, type(None))) for x in v.values()):
        return "; ".join(f"{k}: {_show(x) if not isinstance(x, dict) else json.dumps(x, sort_keys=True, ensure_ascii=False)}"
                         for k, x in v.items()) if v else "(none)"
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def rows(diff: Diff) -> list[dict[str, str]]:
    """One plain-text row per change (what the table, Markdown and HTML show)."""
    return [
        {
            "level": c.level, "kind": c.kind, "category": c.category or "", "code": c.code or "",
            "divisions": ", ".join(c.divisions), "message": c.message, "before": _show(c.before),
            "after": _show(c.after),
        }
        for c in diff.changes
    ]


SIGNOFF_COLUMNS = ("division", "level", "changes", "status", "approved by", "diff hash")


def signoff_rows(signoff: Any) -> list[dict[str, str]]:
    """One row per division of a :class:`codekit.release.signoff.SignoffStatus`."""
    out = []
    for d in signoff.divisions:
        status = d.status + (f": {d.reason()}" if d.reason() else "")
        out.append({"division": d.division, "level": d.level, "changes": str(d.changes), "status": status,
                    "approved by": ", ".join(sorted({a.by for a in d.approvals})), "diff hash": d.diff_hash})
    return out


def signoff_summary(signoff: Any) -> str:
    need = signoff.required()
    policy = ", ".join(signoff.policy.require) or "no level"
    text = (f"Sign-off ({policy} changes need approval): " +
            (f"{len(need)} division(s) must approve: {', '.join(need)}" if need else "no division must approve"))
    missing = [d.division for d in signoff.missing()]
    if need:
        text += f"; missing: {', '.join(missing)}" if missing else "; all approved"
    if not signoff.enforced:
        text += " (not enforced: no project file names reviewers)"
    return text + "."


def approve_hint(diff: Diff, signoff: Any) -> str | None:
    """For one division's view: the command that approves exactly this diff."""
    if not diff.division or signoff is None or not signoff.divisions:
        return None
    d = next((x for x in signoff.divisions if x.division.casefold() == diff.division.casefold()), None)
    if d is None:
        return None
    return f'codekit approve --division "{d.division}" --by NAME --expect {d.diff_hash}'


COLUMNS = ("level", "kind", "category", "code", "divisions", "message", "before", "after")


def title(diff: Diff) -> str:
    t = f"Changes from {diff.a} to {diff.b}"
    if diff.division:
        t += f" for {diff.division}"
    return t


def summary(diff: Diff) -> str:
    if not diff.changes:
        return "No changes."
    counts = ", ".join(f"{k} {v}" for k, v in diff.counts().items())
    return f"{len(diff.changes)} change(s), level {diff.level}: {counts}."


def _md(text: str) -> str:
    text = text.replace("<", "&lt;")  # no tag can open; ">" and "&" alone are harmless
    return text.replace("|", "\\|").replace("`", "\\`").replace("\n", " ")


def to_markdown(diff: Diff, signoff: Any = None) -> str:
    out = [f"## {_md(title(diff))}", "", _md(summary(diff)), ""]
    if diff.changes:
        out.append("| " + " | ".join(COLUMNS) + " |")
        out.append("| " + " | ".join("---" for _ in COLUMNS) + " |")
        for r in rows(diff):
            out.append("| " + " | ".join(_md(r[c]) for c in COLUMNS) + " |")
        out.append("")
    if signoff is not None and signoff.divisions:
        out += ["### Sign-off", "", _md(signoff_summary(signoff)), ""]
        out.append("| " + " | ".join(SIGNOFF_COLUMNS) + " |")
        out.append("| " + " | ".join("---" for _ in SIGNOFF_COLUMNS) + " |")
        for r in signoff_rows(signoff):
            out.append("| " + " | ".join(_md(r[c]) for c in SIGNOFF_COLUMNS) + " |")
        out.append("")
        hint = approve_hint(diff, signoff)
        if hint:
            out += [f"To approve exactly this diff: `{hint.replace('`', '')}`", ""]
    return "\n".join(out)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f2f2f2}tr.major td:first-child{background:#fdd}
tr.minor td:first-child{background:#ffe9b3}tr.patch td:first-child{background:#e3f4e3}
.daff table{width:auto}.daff .add{background:#7fff7f}.daff .remove{background:#ff7f7f}
.daff .modify{background:#7f7fff}.daff .spec{background:#aaa}
tr.signoff-missing td{background:#fdd}tr.signoff-approved td{background:#e3f4e3}
""".strip()


def to_html(diff: Diff, *, with_routing: bool = True, signoff: Any = None) -> str:
    """A self-contained HTML page (inline CSS, no scripts, no external resources)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{e(title(diff))}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>{e(title(diff))}</h1>", f"<p>{e(summary(diff))}</p>",
    ]
    if diff.changes:
        parts.append("<table>")
        parts.append("<thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in COLUMNS) + "</tr></thead><tbody>")
        for r in rows(diff):
            parts.append(f'<tr class="{e(r["level"])}">' + "".join(f"<td>{e(r[c])}</td>" for c in COLUMNS) + "</tr>")
        parts.append("</tbody></table>")
    if signoff is not None and signoff.divisions:
        parts.append('<h2 id="signoff">Sign-off</h2>')
        parts.append(f"<p>{e(signoff_summary(signoff))}</p>")
        parts.append('<table class="signoff"><thead><tr>' + "".join(f"<th>{e(c)}</th>" for c in SIGNOFF_COLUMNS)
                     + "</tr></thead><tbody>")
        for r, d in zip(signoff_rows(signoff), signoff.divisions):
            parts.append(f'<tr class="signoff-{e(d.status)}">' + "".join(f"<td>{e(r[c])}</td>" for c in SIGNOFF_COLUMNS)
                         + "</tr>")
        parts.append("</tbody></table>")
        hint = approve_hint(diff, signoff)
        if hint:
            parts.append(f"<p>To approve exactly this diff: <code>{e(hint)}</code></p>")
    if with_routing:
        tdf = routing_tdf_html(diff)
        if tdf:
            parts.append("<h2>Routing table changes (Tabular Diff Format)</h2>")
            parts.append(f'<div class="daff">{tdf}</div>')
    parts.append("<h2>Change kinds</h2><ul>")
    for kind in sorted({c.kind for c in diff.changes}):
        level, meaning = CHANGE_KINDS[kind]
        parts.append(f"<li><code>{e(kind)}</code> ({e(level)}): {e(meaning)}</li>")
    parts += ["</ul>", "</body>", "</html>", ""]
    return "\n".join(parts)


def to_json(diff: Diff, signoff: Any = None) -> str:
    d = diff.to_dict()
    if signoff is not None:
        d["signoff"] = signoff.to_dict()
    return json.dumps(d, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------------------ daff (TDF)

def _table(rows_: list[m.RoutingRow]) -> list[list[Any]]:
    out: list[list[Any]] = [list(m.ROUTING_COLUMNS)]
    for r in rows_:
        d = r.model_dump()
        out.append([_cell(d[c]) for c in m.ROUTING_COLUMNS])
    return out


def _cell(v: Any) -> Any:
    if isinstance(v, float):
        if v != v:
            return None
        return int(v) if v.is_integer() else v  # 10 vs 10.0 must not show as a change
    return v


def _table_diff(diff: Diff):
    import daff

    a = daff.PythonTableView(_table(diff.routing_a))
    b = daff.PythonTableView(_table(diff.routing_b))
    flags = daff.CompareFlags()
    flags.addPrimaryKey("category")
    flags.addPrimaryKey("answers")
    flags.ignore_epsilon = 1e-9
    align = daff.Coopy.compareTables(a, b, flags).align()
    out = daff.PythonTableView([])
    td = daff.TableDiff(align, flags)
    td.hilite(out)
    return td, out


def routing_tdf(diff: Diff) -> str:
    """The routing table's changes in the Tabular Diff Format (CSV)."""
    import daff

    from codekit.taxonomy.routing import neutralise

    td, out = _table_diff(diff)
    if not td.hasDifference():
        return ""
    for y in range(out.height):  # every CSV codekit writes defuses formula cells (column 0 is daff's op)
        for x in range(1, out.width):
            v = out.getCell(x, y)
            if isinstance(v, str) and neutralise(v) != v:
                out.setCell(x, y, neutralise(v))
    return daff.Csv(",").renderTable(out)


def routing_tdf_html(diff: Diff) -> str:
    import daff

    td, out = _table_diff(diff)
    if not td.hasDifference():
        return ""
    r = daff.DiffRender()
    r.usePrettyArrows(False)
    r.render(out)
    return r.html()


def render(diff: Diff, output: str, signoff: Any = None) -> str:
    """The diff as text in one of :data:`OUTPUTS` (``table`` is rendered by the CLI with rich); with
    ``signoff`` (a :class:`codekit.release.signoff.SignoffStatus`), the approvals it needs."""
    if output == "markdown":
        return to_markdown(diff, signoff)
    if output == "html":
        return to_html(diff, signoff=signoff)
    if output == "json":
        return to_json(diff, signoff)
    if output == "tdf":
        return routing_tdf(diff)
    raise ValueError(output)


# --------------------------------------------------------------------------------------- changelog

def changelog_entry(version: str, diff: Diff | None, doc: m.CatalogueRelease, built_at: str | None = None, *,
                    signoff: Any = None) -> str:
    head = f"## {version}" + (f" ({built_at})" if built_at else "")
    lines = [head, ""]
    if diff is None:
        n_codes = len({r.code for r in doc.routing if r.code})
        lines.append(f"First release: {len(doc.categories)} public categories routing to {n_codes} service codes.")
        lines.append("")
        return "\n".join(lines)
    lines.append(f"Changes since {diff.a} ({diff.level or 'none'}).")
    lines.append("")
    for level in reversed(LEVELS):
        items = [c for c in diff.changes if c.level == level]
        if not items:
            continue
        lines.append(f"### {level.capitalize()}")
        lines.append("")
        for c in items:
            divs = f" [{', '.join(c.divisions)}]" if c.divisions else ""
            lines.append(f"- `{c.kind}`: {_md(c.message)}{_md(divs)}")
        lines.append("")
    if signoff is not None:  # a codekit.release.signoff.SignoffStatus
        lines += ["### Sign-off", ""]
        for d in signoff.divisions:
            if d.approved:
                lines.append(f"- {_md(d.division)} ({d.level}): approved by {_md(', '.join(sorted({a.by for a in d.approvals})))}")
            else:
                lines.append(f"- {_md(d.division)} ({d.level}): no approval needed ({d.level} changes are exempt)")
        lines.append("")
    return "\n".join(lines)


def changelog(entry: str, previous: str | None) -> str:
    """The full CHANGELOG.md: this entry on top of the previous release's entries."""
    older = ""
    if previous:
        older = previous.split("\n", 2)[2] if previous.startswith("# Changelog\n") else previous
    return "# Changelog\n\n" + entry.rstrip("\n") + "\n\n" + older.lstrip("\n")


def change_kinds_table() -> str:
    """The table of change kinds for docs/release.md."""
    out = ["| kind | level | meaning |", "| --- | --- | --- |"]
    for kind, (level, meaning) in CHANGE_KINDS.items():
        out.append(f"| `{kind}` | {level} | {meaning} |")
    return "\n".join(out)


__all__ = ["OUTPUTS", "render", "to_markdown", "to_html", "to_json", "routing_tdf", "rows", "changelog_entry",
           "changelog", "Change"]
