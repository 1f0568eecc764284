"""parsers.verdict: one verdict per page, on the pages that used to end discovery."""

from __future__ import annotations

from crawler.scoring import STRONG, link_score
from parsers import parse_report
from parsers.page import read_page
from parsers.report import assemble
from parsers.verdict import Kind, Verdict, judge, page_year

SECTIONS = (
    "<p>一、总体情况</p><p>本年度，我县认真贯彻落实《中华人民共和国政府信息公开条例》。</p>"
    "<p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>0</td></tr></table>"
    "<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>"
    "<p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p>"
)
# The footer every government site carries: 党政机关 badge, 公安备案, 找错 (pucha) pictures.
FOOTER = (
    '<div class="footer"><a href="http://bszs.conac.cn/sitename?method=show&id=1">'
    '<img src="/images/red.png" width="60"></a>'
    '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=1">'
    '<img src="/images/ga.png"> 黔公网安备 52052702000001号</a>'
    '<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=5205270001">'
    '<img src="/images/zhaocuo.png"></a><p>主办：某县人民政府办公室</p></div>'
)


def html(title: str, main: str, *, head_title: str | None = None) -> str:
    return (
        f"<html><head><title>{head_title or title}_某县人民政府</title></head><body>"
        '<div class="header"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>'
        f'<div class="main"><h2 class="title">{title}</h2>{main}</div>{FOOTER}</body></html>'
    )


def verdict_of(markup: str, **kwargs) -> Verdict:
    return judge(read_page(markup, "http://www.example.gov.cn/p.html"), **kwargs)


def test_menu_page_title_is_not_its_link_texts_and_it_is_no_lookalike():
    """A 政务公开 index whose body is a bare <ul> menu: not a rejected 法治政府建设 report."""
    names = ("政府工作报告", "政务公开工作要点", "法治政府建设", "政府信息公开指南",
             "政府信息公开制度", "政府信息公开年报")  # fmt: skip
    for item in ("<li><a href='/{i}.html'>{name}</a></li>", "<a href='/{i}.html'>{name}</a>"):
        menu = "".join(item.format(i=i, name=n) for i, n in enumerate(names))
        markup = (
            "<html><head><title>政务公开</title></head><body>"
            f"<div class='list'><ul>{menu}</ul></div></body></html>"
        )
        page = read_page(markup)
        assert page.title is None or not any(n in page.title for n in names)
        verdict = judge(page)
        assert verdict.kind is Kind.UNRELATED
        assert not verdict.is_report


def test_column_without_year_and_with_footer_badges_is_no_report():
    """A script-filled 年报 column: its name as title, no prose, the footer's pictures."""
    scripts = "<div id='list'></div><script>$.get('/api/list', {columnId: 12})</script>"
    for title in ("政府信息公开年报", "政府信息公开工作年度报告"):
        verdict = verdict_of(html(title, scripts))
        assert verdict.kind is not Kind.SCANNED and not verdict.is_report
        assert verdict.classification == "rejected:无年份"


def test_scanned_report_needs_a_year_and_pictures_of_the_body():
    pictures = "".join(
        f'<p><a href="/uploads/nb2022_{n}.jpg"><img src="/uploads/nb2022_{n}.jpg"></a></p>'
        for n in range(3)
    )
    title = "某县人民政府2022年政府信息公开工作年度报告"
    assert verdict_of(html(title, pictures)) == Verdict(Kind.SCANNED, "扫描图片")
    undated = verdict_of(html("政府信息公开工作年度报告", pictures))
    assert not undated.is_report
    badges_only = verdict_of(html(title, "<p>发布时间：2023-01-20</p>"))
    assert badges_only.kind is Kind.REJECTED and badges_only.reason == "仅提及年报"


def test_chinese_numeral_year_is_a_year_for_the_verdict_and_the_link_score():
    title = "某县人民政府二〇二一年度政府信息公开工作年度报告"
    page = read_page(html(title, SECTIONS))
    assert page_year(page) == 2021
    assert judge(page) == Verdict(Kind.REPORT, "报告正文")
    assert link_score(title, "/art/2022/1/20/art_1.html") == STRONG


def test_page_linking_two_reports_is_a_list():
    item = '<li><a href="/nb/{y}.html">某县{y}年政府信息公开工作年度报告</a></li>'
    links = "".join(item.format(y=y) for y in (2021, 2022))
    verdict = verdict_of(html("政府信息公开年报", f"<ul>{links}</ul>"), report_links=2)
    assert verdict == Verdict(Kind.LIST, "链接2篇年报")


