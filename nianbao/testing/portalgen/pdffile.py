"""A minimal PDF written directly: Chinese text in the non-embedded Adobe-GB1 font STSong-Light
(``UniGB-UCS2-H``, which every PDF reader maps back to Unicode) and tables drawn as ruled
cells (merged cells as one rectangle), as a county office's exported PDF is laid out."""

from __future__ import annotations

import zlib

from lxml import html as lxml_html

PAGE_W, PAGE_H, MARGIN = 595, 842, 30
FONT = 6.5  # table text size (points); every glyph is one em wide (DW 1000)
LINE = FONT + 2


def _hex(text: str) -> str:
    return "<" + "".join(f"{ord(ch):04X}" for ch in text if ord(ch) < 0x10000) + ">"


def _wrap(text: str, width: float, size: float) -> list[str]:
    per_line = max(int(width // size), 1)
    return [text[i : i + per_line] for i in range(0, len(text), per_line)] or [""]


class _Pages:
    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.y = PAGE_H - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.pages.append([])
            self.y = PAGE_H - MARGIN

    def text(self, x: float, y: float, text: str, size: float) -> None:
        self.pages[-1].append(f"BT /F1 {size} Tf {x:.1f} {y:.1f} Td {_hex(text)} Tj ET")

    def paragraph(self, text: str, size: float = 10) -> None:
        for line in _wrap(text, PAGE_W - 2 * MARGIN, size):
            self.need(size + 4)
            self.y -= size + 4
            self.text(MARGIN, self.y, line, size)
        self.y -= 4

    def table(self, html_table: str) -> None:
        rows = lxml_html.fromstring(html_table).findall(".//tr")
        cells: list[tuple[int, int, int, int, str]] = []
        taken: set[tuple[int, int]] = set()
        width = 0
        for r, tr in enumerate(rows):
            c = 0
            for td in tr.findall("td"):
                while (r, c) in taken:
                    c += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
                cells.append((r, c, rs, cs, td.text_content().strip()))
                c += cs
                width = max(width, c)
        col_w = (PAGE_W - 2 * MARGIN) / width
        heights = [LINE + 4] * len(rows)
        for r, _c, rs, cs, text in cells:
            lines = len(_wrap(text, col_w * cs - 4, FONT))
            if rs == 1:
                heights[r] = max(heights[r], lines * LINE + 4)
        self.need(sum(heights))
        top = self.y
        row_y = [top - sum(heights[:r]) for r in range(len(rows) + 1)]
        ops = self.pages[-1]
        ops.append("0.5 w")
        for r, c, rs, cs, text in cells:
            x, y_top = MARGIN + c * col_w, row_y[r]
            h = row_y[r] - row_y[r + rs]
            ops.append(f"{x:.1f} {y_top - h:.1f} {col_w * cs:.1f} {h:.1f} re S")
            for k, line in enumerate(_wrap(text, col_w * cs - 4, FONT)):
                self.text(x + 2, y_top - (k + 1) * LINE, line, FONT)
        self.y = row_y[-1] - 8


def pdf(blocks: list[tuple[str, str]]) -> bytes:
    """A PDF of ``blocks``: ("p", text) paragraphs and ("table", html) tables."""
    layout = _Pages()
    for kind, value in blocks:
        layout.paragraph(value) if kind == "p" else layout.table(value)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "",  # pages, below
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        "/DescendantFonts [4 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo "
        "<< /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R "
        "/DW 1000 >>",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        " /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    streams: list[bytes] = []
    kids = []
    for ops in layout.pages:
        content = zlib.compress("\n".join(ops).encode("ascii"))
        streams.append(content)
        page_no = len(objects) + 1
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_no + 1} 0 R >>"
        )
        objects.append(None)  # type: ignore[arg-type]  # the content stream
        kids.append(f"{page_no} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    stream_iter = iter(streams)
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        if body is None:
            data = next(stream_iter)
            out += (
                (
                    f"{number} 0 obj\n<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n"
                ).encode()
                + data
                + b"\nendstream\nendobj\n"
            )
        else:
            out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
