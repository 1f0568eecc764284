"""Seeded generator of report pages in the layouts editors make by hand.

Each page combines independent variations drawn from ``random.Random(seed)``::

    from tests.variants import KINDS, make_case
    case = make_case(seed, "bars")   # case.report (the truth), case.page (portal page bytes)

Kinds (each in either official format unless noted):

- ``pre_tabs``   — the tables pasted as text in a ``<pre>``, cells tab-separated, the header
  of 三 spanning 申请人情况 / 自然人 · 法人或其他组织 · 总计 / the five organisations over 2–4
  lines, with or without leading empty cells;
- ``bars``       — the tables written as ``a | b | c`` lines (with or without outer bars,
  spaces around the bars or not), negative 本年增/减 as ``-8`` / ``−8`` / ``－8``;
- ``split_three`` — section 三 in 2–3 ``<table>``s, the header repeated or not, a ``<p>``
  between them (the section heading with 续, a page number, or nothing); a cut may fall
  inside a group, and the rows after it print their group label again or not at all;
- ``word_break`` — Word-exported tables where a page break cuts a row label: the label's end
  continues on the next row (next table or same table), the numbers printed on the first
  part or on the continuation.

Every report's arithmetic holds (balance, sums), so any sum/balance finding is a misread.
"""

from __future__ import annotations

import html as html_lib
import random
from dataclasses import dataclass

from nianbao.testing.render import _active_blocks, _row_labels, fmt, portal_page, title_of
from parsers.schema import (
    ACTIVE_LAYOUT,
    APPLICANT_PARTS,
    APPLICANTS,
    APPLICATION_ROWS,
    APPLICATION_ROWS_BY_TEMPLATE,
    OTHER_SPLIT_ROWS,
    OUTCOMES,
    PROCEEDINGS,
    RESULT_ROWS,
    ActiveCell,
    ApplicationCell,
    Report,
    ReviewCell,
)

KINDS = ("pre_tabs", "bars", "split_three", "word_break")
_COUNTIES = ("瓦屋镇", "丹堤乡", "长宁县", "青山区", "白马镇", "石门县", "望江街道", "北川县")
_HEADINGS = {
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review": "四、政府信息公开行政复议、行政诉讼情况",
}
_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(slots=True)
class Case:
    """A generated page and the report it was made from."""

    seed: int
    kind: str
    report: Report
    page: bytes


# --- the truth ---------------------------------------------------------------------------------


def consistent_report(rng: random.Random, template: str) -> Report:
    """A report whose 勾稽 relations all hold, with some blank (null) cells outside them."""
    year = rng.choice((2019, 2020)) if template == "2019" else rng.randint(2021, 2024)
    agency = rng.choice(_COUNTIES)
    report = Report(agency=agency, year=year, template=template)  # type: ignore[arg-type]
    report.title = f"{agency}{year}年政府信息公开工作年度报告"
    for item, metrics in ACTIVE_LAYOUT[template].items():
        for metric in metrics:
            if metric == "change":
                value: int | float | None = rng.randint(-30, 30)
            elif metric in ("fee_amount", "procurement_amount"):
                value = rng.choice((0, 12.5, 3.75, 120))
            else:
                value = rng.choice((0, 0, rng.randint(1, 9), rng.randint(10, 400)))
            if rng.random() < 0.05:
                value = None
            unit = "万元" if metric == "fee_amount" else None
            report.active_disclosure.append(ActiveCell(item, metric, value, fmt(value), unit))
    rows = list(APPLICATION_ROWS_BY_TEMPLATE[template])
    results = [r for r in rows if r in RESULT_ROWS]
    table: dict[tuple[str, str], int] = {}
    for a in APPLICANT_PARTS:
        for r in results:
            table[(r, a)] = rng.choice((0, 0, 0, 1, rng.randint(0, 30)))
        total = sum(table[(r, a)] for r in results)
        forward = rng.randint(0, 3)
        carried = rng.randint(0, 3)
        new = total + forward - carried
        if new < 0:
            carried, new = carried + new, 0
        table.update({
            ("new_received", a): new, ("carried_over", a): carried,
            ("total_processed", a): total, ("carried_forward", a): forward,
        })  # fmt: skip
    for r in rows:
        table[(r, "total")] = sum(table[(r, a)] for a in APPLICANT_PARTS)
        for a in APPLICANTS:
            v = table[(r, a)]
            report.applications.append(ApplicationCell(r, a, v, str(v)))
    for proc in PROCEEDINGS:
        parts = [rng.choice((0, 0, 1, rng.randint(0, 12))) for _ in range(4)]
        for outcome, v in zip(OUTCOMES, [*parts, sum(parts)], strict=True):
            report.review_litigation.append(ReviewCell(proc, outcome, v, str(v)))
    return report


