"""parsers.tables: the three tables read from every layout variant in tests/fixtures/tables/.

HTML fixtures are report bodies; each test wraps them in a portal page (navigation and footer
in layout tables) in UTF-8 and GBK, as the crawler would fetch them.
"""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html

from nianbao.testing.render import portal_page
from parsers.schema import OUTCOMES, PROCEEDINGS, Report
from parsers.tables import Tables, read_tables

FIXTURES = Path(__file__).parent / "fixtures" / "tables"


def read(name: str, encoding: str = "utf-8") -> Tables:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    if name.endswith(".txt"):
        return read_tables(None, text)
    page = portal_page(text, encoding=encoding)
    return read_tables(html.fromstring(page.decode(encoding)), "")


def cells(tables: Tables) -> dict:
    report = Report(
        active_disclosure=tables.active_disclosure,
        applications=tables.applications,
        review_litigation=tables.review_litigation,
    )
    return report.cell_map()


def rules(tables: Tables) -> list[tuple[str, list[str]]]:
    return [(f.rule, f.keys) for f in tables.findings]


A, P, R = "active_disclosure", "applications", "review_litigation"


# --- Word-exported HTML, 2021 ------------------------------------------------------------------


@pytest.fixture(scope="module", params=["utf-8", "gbk"])
def word(request):
    return read("word_2021.html", request.param)


def test_word_template_and_counts(word):
    assert word.template == "2021"
    assert len(word.active_disclosure) == 10
    assert len(word.applications) == 25 * 7
    assert len(word.review_litigation) == 15
    assert word.findings == []


def test_word_values(word):
    got = cells(word)
    assert got[(A, "regulations", "in_force")] == 5
    assert got[(A, "normative_documents", "in_force")] == 27
    assert got[(A, "administrative_license", "decisions")] == 1520
    assert got[(A, "administrative_coercion", "decisions")] is None  # &nbsp;
    assert got[(A, "administrative_fees", "fee_amount")] == 12.3456
    assert got[(P, "new_received", "natural_person")] == 10
    assert got[(P, "new_received", "total")] == 13
    assert got[(P, "unavailable_not_held", "legal_service_org")] == 1
    assert got[(P, "other_other", "natural_person")] is None
    assert got[(P, "total_processed", "total")] == 13
    assert (P, "other_processing", "total") not in got
    assert got[(R, "review", "total")] == 2
    assert got[(R, "litigation_direct", "upheld")] == 0
    assert got[(R, "litigation_after_review", "upheld")] is None


def test_word_units(word):
    fee = next(c for c in word.active_disclosure if c.metric == "fee_amount")
    assert (fee.value, fee.raw, fee.unit) == (12.3456, "12.3456", "万元")


# --- 2019, 三 split at a page break, quirks of many kinds --------------------------------------


@pytest.fixture(scope="module")
def split():
    return read("split_2019.html", "gbk")


def test_split_template_and_missing_total_column(split):
    assert split.template == "2019"
    got = cells(split)
    assert not any(k[2] == "total" for k in got if k[0] == P)  # 总计 column absent
    assert len(split.applications) == 23 * 6


def test_split_cut_short_headers_by_position(split):
    got = cells(split)
    assert got[(A, "normative_documents", "new_made")] == 2  # 本年新 / 本年新, full-width
    assert got[(A, "normative_documents", "new_published")] == 2
    assert got[(A, "normative_documents", "total_published")] == 1204


def test_split_units_and_signs(split):
    by_key = {(c.item, c.metric): c for c in split.active_disclosure}
    assert by_key[("administrative_license", "change")].value == -2  # 减少2
    assert by_key[("other_external_services", "change")].value == -1  # －1
    assert by_key[("administrative_penalty", "change")].value == 3
    lic = by_key[("administrative_license", "decisions")]
    assert (lic.value, lic.unit) == (340, "件")
    amount = by_key[("government_procurement", "procurement_amount")]
    assert (amount.value, amount.raw, amount.unit) == (4.5, "4.5万元", "万元")


