"""Text in a value column (``见附件``) and blank cells for zero: cells kept, null, found.

Three layouts real county pages use: a non-numeric cell as the only value of a section-二
row (花园乡 2022 on the mock township portal), the same text in the first value column of a
section-三 row, and tab-separated text with blank cells for zero (the layout of sample 000).
"""

from pathlib import Path

import pytest
from lxml import html

from nianbao.testing.render import LAYOUTS, portal_page, render, title_of
from parsers import parse_report
from parsers.labels import value_text
from parsers.schema import (
    ACTIVE_LAYOUT,
    APPLICANTS,
    APPLICATION_ROWS_BY_TEMPLATE,
    OUTCOMES,
    PROCEEDINGS,
    ActiveCell,
    ApplicationCell,
    Report,
    ReviewCell,
)
from parsers.tables import read_tables

A, P, R = "active_disclosure", "applications", "review_litigation"
TOWNSHIP_2022 = (
    Path(__file__).parent.parent
    / "samples/portals/townships/www/OpennessAnnualReport/year/show/341/2022.html"
)


def cell_of(cells, **keys):
    """The one cell of ``cells`` whose attributes equal ``keys``."""
    found = [c for c in cells if all(getattr(c, k) == v for k, v in keys.items())]
    assert len(found) == 1, keys
    return found[0]


def unreadable(findings) -> list[str]:
    return sorted(k for f in findings if f.rule == "unreadable_cell" for k in f.keys)


def other_rules(findings) -> list[str]:
    return sorted(f.rule for f in findings if f.rule != "unreadable_cell")


def zero_report(printed: dict[str, str] | None = None, blank: bool = False) -> Report:
    """A 2021 report, every cell 0 (or blank), ``printed`` cells (``section.k1.k2``) as text."""
    printed = printed or {}
    value = None if blank else 0
    report = Report(template="2021")
    for item, metrics in ACTIVE_LAYOUT["2021"].items():
        for metric in metrics:
            unit = "万元" if metric == "fee_amount" else None
            report.active_disclosure.append(ActiveCell(item, metric, value, None, unit))
    for row in APPLICATION_ROWS_BY_TEMPLATE["2021"]:
        for applicant in APPLICANTS:
            report.applications.append(ApplicationCell(row, applicant, value, None))
    for proc in PROCEEDINGS:
        for outcome in OUTCOMES:
            report.review_litigation.append(ReviewCell(proc, outcome, value, None))
    for c in report.active_disclosure:
        c.value, c.raw = _printed(printed, f"{A}.{c.item}.{c.metric}", c.value)
    for c in report.applications:
        c.value, c.raw = _printed(printed, f"{P}.{c.row}.{c.applicant}", c.value)
    for c in report.review_litigation:
        c.value, c.raw = _printed(printed, f"{R}.{c.proceeding}.{c.outcome}", c.value)
    return report


def _printed(printed: dict[str, str], key: str, value):
    if key in printed:
        return None, printed[key]
    return value, None


def parse_layout(report: Report, layout: str):
    out = render(report, layout)
    if layout in ("html", "word", "split"):
        page = portal_page(out, title=title_of(report))
        return read_tables(html.fromstring(page.decode()), "")
    return read_tables(None, out)


# --- 1. a non-numeric cell as the only value of a row ------------------------------------------


def test_township_page_reads_the_license_row_as_an_unreadable_null_cell():
    """花园乡 2022: ``行政许可 | 见附件`` (colspan 3) is a cell, not part of the label."""
    report = parse_report(TOWNSHIP_2022.read_bytes())
    cell = cell_of(report.active_disclosure, item="administrative_license")
    assert (cell.metric, cell.value, cell.raw) == ("decisions", None, "见附件")
    assert unreadable(report.findings) == [f"{A}.administrative_license.decisions"]
    assert other_rules(report.findings) == []  # no missing_row 行政许可
    penalty = cell_of(report.active_disclosure, item="administrative_penalty")
    assert (penalty.metric, penalty.value) == ("decisions", 55)


