"""The three statistical tables of a report (sections 二, 三, 四) → canonical cells.

``read_tables(body, text)`` reads the HTML tables of ``body`` when it has any, and the report
text for every section the tables did not yield. Rows are given to a section by headings
(``二、主动公开政府信息情况`` …) and by cues inside the tables (``第二十条``, ``勾稽``,
``结果维持`` …), so a table split into several ``<table>``s, or navigation tables around the
report, do not matter. Labels are matched by meaning (:mod:`parsers.labels`); values go to
columns by the header the table prints (section 四 by its structure 行政复议 / 未经复议直接起诉 /
复议后起诉), with position only where a header is cut short (``本年新`` / ``本年新``).

The template is judged from the tables: 2021 metrics (本年制发件数 …) or the split (六) rows
say ``2021``; 2019 metrics (本年新制作数量, 上一年项目数量, 政府集中采购 …) say ``2019``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from lxml import etree
from lxml import html as lxml_html

from parsers import labels as L
from parsers.grid import Cell, Row, html_rows, text_rows
from parsers.prose import read_prose
from parsers.schema import (
    ACTIVE_LAYOUT,
    APPLICANTS,
    APPLICATION_ROWS,
    APPLICATION_ROWS_BY_TEMPLATE,
    ITEMS,
    OTHER_SPLIT_ROWS,
    OUTCOMES,
    PROCEEDINGS,
    SIGNED_METRICS,
    ActiveCell,
    ApplicationCell,
    Finding,
    ReviewCell,
    Template,
)
from parsers.values import NUMBER, TEXT, Parsed, clean, kind, looks_numeric, parse_value

SECTIONS = ("active", "applications", "review")
_2021_METRICS = frozenset({"issued", "abolished", "in_force", "fee_amount"})
_2019_METRICS = frozenset(
    {"new_made", "new_published", "total_published", "prior_year_count", "change"}
    | {"procurement_count", "procurement_amount"}
)
_2019_ITEMS = frozenset({"other_external_services", "government_procurement"})
_MAX_ITEM_LABEL = 14
_MAX_ROW_LABEL = 80
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Narrative, not a table row: "…结果维持 2 件，结果纠正 1 件。"
_SENTENCE = re.compile(r"。|\d(?:件|条|次|个|项|人次|万元|元)[，,、；;]")
_ENUMERATED = re.compile(r"^[(（]?\d+[.．、)）]")  # 3.其他, （2）…
_OWN_ROW = re.compile(r"计|备注|说明|注[:：]")  # 小计, 合计, 备注: rows of their own


@dataclass(slots=True)
class Tables:
    """What :func:`read_tables` found: template, cells of the three sections, findings."""

    template: Template = "none"
    active_disclosure: list[ActiveCell] = field(default_factory=list)
    applications: list[ApplicationCell] = field(default_factory=list)
    review_litigation: list[ReviewCell] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class ActiveRow(NamedTuple):
    """A data row of section 二 before the template is known."""

    item: str
    header: list[str] | None  # the metrics of the header above it, in column order
    values: list[Cell]
    units: dict[str, str]  # metric → unit declared in the header (``（单位：万元）``)


# --- rows → sections -------------------------------------------------------------------------


def _row_text(row: Row) -> str:
    return L.norm("".join(c.text for c in row.cells if not c.span))


def split_sections(rows: list[Row]) -> dict[str, list[Row]]:
    """Give each row to section ``active`` / ``applications`` / ``review`` (or to none)."""
    out: dict[str, list[Row]] = {s: [] for s in SECTIONS}
    current: str | None = None
    for row in rows:
        text = _row_text(row)
        if not text:  # a row of blank cells: blank values of the current table
            if current is not None:
                out[current].append(row)
            continue
        sentence = _SENTENCE.search(text) is not None
        signal = L.section_signal(text)
        if signal is not None and (signal[0] or not sentence):
            current = signal[1]
        if current is not None and not sentence:
            out[current].append(row)
    return out


def split_row(row: Row, value_col: int | None = None) -> tuple[list[Cell], list[Cell]]:
    """A row's label cells (span copies included) and its value cells (real cells only).

    The labels run up to the last label text before the first number. Text that gives no value
    (:func:`parsers.labels.value_text`: ``行政许可 | 见附件``, ``予以公开 | 见附件 | 3``)
    stands in a value column: a value, read later as unreadable. So does any text in an HTML
    table at or right of ``value_col`` (the first value column of the header printed above)
    that names nothing of the tables. Cells after the labels are values, numbers or not.
    """
    cells = row.cells
    first_number = len(cells)
    for i, c in enumerate(cells):
        if not c.span and kind(c.text) == NUMBER:
            first_number = i
            break
    last_label = -1
    for i in range(first_number):
        text = cells[i].text
        if not text or kind(text) != TEXT:
            continue
        if last_label >= 0 and first_number == len(cells) and _garbled_number(text):
            break  # a row of blanks and unreadable cells: ``/ | 无 | 约5``
        label = L.norm(text)
        if L.value_text(label):
            continue  # a value column's text (``见附件``), never a label
        if value_col is not None and cells[i].col >= value_col and not L.known_label(label):
            continue  # text under the header's values: a value
        last_label = i
    label_cells = [c for c in cells[: last_label + 1] if c.text]
    value_cells = [c for c in cells[last_label + 1 :] if not c.span]
    return label_cells, value_cells


@lru_cache(maxsize=8192)
def _garbled_number(text: str) -> bool:
    """Text in a value column that tried to be a number (``约5``, ``l2``), not a label."""
    cjk = len(_CJK.findall(text))
    if cjk == 0:
        return True
    return cjk <= 2 and any(ch.isdigit() for ch in text) and not _ENUMERATED.match(text)


def _numbers_after_blanks(above: ActiveRow, row: Row) -> bool:
    """``row`` continues the label of ``above`` (which printed no number) with the numbers."""
    if any(kind(c.text) == NUMBER for c in above.values):
        return False
    label_cells, value_cells = split_row(row)
    label = _joined([c for c in label_cells if not c.span])
    numbers = any(kind(c.text) == NUMBER for c in value_cells)
    return numbers and bool(label) and _continued(label)


def _continued(label: str) -> bool:
    """A short label fragment that opens no row of its own (``政府信息``, ``止公开``)."""
    if len(label) > 12 or _ENUMERATED.match(label) or label[:1] in "(（一二三四":
        return False
    return _OWN_ROW.search(label) is None


def _joined(cells: list[Cell]) -> str:
    parts: list[str] = []
    for c in cells:
        if not parts or parts[-1] != c.text:
            parts.append(c.text)
    return L.norm("".join(parts))


def _fit(values: list[Cell], n: int) -> list[Cell | None]:
    """``n`` value cells: extra blank cells dropped (leading ones first), missing ones padded.

    Leading first: Word tables rendered to text put an empty cell between a row's label and
    its numbers; a blank last column (总计 not filled in) stays in place.
    """
    vals = list(values)
    while len(vals) > n and not vals[0].text.strip():
        vals.pop(0)
    while len(vals) > n and not vals[-1].text.strip():
        vals.pop()
    if len(vals) > n:
        numbers = [v for v in vals if v.text.strip()]
        vals = numbers if len(numbers) == n else vals
    out: list[Cell | None] = list(vals[:n])
    out += [None] * (n - len(out))
    return out


class _Reader:
    """Collects cells and unreadable-cell findings while the sections are read."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.misread: dict[str, str] = {}  # section → why its reading is not self-consistent

    def check_row(self, section: str, label: str, values: list[Cell], n: int) -> None:
        """Note ``section`` as misread when a row prints more (differing) numbers than its
        ``n`` columns: which of them belong to which column cannot be told."""
        if len(values) <= n or section in self.misread:
            return
        numbers = [clean(v.text) for v in values if looks_numeric(v.text)]
        if len(numbers) > n and len(set(numbers)) > 1:
            # (a row of zeros run past the header, as Word tables do, reads the same any way)
            self.misread[section] = f"“{label}”一行印有 {len(numbers)} 个数值，表头只有 {n} 列"

    def value(self, cell: Cell | None, metric: str | None, section: str, a: str, b: str) -> Parsed:
        """Cell ``section.a.b`` read; an ``unreadable_cell`` finding when it is no number.

        A negative number where the column cannot be negative is a value under the wrong
        header: the section is noted as misread.
        """
        raw = "" if cell is None else cell.text
        parsed = parse_value(raw, metric)
        if not parsed.ok:
            key = f"{section}.{a}.{b}"
            self.findings.append(
                Finding("unreadable_cell", "warning", f"{key}: 无法读取的数值 {raw!r}", [key])
            )
        elif parsed.value is not None and parsed.value < 0 and metric not in SIGNED_METRICS:
            reason = f"{section}.{a}.{b} 为负数 {raw!r}，该列不能为负"
            self.misread.setdefault(section, reason)
        return parsed

    # --- section 二 ------------------------------------------------------------------------

    def active(self, rows: list[Row]) -> list[ActiveRow]:
        """Data rows of section 二, each with the header printed above it."""
        header: list[str] | None = None
        units: dict[str, str] = {}
        found: list[ActiveRow] = []
        seen: set[str] = set()
        value_col: int | None = None  # first metric column of an HTML header
        pending: tuple[str, list[Cell]] | None = None  # a label naming no item yet, its values
        for row in rows:
            label_cells, value_cells = split_row(row, value_col)
            metrics: list[str] = []
            row_units: dict[str, str] = {}
            item = None
            metric_cols: list[int] = []
            for cell in label_cells:
                if cell.span:
                    continue
                text = L.norm(cell.text)
                found_metrics = L.metrics_in(text)
                if found_metrics:
                    metric_cols.append(cell.col)
                    metrics += found_metrics
                    unit = L.unit_in(text)
                    if unit:
                        row_units.update(dict.fromkeys(found_metrics, unit))
                elif len(text) <= _MAX_ITEM_LABEL:
                    item = L.match_item(text) or item
            label = _joined([c for c in label_cells if not c.span])
            if item is None and not metrics and pending and label:
                item = L.match_item(pending[0] + label)  # 行政事业性 / 收费, cut by a page break
                if item and not any(kind(c.text) == NUMBER for c in value_cells):
                    value_cells = pending[1]
            pending = (label, value_cells) if label and not (item or metrics) else None
            if metrics:
                header, units = _resolve_new(metrics), row_units
                value_col = min(metric_cols) if row.table >= 0 else None
            if item and value_cells and item not in seen:
                seen.add(item)
                found.append(ActiveRow(item, header, value_cells, units))
            elif not item and not metrics and found and _numbers_after_blanks(found[-1], row):
                # the end of the label above, cut by a page break, with its numbers
                found[-1] = found[-1]._replace(values=value_cells)
        return found

    def active_cells(self, found: list[ActiveRow], template: Template) -> list[ActiveCell]:
        """Map section 二 data rows to cells for ``template``."""
        out: list[ActiveCell] = []
        for item, header, value_cells, units in found:
            printed = len(value_cells)
            while printed and not value_cells[printed - 1].text:
                printed -= 1
            metrics = _item_metrics(item, header, template, printed)
            if not metrics:
                continue
            self.check_row("active_disclosure", ITEMS[item], value_cells, len(metrics))
            for metric, cell in zip(metrics, _fit(value_cells, len(metrics)), strict=True):
                parsed = self.value(cell, metric, "active_disclosure", item, metric)
                unit = parsed.unit or units.get(metric)
                raw = parsed.raw
                out.append(ActiveCell(item, metric, parsed.value, raw, unit))
        return out

    # --- section 三 ------------------------------------------------------------------------

    def applications(self, rows: list[Row]) -> list[ApplicationCell]:
        """Cells of section 三."""
        applicants: list[str] = list(APPLICANTS)
        header_acc: set[str] = set()
        pending, pending_values = "", []
        waiting: str | None = None  # a row label whose numbers come on the next row
        blank_key: str | None = None  # the row just read, when it printed no number
        last_key: str | None = None
        out: list[ApplicationCell] = []
        seen: set[str] = set()
        value_col: int | None = None  # first applicant column of an HTML header
        for row in rows:
            label_cells, value_cells = split_row(row, value_col)
            numbers = False
            for c in value_cells:
                if kind(c.text) == NUMBER:
                    numbers = True
                    break
            row_label: list[Cell] = []
            for cell in label_cells:
                text = L.norm(cell.text)
                tokens = L.applicant_tokens(text)
                if tokens is not None and (not numbers or cell is not label_cells[-1]):
                    header_acc.update(tokens)
                    if row.table >= 0 and not cell.span and not seen:
                        value_col = cell.col if value_col is None else min(value_col, cell.col)
                elif "勾稽" not in text:
                    row_label.append(cell)
            if numbers or (value_cells and row_label):
                if len(header_acc) >= 2:
                    applicants = [k for k in APPLICANTS if k in header_acc]
                header_acc = set()
            if not row_label:
                if not (waiting and value_cells):
                    continue
                key, waiting = waiting, None
            else:
                label = _joined(row_label)
                if len(label) > _MAX_ROW_LABEL:
                    continue
                key = L.match_row(label)
                if pending:  # a label broken across rows (a page break): try it joined
                    joined = L.match_row(pending + L.norm(row_label[-1].text))
                    if joined not in (None, "_group") and key in (None, "_group", joined):
                        key = joined
                        if pending_values and not any(looks_numeric(c.text) for c in value_cells):
                            value_cells = pending_values
                if key is None and waiting and numbers:  # the numbers of a wrapped label
                    key = waiting
                if blank_key and numbers and key in (None, blank_key) and _continued(label):
                    # the end of the label above, cut by a page break, with its numbers
                    out = [c for c in out if c.row != blank_key]
                    seen.discard(blank_key)
                    key, pending, pending_values = blank_key, "", []
                if key in (None, "_group"):
                    pending = (pending + label)[-_MAX_ROW_LABEL:] if key is None else label
                    pending_values = value_cells
                    continue
                pending, pending_values = "", []
                if not value_cells:
                    waiting = key
                    continue
                waiting = None
            if key == "other_processing" and last_key in OTHER_SPLIT_ROWS[:2]:
                key = "other_other"
            if key in (None, "_group") or key in seen:
                continue
            seen.add(key)
            last_key = key
            blank_key = None if numbers else key
            columns = applicants
            if len(columns) < len(APPLICANTS) and numbers:
                printed = sum(1 for c in value_cells if c.text.strip())
                if printed == len(APPLICANTS):  # a header read in part: trust the 7 numbers
                    columns = list(APPLICANTS)
            self.check_row("applications", APPLICATION_ROWS[key], value_cells, len(columns))
            for applicant, cell in zip(columns, _fit(value_cells, len(columns)), strict=True):
                parsed = parse_value("" if cell is None else cell.text)
                value = parsed.value
                if not parsed.ok or (value is not None and value < 0):  # the rare case
                    self.value(cell, None, "applications", key, applicant)
                out.append(ApplicationCell(key, applicant, value, parsed.raw))
        return out

    # --- section 四 ------------------------------------------------------------------------

    def review(self, rows: list[Row]) -> list[ReviewCell]:
        """Cells of section 四, columns named by the header's proceeding/outcome structure."""
        procs: list[str] = []
        groups: list[list[str]] = []
        values: list[Cell] = []
        out: list[ReviewCell] = []
        transposed: set[str] = set()
        prev_proc = False
        for row in rows:
            label_cells, value_cells = split_row(row)
            tokens = L.review_tokens(_joined([c for c in label_cells if not c.span]))
            row_procs = [t for t in tokens if t in L.PROCEEDING_KEYS]
            if value_cells and row_procs and groups and len(tokens) == 1:
                proc = row_procs[0]  # a transposed table: one proceeding per row
                if proc not in transposed:
                    transposed.add(proc)
                    out += self._review_cells([proc], [groups[-1]], value_cells)
                continue
            for token in tokens:
                if token in L.PROCEEDING_KEYS:
                    if token not in procs:
                        procs.append(token)
                    prev_proc = True
                    continue
                if not groups or prev_proc or token in groups[-1]:
                    groups.append([])
                groups[-1].append(token)
                prev_proc = False
            if value_cells:
                values += value_cells
        if transposed:
            return out
        if not values:
            return out
        rest = [p for p in PROCEEDINGS if p not in procs]
        order = (procs + rest)[: len(groups)]
        if not _clean_review_header(order, groups, values):
            order, groups = list(PROCEEDINGS), [list(OUTCOMES)] * 3
        return out + self._review_cells(order, groups, values)

    def _review_cells(self, procs, groups, values: list[Cell]) -> list[ReviewCell]:
        keys = [(p, o) for p, g in zip(procs, groups, strict=False) for o in g]
        self.check_row("review_litigation", "行政复议、行政诉讼", values, len(keys))
        out: list[ReviewCell] = []
        seen: set[tuple[str, str]] = set()
        for (proc, outcome), cell in zip(keys, _fit(values, len(keys)), strict=True):
            if (proc, outcome) in seen:
                continue
            seen.add((proc, outcome))
            parsed = self.value(cell, None, "review_litigation", proc, outcome)
            out.append(ReviewCell(proc, outcome, parsed.value, parsed.raw))
        return out


