"""The grammar of standard and plan numbers."""

import pytest
from tanbiao.loaders.numbers import INDUSTRY_PLAN, NATIONAL_PLAN, PUBLISHED, NumberError, parse_number


def test_published_number_with_part():
    n = parse_number("GB/T 32151.1-2015")
    assert (n.kind, n.codes, n.nature, n.serial, n.part, n.year) == (PUBLISHED, ("GB",), "T", "32151", 1, 2015)
    assert n.series_notation == "GB/T 32151"
    assert n.printed == "GB/T 32151.1-2015"


def test_industry_standard_number():
    n = parse_number("YS/T 800-2012")
    assert (n.kind, n.codes, n.nature, n.serial, n.part, n.year) == (PUBLISHED, ("YS",), "T", "800", None, 2012)


def test_mandatory_number_has_no_suffix():
    n = parse_number("GB 30000-2013")
    assert n.nature == "Q" and n.series_notation == "GB 30000"


@pytest.mark.parametrize("printed, code", [("T/CISA 123-2021", "T/CISA"), ("T/CECA-G 0171-2022", "T/CECA-G")])
def test_group_standard_number(printed, code):
    n = parse_number(printed)
    assert n.codes == (code,) and n.kind == PUBLISHED


def test_national_plan_number():
    n = parse_number("20220807-T-467")
    assert (n.kind, n.year, n.serial, n.nature, n.department, n.codes) == (
        NATIONAL_PLAN, 2022, "0807", "T", "467", ("GB",))


@pytest.mark.parametrize("printed, codes", [("2021-1715T-SH", ("SH",)), ("2021-1714T-HG/SH", ("HG", "SH"))])
def test_industry_plan_numbers(printed, codes):
    n = parse_number(printed)
    assert n.kind == INDUSTRY_PLAN and n.codes == codes and n.year == 2021 and n.serial[:2] in ("17",)


@pytest.mark.parametrize("bad", ["", "GB/T", "32151.1-2015", "2022-0807-T-467", "2021-1715-SH", "hello"])
def test_malformed_numbers_are_rejected_with_a_message(bad):
    with pytest.raises(NumberError) as exc:
        parse_number(bad)
    assert str(exc.value)
