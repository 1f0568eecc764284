"""What a read page is: the one decision the spider, the parse pipeline and ``assemble`` share.

:func:`judge` returns a :class:`Verdict` (a :class:`Kind` and the reason) from the page's
title, body text and pictures, read by :mod:`parsers.page`. The rules:

- a **report** has its name in the title (no look-alike), a year in the title or the first
  lines of the body (not in link texts), and the sections of a report (two or more), or an
  attachment; so is a page whose body has four or more sections and a year, whatever its
  title says (when it is no look-alike);
- a **scanned** report is titled with a year and its body is pictures of pages (not footer
  badges such as 党政机关 / 公安备案 / 找错, icons or logos);
- a **list** links to two or more report-titled pages (a column, its page N, a year page);
- a **column** is titled as the report but states no year (政府信息公开年报): never a report,
  whatever pictures its footer carries;
- a **rejected** look-alike is titled as one (政府工作报告, 要点, 解读 … ``LOOKALIKES`` of
  :mod:`parsers.classify`), or is titled as a report with a year but has no report's body;
- anything else is **unrelated** (a menu, a news page, a page with no text).

Only a report or a scanned report ends discovery: the spider follows the links of every
other page inside the report area. Years are read by :func:`parsers.text.year_in` (also
二〇二一年度), the one year reader of the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from lxml import etree

from parsers.classify import REPORT, body_markers, classify_title
from parsers.page import Page, prose_lines
from parsers.text import year_in

# A scanned page: at most this many characters of prose around its pictures (metadata lines
# with a colon, the title and table rows aside).
_SCAN_MAX_PROSE = 60
_FIRST_LINES = 400  # characters of the body where a report states its year
# Pictures that are page furniture, never a scanned page: icons, logos, share / QR codes and
# the footer badges of government sites (党政机关 red badge, 公安备案, 找错 / 纠错, 适老化 …).
_NOT_A_SCAN = re.compile(
    r"icon|logo|share|print|qrcode|erweima|ewm|btn|button|arrow|spacer|badge|banner|"
    r"dzjg|beian|gongan|gaba|jiucuo|zhaocuo|pucha|kaipuyun|conac|wza|aged|"
    r"党政机关|备案|找错|纠错|无障碍|适老|二维码|微信|微博",
    re.I,
)
_FURNITURE_ATTR = re.compile(r"(?:^|[-_\s])(?:foot|bottom|copyright|nav)", re.I)
_IMAGE_HREF = re.compile(r"\.(?:jpe?g|png|gif|bmp|tiff?|webp)(?:\?|$)", re.I)
_NOTICE = "公开办函〔2021〕30号"
IN_ATTACHMENT = "附件"  # the reason of a report page whose report is its attachment


class Kind(StrEnum):
    """What a page is."""

    REPORT = "report"
    SCANNED = "scanned"  # a report published as pictures: kept, read as image_only
    LIST = "list"  # links to reports: follow it
    COLUMN = "column"  # titled as the report without a year: a column, never a report
    REJECTED = "rejected"  # a look-alike, or titled as a report without being one
    UNRELATED = "unrelated"  # not about annual reports at all


@dataclass(frozen=True, slots=True)
class Verdict:
    """A page's :class:`Kind` and why."""

    kind: Kind
    reason: str = ""

    @property
    def is_report(self) -> bool:
        """A report or a scanned report: kept, parsed, and its links not followed."""
        return self.kind in (Kind.REPORT, Kind.SCANNED)

    @property
    def in_attachment(self) -> bool:
        """A report whose page only links it: the report is read from the attachment."""
        return self.kind is Kind.REPORT and self.reason == IN_ATTACHMENT

    @property
    def classification(self) -> str:
        """The stored form (``pages.classification``): ``report`` or ``rejected:<reason>``."""
        if self.is_report:
            return REPORT
        return f"rejected:{self.reason or self.kind.value}"

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, str] | Verdict | None) -> Verdict | None:
        """A verdict back from :meth:`to_dict` (or as given, or None)."""
        if data is None or isinstance(data, Verdict):
            return data
        return cls(Kind(data["kind"]), data.get("reason", ""))


def page_year(page: Page) -> int | None:
    """The year a page states in its title or the first lines of its body (never guessed):
    link texts (a list's entries, a menu) are not the page's own words."""
    return year_in(page.title) or year_in(prose_lines(page.body, page.text)[:_FIRST_LINES])


def judge(
    page: Page, *, has_attachment: bool = False, report_links: int = 0, link_text: str | None = None
) -> Verdict:
    """The verdict on a read page.

    ``has_attachment``: the page links a PDF / Word file; ``report_links``: how many
    different reports the page links to (links titled as reports with a year; the spider
    counts them, a report's PDF and Word copies once); ``link_text``: the text of the link
    that led here — when it names a report with its year, that year counts for a page
    titled as a report without one (its body in an attachment).
    """
    named = classify_title(page.title)
    markers = len(body_markers(page.text))
    year = page_year(page)
    if year is None and named == REPORT and classify_title(link_text) == REPORT:
        year = year_in(link_text)
    if named == REPORT and _NOTICE in page.text and "格式" in page.text and markers < 4:
        return Verdict(Kind.REJECTED, "格式通知")
    if named == REPORT and year and markers >= 2:
        return Verdict(Kind.REPORT, "报告正文")
    if report_links >= 2:  # a year column listing its reports (as pages or as files)
        return Verdict(Kind.LIST, f"链接{report_links}篇年报")
    if named == REPORT and has_attachment and year:
        return Verdict(Kind.REPORT, IN_ATTACHMENT)
    if named in (None, REPORT) and markers >= 4 and (year or page.year):
        return Verdict(Kind.REPORT, "正文含报告各部分")
    if named == REPORT and year and not report_links and scanned_pictures(page):
        return Verdict(Kind.SCANNED, "扫描图片")
    if named and named != REPORT:
        return Verdict(Kind.REJECTED, named.partition(":")[2])
    if named == REPORT and not year:
        return Verdict(Kind.COLUMN, "无年份")
    if not page.text.strip():
        return Verdict(Kind.UNRELATED, "无正文")
    if named == REPORT:
        return Verdict(Kind.REJECTED, "仅提及年报")
    return Verdict(Kind.UNRELATED, "标题不符")


def scanned_pictures(page: Page) -> int:
    """How many pictures make up the body of a page that publishes its report as scans.

    0 unless the title names an annual report (no look-alike), the body holds next to no
    prose (lines with a colon such as 索引号：/发布时间：, the title and table rows aside)
    and at least one picture that is not page furniture (icon, logo, share or QR code,
    a footer badge, a picture linking to another page).
    """
    if page.body is None or classify_title(page.title) != REPORT:
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
    """An ``<img>`` that may be a scanned page (not an icon, badge or linked banner)."""
    src = img.get("src") or img.get("data-src") or img.get("data-original") or ""
    names = " ".join(img.get(a, "") for a in ("class", "alt", "title"))
    if _NOT_A_SCAN.search(f"{src} {names}"):
        return False
    for side in ("width", "height"):
        size = (img.get(side) or "").strip().removesuffix("px")
        if size.isdigit() and int(size) < 100:
            return False
    for ancestor in img.iterancestors():
        if ancestor.tag == "a" and not _IMAGE_HREF.search(ancestor.get("href") or ""):
            return False  # a picture linking to a page: a badge or a banner, not a scan
        if ancestor.tag in ("footer", "nav", "header"):
            return False
        if _FURNITURE_ATTR.search(f"{ancestor.get('class', '')} {ancestor.get('id', '')}"):
            return False
    return bool(src.strip())
