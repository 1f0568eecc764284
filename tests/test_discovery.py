"""Discovery strategies on pages of the mock portals, loaded as Scrapy responses (no network)."""

from __future__ import annotations

import json
from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from crawler.discovery import Lead, strategies
from crawler.discovery.anhui import Anhui
from crawler.discovery.generic import Generic
from crawler.discovery.gkmlpt import Gkmlpt
from crawler.discovery.hanweb import Hanweb
from crawler.discovery.trs import Trs
from crawler.items import PageItem
from crawler.pagemeta import attachment_links, gb_decoded
from crawler.scoring import STRONG
from crawler.spiders.annual_reports import AnnualReportsSpider
from nianbao.testing.portalserver import PORTALS_DIR
from parsers.classify import BODY_MARKERS
from parsers.page import read_page
from pipelines.attachments import attachment_extension

HOST = "http://www.example.gov.cn"


def title_of(response: TextResponse) -> str | None:
    return read_page(response.text, response.url).title


def page(site: str, path: str, url_path: str | None = None) -> HtmlResponse:
    body = (PORTALS_DIR / site / "www" / path.lstrip("/")).read_bytes()
    return HtmlResponse(HOST + (url_path or path), body=body)


def test_strategies_registry():
    assert list(strategies()) == ["generic", "trs", "hanweb", "gkmlpt", "anhui", "scripts"]


def test_trs_create_page_html():
    response = page("trs", "/zwgk/zfxxgk/zfxxgknb/index.html")
    assert Trs().detect(response)
    leads = list(Trs().leads(response))
    assert leads == [Lead(f"{HOST}/zwgk/zfxxgk/zfxxgknb/index_1.html", "2", "page")]


def test_trs_second_page_points_back_to_first():
    response = page("trs", "/zwgk/zfxxgk/zfxxgknb/index_1.html")
    assert [lead.url for lead in Trs().leads(response)] == [
        f"{HOST}/zwgk/zfxxgk/zfxxgknb/index.html"
    ]


def test_trs_gbk_page_title_and_labels():
    response = page("trs", "/zwgk/zfxxgk/zfxxgknb/2022n/202301/t20230120_2002.html")
    assert response.encoding == "gb18030"
    read = read_page(gb_decoded(response).text, response.url)
    assert read.title == "金堃镇人民政府2022年政府信息公开工作年度报告"
    assert (read.index_no, read.publisher) == ("QS-2023-0012", "金堃镇人民政府")


def test_generic_next_page_and_links():
    response = page("pagelist", "/xxgk/xxgknb/list.html")
    leads = list(Generic().leads(response))
    pages = [lead for lead in leads if lead.kind == "page"]
    assert pages == [  # 共3页: page 3 announced with page 2
        Lead(f"{HOST}/xxgk/xxgknb/list.html?page=2", "下一页", "page"),
        Lead(f"{HOST}/xxgk/xxgknb/list.html?page=3", "3", "page"),
    ]
    texts = {lead.text for lead in leads if lead.kind == "link"}
    assert "白水县人民政府2023年政府信息公开工作年度报告" in texts


def test_pagers_announce_at_most_max_announced_pages():
    from crawler.discovery import MAX_ANNOUNCED_PAGES

    trs = HtmlResponse(
        f"{HOST}/col/index.html",
        body=b'<script>createPageHTML(50000, 0, "index", "html");</script>',
        encoding="utf-8",
    )
    urls = [lead.url for lead in Trs().leads(trs)]
    assert len(urls) == MAX_ANNOUNCED_PAGES - 1  # the current page is not announced
    assert urls[-1] == f"{HOST}/col/index_{MAX_ANNOUNCED_PAGES - 1}.html"
    hanweb = page("hanweb", "/col/col1229214366/index.html")
    huge = hanweb.text.replace("totalRecord: 12", "totalRecord: 9999999")
    hanweb = hanweb.replace(body=huge.encode("utf-8"), encoding="utf-8")
    groups = [lead for lead in Hanweb().leads(hanweb) if lead.kind == "page"]
    assert len(groups) == MAX_ANNOUNCED_PAGES


def test_hanweb_embedded_records_and_dataproxy_groups():
    response = page("hanweb", "/col/col1229214366/index.html")
    assert Hanweb().detect(response)
    leads = list(Hanweb().leads(response))
    links = [lead for lead in leads if lead.kind == "link"]
    feeds = [lead for lead in leads if lead.kind == "page"]
    assert len(links) == 3
    assert links[0].url == f"{HOST}/art/2024/1/22/art_1229214366_58900001.html"
    assert len(feeds) == 1 and feeds[0].strategy == "hanweb"
    assert "/module/jpage/dataproxy.jsp?startrecord=4&endrecord=48&perpage=15" in feeds[0].url
    assert "columnid=1229214366" in feeds[0].url and "unitid=4451" in feeds[0].url


