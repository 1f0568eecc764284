"""A minimal Word (.docx) package written directly: paragraphs and tables with merged cells.

python-docx takes about a second per report table set; a generator writing hundreds of
attachments writes the WordprocessingML itself (what Word reads: ``gridSpan``, ``vMerge``).
"""

from __future__ import annotations

import io
import zipfile
from html import escape

from lxml import html as lxml_html

_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def table(html_table: str) -> str:
    """An HTML table (rowspan/colspan) as a WordprocessingML table."""
    rows = lxml_html.fromstring(html_table).findall(".//tr")
    covered: dict[tuple[int, int], int] = {}  # (row, col) → grid span of the merged cell above
    layout: list[list[tuple[int, str, int, str]]] = []  # per row: (col, text, span, vmerge)
    width = 0
    for r, tr in enumerate(rows):
        cells: list[tuple[int, str, int, str]] = []
        c = 0
        tds = list(tr.findall("td"))
        while tds or (r, c) in covered:
            if (r, c) in covered:
                span = covered[(r, c)]
                cells.append((c, "", span, "continue"))
                c += span
                continue
            td = tds.pop(0)
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            for dr in range(1, rs):
                covered[(r + dr, c)] = cs
            cells.append((c, td.text_content().strip(), cs, "restart" if rs > 1 else ""))
            c += cs
        width = max(width, c)
        layout.append(cells)
    grid = "".join('<w:gridCol w:w="800"/>' for _ in range(width))
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr><w:tblGrid>{grid}'
           "</w:tblGrid>"]  # fmt: skip
    for cells in layout:
        out.append("<w:tr>")
        for _c, text, span, vmerge in cells:
            props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            if vmerge == "restart":
                props += '<w:vMerge w:val="restart"/>'
            elif vmerge:
                props += "<w:vMerge/>"
            body = paragraph(text) if text else "<w:p/>"
            out.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def docx(blocks: list[str]) -> bytes:
    """A .docx whose body is ``blocks`` (from :func:`paragraph` and :func:`table`)."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}">'
        f"<w:body>{''.join(blocks)}<w:sectPr/></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in (("[Content_Types].xml", _TYPES), ("_rels/.rels", _RELS),
                           ("word/document.xml", document)):  # fmt: skip
            # A fixed timestamp: the same report gives the same bytes.
            package.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data,
                             zipfile.ZIP_DEFLATED)  # fmt: skip
    return out.getvalue()
