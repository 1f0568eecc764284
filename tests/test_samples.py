"""The three sample reports (plain text) parse to the values they print.

Expected cells were read off the samples by hand: they print zeros almost everywhere, so the
tests state every cell (a missing or extra cell fails) and name the few that are not zero.
"""

from parsers import parse_report
from parsers.schema import (
    ACTIVE_LAYOUT,
    APPLICANTS,
    APPLICATION_ROWS_BY_TEMPLATE,
    OUTCOMES,
    PROCEEDINGS,
)
from tests.paths import SAMPLES as SAMPLE_DIR

SAMPLES = SAMPLE_DIR


def all_zero(template: str) -> dict:
    cells: dict = {}
    for item, metrics in ACTIVE_LAYOUT[template].items():
        for metric in metrics:
            cells[("active_disclosure", item, metric)] = 0
    for row in APPLICATION_ROWS_BY_TEMPLATE[template]:
        for applicant in APPLICANTS:
            cells[("applications", row, applicant)] = 0
    for proc in PROCEEDINGS:
        for outcome in OUTCOMES:
            cells[("review_litigation", proc, outcome)] = 0
    return cells


def parse(name: str):
    return parse_report((SAMPLES / name).read_bytes())


def test_000_wawu_2021():
    report = parse("000_f356be7c5f5db8bc.txt")
    assert report.template == "2021"
    assert report.year == 2021
    expected = all_zero("2021")
    expected[("active_disclosure", "normative_documents", "issued")] = 1  # 行政规范性文件 1 0 0
    assert report.cell_map() == expected
    fee = next(c for c in report.active_disclosure if c.metric == "fee_amount")
    assert fee.unit == "万元"  # 本年收费金额（单位：万元，保留4位小数）
    assert [f.rule for f in report.findings] == []


def test_001_dangdi_2019_format():
    report = parse("001_30e5c0e695b89eb6.txt")
    assert report.template == "2019"
    expected = all_zero("2019")
    expected[("active_disclosure", "regulations", "new_made")] = 2  # 本年新 / 本年新 cut short
    # 其他对外管理服务事项 prints two numbers and a blank cell
    expected[("active_disclosure", "other_external_services", "decisions")] = None
    assert report.cell_map() == expected
    assert report.year == 2020
    assert "other_processing" in {c.row for c in report.applications}
    assert [f.rule for f in report.findings] == []


def test_003_chengguan_2022():
    report = parse("003_8eeef03c195206a0.txt")
    assert report.template == "2021"
    assert report.year == 2022
    assert report.cell_map() == all_zero("2021")
    assert [f.rule for f in report.findings] == []
