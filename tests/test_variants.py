"""Hand-made layouts (``tests/variants.py``) read right over many seeds; misreads set aside."""

from __future__ import annotations

import re

import pytest

from parsers import parse_report
from parsers.encoding import decode
from parsers.schema import ApplicationCell, Report
from tests.variants import KINDS, make_case

SUM_RULES = {"balance", "total_processed_sum", "applicant_total_sum", "review_total_sum"}
SEEDS = range(40)


@pytest.mark.parametrize("kind", KINDS)
def test_hand_made_layouts_read_every_cell(kind):
    wrong: list[tuple[int, tuple, object, object]] = []
    for seed in SEEDS:
        case = make_case(seed, kind)
        parsed = parse_report(case.page)
        assert parsed.template == case.report.template, seed
        assert parsed.year == case.report.year, seed
        got = parsed.cell_map()
        for key, value in case.report.cell_map().items():
            if got.get(key, "absent") != value and not (value is None and key not in got):
                wrong.append((seed, key, got.get(key, "absent"), value))
        # every generated report balances: a sum/balance finding would be a misread
        assert [f.message for f in parsed.findings if f.rule in SUM_RULES] == [], seed
        assert not [f for f in parsed.findings if f.rule == "table_unreadable"], seed
    assert wrong == []


def test_negative_change_in_bars_2019_stays_in_its_column():
    for seed in SEEDS:
        case = make_case(seed, "bars", "2019")
        parsed = parse_report(case.page)
        truth = case.report.cell_map()
        for item in ("administrative_license", "administrative_penalty"):
            for metric in ("prior_year_count", "change", "decisions"):
                key = ("active_disclosure", item, metric)
                assert parsed.cell_map()[key] == truth[key], (seed, key)


def _bars_page(row: str, replace: str) -> str:
    """A generated 2021 ``a | b`` page whose line starting with ``row`` is ``replace``d."""
    page = decode(make_case(3, "bars", "2021").page, None)[0]
    lines = page.split("<p>")
    at = next(i for i, line in enumerate(lines) if line.lstrip("| ").startswith(row))
    lines[at] = replace + "</p>"
    return "<p>".join(lines)


def test_a_row_with_more_values_than_columns_is_set_aside_not_checked():
    # eight values under seven columns
    report = parse_report(
        _bars_page("(一)予以公开", "(一)予以公开 | 3 | 1 | 0 | 0 | 0 | 0 | 0 | 4")
    )
    unreadable = [f for f in report.findings if f.rule == "table_unreadable"]
    assert len(unreadable) == 1 and unreadable[0].keys == ["applications"]
    assert "三、收到和处理政府信息公开申请情况" in unreadable[0].message
    assert "(一)予以公开" in unreadable[0].message
    assert {f.rule for f in report.findings} & SUM_RULES == set()
    granted = {c.applicant: c for c in report.applications if c.row == "granted"}
    assert granted["natural_person"].value is None and granted["natural_person"].raw == "3"
    assert all(c.value is None for c in report.applications)


def test_a_negative_count_is_a_value_under_the_wrong_header():
    line = "二、上年结转政府信息公开申请数量 | -8 | 0 | 0 | 0 | 0 | 0 | -8"
    report = parse_report(_bars_page("二、上年结转", line))
    assert [f.keys for f in report.findings if f.rule == "table_unreadable"] == [["applications"]]
    assert {f.rule for f in report.findings} & SUM_RULES == set()


def test_validate_skips_a_table_set_aside():
    from parsers.findings import validate
    from parsers.schema import Finding

    report = Report(template="2021")
    for row, value in (("new_received", 5), ("carried_over", 0), ("total_processed", 9)):
        report.applications.append(ApplicationCell(row, "natural_person", value, str(value)))
    report.applications.append(ApplicationCell("carried_forward", "natural_person", 0, "0"))
    assert [f.rule for f in validate(report)] == ["balance"]
    report.findings.append(Finding("table_unreadable", "warning", "…", ["applications"]))
    assert validate(report) == []


def _break_active_label(seed: int, label: str, head: str, tail: str, numbers_first: bool):
    """A Word page whose section-二 row ``label`` is cut by a page break into head / tail."""
    case = make_case(seed, "word_break", "2019")
    page = decode(case.page, None)[0]
    at = page.find(label)
    start, end = page.rfind("<tr>", 0, at), page.find("</tr>", at) + len("</tr>")
    tds = page[start + 4 : end - 5].split("</td>")[:-1]
    blank = [re.sub(r"(<span[^>]*>)[^<]*", r"\1&nbsp;", td) for td in tds[1:]]
    first, second = (tds[1:], blank) if numbers_first else (blank, tds[1:])
    rows = [
        "<tr>" + "</td>".join([tds[0].replace(label, head), *first]) + "</td></tr>",
        "<tr>" + "</td>".join([tds[0].replace(label, tail), *second]) + "</td></tr>",
    ]
    glue = "</tbody></table><p>&nbsp;</p><table><tbody>"
    return case, parse_report(page[:start] + glue.join(rows) + page[end:])


@pytest.mark.parametrize(
    "label,head,tail",
    [
        ("其他对外管理服务事项", "其他对外管理服务", "事项"),
        ("行政事业性收费", "行政事业性", "收费"),
    ],
)
@pytest.mark.parametrize("numbers_first", [False, True])
def test_a_section_two_label_cut_by_a_page_break_keeps_its_numbers(
    label, head, tail, numbers_first
):
    for seed in range(6):
        case, parsed = _break_active_label(seed, label, head, tail, numbers_first)
        truth = case.report.cell_map()
        got = parsed.cell_map()
        assert {k: got.get(k) for k in truth if k[0] == "active_disclosure"} == {
            k: v for k, v in truth.items() if k[0] == "active_disclosure"
        }
        assert not [f for f in parsed.findings if f.rule in ("missing_row", "table_unreadable")]
