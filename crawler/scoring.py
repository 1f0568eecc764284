"""Crawl priority of a link, from its text and URL: which links the spider follows, first.

:func:`link_score` gives :data:`STRONG` (a report: fetch it as a candidate), :data:`COLUMN`
(an annual-report column), :data:`AREA` (the 政府信息公开 area, a township, a department,
a year sub-column) or 0 (not followed). Names of bodies (乡镇, 街道, 镇, 乡, 部门, 局, 委,
办, 中心 …) and years count only on a page already inside the area (``in_area``) or under a
disclosure URL, so the site's news and services are not crawled.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from parsers.classify import REPORT, classify_title
from parsers.sniff import is_attachment_url
from parsers.text import year_in

STRONG = 100  # looks like a report (fetch it as a candidate)
COLUMN = 50  # an annual-report column (follow it first)
AREA = 20  # 政府信息公开 / township / department area (follow it)

_STRONG_TEXT = re.compile(
    r"信息公开(工作)?(情况)?的?(年度)?(工作)?(报告|年报)|公开年报|年度报告|gknb"
)
_COLUMN_TEXT = re.compile(r"政府信息公开|信息公开|政务公开|^年报$|年报")
_AREA_TEXT = re.compile(
    r"乡镇|镇街|街道|镇$|乡$|部门|单位|县直|区直|市直|[局委办]$|"
    r"委员会$|中心$|政府$|办事处$|管委会$|园区$|开发区$|^\d{4}\s*年度?$|^\d{4}$"
)
_NOT_AREA_TEXT = re.compile(r"新闻|动态|要闻|资讯|视频|图片|专题|互动|留言|信箱|招聘|联系")
_STRONG_URL = re.compile(
    r"gknb|xxgknb|zfxxgknb|annualreport|xxgkannualreport|opennessannualreport|ndbg|"
    r"(^|/)nb[_/]|/nb\d|\d{4}n/|/n\d{4}n?/",
    re.IGNORECASE,
)
_COLUMN_URL = re.compile(r"zfxxgk|xxgk|zwgk|gkml|gkmlpt", re.IGNORECASE)
_NEXT_TEXT = re.compile(r"^\s*(下一页|下页|>>?|›|»)\s*$")
_SHORT = 12  # characters of a menu entry (longer link texts are headlines)
_SHORT_BODY = 16  # characters of a body's name (县人力资源和社会保障局)
_CUT_SHORT = re.compile(r"(…|\.\.\.?|。。)$")
_CUT_REPORT = re.compile(r"信息公开|政务公开|公开工作|年度报")
# The report's names a cut-short title may end inside (某县2023年政府信…, 某镇2022年度政…).
_REPORT_NAMES = (
    "政府信息公开工作年度报告", "政府信息公开年度报告", "政府信息公开年报", "信息公开工作年度报告",
    "政务公开工作年度报告", "年度政府信息公开工作情况的报告",
)  # fmt: skip
# Two characters of the name before the cut (政府…) may also start 政府工作报告: such a link is
# fetched and judged, a request, never a report stored; 年度… alone says nothing.
_MIN_CUT_STEM = 2
_CUT_STEMS = tuple(
    {name[:k] for name in _REPORT_NAMES for k in range(_MIN_CUT_STEM, len(name) + 1)} - {"年度"}
)


def _cut_report(text: str) -> bool:
    """A cut-short title that names a report before the cut, or ends inside a report's name."""
    stem = _CUT_SHORT.sub("", text)
    return bool(_CUT_REPORT.search(stem)) or stem.endswith(_CUT_STEMS)


def is_next_page_link(text: str | None) -> bool:
    """下一页 / » links of a paginated list."""
    return bool(_NEXT_TEXT.match(text or ""))


def link_score(text: str | None, url: str, *, in_area: bool = False) -> int:
    """How promising a link is: STRONG (a report), COLUMN, AREA or 0 (do not follow).

    ``in_area``: the link is on a 政府信息公开 page, where short names of townships,
    departments and years (城关镇, 县教育局, 2022年) lead to their own report columns.
    """
    text = re.sub(r"\s+", "", text or "")
    parts = urlsplit(url)
    path = unquote(parts.path + ("?" + parts.query if parts.query else "")).lower()
    verdict = classify_title(text)
    if verdict == REPORT and (year_in(text) or is_attachment_url(url)):
        return STRONG
    if year_in(text) and _CUT_SHORT.search(text) and _cut_report(text):
        return STRONG  # a report's title cut short by the list: 某县2023年政府信息公开…
    if verdict and verdict.startswith("rejected:"):
        return 0  # a look-alike named as such in its link: not worth a request
    if verdict == REPORT or _STRONG_TEXT.search(text) or _STRONG_URL.search(path):
        return COLUMN
    short = 0 < len(text) <= _SHORT
    if short and _COLUMN_TEXT.search(text):
        return AREA  # a menu entry such as 政府信息公开, not a news headline
    if (
        0 < len(text) <= _SHORT_BODY
        and _AREA_TEXT.search(text)
        and not _NOT_AREA_TEXT.search(text)
        and (in_area or _COLUMN_URL.search(path))
    ):
        return AREA
    return 0
