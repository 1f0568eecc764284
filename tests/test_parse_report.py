"""parse_report end to end: fixture pages and plain-text reports to canonical reports."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.testing.pages import PAGES, expected_cells
from nianbao.testing.pages import PAGES_DIR as HERE
from parsers import parse_report
from parsers.documents import DocumentError
from parsers.sniff import document_kind, is_html

TABLE_PAGES = [spec for spec in PAGES if spec.report and spec.style != "lines"]
NOT_REPORTS = [spec for spec in PAGES if not spec.report]


def parse(name: str, **kwargs):
    return parse_report((HERE / name).read_bytes(), **kwargs)


@pytest.mark.parametrize("spec", TABLE_PAGES, ids=lambda s: s.name)
def test_every_cell_of_the_fixture_pages(spec):
    report = parse(spec.filename, url="https://example.gov.cn/a.html")
    assert report.cell_map() == expected_cells(spec)
    assert report.template == spec.template
    assert (report.title, report.agency, report.year, report.published) == (
        spec.title,
        spec.agency,
        spec.year,
        spec.published,
    )
    assert report.url == "https://example.gov.cn/a.html"


def test_cells_spelled_out_and_no_findings_on_a_consistent_report():
    report = parse("trs_hezhang_2021.html")
    cells = report.cell_map()
    expected = expected_cells(PAGES[0])
    assert (
        cells[("active_disclosure", "administrative_fees", "fee_amount")]
        == expected[("active_disclosure", "administrative_fees", "fee_amount")]
    )
    assert len(report.active_disclosure) == 10
    assert len(report.applications) == 25 * 7
    assert len(report.review_litigation) == 15
    assert report.findings == []
    assert report.index_no == "11520527009480737X/2022-00012"
    assert report.publisher == "赫章县人民政府办公室"
    assert "一、总体情况" in report.text


def test_blank_cells_stay_null():
    """The GBK Hanweb page prints zeros as blank cells: they must be None, never 0."""
    report = parse("hanweb_jiangbei_2020_gbk.html")
    blanks = [c for c in report.applications if c.value is None]
    assert blanks, "the fixture has blank cells"
    assert all(c.raw in ("", None) for c in blanks)
    assert not [f for f in report.findings if f.severity == "error"]


def test_2019_format_in_a_2021_report_is_flagged():
    report = parse("trs_longtian_2021_form2019.html")
    assert (report.year, report.template) == (2021, "2019")
    [finding] = [f for f in report.findings if f.rule == "template_year_mismatch"]
    assert finding.severity == "warning"
    assert "2019" in finding.message and "2021" in finding.message


def test_tables_pasted_as_lines():
    """The 凼底乡 page: its tables are one cell per <p> line (sample 001)."""
    report = parse("hanweb_dandi_2020_lines.html")
    cells = report.cell_map()
    assert report.template == "2019"
    assert cells[("active_disclosure", "regulations", "new_made")] == 2
    assert cells[("applications", "new_received", "total")] == 0
    assert len(report.review_litigation) == 15
    assert report.agency == "凼底乡"


@pytest.mark.parametrize("spec", NOT_REPORTS, ids=lambda s: s.name)
def test_pages_that_are_not_reports(spec):
    report = parse(spec.filename)
    assert not report.has_cells
    assert report.template == "none"
    [finding] = report.findings
    assert finding.rule == "not_a_report"
    assert finding.severity == "error"
    assert "不是政府信息公开工作年度报告" in finding.message
    assert spec.title in finding.message


def test_not_a_report_says_why():
    assert "政府工作报告" in parse("trs_work_report_not_annual.html").findings[0].message
    assert "解读" in parse("gkmlpt_interpretation_not_annual.html").findings[0].message


def test_plain_text_reports():
    wawu = parse("sample_000_wawu_2021.txt")
    assert (wawu.title, wawu.agency, wawu.year, wawu.template) == (
        "瓦屋镇2021年政府信息公开工作年度报告",
        "瓦屋镇",
        2021,
        "2021",
    )
    assert wawu.cell_map()[("active_disclosure", "normative_documents", "issued")] == 1
    assert len(wawu.review_litigation) == 15
    dandi = parse("sample_001_dandi_2020.txt")
    assert (dandi.title, dandi.agency, dandi.year, dandi.published) == (
        None,
        "凼底乡人民政府",
        2020,
        "2021-01-21",
    )
    assert dandi.template == "2019"
    assert not [f for f in dandi.findings if f.rule == "not_a_report"]


def test_a_report_under_a_generic_title_is_still_a_report():
    """The page title says only 年报, the body is a whole report: the sections decide."""
    body = (HERE / "sample_000_wawu_2021.txt").read_text(encoding="utf-8")
    body = body.replace("瓦屋镇2021年政府信息公开工作年度报告", "")
    page = "<html><head><title>年报</title></head><body><div id='zoom'>{}</div></body></html>"
    report = parse_report(page.format("".join(f"<p>{ln}</p>" for ln in body.splitlines())))
    assert "not_a_report" not in {f.rule for f in report.findings}
    assert report.template == "2021" and len(report.review_litigation) == 15


def test_bytes_and_text_give_the_same_report():
    data = (HERE / "jiangsu_qidong_2019_bom.html").read_bytes()
    assert parse_report(data) == parse_report(data.decode("utf-8-sig"))


def test_empty_input_is_not_a_report():
    report = parse_report(b"")
    assert [f.rule for f in report.findings] == ["not_a_report"]
    assert not report.has_cells


def test_html_or_text():
    assert is_html("<!DOCTYPE html><html>")
    assert is_html("  \n<div>正文</div>")
    assert not is_html("瓦屋镇2021年政府信息公开工作年度报告\n一、总体情况")
    assert is_html("正文", content_type="text/html; charset=gbk")
    assert not is_html("<p>正文</p>", content_type="text/plain")
    assert is_html("正文", filename="report.shtml")


def test_document_kinds():
    assert document_kind(b"%PDF-1.7\n...") == "pdf"
    assert document_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "doc"
    assert document_kind(b"PK\x03\x04not a zip") is None
    assert document_kind(b"<html></html>") is None


def test_pdf_bytes_go_to_the_documents_package(monkeypatch):
    documents = importlib.import_module("parsers.documents")
    seen = {}

    def fake(data, *, filename=None):
        seen["args"] = (data[:5], filename)
        return parse_report((HERE / "trs_hezhang_2021.html").read_bytes())

    monkeypatch.setattr(documents, "parse_document", fake)
    report = parse_report(b"%PDF-1.4 fake", filename="a.pdf", url="https://x.gov.cn/a.pdf")
    assert seen["args"] == (b"%PDF-", "a.pdf")
    assert report.url == "https://x.gov.cn/a.pdf"
    assert report.agency == "赫章县"


@settings(max_examples=100, deadline=None)
@given(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"<html><body><div id='zoom'>",
            "一、总体情况\t0\t".encode("gbk"),
            b"%PDF-1.7\n",  # document magic: the documents package's error
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # .doc/.wps
        ]
    ),
)
def test_any_bytes_give_a_report_or_a_clear_error(data, prefix):
    data = prefix + data
    if document_kind(data):  # PDF/Word magic: the documents package says what is wrong
        with pytest.raises(DocumentError, match=r"PDF|Word|\.doc/\.wps"):
            parse_report(data)
        return
    report = parse_report(data)
    rules = {f.rule for f in report.findings}
    assert report.has_cells or rules & {"not_a_report", "missing_table"}


def _scanned_spec():
    from nianbao.testing.pages import IMAGE_PAGES

    return IMAGE_PAGES[0]


def test_page_of_scanned_pictures_is_an_image_only_report():
    """A report page whose body is only <img>s: a report, no cells, one image_only error."""
    spec = _scanned_spec()
    report = parse(spec.filename, url="https://example.gov.cn/magu.html")
    assert not report.has_cells
    assert [(f.rule, f.severity) for f in report.findings] == [("image_only", "error")]
    assert report.findings[0].message.startswith("此页面是只含图片的网页（5张图片，无文字）")
    assert "no numbers were read" in report.findings[0].message
    assert (report.title, report.agency, report.year, report.published, report.index_no) == (
        spec.title,
        spec.agency,
        spec.year,
        spec.published,
        spec.index_no,
    )
    assert report.template == "none"


def test_fixture_page_of_pictures_is_what_the_builder_makes():
    from nianbao.testing.pages import page_bytes

    spec = _scanned_spec()
    assert (HERE / spec.filename).read_bytes() == page_bytes(spec)


def _page_with_body(body: str, title: str = "某县某局2022年政府信息公开工作年度报告") -> bytes:
    from dataclasses import replace

    from nianbao.testing.pages import page_bytes

    return page_bytes(replace(_scanned_spec(), title=title, body_html=body))


@pytest.mark.parametrize(
    ("title", "body", "reason"),
    [
        (  # news with a photo: prose, so not a scan
            "某县某局2022年政府信息公开工作年度报告",
            "<p>1月18日，我局召开会议，传达学习上级关于政务公开工作的部署要求，会议强调要认真"
            "总结经验，查找不足，进一步提升政务公开工作质量和水平，切实保障群众知情权。</p>"
            '<p><img src="/uploadfiles/202301/meeting.jpg" width="600" height="400"></p>',
            "仅提及年报",
        ),
        (  # only the share and QR-code icons
            "某县某局2022年政府信息公开工作年度报告",
            '<p><img src="/images/icon_weixin.png"><img src="/images/qrcode.png"></p>',
            "",
        ),
        (  # an interpretation in pictures (a look-alike title)
            "图解：某县某局2022年政府信息公开工作年度报告",
            '<p><img src="/uploadfiles/202301/tj1.jpg"></p>',
            "解读",
        ),
    ],
)
def test_pictures_that_are_not_a_scanned_report_stay_not_a_report(title, body, reason):
    report = parse_report(_page_with_body(body, title))
    assert [f.rule for f in report.findings] == ["not_a_report"]
    assert reason in report.findings[0].message
