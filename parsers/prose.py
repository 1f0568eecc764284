"""Figures stated in the prose of a report without tables (2008–2018, before the formats).

``read_prose(text)`` reads sentences such as 全年主动公开政府信息1234条, 共受理政府信息公开
申请56件，其中当面申请10件、网络申请40件…, 同意公开50件, 行政复议3件 into the canonical
cells where they map (:data:`parsers.schema.PROSE_ROWS` and friends for the figures the
official formats have no cell for). Each cell keeps the sentence it was read from as ``raw``.

Only a number written with a count unit right after it (件/条/项/个/起/宗/份/次) is read:
percentages (按时答复率100%), approximations (1200余条) and changes (比上年增加12件, 同比)
are not counts of the year and are skipped. A statement that there were none (未发生…行政复议)
is read as 0. The first statement of a figure wins (the total comes before its breakdown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.schema import ActiveCell, ApplicationCell, ReviewCell

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"(?P<n>\d[\d,，]*|[零〇一二两三四五六七八九十百千万]+)"
_UNIT = r"(?P<u>件|条|项|个|起|宗|份|次|人次)"
_GAP = r"[^，,。；;：:\d%％（）()零〇一二两三四五六七八九十百千万]{0,{gap}}?"
_CHANGE = re.compile(r"(比|较|同比|上年|去年|增加|减少|增长|下降|增|减)$")
_SENTENCE = re.compile(r"[^。；;！!\n]+")

# (key, pattern before the number, longest gap): key is section:key1:key2.
_RULES: tuple[tuple[str, str, int], ...] = (
    ("active:all_information:published", r"主动(?:向社会)?公开(?:各类)?(?:政府)?信息", 10),
    ("active:all_information:published", r"共公开(?:各类)?政府信息", 6),
    ("active:all_information:published", r"(?:主动|共)(?:发布|公布)(?:各类)?(?:政府)?信息", 6),
    (
        "applications:new_received:total",
        r"(?:受理|收到|接到|接收)[^，,。；;\d]{0,20}?信息公开申请",
        6,
    ),
    (
        "applications:new_received:total",
        r"(?:受理|收到|接到)(?:了)?依申请公开(?:政府信息)?(?:申请)?",
        4,
    ),
    ("applications:received_in_person:total", r"(?:当面|现场)", 6),
    ("applications:received_online:total", r"(?:网络|网上|互联网|在线|网站)", 6),
    ("applications:received_by_letter:total", r"(?:信函|邮寄|书面)", 6),
    ("applications:received_by_fax:total", r"传真", 6),
    ("applications:received_by_email:total", r"电子邮件", 6),
    ("applications:total_processed:total", r"(?:已)?(?:全部)?(?:办结|答复|回复|处理完毕)", 3),
    ("applications:granted:total", r"(?:同意公开|予以公开|全部公开)", 4),
    ("applications:partially_granted:total", r"部分(?:同意)?公开", 4),
    ("applications:withheld_total:total", r"不予公开", 4),
    (
        "applications:unavailable_total:total",
        r"(?:信息不存在|非本(?:机关|单位)(?:所)?掌握|无法提供)",
        6,
    ),
    ("review:review:total", r"行政复议(?:案件|申请)?", 4),
    ("review:litigation:total", r"行政诉讼(?:案件)?", 4),
)
_COMPILED = tuple(
    (key, re.compile(f"(?:{before}){_GAP.replace('{gap}', str(gap))}[:：]?\\s*{_NUM}\\s*{_UNIT}"))
    for key, before, gap in _RULES
)
# 未发生 / 没有 … 行政复议、行政诉讼: none that year.
_NONE = re.compile(r"(?:未|没有|无)(?:发生|收到|出现|产生)?[^，,。；;\d]{0,16}?(行政复议|行政诉讼)")
_NONE_BOTH = re.compile(r"(?:未|没有|无)[^。；;\d]{0,16}?行政复议(?:[、和及或]|或者)行政诉讼")
_NONE_RECEIVED = re.compile(r"(?:未|没有)(?:收到|受理|接到)[^，,。；;\d]{0,10}?信息公开申请")
_APPLICATION_WORDS = ("申请",)


@dataclass(slots=True)
class ProseFigures:
    """The cells read from a report's sentences."""

    active_disclosure: list[ActiveCell] = field(default_factory=list)
    applications: list[ApplicationCell] = field(default_factory=list)
    review_litigation: list[ReviewCell] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.active_disclosure or self.applications or self.review_litigation)


def cn_number(text: str) -> int | None:
    """一千二百三十四 / 五十六 / 两 / 1,234 → int (None when it is not a number)."""
    text = text.replace(",", "").replace("，", "")
    if text.isdigit():
        return int(text)
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        else:
            return None
    return total + section + digit


def _number(m: re.Match[str], sentence: str) -> int | None:
    before = sentence[: m.start("n")]
    if _CHANGE.search(before[-4:].rstrip("了 ")):
        return None  # 比上年增加12件: a change, not the year's count
    return cn_number(m["n"])


def read_prose(text: str) -> ProseFigures:
    """The figures ``text``'s sentences state (see the module doc)."""
    found: dict[str, tuple[int, str, str | None]] = {}
    for sm in _SENTENCE.finditer(text):
        sentence = sm.group().strip()
        if len(sentence) < 4 or "\t" in sentence or "|" in sentence:
            continue  # table rows are the tables' business
        for key, pattern in _COMPILED:
            if key in found or (
                ":received_" in key and not any(w in sentence for w in _APPLICATION_WORDS)
            ):
                continue
            for m in pattern.finditer(sentence):
                value = _number(m, sentence)
                if value is not None:
                    found[key] = (value, sentence, m["u"])
                    break
        if _NONE_BOTH.search(sentence):
            for key in ("review:review:total", "review:litigation:total"):
                found.setdefault(key, (0, sentence, None))
        if _NONE_RECEIVED.search(sentence):
            found.setdefault("applications:new_received:total", (0, sentence, None))
        for m in _NONE.finditer(sentence):
            key = "review:review:total" if m[1] == "行政复议" else "review:litigation:total"
            found.setdefault(key, (0, sentence, None))
    out = ProseFigures()
    for key, (value, sentence, unit) in found.items():
        section, a, b = key.split(":")
        if section == "active":
            out.active_disclosure.append(ActiveCell(a, b, value, sentence, unit))
        elif section == "applications":
            out.applications.append(ApplicationCell(a, b, value, sentence))
        else:
            out.review_litigation.append(ReviewCell(a, b, value, sentence))
    return out
