"""Word, old Word (.doc via LibreOffice), generated PDFs and scans, from tests/fixtures/documents.

The fixtures and their values come from ``tests/fixtures/documents/make.py``.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from convert import office
from parsers import parse_report
from parsers.documents import Document, DocumentError, parse_document, read_document
from parsers.documents.docx import read_docx
from parsers.schema import Report

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
_spec = importlib.util.spec_from_file_location("documents_make", FIXTURES / "make.py")
assert _spec is not None and _spec.loader is not None
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)

EXPECTED_2021 = make.expected_cells(make.APPLICATIONS_2021)
ACTIVE_2021 = {
    ("active_disclosure", item, metric): float(v) if "." in v else int(v)
    for (_, item), values in make.ACTIVE_2021.items()
    for metric, v in zip(make.ACTIVE_2021_METRICS[item], values, strict=True)
}
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")


@functools.cache
def parse(name: str) -> Report:
    """The report of fixture ``name`` (parsed once per session; do not mutate)."""
    return parse_report((FIXTURES / name).read_bytes(), filename=name)


@functools.cache
def document(name: str) -> Document:
    return read_document((FIXTURES / name).read_bytes())


@pytest.fixture
def docx_2021() -> Report:
    return parse("filled-2021.docx")


@pytest.mark.parametrize(
    "name",
    [
        "filled-2021.docx",
        "filled-2021.pdf",
        "split-2021.pdf",
        "split-row-2021.pdf",
        "split-header-2021.pdf",
        "borderless-2021.pdf",
    ],
)
def test_2021_fixture_reads_every_cell(name: str) -> None:
    report = parse(name)
    cells = report.cell_map()
    assert report.template == "2021"
    assert {k: cells.get(k, "absent") for k in EXPECTED_2021} == EXPECTED_2021
    assert {k: v for k, v in cells.items() if k[0] == "active_disclosure"} == ACTIVE_2021
    assert report.findings == []
    assert (report.title, report.agency, report.year, report.published) == (
        make.TITLE_2021,
        "示例镇人民政府",
        2022,
        "2023-01-18",
    )


def test_row_cut_by_the_page_break_is_one_row() -> None:
    """split-row-2021: (二)部分公开's label runs onto the next page, its values do not."""
    doc = document("split-row-2021.pdf")
    (table,) = [t for t in doc.tables if t.n_cols == 10]
    assert table.n_rows == 28
    partial = table.anchor_at(6, 1)
    assert partial is not None
    assert partial.text == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert [table.rows()[6][c] for c in range(3, 10)] == ["3", "1", "", "0", "0", "0", "4"]
    results = table.anchor_at(26, 0)
    assert results is not None and (results.text, results.rowspan) == ("三、本年度办理结果", 22)


def test_header_row_cut_by_the_page_break_is_one_row() -> None:
    doc = document("split-header-2021.pdf")
    review = doc.tables[-1]
    assert review.n_rows == 4
    assert review.rows()[2][5:10] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_blank_cells_stay_null_not_zero(docx_2021: Report) -> None:
    blank = [c for c in docx_2021.applications if c.applicant == "research_institution"]
    assert {c.value for c in blank[:2]} == {None}


def test_title_agency_year_and_signature_date(docx_2021: Report) -> None:
    assert docx_2021.title == make.TITLE_2021
    assert (docx_2021.agency, docx_2021.year, docx_2021.published) == (
        "示例镇人民政府",
        2022,
        "2023-01-18",
    )


def test_docx_merged_cells_become_spans() -> None:
    """The blank 2021 format: vMerge → rowspan, gridSpan → colspan."""
    doc = read_docx(make.TEMPLATE_2021.read_bytes())
    active, applications, review = doc.tables
    assert (active.n_rows, active.n_cols) == (14, 4)
    assert (applications.n_rows, applications.n_cols) == (28, 10)
    assert (review.n_rows, review.n_cols) == (4, 15)
    corner = applications.anchor_at(2, 2)
    assert corner is not None and (corner.row, corner.rowspan, corner.colspan) == (0, 3, 3)
    results = applications.anchor_at(20, 0)
    assert results is not None and (results.text, results.rowspan) == ("三、本年度办理结果", 22)
    other = applications.anchor_at(25, 1)
    assert other is not None and (other.text, other.rowspan) == ("（六）其他处理", 3)
    litigation = review.anchor_at(0, 9)
    assert litigation is not None and (litigation.text, litigation.colspan) == ("行政诉讼", 10)


