"""Round trip: random canonical reports, rendered into every layout, parse back to their cells."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html

from nianbao.testing.render import HTML_LAYOUTS, LAYOUTS, portal_page, render, title_of
from parsers import parse_report
from parsers.schema import (
    ACTIVE_LAYOUT,
    APPLICANTS,
    APPLICATION_ROWS_BY_TEMPLATE,
    DECIMAL_METRICS,
    OTHER_SPLIT_ROWS,
    OUTCOMES,
    PROCEEDINGS,
    ActiveCell,
    ApplicationCell,
    Report,
    ReviewCell,
)
from parsers.tables import read_tables
from parsers.values import is_blank

# Printed instead of a number (kept as ``raw``, value null, an ``unreadable_cell`` finding).
NON_NUMERIC = ("见附件", "详见附件", "暂无数据", "未统计")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def values(draw, metric: str | None = None):
    """A cell value: mostly a count, sometimes blank; decimals and negatives where allowed."""
    if draw(st.integers(0, 9)) == 0:
        return None
    if metric in DECIMAL_METRICS:
        places = draw(st.integers(0, 4))
        return draw(st.integers(0, 10**8)) / 10**places
    low = -500 if metric == "change" else 0
    return draw(st.integers(low, 99_999))


@st.composite
def reports(draw) -> Report:
    """A canonical report of either format, with blank cells, whole blank rows (三 and 四) and
    up to three non-numeric cells (``见附件``) anywhere."""
    template = draw(st.sampled_from(["2019", "2021"]))
    report = Report(template=template)
    for item, metrics in ACTIVE_LAYOUT[template].items():
        for metric in metrics:
            unit = "万元" if metric == "fee_amount" else None
            report.active_disclosure.append(
                ActiveCell(item, metric, draw(values(metric)), None, unit)
            )
    rows = list(APPLICATION_ROWS_BY_TEMPLATE[template])
    if template == "2021" and draw(st.booleans()):  # (六) printed as one row
        rows = [r for r in rows if r not in OTHER_SPLIT_ROWS]
        rows.insert(rows.index("total_processed"), "other_processing")
    applicants = list(APPLICANTS)
    if draw(st.integers(0, 4)) == 0:  # the 总计 column missing
        applicants.remove("total")
    blank_row = draw(st.sampled_from([None, *rows]))
    for row in rows:
        for applicant in applicants:
            value = None if row == blank_row else draw(values())
            report.applications.append(ApplicationCell(row, applicant, value, None))
    blank_review = draw(st.integers(0, 5)) == 0  # the row of 15 values all blank
    for proc in PROCEEDINGS:
        for outcome in OUTCOMES:
            value = None if blank_review else draw(values())
            report.review_litigation.append(ReviewCell(proc, outcome, value, None))
    cells = [*report.active_disclosure, *report.applications, *report.review_litigation]
    for i in draw(st.lists(st.integers(0, len(cells) - 1), max_size=3, unique=True)):
        cells[i].value, cells[i].raw = None, draw(st.sampled_from(NON_NUMERIC))
    return report


def text_cells(report: Report) -> dict[str, str]:
    """``section.key1.key2`` → printed text of the report's non-numeric cells."""
    out: dict[str, ActiveCell | ApplicationCell | ReviewCell] = {}
    for c in report.active_disclosure:
        out[f"active_disclosure.{c.item}.{c.metric}"] = c
    for c in report.applications:
        out[f"applications.{c.row}.{c.applicant}"] = c
    for c in report.review_litigation:
        out[f"review_litigation.{c.proceeding}.{c.outcome}"] = c
    return {k: c.raw for k, c in out.items() if c.value is None and c.raw and not is_blank(c.raw)}


def assert_same_cells(tables, report: Report) -> None:
    """Same values and units; non-numeric cells kept as ``raw``, null, one unreadable_cell each."""
    got = Report(
        active_disclosure=tables.active_disclosure,
        applications=tables.applications,
        review_litigation=tables.review_litigation,
    )
    assert tables.template == report.template
    assert got.cell_map() == report.cell_map()
    assert units(got) == units(report)
    assert text_cells(got) == text_cells(report)
    unreadable = sorted(k for f in tables.findings if f.rule == "unreadable_cell" for k in f.keys)
    assert unreadable == sorted(text_cells(report))
    assert [f for f in tables.findings if f.rule != "unreadable_cell"] == []


def units(report: Report) -> dict:
    return {(c.item, c.metric): c.unit for c in report.active_disclosure}


def parse_layout(report: Report, layout: str, encoding: str):
    out = render(report, layout)
    if layout in HTML_LAYOUTS:
        page = portal_page(out, encoding=encoding, title=title_of(report))
        return read_tables(html.fromstring(page.decode(encoding)), "")
    return read_tables(None, out)


@SETTINGS
@given(
    report=reports(), layout=st.sampled_from(LAYOUTS), encoding=st.sampled_from(["utf-8", "gbk"])
)
def test_read_tables_round_trip(report, layout, encoding):
    """Every layout keeps blank cells, all-blank rows and non-numeric cells in their columns.

    Blank cells print empty in html/word/split/tabs (a review row of blanks is a line of tabs
    only) but ``—`` in pipes and ``/`` in lines: one-cell-per-line text cannot place an empty
    line, and an empty ``|`` line ends a row.
    """
    assert_same_cells(parse_layout(report, layout, encoding), report)


@settings(max_examples=12, deadline=None)
@given(report=reports(), layout=st.sampled_from(LAYOUTS))
def test_parse_report_round_trip(report, layout):
    """The whole path (decoding, body, text) on a GBK portal page or a plain-text report."""
    out = render(report, layout)
    data = (
        portal_page(out, encoding="gbk", title=title_of(report)) if layout in HTML_LAYOUTS else out
    )
    parsed = parse_report(data)
    assert parsed.template == report.template
    assert parsed.cell_map() == report.cell_map()
    assert text_cells(parsed) == text_cells(report)
    unreadable = sorted(k for f in parsed.findings if f.rule == "unreadable_cell" for k in f.keys)
    assert unreadable == sorted(text_cells(report))


@settings(max_examples=12, deadline=None)
@given(report=reports(), layout=st.sampled_from(sorted(HTML_LAYOUTS)))
def test_text_of_html_pages_round_trip(report, layout):
    """The text fallback: an HTML page's tables, rendered to text by the page reader."""
    from parsers.page import read_page

    page = read_page(portal_page(render(report, layout), title=title_of(report)).decode())
    assert_same_cells(read_tables(None, page.text), report)
