"""SPARQL 1.1 Service Description with a VoID description of the dataset, for a plain GET on ``/sparql``."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD
from tanbiao.loaders import namespaces as ns

__all__ = ["service_description"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
_RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}


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
    g.add((dataset, VOID.uriSpace, Literal(ns.BASE)))
    g.add((dataset, VOID.exampleResource, ns.standard("GB/T 32151.1-2015")))
    g.add((dataset, VOID.vocabulary, URIRef(str(ns.TB))))
    g.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((dataset, DCTERMS.title, Literal("工业领域碳达峰碳中和标准体系知识图谱", lang="zh")))
    g.add((dataset, DCTERMS.title, Literal("Knowledge graph of China's industrial carbon-peak and carbon-neutrality "
                                           "standards system", lang="en")))
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
    return g.serialize(format=_RDFLIB_FORMAT[fmt], encoding="utf-8")