# --- shared pieces -----------------------------------------------------------------------------


def _change(rng: random.Random, text: str) -> str:
    if text.startswith("-"):
        return rng.choice(("-", "−", "－")) + text[1:]
    return text


def _active_rows(report: Report, rng: random.Random) -> list[list[str]]:
    rows: list[list[str]] = []
    for clause, header, items in _active_blocks(report):
        rows.append([clause])
        rows.append(header)
        for label, values in items:
            rows.append([label, *(_change(rng, v) for v in values)])
    return rows


def _app_values(report: Report) -> dict[str, list[str]]:
    cells = {(c.row, c.applicant): fmt(c.value) for c in report.applications}
    rows = [r for r in APPLICATION_ROWS if (r, "total") in cells]
    return {r: [cells[(r, a)] for a in APPLICANTS] for r in rows}


def _app_label_rows(report: Report) -> list[tuple[str, list[str]]]:
    """(row key, [top, group, sub]) in print order; repeated group labels left out."""
    out: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for row in _app_values(report):
        top, group, sub = _row_labels(row)
        if top is None:
            out.append((row, [group, "", ""]))
        elif sub is None:
            out.append((row, ["", group, ""]))
        else:
            out.append((row, ["", "" if group in seen else group, sub]))
            seen.add(group)
    return out


def _review_rows(report: Report) -> list[list[str]]:
    cells = {(c.proceeding, c.outcome): fmt(c.value) for c in report.review_litigation}
    outcomes = list(OUTCOMES.values())
    return [
        ["行政复议", "", "", "", "", "行政诉讼"],
        [*outcomes, "未经复议直接起诉", "", "", "", "", "复议后起诉"],
        ["", "", "", "", "", *outcomes, *outcomes],
        [cells[(p, o)] for p in PROCEEDINGS for o in OUTCOMES],
    ]


def _app_header_lines(rng: random.Random) -> list[list[str]]:
    orgs = [APPLICANTS[a] for a in APPLICANT_PARTS[1:]]
    style = rng.randint(0, 2)
    if style == 0:
        return [
            [_NOTE, "", "申请人情况"],
            ["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", *orgs],
        ]
    if style == 1:
        return [
            ["", "", "申请人情况"],
            ["", "", "自然人", "法人或其他组织", "总计"],
            ["", "", "", *orgs, ""],
        ]
    return [
        [_NOTE],
        ["", "", "申请人情况"],
        ["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", *orgs, ""],
    ]


def _page(report: Report, body: str, rng: random.Random) -> bytes:
    encoding = rng.choice(("utf-8", "gbk"))
    narrative = "<p>一、总体情况</p><p>本年度，我单位认真贯彻落实《条例》，主动公开政府信息。</p>"
    end = (
        "<p>五、存在的主要问题及改进情况</p><p>公开工作仍有不足。</p>"
        "<p>六、其他需要报告的事项</p><p>无。</p>"
    )
    title = f"<h1>{html_lib.escape(title_of(report))}</h1>"
    full = f'<div class="TRS_Editor">{title}{narrative}{body}{end}</div>'
    return portal_page(full, title=title_of(report), encoding=encoding)


# --- pre_tabs ----------------------------------------------------------------------------------


def _pre_tabs(report: Report, rng: random.Random) -> str:
    lead = rng.choice(("", "\t"))
    lines: list[str] = []
    lines.append(_HEADINGS["active"])
    lines += [lead + "\t".join(r) for r in _active_rows(report, rng)]
    lines.append(_HEADINGS["applications"])
    lines += ["\t".join(r) for r in _app_header_lines(rng)]
    values = _app_values(report)
    for row, labels in _app_label_rows(report):
        filler = [""] if rng.random() < 0.5 and labels[2] else []
        lines.append("\t".join([*labels, *filler, *values[row]]))
    lines.append(_HEADINGS["review"])
    lines += ["\t".join(r) for r in _review_rows(report)]
    text = html_lib.escape("\n".join(lines))
    if rng.random() < 0.5:  # one <pre> for all, or one per section
        return f"<pre>{text}</pre>"
    parts = text.split(html_lib.escape(_HEADINGS["applications"]))
    return f"<pre>{parts[0]}</pre><p>{_HEADINGS['applications']}</p><pre>{parts[1]}</pre>"


