"""The ontology's documentation page (``/def``): pyLODE 3.3.4 (pinned) writes it; this module gives it one label per
term ("来源文件 / Source document", where pyLODE runs the zh and en labels together) and puts its content in the
site's frame (header, search box, styles: ``templates/ontology.html``)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDFS, SKOS

from tanbiao.loaders.resources import ontology_version
from tanbiao.templating import templates

__all__ = ["ontology_page", "one_label_per_term"]

LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title)


def one_label_per_term(g: Graph) -> Graph:
    """A copy of ``g`` where each term has one label: its longest zh and en labels (over rdfs:label, skos:prefLabel
    and dcterms:title) joined by " / ", given to each of those properties it had (pyLODE reads them all as titles
    and concatenates every value without a separator)."""
    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns)
    longest: dict = {}  # term -> lang -> label
    properties: dict = {}  # term -> the labelling properties it has
    for s, p, o in g:
        if p in LABELS and isinstance(o, Literal):
            by_lang = longest.setdefault(s, {})
            properties.setdefault(s, set()).add(p)
            if len(str(o)) > len(by_lang.get(o.language or "", "")):
                by_lang[o.language or ""] = str(o)
        else:
            out.add((s, p, o))
    for s, by_lang in longest.items():
        ordered = sorted(by_lang.items(), key=lambda kv: ({"zh": 0, "en": 1}.get(kv[0], 2), kv[0]))
        label = Literal(" / ".join(dict.fromkeys(v for _, v in ordered)))
        for p in properties[s]:
            out.add((s, p, label))
    return out


def _pylode(g: Graph) -> str:
    level = logging.getLogger().level
    from pylode import OntPub  # pyLODE sets the root logger to INFO on import: put it back

    logging.getLogger().setLevel(level)
    return OntPub(ontology=g, sort_subjects=True).make_html()  # sorted: the same page from every build


def ontology_page(ontology: Path) -> str:
    """The documentation page of the ontology file: pyLODE's content and styles inside the site's page."""
    html = _pylode(one_label_per_term(Graph().parse(ontology, format="turtle")))
    style = "\n".join(re.findall(r"<style>(.*?)</style>", html, re.S))
    style = re.sub(r"(?<![\w#.-])body\s*\{[^}]*\}", "", style)  # the site's body, not pyLODE's
    body = re.search(r"<body>(.*)</body>", html, re.S)
    content = re.search(r'<div id="content">.*?(?=<div id="pylode">|<div id="toc">)', body.group(1), re.S) if body \
        else None
    toc = re.search(r'<div id="toc">.*', body.group(1), re.S) if body else None
    schema = re.search(r'<script id="schema.org" type="application/ld\+json">.*?</script>', html, re.S)
    return templates().get_template("ontology.html").render(
        version=ontology_version(), style=style, content=content.group(0) if content else "",
        toc=toc.group(0) if toc else "", schema=schema.group(0) if schema else "")
