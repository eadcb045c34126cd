"""Mappings to external vocabularies: SSSOM files valid by `sssom validate`, loaded as SKOS match triples."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS
from tanbiao.loaders import mappings
from tanbiao.loaders.text import SourceError

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = ROOT / "data" / "mappings"
MATCHES = tuple(mappings.PREDICATES.values())
TBC = "https://w3id.org/tanbiao/concept/"


@pytest.mark.parametrize("path", sorted(MAPPINGS.glob("*.sssom.tsv")), ids=lambda p: p.name)
def test_sssom_validate_passes(path):
    sssom = shutil.which("sssom") or str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "sssom")
    res = subprocess.run([sssom, "validate", str(path)], capture_output=True, text=True, timeout=300)
    problems = [line for line in (res.stdout + res.stderr).splitlines()
                if "not well-formed" in line or "Error" in line or "error" in line.lower().split(":")[0]]
    assert res.returncode == 0 and not problems, (res.stdout + res.stderr)[-3000:]


def test_there_are_mapping_sets_for_each_vocabulary():
    names = {p.name for p in MAPPINGS.glob("*.sssom.tsv")}
    assert {"industries-gbt4754.sssom.tsv", "industries-isic4.sssom.tsv", "industries-nace2.sssom.tsv",
            "concepts-wikidata.sssom.tsv", "standards-iso.sssom.tsv"} <= names


def _concepts(scheme: str) -> set[str]:
    with open(ROOT / "data" / "curated" / "concepts.csv", encoding="utf-8", newline="") as f:
        return {r["id"] for r in csv.DictReader(f) if r["scheme"] == scheme}


@pytest.mark.parametrize("target", ["https://w3id.org/tanbiao/gbt4754-2017/",
                                    "https://unstats.un.org/classifications/ISIC/rev4/",
                                    "http://data.europa.eu/ux2/nace2/"])
def test_every_industry_concept_maps_to_each_classification(union_graph, target):
    mapped = {str(s)[len(TBC):] for p in MATCHES for s, o in union_graph.subject_objects(p)
              if str(o).startswith(target) and str(s).startswith(TBC)}
    missing = _concepts("industry") - mapped
    assert not missing, f"industry concepts without a mapping to {target}: {sorted(missing)}"


# official titles, as published by NBS (GB/T 4754-2017), UNSD (ISIC Rev.4) and Eurostat (NACE Rev.2)
OFFICIAL = [
    ("https://w3id.org/tanbiao/gbt4754-2017/C3011", "C3011", "水泥制造", "zh"),
    ("https://w3id.org/tanbiao/gbt4754-2017/C3041", "C3041", "平板玻璃制造", "zh"),
    ("https://w3id.org/tanbiao/gbt4754-2017/C3216", "C3216", "铝冶炼", "zh"),
    ("https://w3id.org/tanbiao/gbt4754-2017/C31", "C31", "黑色金属冶炼和压延加工业", "zh"),
    ("https://w3id.org/tanbiao/gbt4754-2017/C", "C", "制造业", "zh"),
    ("https://unstats.un.org/classifications/ISIC/rev4/2394", "2394", "Manufacture of cement, lime and plaster", "en"),
    ("https://unstats.un.org/classifications/ISIC/rev4/2410", "2410", "Manufacture of basic iron and steel", "en"),
    ("https://unstats.un.org/classifications/ISIC/rev4/2420", "2420",
     "Manufacture of basic precious and other non-ferrous metals", "en"),
    ("http://data.europa.eu/ux2/nace2/2351", "23.51", "Manufacture of cement", "en"),
    ("http://data.europa.eu/ux2/nace2/2410", "24.10", "Manufacture of basic iron and steel and of ferro-alloys", "en"),
]


@pytest.mark.parametrize("iri,code,title,lang", OFFICIAL, ids=[o[1] for o in OFFICIAL])
def test_codes_carry_their_official_titles(union_graph, iri, code, title, lang):
    node = URIRef(iri)
    assert (node, SKOS.notation, Literal(code)) in union_graph
    assert Literal(title, lang=lang) in set(union_graph.objects(node, SKOS.prefLabel))


def test_sample_mappings(union_graph):
    c = lambda i: URIRef(TBC + i)  # noqa: E731
    assert (c("cement-manufacturing"), SKOS.exactMatch, URIRef("https://w3id.org/tanbiao/gbt4754-2017/C3011")) \
        in union_graph
    assert (c("cement-manufacturing"), SKOS.broadMatch,
            URIRef("https://unstats.un.org/classifications/ISIC/rev4/2394")) in union_graph
    assert (c("co2"), SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q1997")) in union_graph
    # GB/T 24067 is not an identical adoption of ISO 14067: a close match only
    ref = URIRef("https://w3id.org/tanbiao/reference/GB-T-24067")
    iso = URIRef("https://www.iso.org/standard/71206.html")
    assert (ref, SKOS.closeMatch, iso) in union_graph and (ref, SKOS.exactMatch, iso) not in union_graph


def test_gbt4754_scheme_is_a_tree_up_to_sections(union_graph):
    scheme = URIRef("https://w3id.org/tanbiao/gbt4754-2017")
    codes = set(union_graph.subjects(SKOS.inScheme, scheme))
    assert len(codes) >= 50
    for code in codes:
        parents = list(union_graph.objects(code, SKOS.broader))
        notation = str(union_graph.value(code, SKOS.notation))
        if len(notation) == 1:
            assert not parents and (scheme, SKOS.hasTopConcept, code) in union_graph
        else:
            assert len(parents) == 1 and str(union_graph.value(parents[0], SKOS.notation)) == notation[:len(
                str(union_graph.value(parents[0], SKOS.notation)))]


def _write(tmp_path, body: str) -> Path:
    head = (MAPPINGS / "standards-iso.sssom.tsv").read_text(encoding="utf-8").split("\nsubject_id")[0]
    p = tmp_path / "bad.sssom.tsv"
    p.write_text(head + "\nsubject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\n" + body,
                 encoding="utf-8")
    return p


def test_malformed_rows_are_reported_with_file_line_and_column(tmp_path):
    p = _write(tmp_path, "tbr:GB-T-24067\tskos:closeMatch\tisostd:71206.html\tsemapv:ManualMappingCuration\t0.9\n"
                         "tbr:GB-T-24067\towl:sameAs\tisostd:71206.html\tsemapv:ManualMappingCuration\t0.9\n"
                         "tbr:GB-T-24067\tskos:closeMatch\tiso:71206\tsemapv:ManualMappingCuration\t2\n"
                         "too\tfew\n")
    ms = mappings.parse(p)
    assert len(ms.mappings) == 1
    joined = "\n".join(ms.errors)
    assert f"{p}:18: predicate_id: 'owl:sameAs'" in joined
    assert f"{p}:19: object_id: 'iso:71206'" in joined and f"{p}:19: confidence: '2'" in joined
    assert f"{p}:20: 2 cells, the header has 5" in joined
    with pytest.raises(SourceError, match="bad.sssom.tsv:18"):
        mappings.load_all(tmp_path)


def test_a_mapping_from_an_unknown_subject_is_an_error(tmp_path):
    _write(tmp_path, "tbr:GB-T-99999\tskos:closeMatch\tisostd:71206.html\tsemapv:ManualMappingCuration\t0.9\n")
    with pytest.raises(SourceError, match=r"bad.sssom.tsv:17: subject_id: 'tbr:GB-T-99999' is not in the graph"):
        mappings.to_graph(mappings.load_all(tmp_path), {URIRef("https://w3id.org/tanbiao/reference/GB-T-24067")})


def test_broken_metadata_block_names_the_file(tmp_path):
    p = tmp_path / "x.sssom.tsv"
    p.write_text("# curie_map: [unclosed\nsubject_id\n", encoding="utf-8")
    with pytest.raises(SourceError, match="x.sssom.tsv: the metadata block"):
        mappings.parse(p)


# --- queries and the gap report use the mappings ----------------------------------------------------------------

@pytest.fixture(scope="module")
def store(built):
    from tanbiao.store import load_build

    return load_build(built.out)


def test_mappings_query_lists_each_vocabulary(store):
    from tanbiao.services.catalogue import bind, catalogue
    from tanbiao.store import run_query

    rows = run_query(store, bind(catalogue()["mappings"], {"target": "nace2"}))
    assert {r["target"] for r in rows} == {"nace2"}
    assert {r["resource"][len(TBC):] for r in rows} == _concepts("industry")
    steel = [r for r in rows if r["resource"] == TBC + "steel"]
    assert [(r["code"], r["externalLabel"]) for r in steel] == [
        ("24.10", "Manufacture of basic iron and steel and of ferro-alloys")]
    everything = run_query(store, catalogue()["mappings"].text)
    assert {r["target"] for r in everything} == {"gbt4754", "isic4", "nace2", "wikidata", "iso"}


def test_standards_by_isic_code(store):
    from tanbiao.services.catalogue import bind, catalogue
    from tanbiao.store import run_query

    rows = run_query(store, bind(catalogue()["standards-by-industry-code"], {"code": "2394"}))
    # GB/T 32151.8-2015 温室气体排放核算与报告要求 第8部分：水泥生产企业 -> 水泥制造 -> ISIC 2394 (broadMatch)
    assert "GB/T 32151.8-2015" in {r["number"] for r in rows}
    assert {r["match"] for r in rows} == {str(SKOS.broadMatch)}
    steel = run_query(store, bind(catalogue()["standards-by-industry-code"], {"code": "24.10"}))
    assert len({r["number"] for r in steel}) >= 10


def test_gap_report_filters_by_industry_code(store):
    from tanbiao.services.gaps import FilterError, gap_report
    from tanbiao.store import run_query

    rep = gap_report(lambda q: run_query(store, q))
    steel = rep.filtered(code="C31")
    # an item is coded by its subject's nearest mapped concept: C31 itself or a class in it (钢压延加工 C3130)
    assert steel and all(any(c.startswith("C31") for c in r["industry_codes"]) for r in steel)
    assert {r["item"] for r in steel} >= {"钢铁生产主工序", "钢压延加工", "钢板及钢带"}
    assert "黑色金属矿采选" not in {r["item"] for r in steel}  # listed under 钢铁, but mining (B08) itself
    assert {r["iri"] for r in rep.filtered(code="2410")} == {r["iri"] for r in steel}
    with pytest.raises(FilterError, match="code '9999' is not known; allowed: .*C31"):
        rep.filtered(code="9999")