def _clean_review_header(procs: list[str], groups: list[list[str]], values: list[Cell]) -> bool:
    """False when the header read cannot name the values (none, or scrambled by a text layer).

    A header naming fewer columns than the row of 15 numbers, or one outcome twice in a
    proceeding, is not trusted; the official order is used instead.
    """
    keys = [(p, o) for p, g in zip(procs, groups, strict=False) for o in g]
    if not keys or len(set(keys)) != len(keys):
        return False
    printed = len([v for v in values if v.text.strip()])
    return not (printed >= 15 and len(keys) < 15)


def _resolve_new(metrics: list[str]) -> list[str]:
    """Cut-short 2019 headers (本年新 / 本年新): the first is new_made, the second new_published."""
    out: list[str] = []
    for m in metrics:
        if m == "new_ambiguous":
            m = "new_made" if "new_made" not in out else "new_published"
        out.append(m)
    return out


def _item_metrics(
    item: str, header: list[str] | None, template: Template, printed: int = 0
) -> tuple[str, ...]:
    """The metrics of ``item``'s columns: the header's when they fit the item, else the format's.

    A header that names fewer columns than the row prints (a label split over two lines,
    ``对外公开`` / ``总数量``) gives way to the format's columns when those match the row.
    """
    if header:
        for name, layout in ACTIVE_LAYOUT.items():
            if item in layout and set(header) <= set(layout[item]):
                columns = layout[item]
                if name == template and len(header) < printed <= len(columns):
                    return columns
                return tuple(header)
    layout = ACTIVE_LAYOUT.get(template) or ACTIVE_LAYOUT["2021"]
    if item in layout:
        return layout[item]
    return ACTIVE_LAYOUT["2019"].get(item, ())


