"""Report metadata read from text: year, agency, dates, the signature, a plain-text report's title.

Shared by plain-text reports and by :mod:`parsers.page` (which reads the same things off a
page's title, info block and body text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９－／．：　",
    "0123456789-/.: ",
)
_CN_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "０": 0,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_DIGIT = "〇○零Ｏ一二三四五六七八九"
_CN_ZERO = "〇○零ＯOo０"
_CN_YEAR = rf"二[{_CN_ZERO}][{_CN_ZERO}一二三][{_CN_DIGIT}Oo]"  # 二〇〇〇 … 二〇三九
_YEAR = re.compile(rf"((?:19|20)\d\d|{_CN_YEAR})\s*年(度)?")
_TITLE_WORDS = ("年度报告", "工作报告", "年报")  # a title line of a plain-text report
# Titles, in one place: a page's or document's title names a report with one of REPORT_WORDS;
# a title found among the first lines of a text is at most TITLE_MAX characters long, one line
# of a title printed over several lines (a PDF's, a Word file's) at most TITLE_LINE_MAX.
REPORT_WORDS = ("报告", "年报")
TITLE_MAX = 80
TITLE_LINE_MAX = 60
_AGENCY_END = re.compile(
    r"(人民政府|政府|办事处|委员会|管理委员会|管委会|办公室|办公厅|局|委|厅|署|院|中心|所|站|"
    r"街道|镇|乡|县|区|市|旗|部|会|处|室|队|馆|社|公司)$"
)
_CN_NUMBER = r"(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"  # 1 … 39
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
    r"|[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2}))"
    rf"|(?P<cy>{_CN_YEAR})\s*年\s*(?P<cm>{_CN_NUMBER})\s*月\s*(?P<cd>{_CN_NUMBER})\s*日"
)


def normalize(text: str) -> str:
    """Full-width digits and punctuation that matter for dates and years, to ASCII."""
    return text.translate(_FULL_WIDTH)


def _cn_number(text: str) -> int:
    """一 … 三十一 (also digit-by-digit years such as 二〇二一) to an int."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _year_value(token: str) -> int:
    return int(token) if token.isdigit() else _cn_number(token)


def year_in(text: str | None) -> int | None:
    """The first year written as ``2021年`` / ``2021年度`` / ``二〇二一年`` in ``text``."""
    if not text:
        return None
    m = _YEAR.search(normalize(text))
    return _year_value(m.group(1)) if m else None


def parse_date(text: str | None) -> str | None:
    """The first date in ``text`` (2022年1月20日, 2022-01-20, 二〇二二年一月二十日) as ISO."""
    if not text:
        return None
    for m in _DATE.finditer(normalize(text)):
        if m.group("y"):
            year = int(m.group("y"))
            month = int(m.group("m1") or m.group("m2"))
            day = int(m.group("d1") or m.group("d2"))
        else:
            year = _year_value(m.group("cy"))
            month, day = _cn_number(m.group("cm")), _cn_number(m.group("cd"))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def clean_title(title: str | None) -> str | None:
    """A title without surrounding space, enclosing book-title marks or a markdown ``#``."""
    if not title:
        return None
    title = re.sub(r"\s+", " ", title).strip().lstrip("#").strip()  # also markdown headings
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1].strip()
    return title or None


def agency_from_title(title: str | None) -> str | None:
    """The reporting body a title names: 瓦屋镇2021年… → 瓦屋镇; 2019年上海市…办公厅…"""
    if not title:
        return None
    title = normalize(clean_title(title) or "")
    quoted = re.search(r"《([^》]+)》", title)
    if quoted:  # 一图读懂《某县2021年…报告》: the name is inside the marks
        title = quoted.group(1)
    m = _YEAR.search(title)
    if not m:
        return None
    before = re.sub(r"(关于|的)$", "", title[: m.start()].strip(" 《》:")).strip()
    if before:
        return before
    after = title[m.end() :]
    cut = re.search(r"(关于)?(政府|政务)?信息公开|政务公开", after)
    if cut and cut.start() > 0:
        name = after[: cut.start()].strip(" 《》")
        if name.endswith("人民") and after.startswith("政府", cut.start()):
            name += "政府"  # 某县人民政府信息公开… : the 政府 belongs to the name
        return name or None
    return None


@dataclass(slots=True)
class Signature:
    """The closing lines of a report: who signs it and when."""

    agency: str | None
    date: str | None


def signature(text: str, *, tail_lines: int = 8) -> Signature:
    """The signature at the end of a report: ``XX镇人民政府`` then ``2022年1月20日``."""
    lines = [ln.strip() for ln in text[-2000:].splitlines() if ln.strip()][-tail_lines:]
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if len(line) > 40:
            continue
        date = parse_date(line)
        if not date:
            continue
        rest = _DATE.sub("", normalize(line)).strip(" \t,，()（）")
        if rest and not _is_agency(rest):
            continue  # a date inside other text (a list entry, a sentence): not a signature
        agency = rest or None
        if agency is None and i > 0 and _is_agency(lines[i - 1]):
            agency = lines[i - 1]
        return Signature(agency, date)
    return Signature(None, None)


def _is_agency(line: str) -> bool:
    line = line.strip()
    return (
        2 <= len(line) <= 30
        and not re.search(r"[。，,；;：:（(）)\d\t]", line)
        and bool(_AGENCY_END.search(line))
    )


def title_in_text(text: str, *, first_lines: int = 6) -> str | None:
    """A plain-text report's title: one of its first lines naming a report."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:first_lines]
    for line in lines:
        if len(line) <= TITLE_MAX and any(w in line for w in _TITLE_WORDS) and "\t" not in line:
            return clean_title(line)
    return None


def year_of_report(title: str | None, text: str, published: str | None) -> int | None:
    """The year reported on: from the title, else the opening of the text, else published − 1."""
    year = year_in(title)
    if year:
        return year
    start = text.find("总体情况")
    year = year_in(text[start : start + 200]) if start >= 0 else None
    if year:
        return year
    if published:
        return int(published[:4]) - 1
    return None


@dataclass(slots=True)
class TextMeta:
    """What a plain-text report says about itself."""

    title: str | None
    agency: str | None
    year: int | None
    published: str | None


def read_text(text: str) -> TextMeta:
    """Title from the first lines, agency and date from the signature (plain-text reports)."""
    title = title_in_text(text)
    sig = signature(text)
    agency = agency_from_title(title) or sig.agency
    return TextMeta(title, agency, year_of_report(title, text, sig.date), sig.date)
