"""Real tables parse to what they print (values written down by hand from the files).

- ``shanghai-office-2019-tables.html``: 2019 format, rowspan/colspan, many blank cells (also
  总计 cells), section 二 header and data rows with colspan=2 on different columns.
- ``shuyang-2025-ocr.txt``: OCR'd markdown, applicant columns renamed 数据1…数据6, the (六)
  sub-table split with a bogus header row, section 四 as three small tables.
"""

import pytest

from parsers import parse_report
from parsers.schema import APPLICANTS, PROCEEDINGS
from tests.paths import REAL_DOCS

REAL = REAL_DOCS
N = None


def table(report, section: str) -> dict:
    return {k[1:]: v for k, v in report.cell_map().items() if k[0] == section}


def rows_of(report) -> dict[str, list]:
    cells = table(report, "applications")
    rows = dict.fromkeys(k[0] for k in cells)
    return {r: [cells.get((r, a), "absent") for a in APPLICANTS] for r in rows}


# --- Shanghai 2019 -----------------------------------------------------------------------------

SHANGHAI_ACTIVE = {
    ("regulations", "new_made"): 13,
    ("regulations", "new_published"): 13,
    ("regulations", "total_published"): 524,
    ("normative_documents", "new_made"): 60,
    ("normative_documents", "new_published"): 60,
    ("normative_documents", "total_published"): 368,
    **{
        (item, metric): 0
        for item in (
            "administrative_license",
            "other_external_services",
            "administrative_penalty",
            "administrative_coercion",
        )
        for metric in ("prior_year_count", "change", "decisions")
    },
    ("administrative_fees", "prior_year_count"): 0,
    ("administrative_fees", "change"): 0,
    ("government_procurement", "procurement_count"): 6,
    ("government_procurement", "procurement_amount"): 251000,
}
#                  自然人 商业企业 科研 公益 法律 其他 总计
SHANGHAI_ROWS = {
    "new_received": [821, 35, N, N, 2, 1, 859],
    "carried_over": [18, N, N, N, N, N, 18],
    "granted": [258, 12, N, N, 1, 1, N],
    "partially_granted": [3, N, N, N, N, N, N],
    "withheld_state_secret": [14, N, N, N, N, N, N],
    "withheld_prohibited_by_law": [N] * 7,
    "withheld_security_stability": [N] * 7,
    "withheld_third_party": [N] * 7,
    "withheld_internal_affairs": [5, N, N, N, N, N, N],
    "withheld_process_info": [3, 1, N, N, N, N, N],
    "withheld_enforcement_file": [N] * 7,
    "withheld_inquiry": [10, 2, N, N, N, N, N],
    "unavailable_not_held": [252, 12, N, N, 1, N, N],
    "unavailable_needs_creation": [44, 3, N, N, N, N, N],
    "unavailable_unclear": [25, N, N, N, N, N, N],
    "rejected_complaint": [148, 1, N, N, N, N, N],
    "rejected_duplicate": [5, 4, N, N, N, N, N],
    "rejected_publication": [N] * 7,
    "rejected_excessive": [N] * 7,
    "rejected_confirmation": [N] * 7,
    "other_processing": [N] * 7,
    "total_processed": [767, 35, N, N, 2, 1, 805],
    "carried_forward": [72, N, N, N, N, N, 72],
}
#                 维持 纠正 其他 未结 总计
SHANGHAI_REVIEW = {
    "review": [5, N, N, 2, 7],
    "litigation_direct": [8, N, N, 1, 9],
    "litigation_after_review": [N] * 5,
}


@pytest.fixture(scope="module")
def shanghai():
    return parse_report((REAL / "shanghai-office-2019-tables.html").read_bytes())


def test_shanghai_metadata_and_template(shanghai):
    assert shanghai.template == "2019"
    assert shanghai.year == 2019


