"""What suggest ranks: public categories (or, with a plain catalogue, its codes), each with the text it is
known by and the routes it leads to.

A :class:`Candidate` is built from plain data only:

- a release document (``catalogue.json`` parsed as JSON, or ``CatalogueRelease.model_dump(mode="json")``):
  one candidate per public category, known by its label, synonyms, description, the names, keywords and
  descriptions of the codes it routes to (and of the codes merged into them), and its answer labels;
- a plain :class:`~codekit.model.Catalogue`: one candidate per active code, known by its name, keywords,
  description and group (what ``--catalogue LABELS.csv`` ranks: at least ``code,name``).

:func:`load_candidates` resolves what the CLI names: a release folder, a ``catalogue.json`` file, a taxonomy
folder over a catalogue, or a catalogue alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codekit.errors import InputError, UsageError


@dataclass(frozen=True)
class RouteOption:
    """One way a category ends: the answers that lead there and the code (with its division) or referral."""

    answers: tuple[tuple[str, tuple[str, ...]], ...]  # (question key, accepted answer keys)
    answer_words: str  # the labels of those answers, for matching against a resident's text
    code: str | None
    code_name: str = ""
    division: str = ""
    section: str = ""
    referral: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"answers": {k: list(v) for k, v in self.answers}}
        if self.code is not None:
            out.update(code=self.code, code_name=self.code_name, division=self.division, section=self.section)
        if self.referral is not None:
            out["referral"] = self.referral
        return out


@dataclass(frozen=True)
class Candidate:
    """A rankable category: its id, label and the text fields it is known by."""

    id: str
    label: str
    synonyms: tuple[str, ...] = ()
    description: str = ""
    member_text: tuple[str, ...] = ()  # names, keywords and descriptions of the codes it reaches
    answer_text: tuple[str, ...] = ()  # labels of its answers
    codes: tuple[str, ...] = ()  # every code it reaches, in route order
    routes: tuple[RouteOption, ...] = field(default=(), compare=False)
    volume: int | None = None  # requests a year of the codes it reaches, when the catalogue counts them

    def views(self) -> dict[str, str]:
        """The candidate's text, field by field (what the zero-shot scorers read)."""
        return {
            "label": self.label,
            "synonyms": " ; ".join(self.synonyms),
            "description": self.description,
            "members": " ; ".join(self.member_text),
            "answers": " ; ".join(self.answer_text),
        }


def candidates_from_document(doc: dict[str, Any], volumes: dict[str, int] | None = None) -> list[Candidate]:
    """One candidate per public category of a release document (plain JSON data). ``volumes`` (code ->
    requests, from the catalogue: a release leaves counts out) gives each category the volume of its codes."""
    codes = {c["code"]: c for c in doc.get("codes") or []}
    out: list[Candidate] = []
    for c in doc.get("categories") or []:
        labels: dict[tuple[str, str], str] = {}
        answers: list[str] = []
        for q in c.get("questions") or []:
            for v in q.get("values") or []:
                labels[(q["key"], v["key"])] = v.get("label") or v["key"]
                answers.append(v.get("label") or v["key"])
        member_codes: list[str] = []
        routes: list[RouteOption] = []
        for r in c.get("routes") or []:
            when = tuple(sorted((k, tuple(v)) for k, v in (r.get("when") or {}).items()))
            words = " ".join(labels.get((k, a), a) for k, vals in when for a in vals)
            code = r.get("code")
            info = codes.get(code) or {} if code else {}
            ref = (r.get("referral") or {}).get("to") if r.get("referral") else None
            routes.append(RouteOption(when, words, code, info.get("name", ""), info.get("division", ""),
                                      info.get("section", ""), ref))
            if code and code not in member_codes:
                member_codes.append(code)
        for mg in c.get("merged") or []:
            if mg.get("code") and mg["code"] not in member_codes:
                member_codes.append(mg["code"])
        member_text: list[str] = []
        for code in member_codes:
            info = codes.get(code) or {}
            member_text.extend(t for t in (info.get("name"), " ".join(info.get("keywords") or ()),
                                           info.get("description")) if t)
        known = [volumes[m] for m in member_codes if volumes and volumes.get(m) is not None]
        out.append(Candidate(
            id=str(c["id"]), label=str(c.get("label") or c["id"]), synonyms=tuple(c.get("synonyms") or ()),
            description=str(c.get("description") or ""), member_text=tuple(member_text),
            answer_text=tuple(dict.fromkeys(answers)), codes=tuple(m for m in member_codes
                                                                   if any(r.code == m for r in routes)),
            routes=tuple(routes), volume=sum(known) if known else None,
        ))
    return out