def test_split_blanks_and_unreadable(split):
    got = cells(split)
    assert got[(A, "other_external_services", "decisions")] is None  # "-"
    assert got[(A, "administrative_coercion", "prior_year_count")] is None  # "/"
    assert got[(A, "administrative_coercion", "change")] is None  # "无"
    assert got[(A, "administrative_coercion", "decisions")] is None  # "约5"
    key = "active_disclosure.administrative_coercion.decisions"
    assert ("unreadable_cell", [key]) in rules(split)


def test_split_misspelt_and_ungrouped_rows(split):
    got = cells(split)
    assert got[(P, "withheld_prohibited_by_law", "natural_person")] == 0  # 其他法律法规禁止公开
    assert got[(P, "withheld_third_party", "natural_person")] == 1  # no (三)不予公开 label
    assert got[(P, "unavailable_unclear", "natural_person")] == 0  # 补证后
    assert got[(P, "unavailable_not_held", "natural_person")] == 1


def test_split_second_part_and_continued_label(split):
    got = cells(split)
    assert got[(P, "rejected_confirmation", "natural_person")] == 1  # label broken over rows
    assert got[(P, "other_processing", "natural_person")] == 0
    assert got[(P, "total_processed", "natural_person")] == 7
    assert got[(P, "carried_forward", "natural_person")] == 1


def test_split_missing_table(split):
    assert ("missing_table", ["review_litigation"]) in rules(split)
    assert not [r for r, _ in rules(split) if r == "missing_row"]


# --- extra empty columns, (六) as one row in a 2021 report, <br> labels ----------------------


@pytest.fixture(scope="module")
def extra():
    return read("extra_columns_2021.html")


def test_extra_columns(extra):
    assert extra.template == "2021"
    got = cells(extra)
    assert got[(A, "administrative_license", "decisions")] == 2316
    assert got[(A, "administrative_fees", "fee_amount")] == 35.26
    assert got[(P, "new_received", "natural_person")] == 20
    assert got[(P, "new_received", "other_org")] == 1
    assert got[(P, "new_received", "total")] == 24
    assert len(extra.applications) == 23 * 7


def test_other_processing_as_one_row_in_2021(extra):
    got = cells(extra)
    assert got[(P, "other_processing", "total")] == 1
    assert not any(k[1].startswith("other_overdue") for k in got)
    assert extra.findings == []  # one (六) row is accepted in a 2021 table


def test_single_character_review_headers(extra):
    got = cells(extra)
    assert [
        got[(R, "review", o)] for o in ("upheld", "corrected", "other", "pending", "total")
    ] == [
        2,
        1,
        0,
        0,
        3,
    ]
    assert got[(R, "litigation_direct", "pending")] == 1
    assert got[(R, "litigation_direct", "total")] == 2


# --- text layouts ------------------------------------------------------------------------------


def test_tabs_2021():
    tables = read("tabs_2021.txt")
    got = cells(tables)
    assert tables.template == "2021"
    assert got[(A, "regulations", "in_force")] == 2
    assert got[(A, "normative_documents", "in_force")] == 14
    assert got[(A, "administrative_license", "decisions")] == 123  # full-width
    assert got[(A, "administrative_penalty", "decisions")] is None  # blank
    assert got[(A, "administrative_coercion", "decisions")] is None  # "-"
    assert got[(A, "administrative_fees", "fee_amount")] == 0.5
    assert got[(P, "new_received", "natural_person")] == 3
    assert got[(P, "new_received", "total")] == 4
    assert got[(P, "granted", "commercial_enterprise")] == 1
    assert got[(P, "unavailable_not_held", "natural_person")] == 1
    assert got[(P, "unavailable_not_held", "commercial_enterprise")] is None
    assert got[(P, "unavailable_not_held", "total")] == 1
    assert got[(P, "other_overdue_fee", "total")] == 0  # label continued on the next line
    assert got[(P, "other_other", "total")] == 0  # row printed with extra cells
    assert got[(P, "total_processed", "total")] == 4
    assert got[(P, "carried_forward", "natural_person")] == 1
    assert got[(R, "review", "upheld")] == 1
    assert got[(R, "review", "corrected")] is None
    assert got[(R, "review", "total")] == 1
    assert got[(R, "litigation_after_review", "total")] is None
    assert len(got) == 10 + 175 + 15
    assert tables.findings == []