# --- bars --------------------------------------------------------------------------------------


def _bars(report: Report, rng: random.Random) -> str:
    sep = rng.choice((" | ", "|", " |  "))
    outer = rng.random() < 0.5

    def line(cells: list[str]) -> str:
        text = sep.join(cells)
        return f"| {text} |" if outer else text

    lines = [f"<p>{_HEADINGS['active']}</p>"]
    for r in _active_rows(report, rng):
        lines.append(f"<p>{html_lib.escape(line(r))}</p>")
    lines.append(f"<p>{_HEADINGS['applications']}</p>")
    for r in _app_header_lines(rng):
        lines.append(f"<p>{html_lib.escape(line(r))}</p>")
    values = _app_values(report)
    for row, labels in _app_label_rows(report):
        lines.append(f"<p>{html_lib.escape(line([*labels, *values[row]]))}</p>")
    lines.append(f"<p>{_HEADINGS['review']}</p>")
    for r in _review_rows(report):
        lines.append(f"<p>{html_lib.escape(line(r))}</p>")
    joiner = rng.choice(("", "\n"))
    return joiner.join(lines)


# --- HTML tables -------------------------------------------------------------------------------


def _td(text: str, word: bool, colspan: int = 1, rowspan: int = 1) -> str:
    attrs = (f' colspan="{colspan}"' if colspan > 1 else "") + (
        f' rowspan="{rowspan}"' if rowspan > 1 else ""
    )
    body = html_lib.escape(text) or "&nbsp;"
    if word:
        span = f'<span style="font-family:宋体">{body}<o:p></o:p></span>'
        body = f'<p class="MsoNormal" align="center">{span}</p>'
    return f"<td{attrs}>{body}</td>"


def _table(rows: list[str], word: bool) -> str:
    cls = ' class="MsoNormalTable" border="1"' if word else ' border="1"'
    return f"<table{cls}><tbody>{''.join(f'<tr>{r}</tr>' for r in rows)}</tbody></table>"


def _html_active(report: Report, rng: random.Random, word: bool) -> str:
    rows = [
        "".join(_td(c, word, colspan=4 if len(r) == 1 else 1) for c in r)
        for r in _active_rows(report, rng)
    ]
    return _table(rows, word)


def _html_review(report: Report, word: bool) -> str:
    rows = _review_rows(report)
    outcomes = list(OUTCOMES.values())
    trs = [
        _td("行政复议", word, colspan=5) + _td("行政诉讼", word, colspan=10),
        "".join(_td(o, word, rowspan=2) for o in outcomes)
        + _td("未经复议直接起诉", word, colspan=5)
        + _td("复议后起诉", word, colspan=5),
        "".join(_td(o, word) for o in outcomes) * 2,
        "".join(_td(v, word) for v in rows[3]),
    ]
    return _table(trs, word)


def _app_header_trs(word: bool) -> list[str]:
    orgs = [APPLICANTS[a] for a in APPLICANT_PARTS[1:]]
    return [
        _td(_NOTE, word, colspan=3, rowspan=3) + _td("申请人情况", word, colspan=7),
        _td("自然人", word, rowspan=2)
        + _td("法人或其他组织", word, colspan=5)
        + _td("总计", word, rowspan=2),
        "".join(_td(o, word) for o in orgs),
    ]


def _app_row_tr(
    labels: list[str], values: list[str], word: bool, group_span: int, show_group: bool
) -> str:
    """One row of 三 as cells: labels spread over the three label columns."""
    top, group, sub = labels
    if top:
        return _td(top, word, colspan=3) + "".join(_td(v, word) for v in values)
    if not labels[2]:
        return _td("", word) + _td(group, word, colspan=2) + "".join(_td(v, word) for v in values)
    cells = _td("", word)
    if show_group:
        cells += _td(group, word, rowspan=group_span)
    cells += _td(sub, word)
    return cells + "".join(_td(v, word) for v in values)


def _group_spans(label_rows: list[tuple[str, list[str]]]) -> dict[str, str]:
    """row key → the group label it belongs to (sub rows only)."""
    out: dict[str, str] = {}
    group = ""
    for row, (_top, g, sub) in label_rows:
        if sub:
            group = g or group
            out[row] = group
    return out