def test_2019_docx_reads_the_2019_format() -> None:
    report = parse("report-2019.docx")
    cells = report.cell_map()
    assert report.template == "2019"
    assert (report.agency, report.year, report.published) == ("示例街道办事处", 2019, "2020-01-31")
    for (item, metric), value in make.EXPECTED_ACTIVE_2019.items():
        assert cells[("active_disclosure", item, metric)] == value, (item, metric)
    want = make.expected_cells(make.APPLICATIONS_2019)
    assert {k: cells.get(k, "absent") for k in want} == want
    assert ("applications", "other_processing", "total") in cells


def test_image_only_pdf_gets_a_finding_and_no_numbers() -> None:
    report = parse("image-only.pdf")
    assert not report.has_cells
    assert [(f.rule, f.severity) for f in report.findings] == [("image_only", "error")]
    assert "image-only.pdf" in report.findings[0].message
    assert "no numbers were read" in report.findings[0].message


def test_damaged_and_foreign_bytes_raise_a_clear_error() -> None:
    with pytest.raises(DocumentError, match="PDF"):
        parse_document(b"%PDF-1.4\n% not really a pdf\n")
    with pytest.raises(DocumentError, match="Word"):
        parse_document(b"PK\x03\x04 broken zip")
    with pytest.raises(DocumentError, match=r"\.doc/\.wps.*convert\.office"):
        parse_document((FIXTURES / "filled-2021.doc").read_bytes(), filename="a.doc")


def test_document_html_has_the_tables_and_a_title() -> None:
    from parsers.documents import document_html

    markup = document_html(read_document((FIXTURES / "filled-2021.docx").read_bytes()))
    assert f"<h1>{make.TITLE_2021}</h1>" in markup
    assert markup.count("<table>") == 3
    assert '<td rowspan="22">三、本年度办理结果</td>' in markup


# --- .doc / .wps through LibreOffice ---------------------------------------------------------


def test_prepare_leaves_pdf_and_docx_alone() -> None:
    data = (FIXTURES / "filled-2021.docx").read_bytes()
    assert office.prepare(data, "a.docx") == (data, "a.docx")
    assert not office.needs_conversion(b"%PDF-1.7", "report.doc")
    assert office.needs_conversion(office.OLE_MAGIC + b"...", None)
    assert office.needs_conversion(b"\x00\x01", "报告.wps")


@needs_soffice
def test_doc_converted_by_libreoffice_reads_every_cell() -> None:
    data, name = office.prepare((FIXTURES / "filled-2021.doc").read_bytes(), "filled-2021.doc")
    assert name == "filled-2021.docx" and data[:2] == b"PK"
    report = parse_report(data, filename=name)
    cells = report.cell_map()
    assert {k: cells.get(k, "absent") for k in EXPECTED_2021} == EXPECTED_2021
    assert report.agency == "示例镇人民政府"


def test_missing_libreoffice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(office.OfficeError, match=r"LibreOffice .* not installed"):
        office.to_docx(office.OLE_MAGIC + b"\x00" * 100, filename="x.doc")


@needs_soffice
def test_libreoffice_failure_is_a_clear_error() -> None:
    with pytest.raises(office.OfficeError, match=r"could not convert broken\.doc"):
        office.to_docx(office.OLE_MAGIC + b"\x00" * 512, filename="broken.doc", timeout=60)


def test_libreoffice_timeout_kills_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = tmp_path / "soffice"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setenv("NIANBAO_SOFFICE", str(slow))
    with pytest.raises(office.OfficeError, match=r"took more than 0\.5s"):
        office.to_docx(office.OLE_MAGIC, filename="slow.doc", timeout=0.5)


def test_word_file_holding_only_a_scanned_picture_is_image_only() -> None:
    import io

    import docx
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(picture, "PNG")
    document = docx.Document()
    document.add_picture(io.BytesIO(picture.getvalue()))
    data = io.BytesIO()
    document.save(data)
    report = parse_report(data.getvalue(), filename="scan.docx")
    assert not report.has_cells
    assert [(f.rule, f.severity) for f in report.findings] == [("image_only", "error")]
    assert "Word文件（1张图片" in report.findings[0].message


