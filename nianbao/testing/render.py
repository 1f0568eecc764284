"""Render a canonical :class:`~parsers.schema.Report` back into the layouts reports are printed in.

Used for fixtures, round-trip property tests and benchmarks::

    from nianbao.testing.render import render, portal_page, LAYOUTS
    text_or_html = render(report, "html")        # one of LAYOUTS
    page_bytes = portal_page(render(report, "word"), encoding="gbk")

HTML layouts return a ``<div>`` of body markup (wrap it with :func:`portal_page` for a whole
portal page with navigation layout tables); text layouts return the report text.

- ``html``  — the official tables with rowspan/colspan (sections 二 in one table).
- ``word``  — Word-exported HTML: ``<td><p class=MsoNormal><span>0<o:p></o:p></span></p></td>``,
  ``&nbsp;`` blanks, ``mso-`` styles, labels broken by ``<br>`` (结<br>果<br>维<br>持).
- ``split`` — one table per sub-table of 二; 三 split at a page break (header only in the first
  part, a row label continued on the next row of the second part).
- ``tabs``  — text, tab-separated cells, as a portal page's table renders to text.
- ``pipes`` — text, every cell its own line ending in `` |``, ``|``-only lines end rows.
- ``lines`` — text, one cell per line.

A cell without a value but with ``raw`` text (``见附件``) prints that text, in every layout.
Blank cells print empty in ``html``/``word``/``split``/``tabs`` (a row of them too: a line of
tabs only), ``—`` in ``pipes`` and ``/`` in ``lines``: one-cell-per-line text cannot place
an empty line, and an empty ``|`` line ends a row.
"""

from __future__ import annotations

import html as html_lib

from parsers.schema import (
    ACTIVE_LAYOUT,
    APPLICANT_PARTS,
    APPLICANTS,
    APPLICATION_ROWS,
    ITEMS,
    OUTCOMES,
    PROCEEDINGS,
    RESULT_ROWS,
    Report,
    Value,
)

LAYOUTS = ("html", "word", "split", "tabs", "pipes", "lines")
HTML_LAYOUTS = frozenset({"html", "word", "split"})

_ITEM_LABELS = {**ITEMS, "normative_documents": "规范性文件"}
_ITEM_LABELS_2021 = {**ITEMS, "normative_documents": "行政规范性文件"}
_METRIC_LABELS = {
    "issued": "本年制发件数",
    "abolished": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "fee_amount": "本年收费金额（单位：万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prior_year_count": "上一年项目数量",
    "change": "本年增/减",
    "procurement_count": "采购项目数量",
    "procurement_amount": "采购总金额",
}
_CLAUSES = {
    "regulations": "第二十条第（一）项",
    "administrative_license": "第二十条第（五）项",
    "administrative_penalty": "第二十条第（六）项",
    "administrative_fees": "第二十条第（八）项",
    "government_procurement": "第二十条第（九）项",
}
_BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_RESULTS_TOP = "三、本年度办理结果"
_NARRATIVE_BEFORE = (
    "一、总体情况",
    "本年度，我单位主动公开政府信息 128 条，其中规范性文件 3 件，办理依申请公开 5 件。",
)
_NARRATIVE_AFTER = (
    "五、存在的主要问题及改进情况",
    "公开工作仍有不足，我们将改进。",
    "六、其他需要报告的事项",
    "无。",
)
_HEADINGS = {
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review": "四、政府信息公开行政复议、行政诉讼情况",
}


def title_of(report: Report) -> str:
    """The report's title, or a plausible one for its template (the page path needs a year)."""
    if report.title:
        return report.title
    year = report.year or (2019 if report.template == "2019" else 2022)
    return f"{report.agency or '某某县人民政府'}{year}年政府信息公开工作年度报告"


def fmt(value: Value, blank: str = "") -> str:
    """A cell's printed text: integers as is, decimals without trailing zeros."""
    if value is None:
        return blank
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


def printed(cell) -> str:
    """What a cell prints: its value, or its ``raw`` text when it holds none (``见附件``)."""
    if cell.value is None and cell.raw:
        return cell.raw
    return fmt(cell.value)


# --- the tables as abstract rows ---------------------------------------------------------------