def detect_template(
    found_active: list[ActiveRow], applications: list[ApplicationCell], any_cells: bool
) -> Template:
    """``2021`` / ``2019`` from the metrics and rows printed; ``none`` without tables."""
    score_2021 = score_2019 = 0
    for item, header, _values, _units in found_active:
        metrics = set(header or ())
        score_2021 += len(metrics & _2021_METRICS)
        score_2019 += len(metrics & _2019_METRICS) + (item in _2019_ITEMS)
    rows = {c.row for c in applications}
    if rows & set(OTHER_SPLIT_ROWS):
        score_2021 += 2
    if score_2021 or score_2019:
        return "2021" if score_2021 >= score_2019 else "2019"
    if "other_processing" in rows:
        return "2019"
    return "2021" if any_cells or found_active else "none"


_TITLES = {
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、行政复议、行政诉讼情况",
}


def _set_aside(tables: Tables, misread: dict[str, str]) -> None:
    """Tables whose reading is not self-consistent: cells kept as unknown, one finding each.

    Their values become null (the printed text stays in ``raw``), so no sum or balance check
    runs on numbers that may sit under the wrong header.
    """
    for section, reason in misread.items():
        cells = getattr(tables, section)
        if not cells:
            continue
        for cell in cells:
            cell.value = None
        message = f"表格无法可靠读取：{_TITLES[section]}（{reason}），其数值未采用"
        tables.findings.append(Finding("table_unreadable", "warning", message, [section]))