def test_hanweb_dataproxy_xml():
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>2</totalrecord>'
        "<recordset><record><![CDATA[<li><a href='/art/2023/1/1/art_1_1.html' "
        "title='某镇2022年政府信息公开工作年度报告'>某镇2022年…</a></li>]]></record>"
        "</recordset></datastore>"
    )
    response = TextResponse(f"{HOST}/module/jpage/dataproxy.jsp", body=xml.encode())
    assert list(Hanweb().feed_leads(response)) == [
        Lead(f"{HOST}/art/2023/1/1/art_1_1.html", "某镇2022年政府信息公开工作年度报告")
    ]


def test_hanweb_script_without_literal_counts_keeps_embedded_records():
    response = page("hanweb", "/col/col1229214366/index.html")
    html = response.text.replace("totalRecord: 12", "totalRecord: store.total")
    assert "store.total" in html
    response = response.replace(body=html.encode("utf-8"), encoding="utf-8")
    leads = list(Hanweb().leads(response))  # no ValueError on int("store.total")
    assert [lead.kind for lead in leads] == ["link"] * 3  # no total: no dataproxy groups


def test_gkmlpt_feed_that_is_not_a_json_object_is_logged(caplog):
    url = f"{HOST}/gkmlpt/api/all/2031?page=1&sid=755031"
    for body in (b"<html>502 Bad Gateway</html>", b"[1, 2]"):
        response = TextResponse(url, body=body, encoding="utf-8")
        assert list(Gkmlpt().feed_leads(response)) == []
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 2 and all(url in w for w in warnings)


def test_gkmlpt_columns_from_config():
    response = page("gkmlpt", "/gkmlpt/index", "/gkmlpt/index")
    assert Gkmlpt().detect(response)
    leads = {lead.text: lead for lead in Gkmlpt().leads(response)}
    assert leads["政府信息公开年报"].url == f"{HOST}/gkmlpt/api/all/2031?page=1&sid=755031"
    assert leads["镇街信息公开年报"].kind == "feed"
    assert "工作动态" in leads  # scored (and dropped) by the spider, not here


def test_gkmlpt_columns_written_as_javascript_literals():
    config = (
        "<script>window._CONFIG = {SID: '725962', ROOT: '/gkmlpt', SITE_NAME: '某县'};"
        "window.CLASSIFY = [{id: 572121, name: '政府信息公开年报'}, "
        "{name: '信息公开年报', 'id': '572127'}];</script><script src='/gkmlpt/app.js'></script>"
    )
    body = f"<html><head>{config}</head><body><div id='app'></div></body></html>"
    response = HtmlResponse(f"{HOST}/gkmlpt/index", body=body.encode(), encoding="utf-8")
    assert Gkmlpt().detect(response)
    assert [(lead.text, lead.url, lead.kind) for lead in Gkmlpt().leads(response)] == [
        ("政府信息公开年报", f"{HOST}/gkmlpt/api/all/572121?page=1&sid=725962", "feed"),
        ("信息公开年报", f"{HOST}/gkmlpt/api/all/572127?page=1&sid=725962", "feed"),
    ]


def test_trs_pager_numbers_from_page_variables():
    body = (
        "<html><body><ul><li><a href='./t1.html'>a</a></li></ul><script>var countPage = 3;"
        'var currentPage = 0;createPageHTML(countPage, currentPage, "list_frame_9", "html");'
        "</script></body></html>"
    )
    response = HtmlResponse(f"{HOST}/zwgk/c9/list_frame_9.html", body=body.encode(),
                            encoding="utf-8")  # fmt: skip
    assert [lead.url for lead in Trs().leads(response)] == [
        f"{HOST}/zwgk/c9/list_frame_9_1.html",
        f"{HOST}/zwgk/c9/list_frame_9_2.html",
    ]


def test_hanweb_column_without_embedded_records_is_fed_by_the_proxy():
    body = (
        "<html><body><div id='5826757'></div><script>var dataStore = null;</script><script>"
        "$('#5826757').jpage({dataStore: dataStore, perPage: 6, totalRecord: 20, groupSize: 3,"
        " proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: {appid: '1', webid: '1',"
        " columnid: '626757', unitid: '5826757'}});</script></body></html>"
    )
    response = HtmlResponse(f"{HOST}/col/col626757/index.html", body=body.encode(),
                            encoding="utf-8")  # fmt: skip
    leads = list(Hanweb().leads(response))
    assert [(lead.kind, lead.strategy, lead.text) for lead in leads] == [("feed", "hanweb", "")] * 2
    assert "startrecord=1&endrecord=18" in leads[0].url
    assert "startrecord=19&endrecord=36" in leads[1].url