@pytest.mark.parametrize("text", ["见附件", "详见附件", "暂无数据", "未统计"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_text_as_the_only_value_of_an_item_row(layout, text):
    key = f"{A}.administrative_license.decisions"
    tables = parse_layout(zero_report({key: text}), layout)
    cell = cell_of(tables.active_disclosure, item="administrative_license")
    assert (cell.metric, cell.value, cell.raw) == ("decisions", None, text)
    assert unreadable(tables.findings) == [key]
    assert other_rules(tables.findings) == []
    assert len(tables.active_disclosure) == 10


# --- 2. the same text in the first value column of a section-三 row ---------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_text_in_the_first_applicant_column_keeps_the_columns(layout):
    """自然人 = 见附件, the rest numbers: no shift by one column, no false sum findings."""
    printed = {f"{P}.granted.natural_person": "见附件"}
    report = zero_report(printed)
    for c in report.applications:
        if (
            c.row in ("new_received", "granted", "total_processed")
            and c.applicant != "natural_person"
        ):
            c.value = 5 if c.applicant == "total" else 1
    tables = parse_layout(report, layout)
    granted = {c.applicant: (c.value, c.raw) for c in tables.applications if c.row == "granted"}
    assert granted["natural_person"] == (None, "见附件")
    assert [granted[a][0] for a in list(APPLICANTS)[1:]] == [1, 1, 1, 1, 1, 5]
    assert unreadable(tables.findings) == [f"{P}.granted.natural_person"]
    assert other_rules(tables.findings) == []


def test_text_in_the_first_applicant_column_of_a_page_gives_no_false_sums():
    printed = {f"{P}.granted.natural_person": "见附件"}
    report = zero_report(printed)
    for c in report.applications:
        if (
            c.row in ("new_received", "granted", "total_processed")
            and c.applicant != "natural_person"
        ):
            c.value = 5 if c.applicant == "total" else 1
    parsed = parse_report(portal_page(render(report, "html"), title=title_of(report)))
    assert parsed.cell_map() == report.cell_map()
    assert unreadable(parsed.findings) == [f"{P}.granted.natural_person"]
    assert "total_processed_sum" not in other_rules(parsed.findings)
    assert "applicant_total_sum" not in other_rules(parsed.findings)


def test_hand_written_html_row_with_text_first():
    body = (
        "<p>三、收到和处理政府信息公开申请情况</p><table>"
        "<tr><td colspan='3'>本列数据的勾稽关系</td><td>自然人</td><td>商业企业</td>"
        "<td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
        "<tr><td rowspan='2'>三、本年度办理结果</td><td colspan='2'>（一）予以公开</td>"
        "<td>见附件</td><td>1</td><td>2</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>"
        "<tr><td colspan='2'>（二）部分公开</td>"
        "<td>4</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>4</td></tr>"
        "</table>"
    )
    tables = read_tables(html.fromstring(f"<div>{body}</div>"), "")
    got = {(c.row, c.applicant): (c.value, c.raw) for c in tables.applications}
    assert got[("granted", "natural_person")] == (None, "见附件")
    assert got[("granted", "commercial_enterprise")] == (1, "1")
    assert got[("granted", "total")] == (3, "3")
    assert got[("partially_granted", "natural_person")] == (4, "4")
    assert unreadable(tables.findings) == [f"{P}.granted.natural_person"]


# --- 3. tab-separated text, blank cells for zero ----------------------------------------------


SAMPLE_000_BLANKS = (
    "二、主动公开政府信息情况\n"
    "第二十条第（一）项\t\t\t\n"
    "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
    "规章\t\t\t\n"
    "行政规范性文件\t1\t\t\n"
    "三、收到和处理政府信息公开申请情况\n"
    "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况\n"
    "\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
    "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n"
    "一、本年新收政府信息公开申请数量\t\t\t\t\t\t\t\t\n"
    "二、上年结转政府信息公开申请数量\t\t1\t\t\t\t\t\t1\n"
    "四、政府信息公开行政复议、行政诉讼情况\n"
    "行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t\n"
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
    "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计"
    "\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
    "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n"
    "五、存在的主要问题及改进情况\n"
)


def test_tabs_with_blank_cells_keep_blank_rows_and_section_four():
    tables = read_tables(None, SAMPLE_000_BLANKS)
    review = {(c.proceeding, c.outcome): (c.value, c.raw) for c in tables.review_litigation}
    assert review == {(p, o): (None, "") for p in PROCEEDINGS for o in OUTCOMES}
    regulations = [
        (c.metric, c.value, c.raw) for c in tables.active_disclosure if c.item == "regulations"
    ]
    assert regulations == [("issued", None, ""), ("abolished", None, ""), ("in_force", None, "")]
    received = {c.applicant: c.value for c in tables.applications if c.row == "new_received"}
    assert received == dict.fromkeys(APPLICANTS)
    carried = {c.applicant: c.value for c in tables.applications if c.row == "carried_over"}
    assert (carried["natural_person"], carried["other_org"], carried["total"]) == (1, None, 1)
    found = {(f.rule, f.keys[0]) for f in tables.findings}
    assert ("missing_table", R) not in found
    assert not any(rule == "missing_row" and key.startswith(R) for rule, key in found)
    assert ("missing_row", f"{A}.regulations") not in found
    assert ("missing_row", f"{P}.new_received") not in found


@pytest.mark.parametrize("layout", LAYOUTS)
def test_all_blank_report_keeps_every_cell(layout):
    """Blank for zero everywhere: 10 + 25×7 + 15 cells, all null, no finding."""
    tables = parse_layout(zero_report(blank=True), layout)
    assert tables.template == "2021"
    assert len(tables.active_disclosure) == 10
    assert len(tables.applications) == 25 * 7
    assert len(tables.review_litigation) == 15
    every = [*tables.active_disclosure, *tables.applications, *tables.review_litigation]
    assert {c.value for c in every} == {None}
    assert tables.findings == []


# --- what counts as value text ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["见附件", "详见附件", "暂无数据", "未统计", "不适用"])
def test_value_text(text):
    assert value_text(text)


@pytest.mark.parametrize(
    "text",
    ["行政许可", "他处理", "(一)予以公开", "3.其他", "三、本年度办理结果", "见附件" * 5, ""],
)
def test_not_value_text(text):
    """Labels, fragments of wrapped labels, enumerated or long text stay labels."""
    assert not value_text(text)


def test_any_text_under_an_html_header_value_column_is_a_value():
    """In an HTML table the header places the values: text there naming nothing is a value."""
    body = (
        "<p>二、主动公开政府信息情况</p><table>"
        "<tr><td colspan='4'>第二十条第（五）项</td></tr>"
        "<tr><td>信息内容</td><td colspan='3'>本年处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td colspan='3'>另行报送</td></tr>"
        "</table><p>三、收到和处理政府信息公开申请情况</p><table>"
        "<tr><td colspan='3'>本列数据的勾稽关系</td><td>自然人</td><td>商业企业</td>"
        "<td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
        "<tr><td colspan='3'>一、本年新收政府信息公开申请数量</td>"
        "<td>另行报送</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>"
        "</table>"
    )
    tables = read_tables(html.fromstring(f"<div>{body}</div>"), "")
    cell = cell_of(tables.active_disclosure, item="administrative_license")
    assert (cell.value, cell.raw) == (None, "另行报送")
    received = {c.applicant: (c.value, c.raw) for c in tables.applications}
    assert received["natural_person"] == (None, "另行报送")
    assert (received["commercial_enterprise"], received["total"]) == ((1, "1"), (1, "1"))
    assert unreadable(tables.findings) == [
        f"{A}.administrative_license.decisions",
        f"{P}.new_received.natural_person",
    ]