def _active_blocks(report: Report) -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
    """Section 二 as (clause, header labels, [(item label, value texts)]) blocks."""
    cells = {(c.item, c.metric): printed(c) for c in report.active_disclosure}
    template = report.template if report.template in ACTIVE_LAYOUT else "2021"
    layout = ACTIVE_LAYOUT[template]
    names = _ITEM_LABELS_2021 if template == "2021" else _ITEM_LABELS
    blocks: list[tuple[str, list[str], list[tuple[str, list[str]]]]] = []
    for item, metrics in layout.items():
        if not any((item, m) in cells for m in metrics):
            continue
        values = [cells.get((item, m), "") for m in metrics]
        if item in _CLAUSES or not blocks:
            labels = {**_METRIC_LABELS, "decisions": "处理决定数量"} if template == "2019" else {}
            header = ["信息内容"] + [(labels or _METRIC_LABELS)[m] for m in metrics]
            blocks.append((_CLAUSES.get(item, "第二十条"), header, []))
        blocks[-1][2].append((names[item], values))
    return blocks


def _row_labels(row: str) -> tuple[str | None, str, str | None]:
    """(top label, group label, sub label) of a section-三 row."""
    parts = APPLICATION_ROWS[row].split(" ")
    if parts[0] == _RESULTS_TOP:
        parts = parts[1:]
    top = _RESULTS_TOP if row in RESULT_ROWS or row == "total_processed" else None
    group = parts[0]
    sub = parts[1] if len(parts) > 1 else None
    return top, group, sub


def _application_rows(report: Report) -> list[tuple[str, list[str]]]:
    cells = {(c.row, c.applicant): printed(c) for c in report.applications}
    rows = [r for r in APPLICATION_ROWS if any((r, a) in cells for a in APPLICANTS)]
    applicants = _applicants(report)
    return [(r, [cells.get((r, a), "") for a in applicants]) for r in rows]


def _applicants(report: Report) -> list[str]:
    present = {c.applicant for c in report.applications}
    return [a for a in APPLICANTS if a in present] or list(APPLICANTS)


def _review_values(report: Report) -> list[str]:
    cells = {(c.proceeding, c.outcome): printed(c) for c in report.review_litigation}
    return [cells.get((p, o), "") for p in PROCEEDINGS for o in OUTCOMES]


# --- HTML --------------------------------------------------------------------------------------


_WORD_FONT = "font-size:10.0pt;font-family:宋体;mso-bidi-font-family:'Times New Roman'"
_INFO = "索引号：000000000/2022-00001　发布机构：某某县人民政府　发布日期：2022-01-20"
_FOOTER = "主办：某某县人民政府办公室　访问量 123456　备案号 12345678号"


class _Html:
    """Cell markup for the plain (``html``) and Word-exported (``word``) flavours."""

    def __init__(self, word: bool) -> None:
        self.word = word

    def td(self, text: str, colspan: int = 1, rowspan: int = 1, label: bool = False) -> str:
        attrs = ""
        if colspan > 1:
            attrs += f' colspan="{colspan}"'
        if rowspan > 1:
            attrs += f' rowspan="{rowspan}"'
        body = html_lib.escape(text)
        if self.word:
            if label and len(text) <= 4 and text:
                body = "<br>".join(html_lib.escape(ch) for ch in text)
            style = "border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm"
            inner = body or "&nbsp;"
            return (
                f'<td{attrs} width="64" valign="top" style="{style}">'
                f'<p class="MsoNormal" align="center" style="text-align:center">'
                f'<span style="{_WORD_FONT}">'
                f"{inner}<o:p></o:p></span></p></td>"
            )
        return f"<td{attrs}>{body or '&nbsp;'}</td>"

    def table(self, rows: list[str]) -> str:
        cls = ' class="MsoNormalTable" border="1" cellspacing="0"' if self.word else ' border="1"'
        body = "".join(f"<tr>{r}</tr>" for r in rows)
        return f"<table{cls}><tbody>{body}</tbody></table>"


def _html_active(report: Report, h: _Html, split: bool) -> list[str]:
    blocks = _active_blocks(report)
    width = max((len(b[1]) for b in blocks), default=4)
    tables: list[list[str]] = [[]]
    for clause, header, rows in blocks:
        if split and tables[-1]:
            tables.append([])
        tables[-1].append(h.td(clause, colspan=width, label=True))
        extra = width - len(header)
        cells = [h.td(x, label=True) for x in header[:-1]]
        cells.append(h.td(header[-1], colspan=1 + extra, label=True))
        tables[-1].append("".join(cells))
        for label, values in rows:
            cells = [h.td(label, label=True)] + [h.td(v) for v in values[:-1]]
            cells.append(h.td(values[-1], colspan=1 + extra))
            tables[-1].append("".join(cells))
    return [h.table(t) for t in tables if t]


