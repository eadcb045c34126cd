"""SPARQL 1.1 Service Description with a VoID description of the dataset, for a plain GET on ``/sparql``."""

from __future__ import annotations

from functools import lru_cache

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL, RDF, XSD
from tanbiao.loaders.resources import curated_file

__all__ = ["service_description"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
_RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}


@lru_cache(maxsize=1)
def _dataset_description() -> Graph:
    """The curated description of the dataset (``data/curated/dataset.ttl``: title, licence, IRI space …)."""
    return Graph().parse(curated_file("dataset.ttl"), format="turtle")


def service_description(endpoint: str, graphs: dict[str, int], updates: bool, fmt: str = "turtle",
                        dumps: tuple[str, ...] = (), version: str = "") -> bytes:
    """The service and its dataset: named graphs with their sizes, the versioned dumps, licence and IRI space."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    svc = URIRef(endpoint)
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, svc))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    if updates:
        g.add((svc, SD.supportedLanguage, SD.SPARQL11Update))
    for f in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
              "Turtle", "N-Triples", "RDF_XML", "JSON-LD"):
        g.add((svc, SD.resultFormat, FORMATS[f]))
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    g.add((svc, SD.feature, SD.BasicFederatedQuery))  # SERVICE, limited to the configured allow-list
    g.add((svc, DCTERMS.title, Literal("tanbiao 碳标 SPARQL endpoint", lang="en")))
    dataset = BNode()
    g.add((svc, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, VOID.sparqlEndpoint, svc))
    described = _dataset_description()
    for node in described.subjects(RDF.type, VOID.Dataset):
        for p, o in described.predicate_objects(node):
            if p != RDF.type:
                g.add((dataset, p, o))
    if version:
        g.add((dataset, OWL.versionInfo, Literal(version)))
    for dump in dumps:
        g.add((dataset, VOID.dataDump, URIRef(dump)))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, DCTERMS.description, Literal("the union of the named graphs", lang="en")))
    g.add((default, VOID.triples, Literal(sum(graphs.values()), datatype=XSD.integer)))
    for name, count in sorted(graphs.items()):
        named = BNode()
        desc = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, desc))
        g.add((desc, RDF.type, SD.Graph))
        g.add((desc, VOID.triples, Literal(count, datatype=XSD.integer)))
    stable = Graph()  # blank nodes named from their content: the same bytes (and ETag) every time
    for triple in to_canonical_graph(g):
        stable.add(triple)
    for prefix, namespace in g.namespaces():
        stable.bind(prefix, namespace)
    return stable.serialize(format=_RDFLIB_FORMAT[fmt], encoding="utf-8")
