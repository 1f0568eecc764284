"""A read page (:class:`parsers.page.Page`) to the canonical :class:`parsers.schema.Report`.

:func:`assemble` makes the report: the page's metadata, the tables read by
:mod:`parsers.tables`, the arithmetic checks of :mod:`parsers.findings` and the findings of
this module (``not_a_report``, ``image_only``, ``template_year_mismatch``). Bytes and text
come here through :func:`parsers.parse_report` (:mod:`parsers.parse`).

A page whose title names an annual report but whose body is only pictures (the report
scanned, as ``<img>``s) is a report with no cells and an ``image_only`` error, worded by
:func:`image_only_finding` as for scanned PDF/Word files.
"""

from __future__ import annotations

import re

from lxml import etree

from parsers import classify
from parsers.findings import validate
from parsers.page import Page
from parsers.schema import Finding, Report, expected_template
from parsers.tables import read_tables

# Verdicts of parsers.classify that a body with a report's sections overrules.
_WEAK_REJECTIONS = frozenset({"rejected:标题不符", "rejected:无年份"})
_SCAN_REJECTIONS = frozenset({"rejected:仅提及年报", "rejected:无正文", "rejected:无年份"})
SCANNED = "report:scanned"  # a report published as pictures: kept, read as image_only
_FORMAT_NAMES = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}
# A scanned page: at most this many characters of prose around its pictures (metadata lines
# with a colon, the title and table rows aside).
_SCAN_MAX_PROSE = 60
_NOT_A_SCAN = re.compile(r"icon|logo|share|print|qrcode|erweima|ewm|btn|button|arrow|spacer", re.I)


def assemble(page: Page) -> Report:
    """The report of ``page``: metadata, tables, arithmetic findings, this module's findings."""
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
    verdict = page_verdict(page)
    if verdict == SCANNED:
        pictures = scanned_pictures(page)
        report.findings.append(image_only_finding("此页面", "网页", pictures, "page"))
        return report
    if verdict != classify.REPORT:
        report.findings.append(
            Finding("not_a_report", "error", _not_a_report_message(page, verdict))
        )
        return report
    tables = read_tables(page.body, page.text)
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


def page_verdict(page: Page, *, has_attachment: bool = False) -> str:
    """What ``page`` is: ``classify.REPORT``, :data:`SCANNED`, or ``"rejected:<reason>"``.

    The one decision the spider (which pages to keep) and :func:`assemble` (which pages to
    read) share: :func:`parsers.classify.classify_page` on the page's title and text, overruled
    for a page without a usable title (or without a year in it) whose body has the sections of
    a report, and a page whose body is only scanned pictures of a report (:data:`SCANNED`).
    """
    if not page.text.strip():
        verdict = "rejected:无正文"
    else:
        verdict = classify.classify_page(page.title, page.text, has_attachment=has_attachment)
    if verdict == classify.REPORT:
        return verdict
    if verdict in _WEAK_REJECTIONS and len(classify.body_markers(page.text)) >= 4:
        return classify.REPORT  # no usable title (or no year in it), but a report's sections
    if verdict in _SCAN_REJECTIONS and scanned_pictures(page):
        return SCANNED
    return verdict


def _not_a_report_message(page: Page, verdict: str) -> str:
    """The ``not_a_report`` finding's message for a rejected page."""
    if verdict == "rejected:无正文":
        return "页面没有正文：不是政府信息公开工作年度报告 (the page has no text)"
    reason = verdict.partition(":")[2] or verdict
    title = f"“{page.title}”" if page.title else "此页面"
    return f"{title}不是政府信息公开工作年度报告（{reason}）"


def scanned_pictures(page: Page) -> int:
    """How many pictures make up the body of a page that publishes its report as scans.

    0 unless the title names an annual report (no look-alike), the body holds next to no
    prose (lines with a colon such as 索引号：/发布时间：, the title and table rows aside)
    and at least one picture that is not an icon, logo, share or QR-code image.
    """
    if page.body is None or classify.classify_title(page.title) != classify.REPORT:
        return 0
    prose = sum(
        len(line.strip())
        for line in page.text.splitlines()
        if not re.search(r"[：:\t]", line) and (not page.title or page.title not in line)
    )
    if prose > _SCAN_MAX_PROSE:
        return 0
    return sum(1 for img in page.body.iter("img") if _is_picture(img))


def _is_picture(img: etree._Element) -> bool:
    """An ``<img>`` that may be a scanned page (not an icon: small, or named like one)."""
    src = img.get("src") or img.get("data-src") or img.get("data-original") or ""
    if _NOT_A_SCAN.search(f"{src} {img.get('class', '')} {img.get('alt', '')}"):
        return False
    for side in ("width", "height"):
        size = (img.get(side) or "").strip().removesuffix("px")
        if size.isdigit() and int(size) < 100:
            return False
    return bool(src.strip())


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
