"""A read page (:class:`parsers.page.Page`) to the canonical :class:`parsers.schema.Report`.

:func:`assemble` makes the report: the page's metadata, the tables read by
:mod:`parsers.tables`, the arithmetic checks of :mod:`parsers.findings` and the findings of
this module (``not_a_report``, ``image_only``, ``template_year_mismatch``). Bytes and text
come here through :func:`parsers.parse_report` (:mod:`parsers.parse`).

Whether a page is a report is :func:`parsers.verdict.judge`'s verdict (or the one the spider
carried). A scanned report (its body only pictures of the report) is a report with no cells
and an ``image_only`` error, worded by :func:`image_only_finding` as for scanned PDF/Word files.
"""

from __future__ import annotations

from parsers.findings import validate
from parsers.page import Page
from parsers.schema import Finding, Report, expected_template
from parsers.tables import read_tables
from parsers.verdict import Kind, Verdict, judge, scanned_pictures

_FORMAT_NAMES = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}


def assemble(page: Page, verdict: Verdict | None = None) -> Report:
    """The report of ``page``: metadata, tables, arithmetic findings, this module's findings.

    ``verdict``: the page's verdict when already judged, else :func:`parsers.verdict.judge`.
    """
    report = Report(
        title=page.title,
        agency=page.agency,
        year=page.year,
        published=page.published,
        url=page.url,
        index_no=page.index_no,
        publisher=page.publisher,
        text=page.text,
    )
    if verdict is None:
        verdict = judge(page)
    if verdict.kind is Kind.SCANNED:
        pictures = scanned_pictures(page)
        report.findings.append(image_only_finding("此页面", "网页", pictures, "page"))
        return report
    if verdict.kind is not Kind.REPORT or verdict.in_attachment:
        report.findings.append(
            Finding("not_a_report", "error", _not_a_report_message(page, verdict))
        )
        return report
    tables = read_tables(page.body, page.text, page.cell_texts)
    report.template = tables.template
    report.active_disclosure = list(tables.active_disclosure)
    report.applications = list(tables.applications)
    report.review_litigation = list(tables.review_litigation)
    report.findings.extend(tables.findings)
    report.findings.extend(validate(report))
    mismatch = template_year_mismatch(report)
    if mismatch is not None:
        report.findings.append(mismatch)
    return report


def _not_a_report_message(page: Page, verdict: Verdict) -> str:
    """The ``not_a_report`` finding's message for a page that is not a report."""
    if verdict.reason == "无正文":
        return "页面没有正文：不是政府信息公开工作年度报告 (the page has no text)"
    if verdict.in_attachment:
        title = f"“{page.title}”" if page.title else "此页面"
        return f"{title}的报告在附件中，页面本身不是报告 (the report is its attachment)"
    reason = verdict.reason or verdict.kind.value
    title = f"“{page.title}”" if page.title else "此页面"
    return f"{title}不是政府信息公开工作年度报告（{reason}）"


def image_only_finding(subject: str, what: str, pictures: int, kind: str) -> Finding:
    """The ``image_only`` error of a scanned report (a page of pictures, a PDF/Word scan).

    ``subject``: 此页面 or 《file name》; ``what``: 网页, 3页PDF, Word文件; ``kind``: the
    English noun (page, document).
    """
    found = f"{pictures}张图片" if pictures else "没有可读的文字"
    return Finding(
        "image_only",
        "error",
        f"{subject}是只含图片的{what}（{found}，无文字），未读取任何数字，数据须查看原件 "
        f"(the {kind} holds only images: no numbers were read)",
    )


def template_year_mismatch(report: Report) -> Finding | None:
    """A warning when the tables follow another format than the one of the report's year."""
    expected = expected_template(report.year)
    if expected is None or report.template == "none" or report.template == expected:
        return None
    should = (
        f"按年份应为{expected}版（{_FORMAT_NAMES[expected]}）"
        if expected in _FORMAT_NAMES
        else "2019年以前的报告没有统一表格"
    )
    return Finding(
        "template_year_mismatch",
        "warning",
        f"{report.year}年度报告使用了{report.template}版表格"
        f"（{_FORMAT_NAMES[report.template]}），{should}",
    )
