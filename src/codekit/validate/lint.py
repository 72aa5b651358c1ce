"""``codekit lint``: is the taxonomy fit to publish? Readiness findings beside validate's proof.

``validate`` proves the promise to the divisions (every code reachable, every field filled); ``lint``
reads the taxonomy as a resident and an editor would: labels free of internal jargon, distinct and
specific; no draft groups or notes left in; questions short enough to read; answers that are not
internal code names; categories of a size one question tree can serve. Findings are data with a stable
kebab-case ``type``, a ``severity`` (``error`` blocks ``codekit release``; ``warning`` does not), the
file and line, a message and a hint. Thresholds are :class:`LintOptions` (the project file's
``[lint]`` section; defaults documented in docs/lint.md).

The rules are general (they do not know any city's words): jargon is what looks like a code
(letters and digits), an all-capital acronym, a word without vowels, a catalogue code or code prefix,
a word the catalogue itself writes in capitals ("TSO" in names makes "Tso" jargon in a label), or an
internal name's separators (" - ", "_", "||"). With a catalogue, lint also catches labels naming a
division. The catalogue is optional.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable

#: Every lint finding type, with its default severity and what it means (docs/lint.md has the same table).
LINT_TYPES: dict[str, tuple[str, str]] = {
    "label-jargon": ("error", "a category label or question prompt carries internal jargon: a code, code prefix, "
                              "acronym, abbreviation or the name of a division"),
    "label-duplicate": ("error", "two categories (or two answers of one question) have the same label"),
    "label-generic": ("error", "a label that says what kind of request it is, not what it is about "
                               "('Complaint', 'Services', 'Investigate'), or one short word"),
    "group-draft": ("error", "a group left from a draft ('Draft: mixed')"),
    "question-too-many-answers": ("warning", "a question offers more answers than max_answers (error above "
                                             "max_answers_error)"),
    "answer-internal-name": ("error", "an answer reads as an internal code name ('Unknown - TSO-CMP04', 'SW_BIN')"),
    "category-oversized": ("warning", "a category routes more codes than max_codes (error above max_codes_error)"),
    "synonyms-missing": ("warning", "a category with no synonyms: search finds it by its label only"),
    "note-draft": ("warning", "draft notes left in (propose's notes, TODO, FIXME)"),
    "code-to-review": ("error", "a code parked in a 'to review' category"),
}

SEVERITIES = ("error", "warning")

#: Words that say what kind of request something is, not what it is about. A label made of one of them
#: is an error; a label made of several only (``General question``) a warning. Stems: a trailing "s" is dropped.
GENERIC_WORDS = frozenset("""
    complaint compliment service request issue problem investigate investigation inspection inspect violation
    enquiry inquiry question general other misc miscellaneous maintenance operation program programme
    application information info feedback comment concern report matter item case support help unknown
    various admin administration compliance enforcement review response action task work order call contact
    assistance department division section district management unit team staff follow followup escalation
    referral type category stuff thing