def test_shanghai_active(shanghai):
    assert table(shanghai, "active_disclosure") == SHANGHAI_ACTIVE
    amount = next(c for c in shanghai.active_disclosure if c.metric == "procurement_amount")
    assert (amount.raw, amount.unit) == ("251000元", "元")  # printed in 元, kept as printed


def test_shanghai_applications_with_blank_cells(shanghai):
    assert rows_of(shanghai) == SHANGHAI_ROWS
    blank = next(c for c in shanghai.applications if c.row == "granted" and c.applicant == "total")
    assert blank.value is None and blank.raw == ""


def test_shanghai_review(shanghai):
    cells = table(shanghai, "review_litigation")
    got = {
        p: [cells[(p, o)] for o in ("upheld", "corrected", "other", "pending", "total")]
        for p in PROCEEDINGS
    }
    assert got == SHANGHAI_REVIEW


def test_shanghai_findings(shanghai):
    # Every printed sum holds; sums over blank cells are skipped, not failed.
    assert [f.rule for f in shanghai.findings] == []


# --- Shuyang 2025 OCR --------------------------------------------------------------------------

SHUYANG_ACTIVE = {
    ("regulations", "issued"): 0,
    ("regulations", "abolished"): 0,
    ("regulations", "in_force"): 0,
    ("normative_documents", "issued"): 6,
    ("normative_documents", "abolished"): 1,
    ("normative_documents", "in_force"): 32,
    ("administrative_license", "decisions"): 517645,
    ("administrative_penalty", "decisions"): 693957,
    ("administrative_coercion", "decisions"): 2154,
    ("administrative_fees", "fee_amount"): 4068.208,
}
SHUYANG_ROWS = {
    "new_received": [705, 3, 0, 0, 5, 0, 713],
    "carried_over": [36, 0, 0, 0, 0, 0, 36],
    "granted": [290, 1, 0, 0, 3, 0, 294],
    "partially_granted": [99, 0, 0, 0, 2, 0, 101],
    "withheld_state_secret": [0] * 7,
    "withheld_prohibited_by_law": [0] * 7,
    "withheld_security_stability": [2, 0, 0, 0, 0, 0, 2],
    "withheld_third_party": [2, 0, 0, 0, 0, 0, 2],
    "withheld_internal_affairs": [13, 0, 0, 0, 0, 0, 13],
    "withheld_process_info": [2, 0, 0, 0, 0, 0, 2],
    "withheld_enforcement_file": [4, 0, 0, 0, 0, 0, 4],
    "withheld_inquiry": [9, 0, 0, 0, 0, 0, 9],
    "unavailable_not_held": [111, 0, 0, 0, 0, 0, 111],
    "unavailable_needs_creation": [2, 0, 0, 0, 0, 0, 2],
    "unavailable_unclear": [0] * 7,
    "rejected_complaint": [12, 0, 0, 0, 0, 0, 12],
    "rejected_duplicate": [6, 1, 0, 0, 0, 0, 7],
    "rejected_publication": [0] * 7,
    "rejected_excessive": [0] * 7,
    "rejected_confirmation": [0] * 7,
    "other_overdue_correction": [9, 0, 0, 0, 0, 0, 9],
    "other_overdue_fee": [7, 0, 0, 0, 0, 0, 7],  # under the bogus 本年新收件数… header
    "other_other": [142, 1, 0, 0, 0, 0, 143],
    "total_processed": [710, 3, 0, 0, 5, 0, 718],
    "carried_forward": [31, 0, 0, 0, 0, 0, 31],
}
SHUYANG_REVIEW = {
    "review": [27, 10, 9, 15, 61],
    "litigation_direct": [3, 0, 0, 0, 3],
    "litigation_after_review": [8, 0, 1, 1, 10],
}


@pytest.fixture(scope="module")
def shuyang():
    return parse_report((REAL / "shuyang-2025-ocr.txt").read_bytes())


def test_shuyang_template(shuyang):
    assert shuyang.template == "2021"
    assert shuyang.year == 2025


