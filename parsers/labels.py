"""Printed labels → canonical keys, by meaning (keywords), tolerant of the variants seen.

Every matcher works on :func:`norm` text (no whitespace, ASCII brackets), so labels split over
lines or into single characters (``结 果 / 维 持``) match like the official ones. Patterns are
compiled once at import.
"""

from __future__ import annotations

import re
from functools import lru_cache

from parsers.schema import APPLICANT_PARTS

_TRANSLATE = str.maketrans("（）【】［］．：，　\xa0", "()[][].:,  ")
_NOISE = re.compile(r"[\s#*`>]+")


@lru_cache(maxsize=16384)
def norm(text: str) -> str:
    """Label text as matched: ASCII brackets, no whitespace or markdown marks."""
    return _NOISE.sub("", text.translate(_TRANSLATE))


# --- section of a row ------------------------------------------------------------------------

_SECTION = re.compile(
    r"(?=[主收行存其改第信勾申本上结未复])"  # the first characters below: fails fast elsewhere
    # headings
    r"(?:(?P<h_active>主动公开政府信息(的)?情况)"
    r"|(?P<h_applications>收到(和|及)处理政府信息公开申请)"
    r"|(?P<h_review>行政复议[、,和及]?行政诉讼)"
    r"|(?P<h_end>存在的主要问题|其他需要报告的事项|改进情况)"
    # cues inside a table that tell the section even without a heading
    r"|(?P<c_active>第二十条|^信息内容)"
    r"|(?P<c_applications>勾稽|申请人情况|本年新收|上年结转)"
    r"|(?P<c_review>结果维持|未经复议|复议后起诉))"
)


@lru_cache(maxsize=8192)
def section_signal(text: str) -> tuple[bool, str | None] | None:
    """``(heading, section)`` a row's text announces (section None: the tables end), or None.

    Only the first 80 characters are looked at; the leftmost signal wins. A heading counts
    when it opens the row or the row is short (not a sentence that mentions it).
    """
    m = _SECTION.search(text, 0, 80)
    if m is None or m.lastgroup is None:
        return None
    kind, _, section = m.lastgroup.partition("_")
    if kind == "h" and m.start() > 12 and len(text) >= 60:
        return None
    return kind == "h", (None if section == "end" else section)


# --- section 二 ------------------------------------------------------------------------------

_ITEM = re.compile(
    r"(?P<other_external_services>其他对外管理服务事项|对外管理服务)"
    r"|(?P<normative_documents>规范性文件)"
    r"|(?P<regulations>规章)"
    r"|(?P<administrative_license>行政许可)"
    r"|(?P<administrative_penalty>行政处罚)"
    r"|(?P<administrative_coercion>行政强制)"
    r"|(?P<administrative_fees>事业性收费)"
    r"|(?P<government_procurement>集中采购)"
)
_METRIC = re.compile(
    r"(?P<issued>制发)"
    r"|(?P<abolished>废止)"
    r"|(?P<in_force>现行有效)"
    r"|(?P<fee_amount>收费金额)"
    r"|(?P<decisions>处理决定)"
    r"|(?P<new_made>新制作)"
    r"|(?P<new_published>新公开)"
    r"|(?P<total_published>公开总数|公开总量)"
    r"|(?P<prior_year_count>上一?年项目|上一年)"
    r"|(?P<change>增/?减|增减)"
    r"|(?P<procurement_amount>采购总?金额|总金额)"
    r"|(?P<procurement_count>采购项目数|项目数量)"
    r"|(?P<new_ambiguous>本年新(?!收))"
)
_UNIT = re.compile(r"单位[:：]?(万元|元|千元|亿元)")


@lru_cache(maxsize=4096)
def match_item(label: str) -> str | None:
    """The section-二 item a row label names (``行政规范性文件`` → normative_documents)."""
    m = _ITEM.search(label)
    return m.lastgroup if m else None


@lru_cache(maxsize=4096)
def metrics_in(label: str) -> tuple[str, ...]:
    """Section-二 metric keys named in a header cell, in order (``new_ambiguous`` for 本年新)."""
    return tuple(m.lastgroup for m in _METRIC.finditer(label) if m.lastgroup)


def unit_in(label: str) -> str | None:
    """The unit a header declares (``（单位：万元）`` → 万元)."""
    m = _UNIT.search(label)
    return m.group(1) if m else None


# --- section 三 ------------------------------------------------------------------------------

_APPLICANT_TOKEN = re.compile(
    r"(?P<legal_person>法人或(者)?其他组织|法人)"
    r"|(?P<natural_person>自然人)"
    r"|(?P<commercial_enterprise>商业企业)"
    r"|(?P<research_institution>科研机构)"
    r"|(?P<social_welfare_org>社会公益(组织)?)"
    r"|(?P<legal_service_org>法律服务(机构)?)"
    r"|(?P<numbered>数据(?P<n>[1-6]))"
    r"|(?P<total>总计|合计)"
    r"|(?P<other_org>其他(组织)?)"
    r"|(?P<sep>[(),.、:/|-]|申请人情况)"
)


