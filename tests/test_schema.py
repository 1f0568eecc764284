"""The canonical record: its JSON form (the CLI's output) reads back to the same report."""

from __future__ import annotations

import json

from parsers import parse_report
from parsers.schema import Report, expected_template
from tests.paths import SAMPLES


def test_json_form_reads_back_to_the_same_report() -> None:
    report = parse_report((SAMPLES / "001_30e5c0e695b89eb6.txt").read_bytes())
    data = json.loads(json.dumps(report.to_dict(extras=True), ensure_ascii=False))
    again = Report.from_dict(data)
    assert again == report
    assert again.cell_map()[("active_disclosure", "regulations", "new_made")] == 2


def test_url_only_in_json_when_known() -> None:
    assert "url" not in Report(year=2021).to_dict()
    assert Report(url="http://x.gov.cn/a.html").to_dict()["url"] == "http://x.gov.cn/a.html"


def test_expected_template_by_year() -> None:
    assert [expected_template(y) for y in (None, 2018, 2019, 2020, 2021, 2025)] == [
        None, "none", "2019", "2019", "2021", "2021",
    ]  # fmt: skip


def test_report_metadata_names_report_fields():
    from dataclasses import fields

    from parsers.schema import REPORT_METADATA, Report

    names = [f.name for f in fields(Report)]
    assert set(REPORT_METADATA) <= set(names)
    assert "url" not in REPORT_METADATA and "text" not in REPORT_METADATA