def _html_applications(report: Report, h: _Html, split: bool) -> list[str]:
    applicants = _applicants(report)
    parts = [a for a in applicants if a in APPLICANT_PARTS and a != "natural_person"]
    header = [
        h.td(_BALANCE_NOTE, colspan=3, rowspan=3)
        + h.td("申请人情况", colspan=len(applicants), label=True),
        (h.td("自然人", rowspan=2, label=True) if "natural_person" in applicants else "")
        + (h.td("法人或其他组织", colspan=len(parts), label=True) if parts else "")
        + (h.td("总计", rowspan=2, label=True) if "total" in applicants else ""),
        "".join(h.td(APPLICANTS[a], label=True) for a in parts),
    ]
    data = _application_rows(report)
    keys = [r for r, _ in data]
    cut = keys.index("unavailable_not_held") if split and "unavailable_not_held" in keys else 0
    parts = [data[:cut], data[cut:]] if cut else [data]
    carry = ""  # the end of a row label broken by the page break
    tables: list[str] = []
    for n, part in enumerate(parts):
        rows = list(header) if n == 0 else []
        results = [r for r, _ in part if _row_labels(r)[0]]
        if carry:  # the broken row's label continues on the first row of the next page
            width = len(applicants)
            rows.append(
                h.td(_RESULTS_TOP, rowspan=len(results) + 1, label=True)
                + h.td("")
                + h.td(carry, label=True)
                + "".join(h.td("") for _ in range(width))
            )
        for i, (row, values) in enumerate(part):
            top, group, sub = _row_labels(row)
            cells = ""
            if top is None:
                cells += h.td(group, colspan=3, label=True)
            else:
                if row == results[0] and not carry:
                    cells += h.td(top, rowspan=len(results), label=True)
                if sub is None:
                    cells += h.td(group, colspan=2, label=True)
                else:
                    same = [r for r, _ in part if _row_labels(r)[1] == group and _row_labels(r)[2]]
                    if row == same[0]:
                        cells += h.td(group, rowspan=len(same), label=True)
                    if n + 1 < len(parts) and i == len(part) - 1 and len(sub) > 4:
                        sub, carry = sub[:-3], sub[-3:]
                    cells += h.td(sub, label=True)
            cells += "".join(h.td(v) for v in values)
            rows.append(cells)
        tables.append(h.table(rows))
    return tables


def _html_review(report: Report, h: _Html) -> list[str]:
    values = _review_values(report)
    rows = [
        h.td("行政复议", colspan=5, label=True) + h.td("行政诉讼", colspan=10, label=True),
        "".join(h.td(OUTCOMES[o], rowspan=2, label=True) for o in OUTCOMES)
        + h.td("未经复议直接起诉", colspan=5, label=True)
        + h.td("复议后起诉", colspan=5, label=True),
        "".join(h.td(OUTCOMES[o], label=True) for o in OUTCOMES) * 2,
        "".join(h.td(v) for v in values),
    ]
    return [h.table(rows)]


def _render_html(report: Report, layout: str) -> str:
    h = _Html(word=layout == "word")
    split = layout == "split"
    p = (
        (lambda t: f'<p class="MsoNormal"><span>{t}<o:p></o:p></span></p>')
        if h.word
        else (lambda t: f"<p>{t}</p>")
    )
    parts = [f"<h1>{html_lib.escape(title_of(report))}</h1>"]
    parts += [p(t) for t in _NARRATIVE_BEFORE]
    if report.active_disclosure:
        parts += [p(_HEADINGS["active"]), *_html_active(report, h, split)]
    if report.applications:
        parts += [p(_HEADINGS["applications"]), *_html_applications(report, h, split)]
    if report.review_litigation:
        parts += [p(_HEADINGS["review"]), *_html_review(report, h)]
    parts += [p(t) for t in _NARRATIVE_AFTER]
    return '<div class="TRS_Editor">' + "\n".join(parts) + "</div>"


# --- text --------------------------------------------------------------------------------------


