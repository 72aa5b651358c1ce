"""SKOS export (Turtle) of a release: service codes and public categories as two concept schemes.

Each code is a ``skos:Concept`` in the service-code scheme (``skos:notation`` = the code,
``skos:prefLabel`` = its internal name, its division and section as ``skos:scopeNote``); each public
category is a ``skos:Concept`` in the public-category scheme (``prefLabel`` = label, ``altLabel`` =
synonyms, ``definition`` = description). Each code points at every category that reaches it with
``skos:broadMatch``. Every node is an IRI (no blank nodes), so the ``longturtle`` bytes are stable.
"""

from __future__ import annotations

from urllib.parse import quote

from codekit.release import model as m

#: Default base of the concept IRIs.
BASE = "https://codekit.example/311/"


def skos_turtle(doc: m.CatalogueRelease, base: str = BASE) -> bytes:
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

    g = Graph(bind_namespaces="none")
    g.bind("skos", SKOS)
    g.bind("dcterms", DCTERMS)
    g.bind("owl", OWL)
    code_ns = Namespace(base + "code/")
    cat_ns = Namespace(base + "category/")
    g.bind("code", code_ns)
    g.bind("category", cat_ns)
    codes_scheme = URIRef(base + "scheme/service-codes")
    cats_scheme = URIRef(base + "scheme/public-categories")
    version = doc.metadata.catalogue_version

    for scheme, title in ((codes_scheme, "Service codes"), (cats_scheme, "Public categories")):
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, SKOS.prefLabel, Literal(title, lang="en")))
        g.add((scheme, OWL.versionInfo, Literal(version)))

    def code_iri(code: str) -> URIRef:
        return code_ns[quote(code, safe="")]

    def cat_iri(cid: str) -> URIRef:
        return cat_ns[quote(cid, safe="")]

    for c in doc.categories:
        s = cat_iri(c.id)
        g.add((s, RDF.type, SKOS.Concept))
        g.add((s, SKOS.inScheme, cats_scheme))
        g.add((s, SKOS.topConceptOf, cats_scheme))
        g.add((cats_scheme, SKOS.hasTopConcept, s))
        g.add((s, SKOS.notation, Literal(c.id)))
        g.add((s, SKOS.prefLabel, Literal(c.label, lang="en")))
        for syn in c.synonyms:
            g.add((s, SKOS.altLabel, Literal(syn, lang="en")))
        if c.description:
            g.add((s, SKOS.definition, Literal(c.description, lang="en")))

    broad = doc.code_categories()

    for c in doc.codes:
        s = code_iri(c.code)
        g.add((s, RDF.type, SKOS.Concept))
        g.add((s, SKOS.inScheme, codes_scheme))
        g.add((s, SKOS.topConceptOf, codes_scheme))
        g.add((codes_scheme, SKOS.hasTopConcept, s))
        g.add((s, SKOS.notation, Literal(c.code)))
        g.add((s, SKOS.prefLabel, Literal(c.name, lang="en")))
        if c.description:
            g.add((s, SKOS.definition, Literal(c.description, lang="en")))
        where = " / ".join(x for x in (c.division, c.section) if x)
        if where:
            g.add((s, SKOS.scopeNote, Literal(where, lang="en")))
        if c.status != "active":
            g.add((s, OWL.deprecated, Literal(True)))
        for kw in c.keywords:
            g.add((s, SKOS.hiddenLabel, Literal(kw, lang="en")))
        for cid in sorted(broad.get(c.code, ())):
            g.add((s, SKOS.broadMatch, cat_iri(cid)))
    return g.serialize(format="longturtle", encoding="utf-8")
