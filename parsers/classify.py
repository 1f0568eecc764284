"""Does a title name an annual report on 政府信息公开 work, or a look-alike?

Pure functions (no I/O) on titles and body text: :func:`classify_title` and
:func:`body_markers`. The verdict on a whole page is :func:`parsers.verdict.judge`; the crawl
priority of a link is ``crawler.scoring.link_score``.
"""

from __future__ import annotations

import re

REPORT = "report"

# The report's own name, in the forms portals use.
_REPORT_NAME = re.compile(
    r"(政府|政务)?信息公开(工作)?(情况)?的?(年度)?(工作)?(报告|年报)|信息公开年报|"
    r"公开工作年度报告|年度(政府)?信息公开(工作)?(情况)?的?报告|"
    r"信息公开(工作)?(情况)?(\d{4}|[〇零一二三四五六七八九]{4})\s*年度?(工作)?(报告|年报)"
)  # the last form: 某县政府信息公开工作2021年度报告

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


def body_markers(text: str) -> list[str]:
    """The report section headings found in a page's text."""
    return [m for m in BODY_MARKERS if m in text]