def _text_tables(report: Report, blank: str) -> list[tuple[str, list[list[str]]]]:
    """Each section as (heading, rows of cell texts) in the tab layout of sample 000."""
    out: list[tuple[str, list[list[str]]]] = []
    if report.active_disclosure:
        rows: list[list[str]] = []
        for clause, header, items in _active_blocks(report):
            rows.append([clause])
            rows.append(header)
            for label, values in items:
                rows.append([label] + [v or blank for v in values])
        out.append((_HEADINGS["active"], rows))
    if report.applications:
        applicants = _applicants(report)
        parts = [APPLICANTS[a] for a in applicants if a in APPLICANT_PARTS[1:]]
        rows = [
            [_BALANCE_NOTE, "", "申请人情况"],
            ["", "", "自然人", "法人或其他组织"] + (["总计"] if "total" in applicants else []),
            ["", "", "", *parts],
        ]
        seen_groups: set[str] = set()
        for row, values in _application_rows(report):
            top, group, sub = _row_labels(row)
            vals = [v or blank for v in values]
            if top is None:
                rows.append([group, "", *vals])
            elif sub is None:
                rows.append(["", group, "", *vals])
            else:
                shown = group if group not in seen_groups else ""
                seen_groups.add(group)
                rows.append(["", shown, sub, "", *vals])
        out.append((_HEADINGS["applications"], rows))
    if report.review_litigation:
        outcomes = [OUTCOMES[o] for o in OUTCOMES]
        rows = [
            ["行政复议", "", "", "", "", "行政诉讼"],
            [*outcomes, "未经复议直接起诉", "", "", "", "", "复议后起诉"],
            ["", "", "", "", "", *outcomes, *outcomes],
            [v or blank for v in _review_values(report)],
        ]
        out.append((_HEADINGS["review"], rows))
    return out


def _render_text(report: Report, layout: str) -> str:
    blank = {"tabs": "", "pipes": "—", "lines": "/"}[layout]
    lines = [title_of(report), *_NARRATIVE_BEFORE]
    for heading, rows in _text_tables(report, blank):
        lines.append(heading)
        for row in rows:
            if layout == "tabs":
                lines.append("\t".join(row))
                continue
            cells = [c for c in row if c]
            if not cells:
                continue
            if layout == "pipes":
                lines += [f"{c} |" for c in cells]
                lines.append("|" * max(2, 8 - len(cells)))
            else:
                lines += cells
    lines += _NARRATIVE_AFTER
    return "\n".join(lines) + "\n"


def render(report: Report, layout: str) -> str:
    """``report``'s tables (with headings and a little narrative) in ``layout``."""
    if layout in HTML_LAYOUTS:
        return _render_html(report, layout)
    if layout in ("tabs", "pipes", "lines"):
        return _render_text(report, layout)
    raise ValueError(f"unknown layout {layout!r}; one of {LAYOUTS}")


def portal_page(
    body: str,
    *,
    title: str = "政府信息公开工作年度报告",
    encoding: str = "utf-8",
    pad_to: int = 0,
) -> bytes:
    """A whole portal page around ``body``: navigation and footer in layout tables.

    ``pad_to`` (bytes) adds portal chrome (a list of links) until the page is about that big,
    for benchmarks on realistic 30–80 KB pages.
    """
    nav = "".join(f'<td><a href="/col/{i}/">栏目{i}</a></td>' for i in range(1, 9))
    chrome = ""
    link = '<li><a href="/art/2022/1/20/art_{0}.html">关于做好第{0}项工作的通知</a></li>'
    size = len(body.encode(encoding, errors="xmlcharrefreplace")) + 900
    links: list[str] = []
    while size + len(chrome) < pad_to:
        links.append(link.format(len(links)))
        size += len(links[-1].encode(encoding, errors="xmlcharrefreplace"))
    if links:
        chrome = f'<ul class="related">{"".join(links)}</ul>'
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">
<title>{html_lib.escape(title)}</title></head>
<body>
<table width="100%" class="layout"><tr><td>
  <table class="nav"><tr>{nav}</tr></table>
</td></tr></table>
<table width="1000" class="layout"><tr><td class="main">
  <div class="info">{_INFO}</div>
  {body}
</td></tr></table>
{chrome}
<table class="footer"><tr><td>{_FOOTER}</td></tr></table>
</body></html>"""
    return page.encode(encoding, errors="xmlcharrefreplace")
