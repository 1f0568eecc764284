"""Metadata read from text: years, dates, agencies, signatures, plain-text reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.text import agency_from_title, parse_date, read_text, signature, year_in

SAMPLES = Path(__file__).parent / "fixtures" / "pages"


@pytest.mark.parametrize(
    ("title", "year", "agency"),
    [
        ("瓦屋镇2021年政府信息公开工作年度报告", 2021, "瓦屋镇"),
        ("《孝义市教育局2020年政府信息公开工作年度报告》", 2020, "孝义市教育局"),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", 2019, "上海市人民政府办公厅"),
        ("城关镇人民政府2022年政府信息公开工作年度报告", 2022, "城关镇人民政府"),
        ("２０２１年度某某县人民政府信息公开工作年度报告", 2021, "某某县人民政府"),
        ("魏店镇人民政府关于二〇二一年政府信息公开工作年度报告", 2021, "魏店镇人民政府"),
        ("二○二○年度政府信息公开工作年度报告", 2020, None),
        ("2021年政府信息公开工作年度报告", 2021, None),
        ("一图读懂《遂溪县2021年政府信息公开工作年度报告》", 2021, "遂溪县"),
        ("政府信息公开年报", None, None),
    ],
)
def test_year_and_agency_from_title(title, year, agency):
    assert year_in(title) == year
    assert agency_from_title(title) == agency


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2022年1月20日", "2022-01-20"),
        ("发布时间：2022-01-20 10:31 来源：某县", "2022-01-20"),
        ("2022/1/5", "2022-01-05"),
        ("２０２２年１月５日", "2022-01-05"),
        ("二〇二二年一月二十日", "2022-01-20"),
        ("二○二三年十二月三十一日", "2023-12-31"),
        ("2022年13月40日", None),
        ("无日期", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_signature_agency_and_date():
    sig = signature("正文。\n\n凼底乡人民政府\n2021年1月21日\n")
    assert (sig.agency, sig.date) == ("凼底乡人民政府", "2021-01-21")
    sig = signature("正文。\n洪雅县止戈镇人民政府 二〇二三年一月十日")
    assert (sig.agency, sig.date) == ("洪雅县止戈镇人民政府", "2023-01-10")
    sig = signature("正文。\n沭阳县人民政府\n（2026年1月23日）")
    assert (sig.agency, sig.date) == ("沭阳县人民政府", "2026-01-23")


def test_a_date_inside_a_sentence_or_list_is_no_signature():
    sig = signature("六、其他需要报告的事项\n本机关于2022年1月5日更新了公开指南。")
    assert (sig.agency, sig.date) == (None, None)
    sig = signature("某县2021年政府信息公开工作年度报告 2022-01-20")
    assert (sig.agency, sig.date) == (None, None)


def test_plain_text_samples():
    """The real samples as plain text: title from the first lines, agency/date from the end."""
    wawu = read_text(
        "\n\n瓦屋镇2021年政府信息公开工作年度报告\n\n一、总体情况\n\n2021年，我镇……\n六、其他需要报告的事项\n\n无"
    )
    assert (wawu.title, wawu.agency, wawu.year, wawu.published) == (
        "瓦屋镇2021年政府信息公开工作年度报告",
        "瓦屋镇",
        2021,
        None,
    )
    dandi = read_text((SAMPLES / "sample_001_dandi_2020.txt").read_text(encoding="utf-8"))
    # no title line: the year comes from 总体情况, agency and date from the signature
    assert (dandi.title, dandi.agency, dandi.year, dandi.published) == (
        None,
        "凼底乡人民政府",
        2020,
        "2021-01-21",
    )


_DATE_ALPHABET = "0123456789０１２年月日-/.二〇○一三十九 发布时间：镇人民政府\n"


@given(st.text(alphabet=_DATE_ALPHABET, max_size=40))
def test_text_helpers_never_fail(text):
    date = parse_date(text)
    assert date is None or (len(date) == 10 and 1 <= int(date[5:7]) <= 12)
    year = year_in(text)
    assert year is None or 1900 <= year <= 2099
    signature(text)
    agency_from_title(text)