def test_lookalike_with_a_year_is_rejected_with_its_reason():
    verdict = verdict_of(html("某县2022年法治政府建设年度报告", SECTIONS))
    assert verdict.classification == "rejected:法治政府建设年度报告"


def test_report_with_an_attachment_and_a_year_in_its_title():
    markup = html("某县2022年政府信息公开工作年度报告", '<p><a href="/f/nb.pdf">附件下载</a></p>')
    assert verdict_of(markup, has_attachment=True) == Verdict(Kind.REPORT, "附件")
    assert not verdict_of(markup).is_report


def test_assemble_uses_the_carried_verdict():
    """The parse pipeline hands the spider's verdict on: the page is not judged again."""
    page = read_page(html("某县2022年政府信息公开工作年度报告", SECTIONS))
    scanned = assemble(page, Verdict(Kind.SCANNED, "扫描图片"))
    assert [f.rule for f in scanned.findings] == ["image_only"]
    rejected = assemble(page, Verdict(Kind.REJECTED, "政府工作报告"))
    assert [f.rule for f in rejected.findings] == ["not_a_report"]
    assert "政府工作报告" in rejected.findings[0].message
    wrapper = assemble(page, Verdict(Kind.REPORT, "附件"))  # the report is the attachment
    assert [f.rule for f in wrapper.findings] == ["not_a_report"]
    assert "附件" in wrapper.findings[0].message
    data = html("某县2022年政府信息公开工作年度报告", SECTIONS).encode()
    assert not [f for f in parse_report(data).findings if f.rule == "not_a_report"]


def test_verdict_round_trips_through_its_dict():
    verdict = Verdict(Kind.LIST, "链接3篇年报")
    assert Verdict.from_dict(verdict.to_dict()) == verdict
    assert Verdict.from_dict(None) is None


def test_list_titles_cut_short_still_score_as_reports():
    from scrapy.http import HtmlResponse

    from crawler.discovery.generic import anchors

    assert link_score("某县人民政府2023年政府信息公开…", "/art/2024/1/1/art_1.html") == STRONG
    body = (
        '<a href="/art/1.html" title="某县人民政府2023年政府信息公开工作年度报告">某县人民政府'
        "2023年政府信…</a>"
    )
    response = HtmlResponse("http://x.gov.cn/", body=body.encode(), encoding="utf-8")
    assert list(anchors(response)) == [
        ("http://x.gov.cn/art/1.html", "某县人民政府2023年政府信息公开工作年度报告")
    ]


def test_a_pdf_shown_in_a_viewer_is_the_page_attachment():
    from scrapy.http import HtmlResponse

    from crawler.pagemeta import attachment_links

    body = '<iframe src="/pdfjs/web/viewer.html?file=/upload/2024/nb2023.pdf"></iframe>'
    response = HtmlResponse("http://x.gov.cn/art/1.html", body=body.encode(), encoding="utf-8")
    assert attachment_links(response) == [("http://x.gov.cn/upload/2024/nb2023.pdf", "")]


def test_year_column_linking_report_files_is_a_list_not_a_report_with_attachments():
    files = "".join(
        f'<li><a href="/f/{t}.pdf">{t}2023年政府信息公开工作年度报告.pdf</a></li>'
        for t in ("城关镇", "石门乡")
    )
    markup = html("2023年政府信息公开工作年度报告", f"<ul>{files}</ul>")
    assert verdict_of(markup, has_attachment=True, report_links=2).kind is Kind.LIST
    assert verdict_of(markup, has_attachment=True, report_links=1).kind is Kind.REPORT


def test_the_year_of_the_link_counts_for_a_report_page_titled_without_one():
    markup = html("政府信息公开工作年度报告", '<p><a href="/f/a.pdf">附件1</a></p>')
    text = "建禾县2023年政府信息公开工作年度报告"
    assert verdict_of(markup, has_attachment=True, link_text=text).kind is Kind.REPORT
    assert verdict_of(markup, has_attachment=True, link_text="年报").kind is Kind.COLUMN
    assert verdict_of(markup, has_attachment=True).kind is Kind.COLUMN


def test_numbered_pages_beside_the_list_are_its_pages():
    from scrapy.http import HtmlResponse

    from crawler.discovery.generic import Generic

    body = '<a href="list_2.html">2</a><a href="/other/list_3.html">3</a><a href="x/4.html">4</a>'
    response = HtmlResponse("http://x.gov.cn/nb/list.html", body=body.encode(), encoding="utf-8")
    kinds = {lead.url: lead.kind for lead in Generic().leads(response)}
    assert kinds == {
        "http://x.gov.cn/nb/list_2.html": "page",
        "http://x.gov.cn/other/list_3.html": "page",
        "http://x.gov.cn/nb/x/4.html": "link",
    }