def candidates_from_catalogue(catalogue: Any) -> list[Candidate]:
    """One candidate per active code of a plain catalogue: the code is both the category and its route."""
    out: list[Candidate] = []
    for c in catalogue.codes:
        if (c.status or "active") != "active":
            continue
        route = RouteOption((), "", c.code, c.name, c.division, c.section, None)
        out.append(Candidate(
            id=c.code, label=c.name or c.code, synonyms=tuple(c.keywords), description=c.description or "",
            member_text=tuple(t for t in (c.group,) if t), codes=(c.code,), routes=(route,), volume=c.volume,
        ))
    return out


def candidates_from_names(names: list[str]) -> list[Candidate]:
    """A minimal in-memory catalogue: each name is a category (id = the name itself)."""
    return [Candidate(id=n, label=n, codes=(n,), routes=(RouteOption((), "", n, n),)) for n in names]


def load_candidates(*, release: Any = None, taxonomy: Any = None, catalogue: Any = None,
                    format: str | None = None) -> tuple[list[Candidate], str, str]:
    """(candidates, kind, source) for what the CLI names.

    ``release``: a release folder (verified against its manifest) or its ``catalogue.json``;
    ``taxonomy``: a taxonomy folder over ``catalogue`` (default the sample city); ``catalogue`` alone: its
    active codes. ``kind`` is ``"categories"`` or ``"codes"``.
    """
    if release is not None and taxonomy is not None:
        raise UsageError("give --release or --taxonomy, not both")
    if release is not None:
        doc = release_document(release)
        return _nonempty(candidates_from_document(doc), release), "categories", str(release)
    if taxonomy is not None:
        from codekit.release import load_side

        p = Path(taxonomy)
        if not p.is_dir():
            raise InputError("no such taxonomy folder", path=str(p), hint="give a folder of category YAML files")
        cat = _catalogue(catalogue, format)
        _name, doc = load_side(p, cat)
        vols = {c.code: c.volume for c in cat.codes if c.volume is not None}
        return (_nonempty(candidates_from_document(doc.model_dump(mode="json"), vols or None), taxonomy),
                "categories", str(p))
    if catalogue is not None:
        from codekit.io.catalogue import load_catalogue
        from codekit.model import Catalogue

        cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue, format=format)
        name = cat.source if isinstance(catalogue, Catalogue) else str(catalogue)
        return _nonempty(candidates_from_catalogue(cat), name), "codes", name
    raise UsageError("nothing to rank", expected="--release DIR, --taxonomy DIR or --catalogue FILE",
                     hint="name the release, taxonomy or catalogue whose categories suggest ranks")


def _catalogue(catalogue: Any, format: str | None):
    """The catalogue a taxonomy is read over: a Catalogue, a file (read with ``format``), sample:SEED or None."""
    from codekit.model import Catalogue
    from codekit.validate import resolve_catalogue

    if catalogue is None or isinstance(catalogue, Catalogue) or str(catalogue).startswith("sample:"):
        return resolve_catalogue(catalogue)
    from codekit.io.catalogue import load_catalogue

    return load_catalogue(catalogue, format=format)


def release_document(path: Any) -> dict[str, Any]:
    """The JSON document of a release folder (checked against its manifest) or of a ``catalogue.json`` file."""
    from codekit.release.read import is_release_dir, load_release, parse_document

    p = Path(path)
    if p.is_file() and p.suffix == ".json":
        import json

        try:
            raw = json.loads(p.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise InputError(f"not valid JSON ({e.__class__.__name__})", path=str(p)) from None
        doc, _ = parse_document(raw, p)
        return doc.model_dump(mode="json")
    if not p.exists():
        raise InputError("no such release", path=str(p), hint="give a release folder (dist/<version>) or its catalogue.json")
    if not is_release_dir(p):
        raise InputError("not a release folder: no manifest.json", path=str(p),
                         hint="give a folder built by `codekit release` (dist/<version>)")
    return load_release(p).document.model_dump(mode="json")


def _nonempty(cands: list[Candidate], source: Any) -> list[Candidate]:
    if not cands:
        raise UsageError("nothing to rank: no public categories (or active codes)", path=str(source))
    return cands