def test_shuyang_active(shuyang):
    assert table(shuyang, "active_disclosure") == SHUYANG_ACTIVE
    fee = next(c for c in shuyang.active_disclosure if c.metric == "fee_amount")
    assert fee.unit == "万元"


def test_shuyang_renamed_applicant_columns(shuyang):
    assert rows_of(shuyang) == SHUYANG_ROWS


def test_shuyang_review_as_three_tables(shuyang):
    cells = table(shuyang, "review_litigation")
    got = {
        p: [cells[(p, o)] for o in ("upheld", "corrected", "other", "pending", "total")]
        for p in PROCEEDINGS
    }
    assert got == SHUYANG_REVIEW


def test_shuyang_findings(shuyang):
    assert [f.rule for f in shuyang.findings] == []


# --- PDFs (through parsers.documents, whose tables come back here) -----------------------------


def parse_pdf(name: str):
    return parse_report((REAL / name).read_bytes(), filename=name)


def test_huaian_2024_pdf():
    report = parse_pdf("huaian-2024.pdf")
    cells = report.cell_map()
    assert report.template == "2021"
    assert len(cells) == 10 + 25 * 7 + 15
    assert cells[("active_disclosure", "regulations", "in_force")] == 11
    assert cells[("active_disclosure", "administrative_penalty", "decisions")] == 3985758
    assert cells[("active_disclosure", "administrative_fees", "fee_amount")] == 96171.6
    assert cells[("applications", "new_received", "total")] == 3119
    assert cells[("applications", "granted", "legal_service_org")] == 50
    assert cells[("applications", "other_other", "total")] == 110
    assert cells[("applications", "total_processed", "natural_person")] == 2932
    assert cells[("applications", "carried_forward", "total")] == 103
    review = table(report, "review_litigation")
    got = [
        review[(p, o)]
        for p in PROCEEDINGS
        for o in ("upheld", "corrected", "other", "pending", "total")
    ]
    assert got == [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
    assert report.findings == []


def test_hongze_2023_pdf_one_row_other_processing_and_bad_totals():
    report = parse_pdf("hongze-2023.pdf")
    cells = report.cell_map()
    assert report.template == "2021"
    assert cells[("applications", "other_processing", "total")] == 0  # (六) as one row
    assert not any(k[1].startswith("other_overdue") for k in cells)
    # 2.其他法律行政止公开: the text layer lost 法规禁
    assert cells[("applications", "withheld_prohibited_by_law", "natural_person")] == 0
    assert cells[("applications", "new_received", "natural_person")] == 21
    assert cells[("applications", "unavailable_not_held", "total")] == 10
    assert cells[("active_disclosure", "administrative_fees", "fee_amount")] == 7730.28
    # The PDF prints 10 1 0 0 | 0 for 行政复议 and 5 0 0 0 | 0 for 复议后起诉.
    assert [(f.rule, f.keys[-1]) for f in report.findings] == [
        ("review_total_sum", "review_litigation.review.total"),
        ("review_total_sum", "review_litigation.litigation_after_review.total"),
    ]


def test_blank_2021_template_docx_reads_every_cell_as_not_reported():
    """The official blank format: every cell of the three tables present and null."""
    try:
        from parsers.documents import document_html, read_document
    except ImportError:
        pytest.skip("Word support not available")
    from parsers.page import read_page
    from parsers.tables import read_tables

    doc = read_document((REAL / "template-2021-blank.docx").read_bytes(), filename="t.docx")
    page = read_page(document_html(doc))
    tables = read_tables(page.body, page.text)
    assert tables.template == "2021"
    assert len(tables.active_disclosure) == 10
    assert len(tables.applications) == 25 * 7
    assert len(tables.review_litigation) == 15
    every = tables.active_disclosure + tables.applications + tables.review_litigation
    assert {c.value for c in every} == {None}
    assert tables.findings == []