def test_gkmlpt_api_json_and_next_page():
    data = {
        "articles": [{"title": "梅江区2022年政府信息公开工作年度报告", "url": "/c/post_1.html"}],
        "total": 12,
        "page": 1,
        "page_size": 5,
    }
    url = f"{HOST}/gkmlpt/api/all/2031?page=1&sid=755031"
    response = TextResponse(url, body=json.dumps(data).encode(), encoding="utf-8")
    leads = list(Gkmlpt().feed_leads(response))
    assert leads[0] == Lead(f"{HOST}/c/post_1.html", "梅江区2022年政府信息公开工作年度报告")
    assert leads[1] == Lead(
        f"{HOST}/gkmlpt/api/all/2031?page=2&sid=755031", "下一页", "page", "gkmlpt"
    )


def test_anhui_page_n_lists():
    html = "<html><body><ul><li>…</li></ul><div>共 3 页</div></body></html>".encode()
    url = f"{HOST}/XxgkContent/showList/440/26067/page_1.html"
    response = HtmlResponse(url, body=html, encoding="utf-8")
    assert Anhui().detect(response)
    assert [lead.url for lead in Anhui().leads(response)] == [
        f"{HOST}/XxgkContent/showList/440/26067/page_2.html",
        f"{HOST}/XxgkContent/showList/440/26067/page_3.html",
    ]


def test_attachment_links_and_extensions():
    response = page("hanweb", "/art/2023/1/20/art_1229214366_58800002.html")
    ((url, text),) = attachment_links(response)
    assert url == f"{HOST}/module/download/downfile.jsp?classid=0&filename=jb2022.docx"
    assert text.endswith(".docx")
    assert attachment_extension(url) == ".docx"
    assert attachment_extension(f"{HOST}/a/b.PDF") == ".pdf"
    assert attachment_extension(f"{HOST}/a/b.html") == ""


def test_manifests_name_existing_pages():
    for manifest in PORTALS_DIR.glob("*/expected.json"):
        site = json.loads(manifest.read_text(encoding="utf-8"))
        www = manifest.parent / "www"
        for report in site["reports"]:
            if not report["url"].startswith("/uploadfiles/"):
                assert (www / report["url"].lstrip("/")).is_file(), report["url"]
            assert report["cells"] or report["findings"] == ["image_only"], report["url"]
        assert len(site["reports"]) >= 6
    assert Path(PORTALS_DIR / "trs" / "www" / "robots.txt").is_file()


def test_gb_fallback_for_missing_or_wrong_charset():
    html = "<html><head><title>城关镇2022年政府信息公开工作年度报告</title></head></html>"
    body = html.encode("gbk")
    undeclared = HtmlResponse(HOST + "/a.html", body=body)
    assert gb_decoded(undeclared).encoding == "gb18030"
    assert title_of(gb_decoded(undeclared)) == "城关镇2022年政府信息公开工作年度报告"
    wrong = HtmlResponse(
        HOST + "/b.html", body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    assert title_of(gb_decoded(wrong)) == "城关镇2022年政府信息公开工作年度报告"
    utf8 = HtmlResponse(HOST + "/c.html", body=html.encode("utf-8"))
    assert gb_decoded(utf8) is utf8


def spider_verdicts(*responses: HtmlResponse) -> list[PageItem]:
    """Items the spider yields for candidate pages (score STRONG, as from a report link)."""
    crawler = get_crawler(AnnualReportsSpider)
    spider = AnnualReportsSpider.from_crawler(crawler, start_urls=HOST + "/index.html")
    crawler.stats.open_spider()
    items = []
    for response in responses:
        response.meta.update({"site_id": "s", "score": STRONG})
        items += [x for x in spider.parse(response) if isinstance(x, PageItem)]
    return items


def candidate(path: str, html: str) -> HtmlResponse:
    request = Request(HOST + path)
    return HtmlResponse(request.url, body=html.encode("utf-8"), request=request)


def test_spider_reads_pages_with_the_parsers_page_reader():
    """Title, 索引号, 发布机构 from ``parsers.page.read_page``; the verdict from the body, so a
    menu naming report sections (主动公开, 行政复议) does not make a news item a report."""
    path = "/zwgk/zfxxgk/zfxxgknb/2022n/202301/t20230120_2002.html"
    report = page("trs", path).replace(request=Request(HOST + path))
    menu = "".join(f"<li><a href='/{n}'>{w}</a></li>" for n, w in enumerate(BODY_MARKERS))
    news = candidate(
        "/xw/1.html",
        f"<html><head><title>青山县2022年政府信息公开工作年度报告已上线-青山县</title></head>"
        f"<body><ul class='menu'>{menu}</ul><div class='article-content'>"
        "<p>近日，2022年政府信息公开工作年度报告已在门户网站上线，欢迎查阅。</p>"
        "</div></body></html>",
    )
    got, rejected = spider_verdicts(report, news)
    assert got.classification == "report"
    assert got.title == "金堃镇人民政府2022年政府信息公开工作年度报告"
    assert (got.index_no, got.publisher) == ("QS-2023-0012", "金堃镇人民政府")
    assert got.body == report.body and got.encoding == "gb18030"
    assert rejected.classification == "rejected:仅提及年报"
    assert (rejected.body, rejected.index_no) == (None, None)
