"""The enumeration grammar of the priority-direction texts."""

from tanbiao.loaders.items import split_list, split_paragraph, split_top, strip_quotes, wording


def test_split_top_respects_brackets():
    assert split_top("A（如B、C等）、D", ("、",)) == ["A（如B、C等）", "D"]


def test_split_list_last_and():
    assert split_list("钢铁、光伏和电子电器", last_and=True) == ["钢铁", "光伏", "电子电器"]
    assert split_list("造纸和纸制品、家用洗涤剂") == ["造纸和纸制品", "家用洗涤剂"]


def test_strip_unpaired_quotes():
    assert strip_quotes("核算标准”；各行业") == "核算标准；各行业"
    assert strip_quotes("“工业互联网+能效管理”") == "“工业互联网+能效管理”"


def test_clause_with_industry_and_groups():
    (c,) = split_paragraph("重点制定铜矿、铅锌矿等矿采选企业，铜冶炼、锌冶炼等有色金属行业重点企业的二氧化碳排放核算标准。")
    assert c.industry == "有色金属" and not c.industries_listed
    assert [(i.label, i.group) for i in c.items] == [("铜矿", "矿采选企业"), ("铅锌矿", "矿采选企业"),
                                                     ("铜冶炼", ""), ("锌冶炼", "")]


def test_aspect_marker_and_clauses():
    clauses = split_paragraph("在产品碳足迹核算方面，重点制定钢筋、型钢等钢铁行业重点产品的碳足迹核算标准；"
                              "计算机等电子领域重点产品的碳足迹核算标准。")
    assert [c.aspect for c in clauses] == ["产品碳足迹核算", "产品碳足迹核算"]
    assert [c.industry for c in clauses] == ["钢铁", "电子"]
    assert [[i.label for i in c.items] for c in clauses] == [["钢筋", "型钢"], ["计算机"]]


def test_listed_things_are_industries():
    (c,) = split_paragraph("重点制定钢铁、建材、有色、石化、化工等行业的低碳企业通用评价导则类标准。")
    assert c.industries_listed and [i.label for i in c.items] == ["钢铁", "建材", "有色", "石化", "化工"]


def test_two_part_industry():
    (c,) = split_paragraph("重点制定涂料、硝酸等石化、化工行业重点企业的二氧化碳排放核算标准。")
    assert c.industry == "石化、化工" and [i.label for i in c.items] == ["涂料", "硝酸"]


def test_enumeration_after_a_single_phrase():
    (c,) = split_paragraph("在低碳设计方面，重点制定建材行业硫（铁）铝酸盐水泥等低碳水泥设计、铸造行业低碳园区设计、集成电路低碳工厂设计等标准。")
    assert [(i.label, i.industry) for i in c.items] == [
        ("建材行业硫（铁）铝酸盐水泥等低碳水泥设计", "建材"), ("铸造行业低碳园区设计", "铸造"), ("集成电路低碳工厂设计", "")]


def test_single_item_clause_keeps_its_wording():
    clauses = split_paragraph("重点制定工业企业碳排放管理体系及其在重点行业的应用实施指南标准；企业低碳运行管理标准。")
    assert [[i.label for i in c.items] for c in clauses] == [
        ["工业企业碳排放管理体系及其在重点行业的应用实施指南"], ["企业低碳运行管理"]]


def test_leading_scope_of_products_or_every_industry():
    (c,) = split_paragraph("重点工业产品的碳标签、碳足迹等标志标识标准。")
    assert c.industry == "工业" and [(i.label, i.group) for i in c.items] == [
        ("重点工业产品的碳标签", "标志标识"), ("碳足迹", "标志标识")]
    (c,) = split_paragraph("各行业产品生命周期的各个环节具备碳减排效益的项目。")
    assert c.industry == "各行业" and [i.label for i in c.items] == ["各行业产品生命周期的各个环节具备碳减排效益的项目"]
    # 重点行业 names no industry, and is not cut off the items
    (c,) = split_paragraph("重点制定重点行业碳排放、碳减排量等信息披露标准。")
    assert c.industry == "" and [i.label for i in c.items] == ["重点行业碳排放", "碳减排量"]


def test_wording_drops_the_kind_of_document():
    assert wording("氟化工等石化、化工企业二氧化碳连续监测标准") == "氟化工等石化、化工企业二氧化碳连续监测"
    assert wording("污染物与温室气体协同减排相关的技术与装备标准") == "污染物与温室气体协同减排"
