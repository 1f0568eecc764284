"""One table cell's text to a number: ``parse_value("1,234件") → Parsed(1234, "1,234件", "件")``.

Rules (the spec's "Values"):

- full-width digits, signs and separators are read as ASCII; thousands separators are dropped;
- a unit printed after the number (``4万元``, ``12件``, ``3（件）``, ``251000元``) is kept as
  printed in ``unit`` and the number is **not** converted: ``251000元`` in a column defined
  in 万元 stays ``251000`` with ``unit="元"``, so nobody gets a silently rescaled figure;
- negative changes: ``-2``, ``－2``, ``减少2`` (and ``增加2`` / ``+2`` positive);
- blank, ``-``, ``/``, ``—``, ``－``, ``无``, ``\\xa0``, ``&nbsp;`` → not reported (``None``);
- anything else is unreadable: ``None`` with ``ok=False`` (the caller records a finding);
- whole numbers for every metric except :data:`parsers.schema.DECIMAL_METRICS`: ``3.0`` is 3,
  ``3.5`` in a count column is unreadable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from parsers.schema import DECIMAL_METRICS

_TRANSLATE = str.maketrans(
    "０１２３４５６７８９－＋．，／（）　\xa0",
    "0123456789-+.,/()  ",
)
_BLANKS = frozenset({"", "-", "--", "/", "—", "——", "–", "－", "无", "&nbsp;", "空", "\\", "、"})
_UNITS = "万元|千元|亿元|元|件|项|个|次|条|人次|人|家|宗|份|笔|万"
_NUMBER = re.compile(
    rf"^(?P<word>增加|减少|增|减)?(?P<sign>[-+−])?(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+)"
    rf"(?P<frac>\.\d+)?\s*(?:(?P<unit>{_UNITS})|\((?P<punit>{_UNITS})\))?$"
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Parsed:
    """A cell read: ``value`` (None when blank or unreadable), the ``raw`` text, its ``unit``."""

    value: int | float | None
    raw: str
    unit: str | None = None
    ok: bool = True

    @property
    def blank(self) -> bool:
        """True for a cell printed blank (or ``-``, ``/``, ``无`` …): not reported."""
        return self.ok and self.value is None


def clean(raw: str) -> str:
    """The cell text as compared: full-width to ASCII, no whitespace, no ``&nbsp;``."""
    return _SPACES.sub("", raw.replace("&nbsp;", "").translate(_TRANSLATE))


BLANK, NUMBER, TEXT = 0, 1, 2


@lru_cache(maxsize=8192)
def kind(raw: str) -> int:
    """``BLANK`` (not reported), ``NUMBER`` or ``TEXT`` — cached, cells repeat a lot."""
    text = clean(raw)
    if text in _BLANKS:
        return BLANK
    return NUMBER if _NUMBER.match(text) else TEXT


def is_blank(raw: str) -> bool:
    """True when the cell text means "not reported"."""
    return kind(raw) == BLANK


def looks_numeric(raw: str) -> bool:
    """True when the text is a number (with optional sign / unit), not a blank marker."""
    return kind(raw) == NUMBER


def is_value_like(raw: str) -> bool:
    """True for a number or a blank marker: text that sits in a value column."""
    return kind(raw) != TEXT


def parse_value(raw: str, metric: str | None = None) -> Parsed:
    """Read one cell; ``metric`` decides whether decimals are allowed."""
    return _parse(raw, metric in DECIMAL_METRICS)


@lru_cache(maxsize=8192)
def _parse(raw: str, decimal: bool) -> Parsed:
    text = clean(raw)
    if text in _BLANKS:
        return Parsed(None, raw)
    m = _NUMBER.match(text)
    if m is None:
        return Parsed(None, raw, ok=False)
    digits = m["num"].replace(",", "")
    negative = m["sign"] in ("-", "−") or m["word"] in ("减少", "减")
    unit = m["unit"] or m["punit"]
    value: int | float
    if m["frac"]:
        number = float(digits + m["frac"])
        if decimal:
            value = number
        elif number.is_integer():
            value = int(number)
        else:
            return Parsed(None, raw, unit, ok=False)
    else:
        value = float(digits) if decimal else int(digits)
    if negative:
        value = -value
    return Parsed(value, raw, unit)
