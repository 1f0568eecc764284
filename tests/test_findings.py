"""parsers.findings.validate: the arithmetic checks, skipped when a cell is not reported."""

from parsers.findings import validate
from parsers.schema import (
    APPLICANTS,
    APPLICATION_ROWS_BY_TEMPLATE,
    OUTCOMES,
    PROCEEDINGS,
    ApplicationCell,
    Report,
    ReviewCell,
)


def consistent_report() -> Report:
    """A 2021 report whose tables add up: 3 applications by natural persons, 1 by a company."""
    report = Report(template="2021")
    values = {
        "new_received": [3, 1, 0, 0, 0, 0, 4],
        "carried_over": [0, 0, 0, 0, 0, 0, 0],
        "granted": [2, 1, 0, 0, 0, 0, 3],
        "other_other": [1, 0, 0, 0, 0, 0, 1],
        "total_processed": [3, 1, 0, 0, 0, 0, 4],
        "carried_forward": [0, 0, 0, 0, 0, 0, 0],
    }
    for row in APPLICATION_ROWS_BY_TEMPLATE["2021"]:
        for applicant, value in zip(APPLICANTS, values.get(row, [0] * 7), strict=True):
            report.applications.append(ApplicationCell(row, applicant, value, str(value)))
    review = {"review": [1, 0, 0, 1, 2]}
    for proc in PROCEEDINGS:
        for outcome, value in zip(OUTCOMES, review.get(proc, [0] * 5), strict=True):
            report.review_litigation.append(ReviewCell(proc, outcome, value, str(value)))
    return report


def set_cell(report: Report, row: str, applicant: str, value) -> None:
    for cell in report.applications:
        if (cell.row, cell.applicant) == (row, applicant):
            cell.value = value


def test_consistent_report_has_no_findings():
    assert validate(consistent_report()) == []


def test_balance():
    report = consistent_report()
    set_cell(report, "total_processed", "natural_person", 2)
    set_cell(report, "other_other", "natural_person", 0)  # keep the row sum intact
    set_cell(report, "total_processed", "total", 3)
    set_cell(report, "other_other", "total", 0)
    found = [f for f in validate(report) if f.rule == "balance"]
    assert [f.message for f in found] == [
        "自然人: 新收 3 + 结转 0 ≠ 总计 2 + 结转下年 0",
        "总计: 新收 4 + 结转 0 ≠ 总计 3 + 结转下年 0",
    ]
    assert found[0].severity == "error"
    assert found[0].keys == [
        "applications.new_received.natural_person",
        "applications.carried_over.natural_person",
        "applications.total_processed.natural_person",
        "applications.carried_forward.natural_person",
    ]


def test_total_processed_sum():
    report = consistent_report()
    set_cell(report, "granted", "commercial_enterprise", 3)
    set_cell(report, "granted", "total", 5)
    found = [f for f in validate(report) if f.rule == "total_processed_sum"]
    assert [f.message for f in found] == [
        "商业企业: (七)总计 1 ≠ 办理结果 (一)…(六) 之和 3",
        "总计: (七)总计 4 ≠ 办理结果 (一)…(六) 之和 6",
    ]
    assert "applications.granted.commercial_enterprise" in found[0].keys


def test_applicant_total_sum():
    report = consistent_report()
    set_cell(report, "carried_over", "total", 2)
    found = validate(report)
    sums = [f for f in found if f.rule == "applicant_total_sum"]
    assert [f.message for f in sums] == [
        "二、上年结转政府信息公开申请数量: 总计 2 ≠ 0 + 0 + 0 + 0 + 0 + 0 = 0"
    ]
    assert sums[0].keys[-1] == "applications.carried_over.total"
    assert [f.rule for f in found if f.rule == "balance"] == ["balance"]  # the 总计 column


def test_review_total_sum():
    report = consistent_report()
    for cell in report.review_litigation:
        if (cell.proceeding, cell.outcome) == ("litigation_direct", "total"):
            cell.value = 4
    found = validate(report)
    assert [(f.rule, f.message) for f in found] == [
        (
            "review_total_sum",
            "行政诉讼 未经复议直接起诉: 总计 4 ≠ 维持 0 + 纠正 0 + 其他 0 + 尚未审结 0",
        )
    ]
    assert found[0].keys[-1] == "review_litigation.litigation_direct.total"


def test_checks_with_unreported_cells_are_skipped():
    report = consistent_report()
    set_cell(report, "total_processed", "natural_person", None)  # blank: balance cannot be checked
    set_cell(report, "carried_over", "total", None)
    report.review_litigation = [c for c in report.review_litigation if c.outcome != "pending"]
    assert validate(report) == []


def test_absent_rows_skip_the_sum():
    report = consistent_report()
    report.applications = [c for c in report.applications if c.row != "granted"]
    assert [f.rule for f in validate(report)] == []


def test_other_processing_as_one_row_is_summed():
    report = consistent_report()
    for cell in report.applications:
        if cell.row == "other_other":
            cell.row = "other_processing"
    report.applications = [
        c
        for c in report.applications
        if c.row not in ("other_overdue_correction", "other_overdue_fee")
    ]
    assert validate(report) == []
    set_cell(report, "other_processing", "natural_person", 5)
    assert [f.rule for f in validate(report)] == ["total_processed_sum", "applicant_total_sum"]


def test_decimal_values_do_not_break_checks():
    report = consistent_report()
    set_cell(report, "new_received", "natural_person", 3.0)
    assert validate(report) == []


def test_empty_report():
    assert validate(Report()) == []
