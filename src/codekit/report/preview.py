"""`codekit preview`: a static, offline HTML page of the public intake flow of a release.

The page embeds the release's categories, questions, routes and the codes they reach as JSON (every
``<`` written as ``\\u003c``, so no name can close the script tag) and runs plain JavaScript (no
framework, no network): pick a group and a category (or search labels and synonyms), answer the
questions (a dependent question appears only when its ``ask_when`` holds), and see the code, division
and section the request goes to (or the referral) and the operational fields that would be sent.

Inputs: a release folder (``dist/<version>/`` with ``catalogue.json``), a ``catalogue.json`` file, or
a taxonomy folder (with a catalogue, default the sample city), turned into the same release document
by ``codekit.release.document.build_document``. Every element a test needs has a ``data-testid``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codekit.errors import InputError, UsageError

RELEASE_FILE = "catalogue.json"


def load_preview_data(source: str | Path, catalogue: Any = None) -> dict[str, Any]:
    """The data the preview page embeds, from a release folder (verified against its manifest by
    ``codekit.release.load_side``), its ``catalogue.json``, or a working taxonomy folder over
    ``catalogue`` (a path, a Catalogue, or ``None`` for the sample city)."""
    from codekit.release import load_side

    src = Path(source)
    if not src.exists():
        raise InputError("no such release or taxonomy", path=str(src),
                         hint="give a release folder (dist/<version>/), its catalogue.json, or a taxonomy folder")
    folder = src.parent if src.is_file() and src.name == RELEASE_FILE else src
    if folder.is_file():
        raise InputError("not a release or a taxonomy folder", path=str(src),
                         hint="give a release folder (dist/<version>/), its catalogue.json, or a taxonomy folder")
    _name, doc = load_side(folder, catalogue)
    return preview_data(doc.model_dump(mode="json"), source=str(folder))


def preview_data(doc: dict[str, Any], *, source: str = "") -> dict[str, Any]:
    """Reduce a release document (plain JSON data) to what the page needs."""
    cats = doc.get("categories") or []
    if not cats:
        raise UsageError("the release has no categories", path=source or None,
                         hint="a preview needs at least one public category")
    codes_all = {c["code"]: c for c in doc.get("codes") or []}
    used: set[str] = set()
    categories = []
    for c in cats:
        routing = set()
        for r in c.get("routes") or []:
            routing.update((r.get("when") or {}).keys())
            if r.get("code"):
                used.add(str(r["code"]))
        for q in c.get("questions") or []:
            routing.update((q.get("ask_when") or {}).keys())
        categories.append({
            "id": c["id"],
            "label": c.get("label") or c["id"],
            "description": c.get("description") or "",
            "synonyms": list(c.get("synonyms") or []),
            "groups": list(c.get("groups") or []) or ["Other"],
            "questions": [
                {
                    "key": q["key"], "prompt": q.get("prompt") or q["key"], "datatype": q.get("datatype") or "string",
                    "required": bool(q.get("required", True)),
                    "values": [{"key": v["key"], "label": v.get("label") or v["key"]} for v in q.get("values") or []],
                    "ask_when": {k: list(v) for k, v in (q.get("ask_when") or {}).items()},
                    "routing": q["key"] in routing,
                }
                for q in c.get("questions") or []
            ],
            "routes": [
                {
                    "when": {k: list(v) for k, v in (r.get("when") or {}).items()},
                    "code": r.get("code"),
                    "referral": r.get("referral"),
                    "fields": r.get("fields") or {},
                    "dropped": r.get("dropped") or {},
                }
                for r in c.get("routes") or []
            ],
        })
    codes = {}
    for code in sorted(used):
        sc = codes_all.get(code)
        if sc is None:
            codes[code] = {"name": "(not in the catalogue)", "division": "", "section": "", "fields": {}}
            continue
        codes[code] = {
            "name": sc.get("name", ""), "division": sc.get("division", ""), "section": sc.get("section", ""),
            "sla_days": sc.get("sla_days"), "ctl_level": sc.get("ctl_level"), "status": sc.get("status", ""),
            "fields": {f["key"]: {"prompt": f.get("prompt", ""), "required": bool(f.get("required"))}
                       for f in sc.get("fields") or []},
        }
    meta = doc.get("metadata") or {}
    groups = sorted({g for c in categories for g in c["groups"]})
    return {
        "source": source,
        "version": meta.get("catalogue_version") or "",
        "content_hash": meta.get("content_hash") or "",
        "groups": groups,
        "categories": categories,
        "codes": codes,
    }


def embed_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` appear raw."""
    from codekit.io.serial import json_text

    text = json_text(data, separators=(",", ":"), what="the preview")
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1f24;background:#f6f8fa}
header{background:#0b3d91;color:#fff;padding:14px 20px}
header h1{margin:0;font-size:20px}
header p{margin:2px 0 0;font-size:13px;opacity:.85}
main{max-width:1180px;margin:0 auto;padding:16px 20px;display:grid;grid-template-columns:300px 1fr 340px;gap:16px}
@media (max-width:1000px){main{grid-template-columns:1fr}}
section.panel{background:#fff;border:1px solid #d9dee4;border-radius:8px;padding:12px 14px;align-self:start}
section.sticky{position:sticky;top:12px}
.cats{max-height:38vh;overflow:auto}
.groups{max-height:70vh;overflow:auto}
h2{font-size:16px;margin:0 0 8px}
input[type=search],input[type=text],input[type=number],input[type=datetime-local],textarea{width:100%;padding:7px 9px;border:1px solid #b8c0ca;border-radius:6px;font:inherit}
.groups button,.cats button{display:block;width:100%;text-align:left;margin:3px 0;padding:6px 9px;border:1px solid #d9dee4;border-radius:6px;background:#fff;font:inherit;cursor:pointer}
.groups button.sel,.cats button.sel{background:#e6f0ff;border-color:#0b3d91}
.cats button small{display:block;color:#5b6470}
fieldset{border:1px solid #d9dee4;border-radius:6px;margin:0 0 10px;padding:8px 12px}
legend{font-weight:600;padding:0 4px}
fieldset label{display:block;margin:2px 0;cursor:pointer}
.tag{display:inline-block;font-size:11px;border-radius:8px;padding:0 6px;margin-left:6px;background:#eef1f4;color:#5b6470}
.result-code{font-size:22px;font-weight:700}
table{border-collapse:collapse;width:100%;font-size:13px}
td,th{border-bottom:1px solid #e3e7eb;padding:4px 6px;text-align:left;vertical-align:top}
.muted{color:#5b6470}
.referral{background:#fff4e5;border:1px solid #f0b35a;border-radius:6px;padding:8px}
"""

_JS = r"""
(function(){
"use strict";
var D = JSON.parse(document.getElementById("preview-data").textContent);
var state = {group: null, category: null, answers: {}, query: ""};
function el(tag, attrs, text){
  var e = document.createElement(tag);
  if (attrs) for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]); }
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function clear(node){ while (node.firstChild) node.removeChild(node.firstChild); }
function byId(id){ return document.getElementById(id); }
function category(){ for (var i=0;i<D.categories.length;i++) if (D.categories[i].id===state.category) return D.categories[i]; return null; }
function asked(q, answers){
  for (var dep in q.ask_when){
    if (!Object.prototype.hasOwnProperty.call(q.ask_when, dep)) continue;
    var a = answers[dep];
    if (a === undefined || a === null || q.ask_when[dep].indexOf(a) < 0) return false;
  }
  return true;
}
function norm(s){ return String(s||"").toLowerCase(); }
function matchesQuery(c, query){
  if (!query) return true;
  var hay = norm([c.label, c.description].concat(c.synonyms).join(" \u0001 "));
  var words = norm(query).split(/\s+/).filter(function(w){return w;});
  for (var i=0;i<words.length;i++) if (hay.indexOf(words[i]) < 0) return false;
  return true;
}
function renderGroups(){
  var box = byId("groups"); clear(box);
  D.groups.forEach(function(g, i){
    var b = el("button", {"type":"button","data-testid":"group","data-group":g,"id":"group-"+i}, g);
    if (state.group === g) b.className = "sel";
    b.addEventListener("click", function(){ state.group = g; state.query = ""; byId("search").value=""; renderGroups(); renderCategories(); });
    box.appendChild(b);
  });
}
function renderCategories(){
  var box = byId("categories"); clear(box);
  var list = D.categories.filter(function(c){
    if (state.query) return matchesQuery(c, state.query);
    return state.group !== null && c.groups.indexOf(state.group) >= 0;
  });
  byId("categories-heading").textContent = state.query ? ("Matches for \u201c" + state.query + "\u201d") : (state.group === null ? "Pick a group" : state.group);
  list.forEach(function(c){
    var b = el("button", {"type":"button","data-testid":"category-"+c.id,"data-category":c.id}, c.label);
    if (c.synonyms.length) b.appendChild(el("small", null, c.synonyms.slice(0,4).join(", ")));
    if (state.category === c.id) b.className = "sel";
    b.addEventListener("click", function(){ selectCategory(c.id); });
    box.appendChild(b);
  });
  if (!list.length && (state.query || state.group !== null)) box.appendChild(el("p", {"class":"muted","data-testid":"no-categories"}, "No category matches."));
}
function selectCategory(id){
  state.category = id; state.answers = {};
  renderCategories(); renderQuestions(); renderResult();
}
function prune(c){
  // drop answers of questions that are no longer asked (in order, so chains clear too)
  var a = {};
  c.questions.forEach(function(q){
    if (asked(q, a) && Object.prototype.hasOwnProperty.call(state.answers, q.key)) a[q.key] = state.answers[q.key];
  });
  state.answers = a;
}
function setAnswer(key, value){
  if (value === "" || value === null || (Array.isArray(value) && !value.length)) delete state.answers[key];
  else state.answers[key] = value;
  var c = category(); prune(c); renderQuestions(); renderResult();
}
function renderQuestions(){
  var box = byId("questions"); clear(box);
  var c = category();
  if (!c){ box.appendChild(el("p", {"class":"muted"}, "Pick a category to see its questions.")); return; }
  box.appendChild(el("h2", {"data-testid":"category-title"}, c.label));
  if (c.description) box.appendChild(el("p", {"class":"muted"}, c.description));
  c.questions.forEach(function(q){
    if (!asked(q, state.answers)) return;
    var fs = el("fieldset", {"data-testid":"question-"+q.key, "data-question":q.key});
    var lg = el("legend", null, q.prompt);
    if (!q.required) lg.appendChild(el("span", {"class":"tag"}, "optional"));
    if (Object.keys(q.ask_when).length) lg.appendChild(el("span", {"class":"tag"}, "follow-up"));
    fs.appendChild(lg);
    var cur = state.answers[q.key];
    if (q.datatype === "singlevaluelist" || q.datatype === "multivaluelist"){
      var multi = q.datatype === "multivaluelist";
      q.values.forEach(function(v){
        var lab = el("label");
        var inp = el("input", {"type": multi ? "checkbox" : "radio", "name": "q-"+q.key, "value": v.key,
                                "data-testid": "answer-"+q.key+"-"+v.key});
        if (multi ? (Array.isArray(cur) && cur.indexOf(v.key) >= 0) : cur === v.key) inp.checked = true;
        inp.addEventListener("change", function(){
          if (!multi) { setAnswer(q.key, v.key); return; }
          var picked = Array.prototype.slice.call(fs.querySelectorAll("input:checked")).map(function(x){return x.value;});
          setAnswer(q.key, picked);
        });
        lab.appendChild(inp); lab.appendChild(document.createTextNode(" " + v.label));
        fs.appendChild(lab);
      });
    } else {
      var type = q.datatype === "number" ? "number" : (q.datatype === "datetime" ? "datetime-local" : "text");
      var inp2 = q.datatype === "text" ? el("textarea", {"rows":"2","data-testid":"input-"+q.key}) : el("input", {"type":type, "data-testid":"input-"+q.key});
      if (cur !== undefined) inp2.value = cur;
      inp2.addEventListener("change", function(){ setAnswer(q.key, inp2.value); });
      fs.appendChild(inp2);
    }
    box.appendChild(fs);
  });
}
function fillValue(c, f){
  if (f.kind !== "from") return {value: f.value, how: f.kind};
  var q = null;
  for (var i=0;i<c.questions.length;i++) if (c.questions[i].key === f.from_question) q = c.questions[i];
  var a = state.answers[f.from_question];
  if (!q || !asked(q, state.answers) || a === undefined || a === null) return {value: null, how: "from: " + f.from_question};
  var m = f.map || {}, hasMap = Object.keys(m).length > 0;
  var mapOne = function(x){ return hasMap ? (Object.prototype.hasOwnProperty.call(m, x) ? m[x] : null) : x; };
  var v = Array.isArray(a) ? a.map(mapOne).filter(function(x){return x !== null;}) : mapOne(a);
  return {value: v, how: "from: " + f.from_question + (hasMap ? " (mapped)" : "")};
}
function show(v){ if (v === null || v === undefined) return "\u2014"; return Array.isArray(v) ? v.join(", ") : String(v); }
function renderResult(){
  var box = byId("result"); clear(box);
  var c = category();
  box.setAttribute("data-code", ""); box.setAttribute("data-referral", "");
  if (!c){ box.setAttribute("data-state", "empty"); box.appendChild(el("p", {"class":"muted"}, "The routing appears here.")); return; }
  var missing = c.questions.filter(function(q){ return q.routing && asked(q, state.answers) && (state.answers[q.key] === undefined); });
  if (missing.length){
    box.setAttribute("data-state", "incomplete");
    box.appendChild(el("p", {"class":"muted","data-testid":"result-waiting"}, "Answer: " + missing.map(function(q){return q.prompt;}).join("; ")));
    return;
  }
  var full = {};
  c.questions.forEach(function(q){ if (q.routing) full[q.key] = asked(q, state.answers) ? state.answers[q.key] : null; });
  var hits = c.routes.filter(function(r){
    for (var k in r.when){ if (Object.prototype.hasOwnProperty.call(r.when, k) && r.when[k].indexOf(full[k]) < 0) return false; }
    return true;
  });
  if (hits.length !== 1){
    box.setAttribute("data-state", hits.length ? "ambiguous" : "none");
    box.appendChild(el("p", {"data-testid":"result-problem"}, hits.length ? "These answers match " + hits.length + " routes (the taxonomy needs fixing)." : "No route matches these answers (the taxonomy needs fixing)."));
    return;
  }
  var r = hits[0];
  if (r.referral){
    box.setAttribute("data-state", "referral"); box.setAttribute("data-referral", r.referral.to);
    var ref = el("div", {"class":"referral"});
    ref.appendChild(el("div", null, "Not handled here: go to"));
    ref.appendChild(el("div", {"class":"result-code","data-testid":"result-referral-to"}, r.referral.to));
    ref.appendChild(el("p", {"data-testid":"result-referral-message"}, r.referral.message));
    if (r.referral.phone) ref.appendChild(el("div", null, "Phone: " + r.referral.phone));
    if (r.referral.url) ref.appendChild(el("div", null, "Web: " + r.referral.url));
    box.appendChild(ref);
  }
  if (r.code){
    var sc = D.codes[r.code] || {name:"", division:"", section:"", fields:{}};
    if (!r.referral) box.setAttribute("data-state", "code");
    box.setAttribute("data-code", r.code);
    box.appendChild(el("div", {"class":"muted"}, r.referral ? "Recorded under" : "Goes to"));
    box.appendChild(el("div", {"class":"result-code","data-testid":"result-code"}, r.code));
    box.appendChild(el("div", {"data-testid":"result-name"}, sc.name));
    box.appendChild(el("div", {"data-testid":"result-division"}, sc.division + (sc.section ? " \u2014 " + sc.section : "")));
    if (sc.sla_days !== null && sc.sla_days !== undefined) box.appendChild(el("div", {"class":"muted"}, "Service level: " + sc.sla_days + " days"));
    var t = el("table", {"data-testid":"result-fields"});
    var hr = el("tr"); ["field","value","how"].forEach(function(h){ hr.appendChild(el("th", null, h)); }); t.appendChild(hr);
    Object.keys(r.fields).sort().forEach(function(k){
      var fv = fillValue(c, r.fields[k]);
      var tr = el("tr", {"data-field": k});
      var label = (sc.fields[k] && sc.fields[k].prompt) ? sc.fields[k].prompt + " (" + k + ")" : k;
      tr.appendChild(el("td", null, label)); tr.appendChild(el("td", null, show(fv.value))); tr.appendChild(el("td", {"class":"muted"}, fv.how));
      t.appendChild(tr);
    });
    Object.keys(r.dropped).sort().forEach(function(k){
      var tr = el("tr", {"data-field": k});
      tr.appendChild(el("td", null, k)); tr.appendChild(el("td", null, "not asked")); tr.appendChild(el("td", {"class":"muted"}, r.dropped[k]));
      t.appendChild(tr);
    });
    box.appendChild(el("h2", null, "Fields sent"));
    if (t.childNodes.length > 1) box.appendChild(t); else box.appendChild(el("p", {"class":"muted"}, "No operational fields."));
  }
}
byId("search").addEventListener("input", function(e){ state.query = e.target.value.trim(); renderCategories(); });
renderGroups(); renderCategories(); renderQuestions(); renderResult();
document.body.setAttribute("data-ready", "1");
})();
"""


def render_preview(data: dict[str, Any]) -> str:
    """The preview page: one HTML file, data embedded as JSON, plain JavaScript, no network."""
    import html

    title = "Intake preview" + (f" \u2014 release {data['version']}" if data.get("version") else "")
    n_routes = sum(len(c["routes"]) for c in data["categories"])
    sub = (f"{len(data['categories']):,} public categories in {len(data['groups']):,} groups, {n_routes:,} routes"
           + (f"; {data['content_hash'][:19]}" if data.get("content_hash") else ""))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1 data-testid=\"title\">{html.escape(title)}</h1><p>{html.escape(sub)}</p></header>"
        "<main>"
        '<section class="panel"><h2>What is it about?</h2>'
        '<input type="search" id="search" data-testid="search" placeholder="Search: pothole, graffiti, bin..." '
        'aria-label="Search categories">'
        '<div class="groups" id="groups" data-testid="groups" style="margin-top:10px"></div></section>'
        '<section class="panel"><h2 id="categories-heading">Pick a group</h2>'
        '<div class="cats" id="categories" data-testid="categories"></div>'
        '<div id="questions" data-testid="questions" style="margin-top:12px"></div></section>'
        '<section class="panel sticky"><h2>Where it goes</h2><div id="result" data-testid="result" data-state="empty"></div>'
        "</section></main>"
        f'<script type="application/json" id="preview-data">{embed_json(data)}</script>'
        f"<script>{_JS}</script></body></html>\n"
    )


def write_preview(data: dict[str, Any], out: str | Path, *, inputs=()) -> Path:
    from codekit.io.files import write_text_atomic

    return write_text_atomic(out, render_preview(data), make_parents=False, inputs=inputs)


__all__ = ["load_preview_data", "preview_data", "render_preview", "write_preview", "embed_json"]