def test_pipes_2019():
    tables = read("pipes_2019.txt")
    got = cells(tables)
    assert tables.template == "2019"
    assert got[(A, "regulations", "new_made")] == 2
    assert got[(A, "administrative_license", "change")] == -3
    assert got[(A, "other_external_services", "decisions")] is None
    assert got[(A, "government_procurement", "procurement_amount")] == 86.5
    assert got[(P, "new_received", "natural_person")] == 5
    assert got[(P, "granted", "total")] == 5
    assert got[(P, "rejected_duplicate", "natural_person")] == 1
    assert got[(P, "other_processing", "total")] is None
    assert got[(R, "review", "pending")] == 1
    assert got[(R, "review", "total")] == 2
    assert len(got) == 22 + 23 * 7 + 15


def test_one_cell_per_line_2021():
    tables = read("lines_2021.txt")
    got = cells(tables)
    assert tables.template == "2021"
    assert got[(A, "normative_documents", "in_force")] == 12
    assert got[(A, "administrative_penalty", "decisions")] == 7
    assert got[(A, "administrative_fees", "fee_amount")] is None
    assert got[(P, "other_overdue_correction", "natural_person")] == 2
    assert got[(P, "total_processed", "total")] == 2
    assert got[(R, "litigation_direct", "pending")] is None
    assert got[(R, "litigation_after_review", "corrected")] == 1
    assert got[(R, "litigation_after_review", "total")] == 1
    assert len(got) == 10 + 175 + 15


# --- detection and missing parts ---------------------------------------------------------------


def test_no_tables_is_template_none():
    tables = read_tables(None, "一、总体情况\n本年度认真做好主动公开工作。\n")
    assert tables.template == "none"
    assert cells(tables) == {}
    assert tables.findings == []


def test_no_tables_reads_the_figures_the_prose_states():
    tables = read_tables(None, "一、总体情况\n本年度主动公开信息 12 条。\n")
    assert tables.template == "none"
    assert cells(tables) == {("active_disclosure", "all_information", "published"): 12}
    assert tables.active_disclosure[0].raw == "本年度主动公开信息 12 条"
    assert tables.findings == []


def test_missing_rows_are_reported():
    text = (
        "二、主动公开政府信息情况\n第二十条第（一）项\n"
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t1\t0\t3\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
        "行政复议\t\t\t\t\t行政诉讼\n"
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
        + "\t" * 5
        + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)
        + "\n"
        + "\t".join(["0"] * 15)
        + "\n"
    )
    tables = read_tables(None, text)
    assert tables.template == "2021"
    found = rules(tables)
    assert ("missing_table", ["applications"]) in found
    assert ("missing_row", ["active_disclosure.normative_documents"]) in found
    assert ("missing_row", ["active_disclosure.administrative_fees"]) in found
    assert cells(tables)[(A, "regulations", "in_force")] == 3


def test_2019_tables_in_a_2021_report_keep_their_format():
    text = (
        "某某镇2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t1\t1\t9\n"
    )
    tables = read_tables(None, text)
    assert tables.template == "2019"
    assert cells(tables)[(A, "regulations", "total_published")] == 9


def test_navigation_numbers_are_not_read():
    body = "<p>二、主动公开政府信息情况</p><p>无。</p>"
    page = portal_page(body)
    tables = read_tables(html.fromstring(page), "")
    assert cells(tables) == {}
    assert tables.template == "none"


# --- bad input never crashes -------------------------------------------------------------------

