"""parsers.values: one cell's text to a number, a blank, or an unreadable cell."""

import pytest

from parsers.values import parse_value


@pytest.mark.parametrize(
    ("raw", "metric", "value", "unit"),
    [
        ("0", None, 0, None),
        ("12", None, 12, None),
        ("１２３", None, 123, None),  # full-width digits
        ("1,234", None, 1234, None),
        ("１，２３４", None, 1234, None),
        ("12件", None, 12, "件"),
        ("3（件）", None, 3, "件"),
        (" 7 ", None, 7, None),
        ("4万元", "fee_amount", 4.0, "万元"),
        ("251000元", "procurement_amount", 251000.0, "元"),  # kept as printed, not rescaled
        ("4068.208", "fee_amount", 4068.208, None),
        ("0.5", "procurement_amount", 0.5, None),
        ("3.0", None, 3, None),  # a whole number written with a decimal point
        ("-2", "change", -2, None),
        ("－2", "change", -2, None),
        ("减少2", "change", -2, None),
        ("增加5", "change", 5, None),
        ("+3", "change", 3, None),
    ],
)
def test_numbers(raw, metric, value, unit):
    parsed = parse_value(raw, metric)
    assert parsed.ok
    assert parsed.value == value
    assert type(parsed.value) is type(value)
    assert parsed.unit == unit
    assert parsed.raw == raw


@pytest.mark.parametrize("raw", ["", " ", "-", "/", "—", "－", "无", "\xa0", "&nbsp;", "——"])
def test_blanks_are_not_reported(raw):
    parsed = parse_value(raw)
    assert parsed.ok and parsed.blank
    assert parsed.value is None
    assert parsed.raw == raw


@pytest.mark.parametrize(
    ("raw", "metric"), [("约5", None), ("l2", None), ("见附件", None), ("3.5", "decisions")]
)
def test_unreadable(raw, metric):
    parsed = parse_value(raw, metric)
    assert not parsed.ok
    assert parsed.value is None
    assert parsed.raw == raw


def test_decimal_metrics_are_floats_counts_are_ints():
    assert parse_value("12", "fee_amount").value == 12.0
    assert isinstance(parse_value("12", "fee_amount").value, float)
    assert isinstance(parse_value("12", "issued").value, int)