""".split())

#: All-capital words that are plain language, not acronyms.
PLAIN_CAPS = frozenset({"TV", "OK", "ID", "AM", "PM", "US", "USA", "PIN", "ATM"})
#: Short words without vowels that are still plain.
_NO_VOWEL_OK = frozenset({"tv", "pm", "st", "dr", "mr", "mrs", "ms", "nw", "sw", "cm", "mm", "km", "kg", "lb", "lbs",
                          "ft", "hr", "hrs", "min"})
_VOWELS = set("aeiouy")
_STOP = frozenset("a an and or of the to in on at for by with from my is it its not no our your this that be".split())

_CODE_LIKE = re.compile(r"(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]+")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_CAPS = re.compile(r"\b[A-Z][A-Z&]{1,7}\b")
_INTERNAL_SEP = re.compile(r"\s-\s|_|\|\||::|\s:\s|--")
_DRAFT_GROUP = re.compile(r"^\s*draft\b|^\s*(mixed|ungrouped|todo|tbd|unsorted)\s*$", re.IGNORECASE)
_DRAFT_NOTE = re.compile(r"proposed by codekit propose|\b(TODO|FIXME|TBD|XXX)\b|label check:", re.IGNORECASE)
_TO_REVIEW = re.compile(r"\bto[\s_-]*review\b|\bneeds?[\s_-]*review\b|\bunsorted\b|\bunassigned\b", re.IGNORECASE)


@dataclass(frozen=True)
class LintOptions:
    """Thresholds of ``codekit lint`` (the project file's ``[lint]`` section)."""

    #: more answers than this in one question: a warning (break it into dependent questions)
    max_answers: int = 7
    #: more answers than this: an error
    max_answers_error: int = 15
    #: more codes routed from one category than this: a warning
    max_codes: int = 40
    #: more codes than this: an error
    max_codes_error: int = 100
    #: words never flagged as jargon (e.g. a city's well-known acronym residents use: "TTC")
    allow_words: tuple[str, ...] = ()
    #: finding types left out entirely
    ignore: tuple[str, ...] = ()

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["allow_words"] = list(self.allow_words)
        d["ignore"] = list(self.ignore)
        return d


@dataclass(frozen=True, slots=True)
class LintFinding:
    type: str
    severity: str
    message: str
    file: str | None = None
    line: int | None = None
    category: str | None = None
    code: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.type not in LINT_TYPES:
            raise ValueError(f"unknown lint finding type {self.type!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, self.type, self.code or "", self.message)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "severity": self.severity, "message": self.message, "file": self.file,
                "line": self.line, "category": self.category, "code": self.code, "hint": self.hint}


@dataclass(slots=True)
class LintReport:
    findings: list[LintFinding] = field(default_factory=list)
    taxonomy: str = ""
    catalogue: str | None = None
    options: LintOptions = field(default_factory=LintOptions)
    categories: int = 0

    @property
    def errors(self) -> list[LintFinding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[LintFinding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.type] = out.get(f.type, 0) + 1
        return dict(sorted(out.items()))

    def error_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.errors:
            out[f.type] = out.get(f.type, 0) + 1
        return dict(sorted(out.items()))

    def readiness(self) -> dict[str, Any]:
        """The summary the report shows: ok, errors, warnings, counts by type."""
        return {"ok": self.ok, "errors": len(self.errors), "warnings": len(self.warnings), "counts": self.counts()}

    def summary(self) -> str:
        """One line: '3 errors (label-generic 2, group-draft 1) and 5 warnings'."""
        ec = ", ".join(f"{k} {v}" for k, v in self.error_counts().items())
        text = f"{len(self.errors)} error(s)" + (f" ({ec})" if ec else "")
        return text + f" and {len(self.warnings)} warning(s)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "taxonomy": self.taxonomy, "catalogue": self.catalogue, "categories": self.categories,
            "errors": len(self.errors), "warnings": len(self.warnings), "counts": self.counts(),
            "options": self.options.to_dict(), "findings": [f.to_dict() for f in self.findings],
        }


# ------------------------------------------------------------------------------------------ vocabulary

@dataclass(frozen=True)
class _Vocab:
    codes: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()
    caps: frozenset[str] = frozenset()       # words the catalogue writes in capitals only, lower case
    divisions: tuple[str, ...] = ()
    allow: frozenset[str] = frozenset()


def _vocab(catalogue: Any, allow: Iterable[str]) -> _Vocab:
    allow_l = frozenset(w.lower() for w in allow)
    if catalogue is None:
        return _Vocab(allow=allow_l)
    codes, prefixes, caps, plain, divisions = set(), set(), set(), set(), set()
    for c in catalogue:
        if re.search(r"[0-9_\-]", str(c.code)):  # a code that is a plain word ("INSECTS") is not jargon by itself
            codes.add(str(c.code).lower())
        m = re.match(r"([A-Za-z]{2,})[-_ ]?\d", str(c.code))
        if m:
            prefixes.add(m.group(1).lower())
        for text in (c.name, c.section):
            # only names that are not written in capitals throughout: there, capitals mark an acronym
            if text and not text.isupper():
                caps.update(a.lower() for a in _CAPS.findall(text) if a not in PLAIN_CAPS)
                plain.update(t.lower() for t in _TOKEN.findall(text) if not t.isupper())
        if c.division and c.division.strip().lower() not in ("unknown", "other", "n/a"):
            divisions.add(c.division.strip())
    return _Vocab(frozenset(codes), frozenset(prefixes), frozenset(caps - plain - allow_l), tuple(sorted(divisions)),
                  allow_l)


def _norm(text: str) -> str:
    return " ".join(_TOKEN.findall((text or "").lower()))


def jargon(text: str, vocab: _Vocab) -> list[str]:
    """Why ``text`` carries internal jargon (empty: none found)."""
    reasons: list[str] = []
    for a in _CAPS.findall(text or ""):
        if a not in PLAIN_CAPS and a.lower() not in vocab.allow:
            reasons.append(f"acronym {a!r}")
    seen = {a.lower() for a in _CAPS.findall(text or "")}
    for tok in re.findall(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+", text or ""):  # whole codes: "TSO-CMP04"
        if tok.lower() in vocab.codes:
            reasons.append(f"service code {tok!r}")
            seen.update(t.lower() for t in _TOKEN.findall(tok))
    for tok in _TOKEN.findall(text or ""):
        low = tok.lower()
        if low in seen or low in vocab.allow or tok.isdigit():
            continue
        seen.add(low)
        if low in vocab.codes:
            reasons.append(f"service code {tok!r}")
        elif _CODE_LIKE.fullmatch(tok):
            reasons.append(f"code-like token {tok!r}")
        elif low in vocab.prefixes:
            reasons.append(f"code prefix {tok!r}")
        elif low in vocab.caps:
            reasons.append(f"abbreviation {tok!r} (the catalogue writes it in capitals only)")
        elif len(low) >= 2 and not (set(low) & _VOWELS) and low not in _NO_VOWEL_OK:
            reasons.append(f"abbreviation {tok!r}")
    low_text = " " + _norm(text) + " "
    for d in vocab.divisions:
        nd = _norm(d)
        if nd and len(nd.split()) >= 2 and " " + nd + " " in low_text:
            reasons.append(f"names the division {d!r}")
    return list(dict.fromkeys(reasons))


def internal_name(text: str, vocab: _Vocab) -> list[str]:
    """Why an answer reads as an internal code name (empty: it does not)."""
    reasons = []
    m = _INTERNAL_SEP.search(text or "")
    if m:
        reasons.append(f"internal separator {m.group(0).strip() or m.group(0)!r}")
    return reasons + jargon(text, vocab)


def _content_words(text: str) -> list[str]:
    return [w for w in _TOKEN.findall((text or "").lower()) if w not in _STOP and not w.isdigit()]


def _generic(word: str) -> bool:
    return word in GENERIC_WORDS or (word.endswith("s") and word[:-1] in GENERIC_WORDS) or (
        word.endswith("ies") and word[:-3] + "y" in GENERIC_WORDS)


# ------------------------------------------------------------------------------------------ lint

class _Lines:
    """Line numbers of answer keys, found in the file text after their question's line."""

    def __init__(self) -> None:
        self._text: dict[str, list[str]] = {}

    def answer(self, path: str, start: int, key: str) -> int:
        if path not in self._text:
            try:
                self._text[path] = Path(path).read_text(encoding="utf-8").splitlines()
            except OSError:
                self._text[path] = []
        lines = self._text[path]
        pat = re.compile(r"\bkey:\s*['\"]?" + re.escape(key) + r"['\"]?\s*[,}]?\s*")
        for i in range(max(start - 1, 0), len(lines)):
            if pat.search(lines[i]):
                return i + 1
        return start


def lint(taxonomy: Any, catalogue: Any = None, *, options: LintOptions | None = None) -> LintReport:
    """Lint ``taxonomy`` (a folder or a loaded Taxonomy), optionally with its ``catalogue`` (a Catalogue
    or a path): see the module docstring. Broken files raise (exit 2) as in validate."""
    from codekit.taxonomy.load import load_taxonomy
    from codekit.taxonomy.model import Taxonomy

    opts = options or LintOptions()
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    cat = None
    if catalogue is not None:
        from codekit.validate import resolve_catalogue

        cat = resolve_catalogue(catalogue)
    vocab = _vocab(cat, opts.allow_words)
    lines = _Lines()
    out: list[LintFinding] = []

    def add(type_: str, message: str, c, line: int | None, *, hint: str, severity: str | None = None,
            code: str | None = None) -> None:
        if type_ in opts.ignore:
            return
        out.append(LintFinding(type_, severity or LINT_TYPES[type_][0], message, c.path or None, line or c.line,
                               c.id, code, hint))

    by_label: dict[str, list] = {}
    for c in tax:
        label = c.label or ""
        by_label.setdefault(_norm(label), []).append(c)
        why = jargon(label, vocab)
        if why:
            add("label-jargon", f"label {label!r}: {'; '.join(why)}", c, c.line_of("label"),
                hint="say what residents see or want, in their words (`codekit edit relabel`)")
        words = _content_words(label)
        if len(words) == 1 and (_generic(words[0]) or len(words[0]) <= 3):
            add("label-generic", f"label {label!r} is one {'generic' if _generic(words[0]) else 'short'} word",
                c, c.line_of("label"), hint="name the thing or the problem, e.g. 'Garbage not picked up'")
        elif words and all(_generic(w) for w in words):
            add("label-generic", f"label {label!r} is made of generic words only", c, c.line_of("label"),
                severity="warning", hint="name the thing or the problem the category is about")
        for g in c.groups:
            if _DRAFT_GROUP.search(g):
                add("group-draft", f"group {g!r} is left from the draft", c, c.line_of("groups"),
                    hint="put the category in a group residents browse (`codekit edit regroup`)")
        review = [t for t in (c.id, label, *c.groups) if _TO_REVIEW.search(t or "")]
        if review:
            for code in c.codes():
                add("code-to-review", f"code {code} is parked in {c.id!r} ({review[0]!r})", c, c.routes_line or c.line,
                    code=code, hint="move it to a public category or retire it (`codekit edit move`/`retire`)")
        if not c.synonyms:
            add("synonyms-missing", f"category {c.id!r} has no synonyms", c, c.line_of("label"),
                hint="add the words residents search with (`codekit edit synonym`)")
        if c.notes and _DRAFT_NOTE.search(c.notes):
            add("note-draft", f"category {c.id!r} still carries draft notes "
                              f"({_DRAFT_NOTE.search(c.notes).group(0)!r})", c, c.line_of("notes"),
                hint="replace them with why these codes are together, or delete them")
        for r in c.routes:
            if r.note and _DRAFT_NOTE.search(r.note):
                add("note-draft", f"a route of {c.id!r} still carries a draft note", c, r.line_of("note") or r.line,
                    hint="replace it with a note for editors, or delete it")
        n_codes = len(c.codes())
        if n_codes > opts.max_codes:
            sev = "error" if n_codes > opts.max_codes_error else "warning"
            limit = opts.max_codes_error if sev == "error" else opts.max_codes
            add("category-oversized", f"category {c.id!r} routes {n_codes} codes (more than {limit})", c,
                c.routes_line or c.line, severity=sev,
                hint="split it into categories residents tell apart (`codekit edit split`)")
        for q in c.questions:
            prompt_why = jargon(q.prompt, vocab)
            if prompt_why:
                add("label-jargon", f"question {q.key!r} prompt {q.prompt!r}: {'; '.join(prompt_why)}", c, q.line,
                    hint="ask in residents' words (`codekit edit relabel`)")
            n = len(q.values)
            if n > opts.max_answers:
                sev = "error" if n > opts.max_answers_error else "warning"
                limit = opts.max_answers_error if sev == "error" else opts.max_answers
                add("question-too-many-answers", f"question {q.key!r} of {c.id!r} offers {n} answers "
                    f"(more than {limit})", c, q.line, severity=sev,
                    hint="group the answers under a first question (dependent questions), or split the category")
            seen: dict[str, str] = {}
            for ch in q.values:
                text = ch.label or ch.key
                why = internal_name(text, vocab)
                if why:
                    add("answer-internal-name", f"answer {ch.key!r} of question {q.key!r}: {text!r} "
                        f"({'; '.join(why)})", c, lines.answer(c.path, q.line, ch.key),
                        hint="write what residents would pick, e.g. 'Garbage bin' (`codekit edit relabel`)")
                k = _norm(text)
                if k in seen:
                    add("label-duplicate", f"question {q.key!r} of {c.id!r}: answers {seen[k]!r} and {ch.key!r} "
                        f"read the same ({text!r})", c, lines.answer(c.path, q.line, ch.key),
                        hint="residents cannot tell them apart: relabel one, or merge the codes")
                else:
                    seen[k] = ch.key
    for key, cats in sorted(by_label.items()):
        if len(cats) > 1 and key:
            ids = ", ".join(x.id for x in cats)
            for c in cats[1:]:
                add("label-duplicate", f"label {c.label!r} is also the label of {cats[0].id!r} ({ids})", c,
                    c.line_of("label"), hint="residents cannot tell them apart: relabel one, or merge them "
                    "(`codekit edit merge`)")
    out.sort(key=LintFinding.sort_key)
    return LintReport(out, str(tax.source), str(getattr(cat, "source", "") or "") or None if cat is not None else None,
                      opts, len(tax))


def options_from(data: dict[str, Any] | None, *, max_answers: int | None = None) -> LintOptions:
    """LintOptions from a ``[lint]`` mapping (unknown keys refused by the project reader, not here)."""
    d = dict(data or {})
    if max_answers is not None and "max_answers" not in d:
        d["max_answers"] = max_answers
    for k in ("allow_words", "ignore"):
        if k in d:
            d[k] = tuple(d[k])
    return LintOptions(**d)


__all__ = ["lint", "LintOptions", "LintFinding", "LintReport", "LINT_TYPES", "options_from"]