_PIECES = st.sampled_from(
    ["规章", "行政许可", "本年制发件数", "本年新", "自然人", "总计", "（七）总计", "结果维持",
     "行政复议", "复议后起诉", "三、收到和处理政府信息公开申请情况", "四、行政复议、行政诉讼",
     "二、主动公开政府信息情况", "3.其他", "约5", "-", "/", "无", "0", "12", "1,2", "减少3",
     "4.5万元", "\t", "\t", " | ", "|", "\n", "\n", "", "数据1", "勾稽"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=120))
def test_any_text_is_read_without_crashing(pieces):
    tables = read_tables(None, "".join(pieces))
    assert tables.template in ("2019", "2021", "none")
    reading = {"unreadable_cell", "missing_table", "missing_row", "table_unreadable"}
    for finding in tables.findings:
        assert finding.rule in reading


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(_PIECES, st.integers(-2, 80), st.integers(-2, 300)), min_size=1, max_size=40
    ),
    st.integers(1, 6),
)
def test_any_table_is_read_without_crashing(cells, width):
    rows = [cells[i : i + width] for i in range(0, len(cells), width)]
    markup = "".join(
        "<tr>" + "".join(f'<td colspan="{c}" rowspan="{r}">{t}</td>' for t, c, r in row) + "</tr>"
        for row in rows
    )
    tables = read_tables(html.fromstring(f"<div><table>{markup}</table></div>"), "")
    assert tables.template in ("2019", "2021", "none")


def test_transposed_review_table():
    text = (
        "四、政府信息公开行政复议、行政诉讼情况\n"
        "项目\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
        "行政复议\t1\t0\t0\t2\t3\n"
        "行政诉讼（未经复议直接起诉）\t0\t1\t0\t0\t1\n"
        "行政诉讼（复议后起诉）\t\t\t\t\t\n"
    )
    got = cells(read_tables(None, text))
    assert [got[(R, "review", o)] for o in ("upheld", "pending", "total")] == [1, 2, 3]
    assert got[(R, "litigation_direct", "corrected")] == 1
    assert got[(R, "litigation_after_review", "total")] is None
    assert len(got) == 15


def test_text_layer_of_a_pdf_with_wrapped_labels():
    """``pdftotext -layout`` of huaian-2024.pdf: labels wrapped over lines, header scrambled."""
    tables = read("huaian-2024-pdftotext-layout.txt")
    got = cells(tables)
    assert tables.template == "2021"
    assert len(got) == 10 + 25 * 7 + 15
    assert got[(A, "regulations", "in_force")] == 11
    assert got[(A, "administrative_fees", "fee_amount")] == 96171.6
    assert got[(P, "partially_granted", "total")] == 454  # numbers on the line between
    assert got[(P, "rejected_confirmation", "total")] == 1
    assert got[(P, "other_overdue_correction", "natural_person")] == 67
    assert got[(P, "other_overdue_fee", "total")] == 6
    assert got[(P, "total_processed", "total")] == 3050
    review = [got[(R, p, o)] for p in PROCEEDINGS for o in OUTCOMES]
    assert review == [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
    assert tables.findings == []


def test_header_split_over_two_lines_and_bare_other_row():
    text = (
        "二、主动公开政府信息情况\n第二十条第（一）项\n"
        "信息内容\t本年新\t本年新\t对外公开\n\t制作数量\t公开数量\t总数量\n"
        "规章\t1\t2\t3\n规范性文件\t4\t5\t6\n"
        "三、收到和处理政府信息公开申请情况\n"
        "(六)其他\t1\t0\t0\t0\t0\t0\t1\n"
    )
    tables = read_tables(None, text)
    got = cells(tables)
    assert tables.template == "2019"
    assert [got[(A, "normative_documents", m)] for m in ("new_made", "new_published")] == [4, 5]
    assert got[(A, "normative_documents", "total_published")] == 6  # 对外公开 / 总数量
    assert got[(P, "other_processing", "natural_person")] == 1