def _missing_row(message: str, key: str) -> Finding:
    return Finding("missing_row", "warning", message, [key])


def _missing(tables: Tables) -> list[Finding]:
    """missing_table / missing_row findings for the detected template."""
    t = tables.template
    if t == "none":
        return []
    out: list[Finding] = []
    sections = (
        ("active_disclosure", "二、主动公开政府信息情况", tables.active_disclosure),
        ("applications", "三、收到和处理政府信息公开申请情况", tables.applications),
        ("review_litigation", "四、行政复议、行政诉讼情况", tables.review_litigation),
    )
    for name, title, cells in sections:
        if not cells:
            out.append(Finding("missing_table", "warning", f"缺少表格：{title}", [name]))
    if tables.active_disclosure:
        items = {c.item for c in tables.active_disclosure}
        for item in ACTIVE_LAYOUT[t]:
            if item not in items:
                out.append(_missing_row(f"二: 缺少行 {ITEMS[item]}", f"active_disclosure.{item}"))
    if tables.applications:
        rows = {c.row for c in tables.applications}
        expected = list(APPLICATION_ROWS_BY_TEMPLATE[t])
        if rows & set(OTHER_SPLIT_ROWS) and "other_processing" in expected:
            expected = [r for r in APPLICATION_ROWS if r != "other_processing"]
        elif "other_processing" in rows:
            expected = [r for r in APPLICATION_ROWS if r not in OTHER_SPLIT_ROWS]
        for row in expected:
            if row not in rows:
                label = APPLICATION_ROWS[row]
                out.append(_missing_row(f"三: 缺少行 {label}", f"applications.{row}"))
    if tables.review_litigation:
        procs = {c.proceeding for c in tables.review_litigation}
        for proc, label in PROCEEDINGS.items():
            if proc not in procs:
                out.append(_missing_row(f"四: 缺少 {label}", f"review_litigation.{proc}"))
    return out