def _split_three(report: Report, rng: random.Random) -> str:
    word = rng.random() < 0.5
    values = _app_values(report)
    label_rows = _app_label_rows(report)
    groups = _group_spans(label_rows)
    keys = [r for r, _ in label_rows]
    n_parts = rng.randint(2, 3)
    cuts = sorted(rng.sample(range(3, len(keys) - 1), n_parts - 1))
    parts = [keys[i:j] for i, j in zip([0, *cuts], [*cuts, len(keys)], strict=True)]
    repeat = rng.random() < 0.5
    orphan = rng.random() < 0.5  # a group cut by the split prints its label once only
    between = rng.choice(("", f"{_HEADINGS['applications']}（续）", "— 2 —", "续表"))
    tables: list[str] = []
    shown: set[str] = set()
    for n, part in enumerate(parts):
        trs = _app_header_trs(word) if n == 0 or repeat else []
        for row in part:
            labels = next(lbl for r, lbl in label_rows if r == row)
            sub = labels[2]
            if sub:
                g = groups[row]
                same = [r for r in part if groups.get(r) == g]
                labels = ["", "" if orphan and g in shown else g, sub]
                shown.add(g)
                tr = _app_row_tr(labels, values[row], word, len(same), row == same[0])
            else:
                tr = _app_row_tr(labels, values[row], word, 1, True)
            trs.append(tr)
        tables.append(_table(trs, word))
    glue = f"<p>{html_lib.escape(between)}</p>" if between else ""
    body = [
        f"<p>{_HEADINGS['active']}</p>",
        _html_active(report, rng, word),
        f"<p>{_HEADINGS['applications']}</p>",
        glue.join(tables),
        f"<p>{_HEADINGS['review']}</p>",
        _html_review(report, word),
    ]
    return "".join(body)


# --- word_break --------------------------------------------------------------------------------


def _word_break(report: Report, rng: random.Random) -> str:
    word = True
    values = _app_values(report)
    label_rows = _app_label_rows(report)
    groups = _group_spans(label_rows)
    subs = [r for r, lbl in label_rows if lbl[2] and len(lbl[2]) >= 7]
    broken = rng.choice(subs)
    cut_at = rng.randint(3, 5)
    numbers_first = rng.random() < 0.5
    new_table = rng.random() < 0.6
    tables: list[list[str]] = [_app_header_trs(word)]
    for row, (top, group, sub) in label_rows:
        if sub:
            labels = ["", groups[row], sub]
            show = True
        else:
            labels, show = [top, group, sub], True
        if row != broken:
            tables[-1].append(_app_row_tr(labels, values[row], word, 1, show))
            continue
        blank = [""] * len(values[row])
        head, tail = sub[:-cut_at], sub[-cut_at:]
        first, second = (values[row], blank) if numbers_first else (blank, values[row])
        tables[-1].append(_app_row_tr(["", groups[row], head], first, word, 1, True))
        if new_table:
            tables.append([])
        cells = _td("", word) + _td("", word) + _td(tail, word)
        tables[-1].append(cells + "".join(_td(v, word) for v in second))
    glue = "<p>&nbsp;</p>" if rng.random() < 0.5 else ""
    body = [
        f"<p>{_HEADINGS['active']}</p>",
        _html_active(report, rng, word),
        f"<p>{_HEADINGS['applications']}</p>",
        glue.join(_table(t, word) for t in tables),
        f"<p>{_HEADINGS['review']}</p>",
        _html_review(report, word),
    ]
    return "".join(body)


_RENDER = {
    "pre_tabs": _pre_tabs,
    "bars": _bars,
    "split_three": _split_three,
    "word_break": _word_break,
}


def make_case(seed: int, kind: str, template: str | None = None) -> Case:
    """The page of ``kind`` for ``seed`` (format drawn unless given) and its report."""
    rng = random.Random(f"{kind}:{seed}")
    if template is None:
        template = "2021" if kind == "pre_tabs" else rng.choice(("2019", "2021"))
        if kind == "bars":
            template = rng.choice(("2019", "2019", "2021"))
    report = consistent_report(rng, template)
    if template == "2021" and rng.random() < 0.3:  # (六) as one row
        keep = [c for c in report.applications if c.row not in OTHER_SPLIT_ROWS]
        sums: dict[str, int] = {}
        for c in report.applications:
            if c.row in OTHER_SPLIT_ROWS:
                sums[c.applicant] = sums.get(c.applicant, 0) + int(c.value or 0)
        at = max(i for i, c in enumerate(keep) if c.row == "rejected_confirmation") + 1
        merged = [ApplicationCell("other_processing", a, v, str(v)) for a, v in sums.items()]
        report.applications = keep[:at] + merged + keep[at:]
    body = _RENDER[kind](report, rng)
    return Case(seed, kind, report, _page(report, body, rng))
