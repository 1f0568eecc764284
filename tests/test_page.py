"""Reading full portal pages (tests/fixtures/pages): metadata, the body, no chrome, encodings."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html

from nianbao.testing.pages import PAGES, PageSpec, page_bytes
from nianbao.testing.pages import PAGES_DIR as HERE
from parsers.encoding import decode
from parsers.page import read_page, text_of

REPORTS = [spec for spec in PAGES if spec.report]
CHROME = (
    "分享到",
    "上一篇",
    "下一篇",
    "打印本页",
    "关闭窗口",
    "主办单位",
    "ICP备",
    "公网安备",
    "当前位置",
    "相关链接",
    "浏览次数",
    "友情链接",
    "请输入关键字",
    "hm.baidu.com",
    "border-bottom",
)


def read(spec: PageSpec):
    text, _ = decode((HERE / spec.filename).read_bytes())
    return read_page(text, url=f"https://example.gov.cn/{spec.name}.html")


@pytest.fixture(scope="module")
def pages():
    return {spec.name: read(spec) for spec in PAGES}


def test_fixture_files_are_what_the_builder_makes():
    """The committed pages match build.py (run it after changing it)."""
    for spec in PAGES:
        assert (HERE / spec.filename).read_bytes() == page_bytes(spec), spec.filename


def test_fixture_pages_are_full_size_portal_pages():
    sizes = {spec.name: (HERE / spec.filename).stat().st_size for spec in REPORTS}
    assert all(30_000 <= size <= 80_000 for size in sizes.values()), sizes


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.name)
def test_metadata(pages, spec):
    page = pages[spec.name]
    assert page.title == spec.title
    assert page.agency == spec.agency
    assert page.year == spec.year
    assert page.published == spec.published
    assert page.index_no == spec.index_no
    assert page.publisher == spec.publisher
    assert page.url == f"https://example.gov.cn/{spec.name}.html"


def test_metadata_values_spelled_out(pages):
    """A few values written out, so a change in the fixture builder cannot hide a regression."""
    trs = pages["trs_hezhang_2021"]
    assert (trs.title, trs.agency, trs.year) == (
        "赫章县2021年政府信息公开工作年度报告",
        "赫章县",
        2021,
    )
    assert (trs.published, trs.index_no) == ("2022-01-21", "11520527009480737X/2022-00012")
    assert trs.publisher == "赫章县人民政府办公室"
    hanweb = pages["hanweb_jiangbei_2020_gbk"]
    assert (hanweb.agency, hanweb.year, hanweb.published) == ("江北区教育局", 2020, "2021-01-28")
    static = pages["static_zhige_2022_gbk_declared_utf8"]
    # no info block: the date comes from the signature 二〇二三年一月十日
    assert (static.title, static.published, static.index_no) == (
        "止戈镇2022年政府信息公开工作年度报告",
        "2023-01-10",
        None,
    )


@pytest.mark.parametrize("spec", REPORTS, ids=lambda s: s.name)
def test_body_holds_the_report_and_no_chrome(pages, spec):
    page = pages[spec.name]
    assert page.body is not None
    assert "一、总体情况" in page.text
    assert "六、其他需要报告的事项" in page.text
    for word in CHROME:
        assert word not in page.text, word
    if spec.style != "lines":
        assert len(page.body.xpath(".//table")) == 3
        assert "本年新收政府信息公开申请数量" in page.text


@pytest.mark.parametrize("spec", REPORTS, ids=lambda s: s.name)
def test_chinese_text_survives_every_encoding(pages, spec):
    text = pages[spec.name].text
    for phrase in ("危及“三安全一稳定”", "区分处理的", "行政复议"):
        assert phrase in text


def test_table_rows_are_tab_separated_lines(pages):
    lines = pages["trs_hezhang_2021"].text.splitlines()
    review = lines[lines.index("行政复议\t行政诉讼") + 1 :][:3]
    assert review[0].split("\t")[:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert len(review[2].split("\t")) == 15
    assert any(ln.startswith("规章\t") and ln.count("\t") == 3 for ln in lines)


def test_signature_stays_in_the_text(pages):
    text = pages["trs_hezhang_2021"].text
    assert text.endswith("赫章县人民政府\n2022年1月20日")


# --- small pages: one behaviour each -----------------------------------------------------


def test_text_of_keeps_line_structure():
    root = html.fromstring(
        "<div><p>一、总体情况</p>第一行<br>第二行<table><tr><td>本年新<br/>制作数量</td>"
        "<td> 1 </td><td></td></tr></table><p>尾</p></div>"
    )
    assert text_of(root) == "一、总体情况\n第一行\n第二行\n本年新制作数量\t1\t\n尾"


def test_title_from_meta_and_title_suffix_removed():
    page = read_page(
        "<html><head><title>瓦屋镇2021年政府信息公开工作年度报告 - 某某县人民政府</title></head>"
        "<body><div id='zoom'>" + "<p>一、总体情况。内容。</p>" * 20 + "</div></body></html>"
    )
    assert page.title == "瓦屋镇2021年政府信息公开工作年度报告"
    assert (page.agency, page.year) == ("瓦屋镇", 2021)
    page = read_page(
        '<html><head><meta name="ArticleTitle" '
        'content="孝义市教育局2020年政府信息公开工作年度报告">'
        '<meta name="PubDate" content="2021-01-15 08:00"><title>孝义市人民政府</title></head>'
        "<body><div class='j-fontContent'>" + "<p>正文。</p>" * 60 + "</div></body></html>"
    )
    assert (page.title, page.agency, page.published) == (
        "孝义市教育局2020年政府信息公开工作年度报告",
        "孝义市教育局",
        "2021-01-15",
    )


def test_title_with_a_hyphenated_site_name_and_a_meta_date():
    page = read_page(
        "<html><head><title>魏店镇2021年政府信息公开工作年度报告-秦安县人民政府</title>"
        '<meta name="publishdate" content="2022-01-19"></head><body><div id="zoom">'
        + "<p>一、总体情况。</p>" * 30
        + "</div></body></html>"
    )
    assert (page.title, page.agency, page.published) == (
        "魏店镇2021年政府信息公开工作年度报告",
        "魏店镇",
        "2022-01-19",
    )


def test_info_block_as_divs_with_spaced_labels_and_nbsp():
    page = read_page(
        "<html><body><div class='info'><span>索&nbsp;引&nbsp;号：</span><span>000014349/2022-00005"
        "</span><span>发布机构：</span><span>魏店镇人民政府</span><span>成文日期：</span>"
        "<span>2022年01月18日</span></div><h1>魏店镇2021年政府信息公开工作年度报告</h1>"
        "<div class='TRS_Editor'>" + "<p>一、总体情况</p>" * 30 + "</div></body></html>"
    )
    assert (page.index_no, page.publisher, page.published) == (
        "000014349/2022-00005",
        "魏店镇人民政府",
        "2022-01-18",
    )


def test_publication_date_line_and_source():
    page = read_page(
        "<html><body><h2>2021年度梧桐镇政府信息公开工作年度报告</h2><div class='sub'>"
        "发布时间：２０２２-０１-２０ 10:31 来源：梧桐镇 浏览次数：12</div><div id='zoom'>"
        + "<p>正文</p>" * 60
        + "</div></body></html>"
    )
    assert (page.published, page.publisher, page.year) == ("2022-01-20", "梧桐镇", 2021)
    assert page.agency == "梧桐镇"


def test_agency_from_signature_when_the_title_has_none():
    page = read_page(
        "<html><head><title>2021年政府信息公开工作年度报告</title></head><body><div id='zoom'>"
        + "<p>一、总体情况</p><p>2021年，我镇……</p>" * 10
        + "<p>魏店镇人民政府</p><p>2022年1月20日</p></div></body></html>"
    )
    assert (page.agency, page.published, page.year) == ("魏店镇人民政府", "2022-01-20", 2021)


def test_densest_block_without_known_container_drops_chrome():
    nav = "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(40))
    page = read_page(
        f"<html><body><div class='top'><ul>{nav}</ul></div><div class='main'><div class='left'>"
        f"<ul>{nav}</ul></div><div class='wz'>"
        + "<p>一、总体情况。本机关认真贯彻条例。</p>"
        * 30
        + "<table><tr><td>规章</td><td>0</td></tr></table><p>上一篇：<a>某通知</a></p></div></div>"
        "<div class='footer'>主办单位：某县人民政府办公室 ICP备12345678号</div></body></html>"
    )
    assert page.body.get("class") == "wz"
    assert "规章\t0" in page.text
    assert "栏目" not in page.text and "上一篇" not in page.text and "主办单位" not in page.text


def test_report_saved_as_two_editor_blocks():
    page = read_page(
        "<html><body><div class='nav'><a>首页</a></div><div class='article'>"
        "<div class='TRS_Editor'>" + "<p>一、总体情况。正文。</p>" * 30 + "</div>"
        "<div class='TRS_Editor'><table><tr><td>行政许可</td><td>5</td></tr></table></div>"
        "</div></body></html>"
    )
    assert page.body.get("class") == "article"
    assert "一、总体情况" in page.text and "行政许可\t5" in page.text


def test_layout_table_is_not_read_as_a_data_table():
    page = read_page(
        "<html><body><table><tr><td><div id='zoom'><p>一、总体情况</p>"
        + "<p>段落。</p>" * 40
        + "<table><tr><td>行政许可</td><td>5</td></tr></table>"
        + "</div></td></tr></table></body></html>"
    )
    assert "一、总体情况\n" in page.text
    assert "行政许可\t5" in page.text


@pytest.mark.parametrize("markup", ["", "   ", "<!-- only a comment -->", '<?xml version="1.0"?>'])
def test_empty_markup_gives_an_empty_page(markup):
    page = read_page(markup)
    assert page.body is None or page.text == ""
    assert page.title is None and page.year is None


_SOUP = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<div class='TRS_Editor'>", "</div>", "<table>", "<tr>", "<td rowspan='2'>",
                "</td>", "</table>", "<p>", "<br>", "索引号：", "发布日期：2022-01-20",
                "<h1>", "</h1>", "瓦屋镇2021年政府信息公开工作年度报告", "一、总体情况",
                "<script>var a = '<div>';</script>", "<!-- x -->", "<?xml version='1.0'?>",
                "&nbsp;", "<title>", "</title>", "二〇二二年一月二十日", "<meta charset=gbk>",
            ]
        ),
        st.text(max_size=20),
    ),
    max_size=40,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(_SOUP)
def test_any_markup_reads_without_error(parts):
    markup = "".join(parts)
    page = read_page(markup)
    assert isinstance(page.text, str)
    assert page.year is None or 1900 < page.year < 2100
    assert page.published is None or len(page.published) == 10


def test_control_characters_next_to_dropped_scripts():
    page = read_page("\x1f<script>var a = '<div>';</script>索引号：\x0b123/2022-001")
    assert page.index_no == "123/2022-001"


def test_chrome_inside_the_container_is_stripped():
    page = read_page(
        "<html><body><div id='zoom'><p>一、总体情况</p>"
        + "<p>本机关认真贯彻落实条例。</p>" * 20
        + "<table><tr><td>行政许可</td><td>5</td></tr></table>"
        "<p>六、其他需要报告的事项</p><p>无。</p>"
        "<div class='bdshare'>分享到：<a>微信</a><a>微博</a></div>"
        "<p><a href='javascript:window.print()'>【打印本页】</a> <a>【关闭窗口】</a></p>"
        "<p>上一篇：<a href='/a.html'>关于印发某方案的通知</a></p>"
        "<div class='xglj'><h4>相关链接</h4><ul><li><a>某县2020年年报</a></li></ul></div>"
        "</div></body></html>"
    )
    assert page.text.endswith("六、其他需要报告的事项\n无。")
    assert "行政许可\t5" in page.text


def test_loose_date_line_of_old_pages():
    page = read_page(
        "<html><head><title>晋安区2016年政府信息公开工作年度报告</title></head><body><table><tr>"
        "<td>日期：<font>2017-07-21</font>　来源：区政府办</td></tr></table>"
        "<div class='TRS_Editor'>" + "<p>一、概述</p>" * 30 + "</div></body></html>"
    )
    assert (page.published, page.publisher, page.year) == ("2017-07-21", "区政府办", 2016)


def test_every_chrome_phrase_is_found_by_the_text_prefilter():
    """A chrome phrase whose text nodes the XPath prefilter (``CHROME_WORDS``) misses would
    never be stripped: the vocabulary's two forms must agree."""
    from parsers.page import CHROME_PHRASES, CHROME_WORDS

    for phrase in CHROME_PHRASES:
        literal = re.sub(r"\(\?:[^)]*\)\?|\\s\*|[【】]\?", "", phrase)
        assert any(word in literal for word in CHROME_WORDS), phrase