def read_tables(
    body: lxml_html.HtmlElement | None,
    text: str,
    cell_texts: dict[etree._Element, str] | None = None,
) -> Tables:
    """Read sections 二, 三, 四 from ``body``'s tables, and from ``text`` where they lack one.

    ``cell_texts``: the cell texts the page's text was made of
    (:attr:`parsers.page.Page.cell_texts`), so that no cell is read twice.
    """
    reader = _Reader()
    html_sections = split_sections(html_rows(body, cell_texts)) if body is not None else {}
    text_sections: dict[str, list[Row]] | None = None

    def rows_for(section: str, use_text: bool) -> list[Row]:
        nonlocal text_sections
        if not use_text:
            return html_sections.get(section, [])
        if text_sections is None:
            text_sections = split_sections(text_rows(text or ""))
        return text_sections[section]

    found_active = reader.active(rows_for("active", False))
    if not found_active:
        found_active = reader.active(rows_for("active", True))
    applications = reader.applications(rows_for("applications", False))
    if not applications:
        applications = reader.applications(rows_for("applications", True))
    review = reader.review(rows_for("review", False))
    if not review:
        review = reader.review(rows_for("review", True))

    tables = Tables()
    tables.template = detect_template(found_active, applications, bool(applications or review))
    tables.active_disclosure = reader.active_cells(found_active, tables.template)
    tables.applications = applications
    tables.review_litigation = review
    tables.findings = reader.findings + _missing(tables)
    _set_aside(tables, reader.misread)
    if tables.template == "none" and not (applications or review or tables.active_disclosure):
        _read_prose(tables, text)
    return tables


def _read_prose(tables: Tables, text: str) -> None:
    """No tables: the figures the report's sentences state (reports before 2019)."""
    figures = read_prose(text or "")
    tables.active_disclosure = figures.active_disclosure
    tables.applications = figures.applications
    tables.review_litigation = figures.review_litigation