@pytest.mark.parametrize("name", ["filled-2021.pdf", "filled-2021.docx"])
@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_truncated_files_give_a_report_or_a_clear_error(name: str, cut: float) -> None:
    """A download cut short never crashes the parser: a report, or a DocumentError."""
    data = (FIXTURES / name).read_bytes()
    try:
        report = parse_document(data[: int(len(data) * cut)], filename=name)
    except DocumentError as exc:
        assert str(exc)
    else:
        assert isinstance(report, Report)


def test_corrupted_pdf_stream_gives_a_report_or_a_clear_error() -> None:
    data = bytearray((FIXTURES / "filled-2021.pdf").read_bytes())
    middle = len(data) // 2
    data[middle : middle + 2000] = bytes(range(256)) * 7 + bytes(208)
    try:
        report = parse_document(bytes(data), filename="corrupt.pdf")
    except DocumentError as exc:
        assert str(exc)
    else:
        assert isinstance(report, Report)


PORTALS = Path(__file__).resolve().parent.parent / "samples" / "portals"


def test_mock_portal_word_report_reads_all_three_sections() -> None:
    """白水县交通运输局 2022 (pagelist portal): sections 二, 三 and 四 are Word tables, all read.

    Its earlier build held only section 三 as a table (四 was one line of text), which is why the
    crawled database once showed 二 and 四 as ``missing_table``: the reader was right.
    """
    manifest = json.loads((PORTALS / "pagelist" / "expected.json").read_text(encoding="utf-8"))
    want = next(r for r in manifest["reports"] if r["url"].endswith("/jtj2022.docx"))
    data = (PORTALS / "pagelist" / "www" / "files" / "202301" / "jtj2022.docx").read_bytes()
    report = parse_report(data, filename="jtj2022.docx")
    assert (report.agency, report.year, report.template) == ("白水县交通运输局", 2022, "2021")
    cells = {".".join(key): value for key, value in report.cell_map().items()}
    assert {key: cells.get(key, "absent") for key in want["cells"]} == want["cells"]
    sections = Counter(key.split(".")[0] for key, value in cells.items() if value is not None)
    assert sections == {"active_disclosure": 10, "applications": 175, "review_litigation": 15}
    assert cells["active_disclosure.administrative_license.decisions"] == 317
    assert cells["review_litigation.review.upheld"] == 1
    assert [f.rule for f in report.findings] == []


def test_word_report_without_the_tables_of_two_sections_says_so() -> None:
    """Only section 三 as a table: 二 and 四 are ``missing_table`` (nothing invented from text)."""
    import docx

    document = docx.Document()
    document.add_heading("示例局2022年政府信息公开工作年度报告", level=1)
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=2, cols=8)
    header = ("", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    row = ("一、本年新收政府信息公开申请数量", *"6100007")
    for cell, text in zip(table.rows[1].cells, row, strict=True):
        cell.text = text
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    document.add_paragraph("行政复议总计：1")
    buf = io.BytesIO()
    document.save(buf)
    report = parse_report(buf.getvalue(), filename="partial.docx")
    cells = report.cell_map()
    assert cells[("applications", "new_received", "natural_person")] == 6
    assert cells[("applications", "new_received", "total")] == 7
    assert not any(key[0] != "applications" for key in cells)
    missing = [f.message for f in report.findings if f.rule == "missing_table"]
    assert len(missing) == 2 and "二、主动公开" in missing[0] and "四、" in missing[1]


def test_report_framed_in_a_layout_table_reads_every_cell() -> None:
    """The whole report inside a one-cell table (and a content control): its tables are read."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document(str(FIXTURES / "filled-2021.docx"))
    body = document.element.body
    content = [child for child in body if child.tag != qn("w:sectPr")]
    frame, row, cell = OxmlElement("w:tbl"), OxmlElement("w:tr"), OxmlElement("w:tc")
    control, inner = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    control.append(inner)
    cell.append(control)
    for child in content:
        inner.append(child)  # moves it out of the body
    row.append(cell)
    frame.append(row)
    body.insert(0, frame)
    buf = io.BytesIO()
    document.save(buf)
    doc = read_docx(buf.getvalue())
    assert [(t.n_rows, t.n_cols) for t in doc.tables] == [(14, 4), (28, 10), (4, 15)]
    report = parse_report(buf.getvalue(), filename="framed.docx")
    cells = report.cell_map()
    assert {k: cells.get(k, "absent") for k in EXPECTED_2021} == EXPECTED_2021
    assert {k: cells.get(k, "absent") for k in ACTIVE_2021} == ACTIVE_2021
    assert report.agency == "示例镇人民政府"
