
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
/* The release's search index (codekit.release.search, search.json): the same folding, stemming, joined pairs,
   weights and matching as the Python side, so a query ranks the same categories in both. */
var STOP = {};
"a an the in on at of to for from by with and or is are was be been it its this that there theres i im me my we our you your they their he she his her near outside inside into out up down over under just very so some any".split(" ").forEach(function(w){ STOP[w] = true; });
function fold(s){ return String(s||"").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase(); }
function stem(w){
  if (w.length > 4 && /ies$/.test(w)) return w.slice(0, -3) + "y";
  if (w.length > 4 && /([sxz]|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && /s$/.test(w) && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}
function terms(text){
  var words = (fold(text).match(/[\p{L}\p{N}]+/gu) || []).filter(function(w){ return !STOP[w]; });
  var out = words.map(stem);
  for (var i = 0; i + 1 < words.length; i++) if (words[i].length + words[i+1].length >= 6) out.push(stem(words[i] + words[i+1]));
  return out;
}
function oneEdit(a, b){
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  if (a.length > b.length) { var t = a; a = b; b = t; }
  var i = 0; while (i < a.length && a[i] === b[i]) i++;
  return a.length === b.length ? a.slice(i + 1) === b.slice(i + 1) : a.slice(i) === b.slice(i + 1);
}
function match(q, t){
  if (q === t) return 1.0;
  if (q.length >= 4 && t.length >= 4 && (t.indexOf(q) === 0 || q.indexOf(t) === 0)) return 0.7;
  if (q.length >= 5 && oneEdit(q, t)) return 0.6;
  return 0;
}
function searchRank(query){
  var S = D.search, qs = [], seen = {};
  terms(query).forEach(function(q){ if (!seen[q]) { seen[q] = true; qs.push(q); } });
  var scores = {};
  Object.keys(S.categories).forEach(function(id){
    var w = S.categories[id], total = 0;
    qs.forEach(function(q){
      var best = 0;
      for (var t in w) { if (!Object.prototype.hasOwnProperty.call(w, t)) continue;
        var m = match(q, t); if (m) best = Math.max(best, m * w[t] * Math.log(1 + S.n / S.df[t])); }
      total += best;
    });
    if (total > 0) scores[id] = total;
  });
  return scores;
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
  var list;
  if (state.query && D.search) {
    var scores = searchRank(state.query);
    list = D.categories.filter(function(c){ return scores[c.id] > 0; });
    list.sort(function(a, b){ return (scores[b.id] - scores[a.id]) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0); });
  } else {
    list = D.categories.filter(function(c){
      if (state.query) return matchesQuery(c, state.query);
      return state.group !== null && c.groups.indexOf(state.group) >= 0;
    });
  }
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
  if (c.expected) box.appendChild(expectedBox(c.expected, "category-expected"));
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
function expectedBox(x, testid){
  /* what a resident can expect, from the release's timelines (codekit.release.timelines.expected_text) */
  var p = el("p", {"class":"expected","data-testid":testid}, x.text);
  p.appendChild(el("small", null, "Based on " + x.requests.toLocaleString("en") + " requests up to " + x.as_of +
    (x.still_open ? " (" + x.still_open.toLocaleString("en") + " still open then)" : "") + "."));
  return p;
}
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
    if (sc.expected) box.appendChild(expectedBox(sc.expected, "result-expected"));
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
