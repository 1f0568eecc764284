"""Real annual reports published as PDF parse to the values they print.

Expected cells were read off the pages by hand (rendered and compared with the text layer).
The 洪泽区 reports use the 2021 format but print 三(六)其他处理 as one row → other_processing.
"""

from __future__ import annotations

import pytest

from parsers import parse_report
from parsers.documents import Document, read_document
from parsers.documents.grid import Grid
from parsers.schema import APPLICATION_ROWS_BY_TEMPLATE, Report
from tests.paths import REAL_DOCS

REAL = REAL_DOCS
APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
PROCEEDINGS = ("review", "litigation_direct", "litigation_after_review")


def only_person(n: int) -> tuple[int, ...]:
    """A row where only 自然人 applied: ``n`` there and in 总计, 0 elsewhere."""
    return (n, 0, 0, 0, 0, 0, n)


HUAIAN_2024_ACTIVE = {
    ("regulations", "issued"): 1,
    ("regulations", "abolished"): 0,
    ("regulations", "in_force"): 11,
    ("normative_documents", "issued"): 8,
    ("normative_documents", "abolished"): 26,
    ("normative_documents", "in_force"): 66,
    ("administrative_license", "decisions"): 447228,
    ("administrative_penalty", "decisions"): 3985758,
    ("administrative_coercion", "decisions"): 88283,
    ("administrative_fees", "fee_amount"): 96171.6,
}
HUAIAN_2024_APPLICATIONS = {
    "new_received": (3001, 53, 0, 0, 61, 4, 3119),
    "carried_over": (34, 0, 0, 0, 0, 0, 34),
    "granted": (1288, 21, 0, 0, 50, 3, 1362),
    "partially_granted": (447, 7, 0, 0, 0, 0, 454),
    "withheld_state_secret": only_person(2),
    "withheld_prohibited_by_law": (30, 1, 0, 0, 0, 0, 31),
    "withheld_security_stability": only_person(5),
    "withheld_third_party": only_person(6),
    "withheld_internal_affairs": (7, 1, 0, 0, 0, 0, 8),
    "withheld_process_info": only_person(12),
    "withheld_enforcement_file": only_person(9),
    "withheld_inquiry": only_person(105),
    "unavailable_not_held": (746, 12, 0, 0, 10, 1, 769),
    "unavailable_needs_creation": only_person(11),
    "unavailable_unclear": only_person(1),
    "rejected_complaint": (56, 6, 0, 0, 0, 0, 62),
    "rejected_duplicate": only_person(25),
    "rejected_publication": only_person(0),
    "rejected_excessive": only_person(0),
    "rejected_confirmation": only_person(1),
    "other_overdue_correction": (67, 3, 0, 0, 1, 0, 71),
    "other_overdue_fee": only_person(6),
    "other_other": (108, 2, 0, 0, 0, 0, 110),
    "total_processed": (2932, 53, 0, 0, 61, 4, 3050),
    "carried_forward": only_person(103),
}
HUAIAN_2024_REVIEW = ((72, 64, 178, 37, 351), (13, 4, 8, 1, 26), (12, 1, 1, 6, 20))

HONGZE_2023_ACTIVE = {
    ("regulations", "issued"): 0,
    ("regulations", "abolished"): 0,
    ("regulations", "in_force"): 0,
    ("normative_documents", "issued"): 0,
    ("normative_documents", "abolished"): 5,
    ("normative_documents", "in_force"): 5,
    ("administrative_license", "decisions"): 550,
    ("administrative_penalty", "decisions"): 4119,
    ("administrative_coercion", "decisions"): 195,
    ("administrative_fees", "fee_amount"): 7730.28,
}
_HONGZE_ROWS = APPLICATION_ROWS_BY_TEMPLATE["2019"]  # the (六)其他处理 one-row layout
# Only 自然人 applied in both years: the 自然人 column, row by row.
HONGZE_2023_PERSONS = (21, 0, 0, 4, 1, 0, 0, 0, 0, 1, 1, 0, 10, 3, 0, 1, 0, 0, 0, 0, 0, 21, 0)
HONGZE_2023_REVIEW = ((10, 1, 0, 0, 0), (0, 0, 0, 0, 0), (5, 0, 0, 0, 0))  # as printed

HONGZE_2024_ACTIVE = {
    **{k: 0 for k in (("regulations", m) for m in ("issued", "abolished", "in_force"))},
    ("normative_documents", "issued"): 3,
    ("normative_documents", "abolished"): 0,
    ("normative_documents", "in_force"): 8,
    ("administrative_license", "decisions"): 9487,
    ("administrative_penalty", "decisions"): 2776,
    ("administrative_coercion", "decisions"): 84,
    ("administrative_fees", "fee_amount"): 7545,
}
HONGZE_2024_PERSONS = (95, 0, 50, 9, 0, 0, 1, 0, 0, 1, 1, 0, 31, 1, 0, 1, 0, 0, 0, 0, 0, 95, 0)
HONGZE_2024_REVIEW = ((1, 1, 0, 0, 2), (1, 0, 0, 0, 1), (2, 0, 1, 0, 3))


def expected(
    active: dict[tuple[str, str], float],
    applications: dict[str, tuple[int, ...]],
    review: tuple[tuple[int, ...], ...],
) -> dict[tuple[str, str, str], float]:
    out: dict[tuple[str, str, str], float] = {}
    out.update({("active_disclosure", *k): v for k, v in active.items()})
    for row, values in applications.items():
        out.update({("applications", row, a): v for a, v in zip(APPLICANTS, values, strict=True)})
    for proceeding, values in zip(PROCEEDINGS, review, strict=True):
        out.update(
            {("review_litigation", proceeding, o): v for o, v in zip(OUTCOMES, values, strict=True)}
        )
    return out


