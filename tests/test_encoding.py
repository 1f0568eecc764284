"""Decoding portal pages: declared, wrong, missing charsets; BOM; the GB family as GB18030."""

from __future__ import annotations

import pytest

from parsers.encoding import decode, to_text

TEXT = "瓦屋镇2021年政府信息公开工作年度报告：本年新收政府信息公开申请数量 3 件，鍼犇𠀀"
GB_TEXT = "瓦屋镇2021年政府信息公开工作年度报告：本年新收政府信息公开申请数量 3 件，鍼犇"


def page(charset: str | None, body: str = TEXT) -> str:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        if charset
        else ""
    )
    return f"<html><head>{meta}<title>年报</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize("declared", ["utf-8", "UTF8", None, "gbk", "gb2312", "iso-8859-1"])
def test_utf8_bytes_stay_utf8_whatever_the_declaration(declared):
    text, codec = decode(page(declared).encode("utf-8"))
    assert TEXT in text
    assert codec == "utf-8"


@pytest.mark.parametrize("declared", ["gbk", "gb2312", "GB2312", None, "utf-8", "iso-8859-1"])
def test_gbk_bytes_decode_as_gb18030_whatever_the_declaration(declared):
    text, codec = decode(page(declared, GB_TEXT).encode("gbk"))
    assert GB_TEXT in text
    assert codec == "gb18030"


def test_gb18030_only_characters_survive():
    """Characters outside GBK (𠀀) need GB18030 even when the page says gb2312."""
    text, _ = decode(page("gb2312").encode("gb18030"))
    assert TEXT in text


def test_http_header_charset_is_a_hint_not_an_order():
    text, codec = decode(page(None, GB_TEXT).encode("gbk"), "text/html; charset=utf-8")
    assert GB_TEXT in text and codec == "gb18030"
    text, codec = decode(page(None, GB_TEXT).encode("gbk"), "text/html; charset=GBK")
    assert GB_TEXT in text and codec == "gb18030"


def test_utf8_bom_is_read_and_removed():
    text, codec = decode(b"\xef\xbb\xbf" + page("gbk").encode("utf-8"))
    assert text.startswith("<html>")
    assert TEXT in text and codec == "utf-8"


def test_utf16_bom():
    text, _ = decode(page(None).encode("utf-16"))
    assert TEXT in text


def test_a_stray_byte_costs_one_character_not_the_page():
    data = page("gbk", GB_TEXT).encode("gbk") + b"\xff" + "本年新收申请数量".encode("gbk")
    text, codec = decode(data)
    assert GB_TEXT in text
    assert text.endswith("\ufffd本年新收申请数量")
    assert codec == "gb18030"


def test_to_text_passes_str_through_without_bom():
    assert to_text("\ufeff瓦屋镇") == "瓦屋镇"
    assert to_text("瓦屋镇".encode("gbk")) == "瓦屋镇"
