"""The read-quality figure: share of the format's cells read, checks run/passed, a bucket."""

from __future__ import annotations

from parsers import parse_report
from parsers.encoding import decode
from parsers.quality import read_quality
from storage import open_db, save_report
from tests.variants import make_case


def test_a_report_read_whole():
    case = make_case(1, "split_three", "2021")
    quality = read_quality(parse_report(case.page))
    assert quality.bucket == "whole"
    assert quality.share == 1.0
    assert quality.cells_read == quality.cells_expected == len(case.report.cell_map())
    # 7 balance + 7 result sums + one applicant sum per row + 3 review sums, all holding
    rows = {c.row for c in case.report.applications}
    assert quality.checks_run == quality.checks_passed == 7 + 7 + len(rows) + 3


def _misread_page() -> str:
    page = decode(make_case(3, "bars", "2021").page, None)[0]
    lines = page.split("<p>")
    at = next(i for i, line in enumerate(lines) if line.lstrip("| ").startswith("(一)予以公开"))
    lines[at] = "(一)予以公开 | 3 | 1 | 0 | 0 | 0 | 0 | 0 | 4</p>"
    return "<p>".join(lines)


def test_a_table_set_aside_makes_the_report_partial():
    report = parse_report(_misread_page())
    quality = read_quality(report)
    assert quality.bucket == "partial"
    applications = sum(1 for k in report.cell_map() if k[0] == "applications")
    assert quality.cells_read == quality.cells_expected - applications
    assert quality.share == round(quality.cells_read / quality.cells_expected, 4)
    assert quality.checks_run == quality.checks_passed == 3  # only section 四 was checked


def test_a_page_without_tables_has_no_share():
    report = parse_report("<html><body><p>关于做好2021年年报工作的通知</p></body></html>")
    quality = read_quality(report)
    assert (quality.bucket, quality.share, quality.checks_run) == ("none", None, 0)


def test_stored_on_the_report_and_in_report_summary(tmp_path):
    db = open_db(tmp_path / "q.db")
    save_report(db, parse_report(make_case(2, "pre_tabs").page), site="a")
    save_report(db, parse_report(_misread_page()), site="b")
    rows = db.execute(
        "select s.site, s.read_quality, s.read_share, r.checks_run, r.checks_passed"
        " from report_summary s join reports r on r.id = s.id order by s.site"
    ).fetchall()
    assert rows[0][:3] == ("a", "whole", 1.0) and rows[0][3] == rows[0][4] > 40
    assert rows[1][:2] == ("b", "partial") and 0 < rows[1][2] < 1 and rows[1][3:] == (3, 3)
