"""Page furniture and scans in PDFs written by hand (Helvetica text, vector shapes)."""

from __future__ import annotations

from parsers.documents import parse_document, read_document


def minimal_pdf(pages: list[bytes]) -> bytes:
    """A valid PDF whose pages have the given content streams (font /F1 = Helvetica)."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects: list[bytes] = [b"", b"", font]  # catalog and page tree filled in below
    kids = []
    for content in pages:
        stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
        objects.append(stream)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def text_page(lines: list[tuple[int, int, str]]) -> bytes:
    """Content drawing each ``(x, y, text)`` in 12pt Helvetica."""
    return b"\n".join(
        b"BT /F1 12 Tf %d %d Td (%s) Tj ET" % (x, y, text.encode("latin-1")) for x, y, text in lines
    )


def test_running_header_and_page_numbers_are_dropped() -> None:
    pages = [
        text_page(
            [
                (72, 800, "Sample County Government Office"),
                (72, 700, f"Body line {n} of the report."),
                (280, 40, f"- {n} -"),
            ]
        )
        for n in (1, 2, 3)
    ]
    doc = read_document(minimal_pdf(pages))
    assert doc.lines == [f"Body line {n} of the report." for n in (1, 2, 3)]


def test_a_header_seen_on_one_page_only_is_kept() -> None:
    pages = [
        text_page([(72, 800, "Title of the report"), (72, 700, "First page body.")]),
        text_page([(72, 700, "Second page body."), (300, 40, "Page 2 of 2")]),
    ]
    assert read_document(minimal_pdf(pages)).lines[0] == "Title of the report"


def test_pdf_with_shapes_but_no_text_is_image_only() -> None:
    report = parse_document(minimal_pdf([b"100 100 200 50 re f"]), filename="outlines.pdf")
    assert not report.has_cells
    assert [(f.rule, f.severity) for f in report.findings] == [("image_only", "error")]
    assert "《outlines.pdf》" in report.findings[0].message


def test_title_is_the_short_lines_naming_the_report_not_the_metadata_above() -> None:
    from parsers.documents import Document, document_html, title_span

    doc = Document(
        "pdf",
        [
            "索引号：11320800014078412X/2025-00012",
            "淮安市人民政府",
            "2024年政府信息公开工作年度报告",
            "本报告由淮安市人民政府办公室根据《条例》编制。",
        ],
    )
    assert title_span(doc) == (1, 3)
    markup = document_html(doc)
    assert "<h1>淮安市人民政府2024年政府信息公开工作年度报告</h1>" in markup
    assert "<p>索引号：11320800014078412X/2025-00012</p>" in markup
    assert title_span(Document("pdf", ["一、总体情况", "本年度共公开信息120条。"])) == (0, 0)


def test_tidy_drops_justification_spaces_and_unmapped_glyphs() -> None:
    from parsers.documents.model import join_cell_lines, tidy

    assert tidy("2024 年政府信息公开 工作年度报告 ") == "2024年政府信息公开工作年度报告"
    assert tidy("hzzwgk@126.com ） 。") == "hzzwgk@126.com）。"
    assert tidy("(cid:12)(cid:345) (cid:7)") == ""
    assert join_cell_lines("商业企\n业") == "商业企业"
    assert join_cell_lines("Annual\nreport") == "Annual report"
