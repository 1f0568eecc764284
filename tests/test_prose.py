"""Reports before 2019: the figures their prose states, in the canonical cells."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from nianbao.testing.render import portal_page
from parsers import parse_report
from parsers.prose import cn_number, read_prose
from parsers.quality import read_quality
from tests.variants import make_case

PROSE = Path(__file__).parent / "fixtures" / "prose"
EXPECTED = json.loads((PROSE / "expected.json").read_text(encoding="utf-8"))


def _cells(report) -> dict[str, object]:
    return {".".join(k): v for k, v in report.cell_map().items()}


def _as_page(text: str) -> bytes:
    lines = text.strip().splitlines()
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    markup = f'<div class="TRS_Editor"><h1>{html.escape(lines[0])}</h1>{body}</div>'
    return portal_page(markup, title=lines[0], encoding="gbk")


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("as_page", [False, True])
def test_prose_report_figures_and_year(name, as_page):
    text = (PROSE / name).read_text(encoding="utf-8")
    report = parse_report(_as_page(text) if as_page else text)
    expected = EXPECTED[name]
    assert report.year == expected["year"]
    assert report.template == "none"
    assert _cells(report) == expected["cells"]
    assert [f.rule for f in report.findings] == []
    for cell in [*report.active_disclosure, *report.applications, *report.review_litigation]:
        assert cell.raw and cell.raw in report.text  # the sentence it was read from
    assert read_quality(report).bucket == "prose"


def test_the_sentence_is_kept_and_the_unit():
    text = (PROSE / "01_wawu_2009.txt").read_text(encoding="utf-8")
    active = read_prose(text).active_disclosure
    assert [(c.item, c.metric, c.value, c.unit) for c in active] == [
        ("all_information", "published", 1234, "条")
    ]
    assert active[0].raw.startswith("全年共主动公开政府信息1234条")


@pytest.mark.parametrize(
    "sentence",
    [
        "按时答复率100%，满意率98.5%。",  # percentages are not counts
        "全年主动公开政府信息1200余条。",  # an approximation
        "依申请公开数量比上年增加12件。",  # a change
        "截至年底，累计公开政府信息25000条。",  # a running total, not the year's
        "门户网站访问量达120万人次。",
    ],
)
def test_what_is_not_a_count_of_the_year(sentence):
    assert not read_prose(sentence)


def test_chinese_numerals():
    assert cn_number("一千二百三十四") == 1234
    assert cn_number("六百零八") == 608
    assert cn_number("十二") == 12
    assert cn_number("两") == 2
    assert cn_number("二千三百四十五") == 2345
    assert cn_number("1,234") == 1234
    assert cn_number("三万零五十") == 30050


@pytest.mark.parametrize(
    "title,text",
    [
        (
            "我县发布2012年政府信息公开工作年度报告",
            "近日，我县发布2012年政府信息公开工作年度报告，全年主动公开政府信息1234条。",
        ),
        (
            "关于报送2015年度政府信息公开工作年度报告的通知",
            "各乡镇：请于2016年1月31日前报送年度报告，共受理政府信息公开申请的数量一并报送。",
        ),
    ],
)
def test_a_page_that_only_mentions_a_report_is_still_rejected(title, text):
    report = parse_report(portal_page(f"<div><h1>{title}</h1><p>{text}</p></div>", title=title))
    assert [f.rule for f in report.findings] == ["not_a_report"]
    assert not report.has_cells


def test_a_report_with_tables_is_not_read_from_its_prose():
    case = make_case(4, "split_three", "2021")
    report = parse_report(case.page)
    assert report.template == "2021"
    assert "all_information" not in {c.item for c in report.active_disclosure}


def test_stored_with_its_year_labels_and_read_quality(tmp_path):
    from storage import open_db, save_report

    db = open_db(tmp_path / "p.db")
    report = parse_report((PROSE / "05_shimen_2016.txt").read_text(encoding="utf-8"))
    save_report(db, report, site="shimen")
    assert db.execute("select year, template, read_quality from report_summary").fetchall() == [
        (2016, "none", "prose")
    ]
    rows = db.execute(
        "select a.row, l.label, a.value from applications a"
        " join application_rows l on l.key = a.row where a.row like 'received_%' order by a.row"
    ).fetchall()
    assert ("received_online", "其中：网络申请", 150) in rows
    label = db.execute("select label from proceedings where key = 'litigation'").fetchone()[0]
    assert label.startswith("行政诉讼")
    assert db.execute("select applications_received from report_summary").fetchone()[0] == 212


@pytest.mark.parametrize(
    "sentence,cells",
    [
        ("全年共发布政府信息321条。", {("active_disclosure", "all_information", "published"): 321}),
        ("主动公开政府信息 45 条。", {("active_disclosure", "all_information", "published"): 45}),
        (
            "其中当面申请：3件，网络申请: 9件。",
            {
                ("applications", "received_in_person", "total"): 3,
                ("applications", "received_online", "total"): 9,
            },
        ),
        (
            "本年度行政复议零件，行政诉讼一起。",
            {
                ("review_litigation", "review", "total"): 0,
                ("review_litigation", "litigation", "total"): 1,
            },
        ),
    ],
)
def test_sentence_variants(sentence, cells):
    from parsers.schema import Report

    figures = read_prose(sentence)
    report = Report(
        active_disclosure=figures.active_disclosure,
        applications=figures.applications,
        review_litigation=figures.review_litigation,
    )
    assert report.cell_map() == cells