CASES = {
    "huaian-2024": expected(HUAIAN_2024_ACTIVE, HUAIAN_2024_APPLICATIONS, HUAIAN_2024_REVIEW),
    "hongze-2023": expected(
        HONGZE_2023_ACTIVE,
        {r: only_person(n) for r, n in zip(_HONGZE_ROWS, HONGZE_2023_PERSONS, strict=True)},
        HONGZE_2023_REVIEW,
    ),
    "hongze-2024": expected(
        HONGZE_2024_ACTIVE,
        {r: only_person(n) for r, n in zip(_HONGZE_ROWS, HONGZE_2024_PERSONS, strict=True)},
        HONGZE_2024_REVIEW,
    ),
}
# 洪泽区 prints 2.其他法律行政法规禁止公开 as "2.其他法律行政止公开" (words dropped).
MISPRINTED = "withheld_prohibited_by_law"


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    return {name: read_document((REAL / f"{name}.pdf").read_bytes()) for name in CASES}


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {
        name: parse_report((REAL / f"{name}.pdf").read_bytes(), filename=f"{name}.pdf")
        for name in CASES
    }


@pytest.mark.parametrize("name", list(CASES))
def test_every_printed_cell_is_read(reports: dict[str, Report], name: str) -> None:
    want = CASES[name]
    got = reports[name].cell_map()
    assert {k: got.get(k, "absent") for k in want} == want


@pytest.mark.parametrize("name", ["hongze-2023", "hongze-2024"])
def test_misprinted_row_label_is_read(
    documents: dict[str, Document], reports: dict[str, Report], name: str
) -> None:
    rows = [r for t in documents[name].tables for r in t.rows() if r[2] == "2.其他法律行政止公开"]
    assert rows[0][3:] == ["0"] * 7
    assert reports[name].cell_map()[("applications", MISPRINTED, "total")] == 0


@pytest.mark.parametrize("name", ["hongze-2023", "hongze-2024"])
def test_one_row_other_processing_is_other_processing(
    reports: dict[str, Report], name: str
) -> None:
    report = reports[name]
    assert report.template == "2021"
    rows = {c.row for c in report.applications}
    assert "other_processing" in rows
    assert not rows & {"other_overdue_correction", "other_overdue_fee", "other_other"}


def test_balance_of_section_three_holds(reports: dict[str, Report]) -> None:
    cells = reports["huaian-2024"].cell_map()
    for applicant in APPLICANTS:
        got = {r: cells[("applications", r, applicant)] for r in _HONGZE_ROWS[:2]}
        done = cells[("applications", "total_processed", applicant)]
        forward = cells[("applications", "carried_forward", applicant)]
        assert got["new_received"] + got["carried_over"] == done + forward
    assert not [f for f in reports["huaian-2024"].findings if f.severity == "error"]


def test_printed_review_totals_that_do_not_add_up_are_findings(reports: dict[str, Report]) -> None:
    """洪泽区 2023 prints 总计 0 beside 维持 10 纠正 1: kept as printed, flagged."""
    findings = [f for f in reports["hongze-2023"].findings if f.rule == "review_total_sum"]
    assert len(findings) == 2


@pytest.mark.parametrize(
    ("name", "title", "agency", "year"),
    [
        ("huaian-2024", "淮安市人民政府2024年政府信息公开工作年度报告", "淮安市人民政府", 2024),
        ("hongze-2023", "洪泽区人民政府2023年政府信息公开工作年度报告", "洪泽区人民政府", 2023),
        (
            "hongze-2024",
            "淮安市洪泽区人民政府2024年政府信息公开工作年度报告",
            "淮安市洪泽区人民政府",
            2024,
        ),
    ],
)
def test_title_agency_year_from_the_first_lines(
    reports: dict[str, Report], name: str, title: str, agency: str, year: int
) -> None:
    report = reports[name]
    assert (report.title, report.agency, report.year) == (title, agency, year)


def test_page_numbers_are_removed_and_paragraphs_joined(documents: dict[str, Document]) -> None:
    doc = documents["huaian-2024"]
    assert not [line for line in doc.lines if line.strip("-—– ").isdigit()]
    fee = [line for line in doc.lines if "信息处理费" in line and "全年收取" in line]
    assert fee == [
        "2024年，市政府严格落实《政府信息公开信息处理费管理办法》，"
        "全年收取政府信息公开信息处理费3940元。"
    ]


def test_table_split_by_a_page_break_is_one_table(documents: dict[str, Document]) -> None:
    """huaian-2024: section 三 runs from page 4 to 5, the (四)无|法提供 label cut in two."""
    doc = documents["huaian-2024"]
    applications = [t for t in doc.tables if t.n_cols == 10]
    assert len(applications) == 1
    table: Grid = applications[0]
    assert table.n_rows == 28
    group = table.anchor_at(16, 1)
    assert group is not None and (group.text, group.rowspan) == ("（四）无法提供", 3)
    assert table.anchor_at(27, 0).text == "四、结转下年度继续办理"  # type: ignore[union-attr]


def test_open_ended_table_at_a_page_bottom_keeps_its_last_row(
    documents: dict[str, Document],
) -> None:
    """hongze-2023 page 3 ends inside section 三 without a closing rule."""
    doc = documents["hongze-2023"]
    rows = [r for t in doc.tables for r in t.rows()]
    assert ["2.没有现成信息需要另行制作", "3", "0", "0", "0", "0", "0", "3"] in [
        r[2:] for r in rows
    ]