@lru_cache(maxsize=4096)
def applicant_tokens(cell: str) -> tuple[str, ...] | None:
    """Applicant keys of a header cell made only of applicant labels (or 申请人情况), else None."""
    pos, keys = 0, []
    while pos < len(cell):
        m = _APPLICANT_TOKEN.match(cell, pos)
        if m is None:
            return None
        pos = m.end()
        kind = m.lastgroup
        if kind == "numbered" or m.group("n"):
            keys.append(APPLICANT_PARTS[int(m.group("n")) - 1])
        elif kind in ("legal_person", "sep", None):
            continue
        else:
            keys.append(kind)
    return tuple(keys)


_ROW_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), key)
    for p, key in (
        (r"本年新收", "new_received"),
        (r"上年结转", "carried_over"),
        (r"结转下(一)?年", "carried_forward"),
        (r"国家秘密", "withheld_state_secret"),
        (r"禁止公开|止公开|其他法律", "withheld_prohibited_by_law"),
        (r"三安全|一稳定", "withheld_security_stability"),
        (r"第三方", "withheld_third_party"),
        (r"内部事务", "withheld_internal_affairs"),
        (r"过程性", "withheld_process_info"),
        (r"执法案卷", "withheld_enforcement_file"),
        (r"行政查询|查询事项", "withheld_inquiry"),
        (r"不掌握", "unavailable_not_held"),
        (r"现成信息|另行制作", "unavailable_needs_creation"),
        (r"仍不明确|补[正证]后", "unavailable_unclear"),
        (r"信访|举报|投诉", "rejected_complaint"),
        (r"重复申请", "rejected_duplicate"),
        (r"出版物", "rejected_publication"),
        (r"大量反复|反复申请", "rejected_excessive"),
        (r"确认或重新|重新出具", "rejected_confirmation"),
        (r"逾期不补|不补[正证]", "other_overdue_correction"),
        (r"收费通知|缴纳费用|逾期未按", "other_overdue_fee"),
        (r"部分公开", "partially_granted"),
        (r"不予公开|不予处理|无法提供", "_group"),
        (r"予以公开", "granted"),
        (r"总计|合计", "total_processed"),
        (r"(?:^|[(\d.、])其他(?:情形)?$|^\d\.?其他", "other_other"),
        (r"其他处理|^其他$|\)其他$", "other_processing"),
    )
)


@lru_cache(maxsize=8192)
def match_row(label: str) -> str | None:
    """The section-三 row a (normalised, joined) row label names; ``_group`` for bare groups."""
    for pattern, key in _ROW_RULES:
        if pattern.search(label):
            return key
    return None


# --- section 四 ------------------------------------------------------------------------------

_REVIEW_TOKEN = re.compile(
    r"(?P<litigation_direct>未经复议直接起诉|直接起诉)"
    r"|(?P<litigation_after_review>复议后起诉|经复议后)"
    r"|(?P<review>行政复议)"
    r"|(?P<upheld>维持)"
    r"|(?P<corrected>纠正)"
    r"|(?P<other>其他)"
    r"|(?P<pending>未审结|未结)"
    r"|(?P<total>总计|合计)"
)
PROCEEDING_KEYS = frozenset({"review", "litigation_direct", "litigation_after_review"})


@lru_cache(maxsize=4096)
def review_tokens(cell: str) -> tuple[str, ...]:
    """Proceeding and outcome keys named in a section-四 header cell, in order."""
    return tuple(m.lastgroup for m in _REVIEW_TOKEN.finditer(cell) if m.lastgroup)


# --- any section -----------------------------------------------------------------------------

_HEADER_WORDS = re.compile(r"行政诉讼|信息内容|申请人|第.{1,4}[条项]")
_ENUMERATED = re.compile(r"^[(\[【]|^\d+[.、)]|^[一二三四五六七八九十]+[、.]")  # (一) 1. 三、
_MAX_VALUE_TEXT = 12
_VALUE_WORDS = re.compile(r"附件|附表|见|暂无|无数据|未统计|不适用|不详|待定|待统计|未填|略")


@lru_cache(maxsize=8192)
def known_label(cell: str) -> bool:
    """True when a (normalised) cell names something of the three tables: an item, a metric,
    a section-三 row or group, applicants, a proceeding or outcome, a header word or a cue."""
    if not cell:
        return False
    return bool(
        match_item(cell)
        or metrics_in(cell)
        or match_row(cell)
        or applicant_tokens(cell) is not None
        or review_tokens(cell)
        or section_signal(cell)
        or _HEADER_WORDS.search(cell)
    )


@lru_cache(maxsize=8192)
def value_text(cell: str) -> bool:
    """Short (normalised) text that says why a value is not given: ``见附件``, ``暂无数据``.

    Such text stands in a value column: a value, read as unreadable. Other unknown text
    stays a label: a fragment of a label wrapped over lines (``他处理``
    of ``（六）其 / 他处理``) is not told apart from a value by its position in text.
    Enumerated or bracketed text (``(一)…``, ``3.…``, ``(注…)``) stays a label.
    """
    return (
        0 < len(cell) <= _MAX_VALUE_TEXT
        and _VALUE_WORDS.search(cell) is not None
        and not _ENUMERATED.match(cell)
        and not known_label(cell)
    )
