"""Is a title, a link or a page an annual report on 政府信息公开 work, or a look-alike?

Pure functions (no I/O): the crawler scores links with :func:`link_score` and judges fetched
pages with :func:`classify_page`. A verdict is ``"report"`` or ``"rejected:<reason>"``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

REPORT = "report"

# The report's own name, in the forms portals use.
_REPORT_NAME = re.compile(
    r"(政府|政务)?信息公开(工作)?(年度)?(报告|年报)|信息公开年报|公开工作年度报告|"
    r"年度(政府)?信息公开(工作)?报告"
)
_YEAR = re.compile(r"(19[89]\d|20[0-4]\d)\s*年")

# Look-alikes: (reason, pattern on the title). Checked before the report name matches.
LOOKALIKES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("解读", re.compile(r"解读|图解|一图|读懂|问答|答记者问")),
    ("法治政府建设年度报告", re.compile(r"法治政府建设|依法行政.*报告")),
    ("政务公开工作要点", re.compile(r"工作要点|实施方案|工作计划|任务分工")),
    ("政府信息公开指南", re.compile(r"公开指南|公开目录|公开制度|申请表")),
    ("决算公开", re.compile(r"决算|预算")),
    ("政府工作报告", re.compile(r"政府工作报告")),
    ("格式通知", re.compile(r"公开办函|报告格式|关于.*(做好|报送|印发|编制).*的通知")),
    (
        "新闻",
        re.compile(r"发布会|召开|会议|培训|推进会|督查|检查|考核|获评|通报|开展|出炉|晒出|发布$"),
    ),
)

# Section headings of a report's body (2019/2021 formats and the older free-form reports).
BODY_MARKERS: tuple[str, ...] = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议",
    "存在的主要问题",
    "其他需要报告的事项",
    "依申请公开",
    "主动公开",
    "行政复议",
)

# Link scoring: what a column / report link says in its text or URL.
_STRONG_TEXT = re.compile(r"信息公开(工作)?(年度)?(报告|年报)|公开年报|年度报告|gknb")
_COLUMN_TEXT = re.compile(r"政府信息公开|信息公开|政务公开|^年报$|年报")
_AREA_TEXT = re.compile(
    r"乡镇|镇街|街道|镇$|乡$|部门|单位|县直|区直|市直|[局委办]$|^\d{4}\s*年度?$"
)
_STRONG_URL = re.compile(
    r"gknb|xxgknb|zfxxgknb|annualreport|xxgkannualreport|opennessannualreport|ndbg|"
    r"(^|/)nb[_/]|/nb\d|\d{4}n/|/n\d{4}n?/",
    re.IGNORECASE,
)
_COLUMN_URL = re.compile(r"zfxxgk|xxgk|zwgk|gkml|gkmlpt", re.IGNORECASE)
_NEXT_TEXT = re.compile(r"^\s*(下一页|下页|>>?|›|»)\s*$")
_ATTACHMENT = re.compile(r"\.(pdf|docx?|wps)(\?|$)", re.IGNORECASE)

STRONG = 100  # looks like a report (fetch it as a candidate)
COLUMN = 50  # an annual-report column (follow it first)
AREA = 20  # 政府信息公开 / township / department area (follow it)


def report_year(*texts: str | None) -> int | None:
    """The first year named in the texts (title first), e.g. ``"2022年…"`` → 2022."""
    for text in texts:
        if text and (m := _YEAR.search(text)):
            return int(m.group(1))
    return None


def is_attachment_url(url: str) -> bool:
    """True for .pdf .doc .docx .wps links."""
    return bool(_ATTACHMENT.search(urlsplit(url).path)) or bool(_ATTACHMENT.search(url))


def classify_title(title: str | None) -> str | None:
    """``"report"``, ``"rejected:<reason>"`` for a look-alike, or None when unrelated."""
    if not title:
        return None
    text = re.sub(r"\s+", "", title)
    names_report = bool(_REPORT_NAME.search(text))
    for reason, pattern in LOOKALIKES:
        if pattern.search(text):
            if reason == "新闻" and not names_report:
                return None  # ordinary news: not a candidate at all
            return f"rejected:{reason}"
    if names_report:
        return REPORT
    return None


def link_score(text: str | None, url: str, *, in_area: bool = False) -> int:
    """How promising a link is: STRONG (a report), COLUMN, AREA or 0 (do not follow).

    ``in_area``: the link is on a 政府信息公开 page, where short names of townships,
    departments and years (城关镇, 县教育局, 2022年) lead to their own report columns.
    """
    text = re.sub(r"\s+", "", text or "")
    parts = urlsplit(url)
    path = unquote(parts.path + ("?" + parts.query if parts.query else "")).lower()
    verdict = classify_title(text)
    if verdict == REPORT and (report_year(text) or is_attachment_url(url)):
        return STRONG
    if verdict and verdict.startswith("rejected:"):
        return 0  # a look-alike named as such in its link: not worth a request
    if verdict == REPORT or _STRONG_TEXT.search(text) or _STRONG_URL.search(path):
        return COLUMN
    short = 0 < len(text) <= 12
    if short and _COLUMN_TEXT.search(text):
        return AREA  # a menu entry such as 政府信息公开, not a news headline
    if short and _AREA_TEXT.search(text) and (in_area or _COLUMN_URL.search(path)):
        return AREA
    return 0


def is_next_page_link(text: str | None) -> bool:
    """下一页 / » links of a paginated list."""
    return bool(_NEXT_TEXT.match(text or ""))


def body_markers(text: str) -> list[str]:
    """The report section headings found in a page's text."""
    return [m for m in BODY_MARKERS if m in text]


def classify_page(title: str | None, text: str, *, has_attachment: bool = False) -> str:
    """Judge a fetched page: ``"report"`` or ``"rejected:<reason>"``.

    A report has a report title, a year, and either the body sections of a report (at least
    two markers) or, when published only as a file, an attachment link.
    """
    verdict = classify_title(title)
    if verdict is None:
        return "rejected:标题不符"
    if verdict != REPORT:
        return verdict
    if "公开办函〔2021〕30号" in text and "格式" in text and len(body_markers(text)) < 4:
        return "rejected:格式通知"
    if report_year(title, text[:400]) is None:
        return "rejected:无年份"
    if len(body_markers(text)) >= 2 or (has_attachment and report_year(title)):
        return REPORT
    return "rejected:仅提及年报"
