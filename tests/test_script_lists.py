"""Lists filled by script, read statically: endpoints of inline scripts, answers of any shape.

The pages are written as the CMSs write them (TRS/拓尔思 ``$.ajax`` columns, 开普云 ``fetch``
lists, 政务云 widgets with ``url:`` options, Hanweb jpage datastores, plain XHR).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse

from crawler.discovery import Lead
from crawler.discovery.hanweb import Hanweb
from crawler.discovery.records import data_links, paging, parse_data
from crawler.discovery.scripts import Scripts

HOST = "http://www.example.gov.cn"
COLUMN = f"{HOST}/zwgk/zfxxgknb/index.html"


def column(script: str, extra: str = "") -> HtmlResponse:
    body = (
        "<html><head><title>政府信息公开年报</title>"
        '<script src="/js/jquery.min.js"></script></head><body>'
        f'<div id="list"></div>{extra}<script>{script}</script></body></html>'
    )
    return HtmlResponse(COLUMN, body=body.encode("utf-8"), encoding="utf-8")


def feeds(response: HtmlResponse) -> list[Lead]:
    return [lead for lead in Scripts().leads(response) if lead.kind == "feed"]


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_jquery_ajax_with_data_and_a_variable_column_id():
    response = column(
        "var columnId = '4521'; var pageSize = 15;"
        "function load(pageNo){ $.ajax({ url: '/api/content/list', type: 'get', dataType: 'json',"
        " data: {columnId: columnId, pageNo: pageNo, pageSize: pageSize},"
        " success: function(res){ render(res.data.list); } }); } load(1);"
    )
    [lead] = feeds(response)
    assert lead.url.startswith(f"{HOST}/api/content/list?")
    assert query(lead.url) == {"columnId": "4521", "pageNo": "1", "pageSize": "15"}
    assert (lead.method, lead.strategy) == ("GET", "scripts")


def test_post_form_and_json_bodies():
    form = feeds(column("$.post('/list.do', {chnlId: '88', page: 1}, function(d){ show(d); });"))
    assert [(f.method, f.body, f.body_type) for f in form] == [("POST", "chnlId=88&page=1", "form")]
    fetched = feeds(
        column(
            "fetch('/api/articles', {method: 'POST', headers: {'Content-Type': "
            "'application/json'}, body: JSON.stringify({catId: 'nb', pageIndex: 1})})"
            ".then(r => r.json()).then(draw);"
        )
    )
    assert [(f.url, f.method, f.body_type) for f in fetched] == [
        (f"{HOST}/api/articles", "POST", "json")
    ]
    assert json.loads(fetched[0].body) == {"catId": "nb", "pageIndex": 1}  # a number stays one


def test_xhr_open_concatenated_url_hidden_input_and_widget_option():
    xhr = feeds(
        column(
            "var xhr = new XMLHttpRequest();"
            "xhr.open('GET', '/interface/list?channel=' + $('#channelId').val() + '&p=' + page);"
            "xhr.send();",
            extra='<input type="hidden" id="channelId" value="zfxxgknb">',
        )
    )
    assert query(xhr[0].url) == {"channel": "zfxxgknb", "p": "1"}
    widget = feeds(column("table.render({ elem: '#list', dataUrl: `/data/${'nb'}.json` });"))
    assert [lead.url for lead in widget] == [f"{HOST}/data/nb.json"]


def test_counters_assets_and_unresolvable_urls_are_not_fetched():
    leads = feeds(
        column(
            "$.get('/visit/count.do?id=1'); $.getScript('/js/list.js');"
            "$.ajax({url: getApi() + '/list'}); var share = {url: '/share/weixin.html'};"
        )
    )
    assert leads == []


def test_iframe_and_onclick_links():
    response = column(
        "",
        extra=(
            '<iframe src="/col/col123/list.html" title="年报列表"></iframe>'
            "<li onclick=\"window.open('/art/2023/1/20/art_9_1.html')\">"
            "某县2022年政府信息公开工作年度报告</li>"
        ),
    )
    leads = list(Scripts().leads(response))
    assert Lead(f"{HOST}/col/col123/list.html", "年报列表", "embed") in leads
    assert Lead(f"{HOST}/art/2023/1/20/art_9_1.html", "某县2022年政府信息公开工作年度报告") in leads


@pytest.mark.parametrize(
    "answer",
    [
        {"code": 0, "data": {"list": [{"id": 1, "title": "某县2022年政府信息公开工作年度报告",
                                       "url": "/art/2023/1/1/art_1.html"}],
                             "pageInfo": {"totalPage": 3, "pageNo": 1}}},
        {"rows": [{"DOCTITLE": "某县2022年政府信息公开工作年度报告",
                   "DOCPUBURL": "/art/2023/1/1/art_1.html", "PIC_URL": "/img/a.jpg"}],
         "total": 45, "pageSize": 15},
        [{"name": "某县2022年政府信息公开工作年度报告", "link": "/art/2023/1/1/art_1.html"}],
    ],
    ids=["nested", "trs-upper", "bare-list"],
)  # fmt: skip
def test_json_records_are_found_wherever_they_sit(answer):
    links = list(data_links(answer))
    assert links == [("/art/2023/1/1/art_1.html", "某县2022年政府信息公开工作年度报告")]


def test_paging_fields():
    assert paging({"data": {"pageInfo": {"totalPage": 3, "pageNo": 1}}}).total_pages == 3
    assert paging({"total": 45, "pageSize": 15}).total_pages == 3
    assert paging([{"a": 1}]).total_pages is None


def test_jsonp_xml_and_html_fragment_answers():
    jsonp = 'cb({"list": [{"title": "某县2021年年报", "url": "/nb/2021.html"}]});'
    assert list(data_links(parse_data(jsonp))) == [("/nb/2021.html", "某县2021年年报")]
    xml = (
        "<?xml version='1.0'?><result><totalpage>2</totalpage><items><item>"
        "<title>某县2021年政府信息公开工作年度报告</title><link>/nb/2021.html</link>"
        "</item></items></result>"
    )
    data = parse_data(xml)
    assert list(data_links(data)) == [("/nb/2021.html", "某县2021年政府信息公开工作年度报告")]
    assert paging(data).total_pages == 2
    fragment = '<ul><li><a href="/nb/2020.html" title="某县2020年年报">某县2020…</a></li></ul>'
    assert list(data_links(parse_data(fragment))) == [("/nb/2020.html", "某县2020年年报")]


def _answer(url: str, data: object, *, method: str = "GET", body: str | None = None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    request = Request(url, method=method, body=body, headers=headers)
    return TextResponse(url, body=json.dumps(data).encode(), request=request, encoding="utf-8")


def test_feed_answer_links_and_its_other_pages_by_query_and_by_form():
    data = {"data": [{"title": "某县2022年政府信息公开工作年度报告", "url": "/a.html"}],
            "totalPage": 3}  # fmt: skip
    got = list(Scripts().feed_leads(_answer(f"{HOST}/api/list?col=9&pageNo=1", data)))
    assert got[0] == Lead(f"{HOST}/a.html", "某县2022年政府信息公开工作年度报告")
    assert [query(lead.url)["pageNo"] for lead in got[1:]] == ["2", "3"]
    assert {lead.kind for lead in got[1:]} == {"page"}
    posted = list(
        Scripts().feed_leads(_answer(f"{HOST}/list.do", data, method="POST", body="id=9&page=1"))
    )
    assert [(lead.method, lead.body) for lead in posted[1:]] == [
        ("POST", "id=9&page=2"),
        ("POST", "id=9&page=3"),
    ]
    second = _answer(f"{HOST}/api/list?col=9&pageNo=2", data)
    assert [lead.kind for lead in Scripts().feed_leads(second)] == ["link"]


def test_hanweb_datastore_is_read_on_the_column_page_without_a_jpage_proxy():
    records = "".join(
        f"<record><![CDATA[<li><a href='/art/{y}/1/20/art_1_{y}.html' title='某县{y}年政府信息"
        f"公开工作年度报告'>某县{y}年政府信息公开工作年度报告</a></li>]]></record>"
        for y in (2021, 2022)
    )
    body = (
        "<html><head><title>政府信息公开年报</title></head><body><div id='4521'>"
        f"<script type='text/xml'><datastore><nextgroup><![CDATA[]]></nextgroup><recordset>"
        f"{records}</recordset></datastore></script></div></body></html>"
    )
    response = HtmlResponse(COLUMN, body=body.encode("utf-8"), encoding="utf-8")
    assert Hanweb().detect(response) and not Scripts().detect(response)
    assert [lead.url for lead in Hanweb().leads(response)] == [
        f"{HOST}/art/2021/1/20/art_1_2021.html",
        f"{HOST}/art/2022/1/20/art_1_2022.html",
    ]


def test_total_records_with_the_page_size_the_request_asked_for():
    request = Request(f"{HOST}/api/list", method="POST", body=json.dumps({"page": 1, "size": 10}),
                      headers={"Content-Type": "application/json"})  # fmt: skip
    data = {"records": [{"title": "某县2022年政府信息公开工作年度报告", "url": "/a.html"}],
            "total": 25}  # fmt: skip
    response = TextResponse(
        request.url, body=json.dumps(data).encode(), request=request, encoding="utf-8"
    )
    pages = [lead for lead in Scripts().feed_leads(response) if lead.kind == "page"]
    assert [json.loads(lead.body) for lead in pages] == [
        {"page": 2, "size": 10},
        {"page": 3, "size": 10},
    ]
    assert {lead.body_type for lead in pages} == {"json"}


def test_records_without_a_url_get_the_one_the_script_builds_from_their_id():
    response = column(
        "$.getJSON('/api/nb', {cid: 7}, function (d) { $.each(d.rows, function (i, item) {"
        " html += '<li><a href=\"/content/detail.html?id=' + item.infoId + '&cid=7\">'"
        " + item.infoTitle + '</a></li>'; }); });"
    )
    [lead] = feeds(response)
    assert lead.url_templates == (("/content/detail.html?id=", "infoId", "&cid=7"),)
    data = {"rows": [{"infoId": 1203, "infoTitle": "某县2022年政府信息公开工作年度报告"}]}
    request = Request(lead.url, meta={"url_templates": lead.url_templates, "referer": COLUMN})
    answer = TextResponse(lead.url, body=json.dumps(data).encode(), request=request,
                          encoding="utf-8")  # fmt: skip
    assert list(Scripts().feed_leads(answer)) == [
        Lead(f"{HOST}/content/detail.html?id=1203&cid=7", "某县2022年政府信息公开工作年度报告")
    ]


def test_lists_written_into_the_script_itself():
    response = column(
        "var list = [{title: '某县2022年政府信息公开工作年度报告', url: '/nb/2022.html'},"
        ' {"title": "某县2021年政府信息公开工作年度报告", "url": "/nb/2021.html"}];'
        'document.write(\'<li><a href="/nb/2020.html">某县2020年政府信息公开工作年度报告</a>'
        "</li>');"
        "$.ajax({url: '/api/x', type: 'get'});"
    )
    links = [(lead.url, lead.text) for lead in Scripts().leads(response) if lead.kind == "link"]
    assert links == [
        (f"{HOST}/nb/2022.html", "某县2022年政府信息公开工作年度报告"),
        (f"{HOST}/nb/2021.html", "某县2021年政府信息公开工作年度报告"),
        (f"{HOST}/nb/2020.html", "某县2020年政府信息公开工作年度报告"),
    ]


def test_static_paths_are_lists_and_base_urls_are_not_endpoints():
    leads = feeds(
        column(
            "var baseUrl = '/'; var siteUrl = 'www'; $.getJSON('/static/data/nb_list.json');"
            "$.get('/statistics/pv.do'); $.ajax({url: location.href});"
        )
    )
    assert [lead.url for lead in leads] == [f"{HOST}/static/data/nb_list.json"]


def test_gbk_answers_without_a_charset_and_xml_declaring_gbk():
    from crawler.pagemeta import gb_decoded

    title = "某县2022年政府信息公开工作年度报告"
    data = json.dumps({"list": [{"title": title, "url": "/a.html"}]}, ensure_ascii=False)
    response = TextResponse(
        f"{HOST}/api/list", body=data.encode("gbk"), headers={"Content-Type": "application/json"}
    )
    leads = list(Scripts().feed_leads(gb_decoded(response)))
    assert leads == [Lead(f"{HOST}/a.html", title)]
    xml = f'<?xml version="1.0" encoding="gbk"?><r><item><title>{title}</title><url>/b.html</url>'
    xml += "</item></r>"
    assert list(data_links(parse_data(xml))) == [("/b.html", title)]


def test_a_picture_link_is_named_by_its_alt_text():
    from crawler.discovery.generic import anchors

    body = '<a href="/xxgk/"><img src="/img/xxgk.png" alt="政府信息公开"></a>'
    response = HtmlResponse(f"{HOST}/", body=body.encode(), encoding="utf-8")
    assert list(anchors(response)) == [(f"{HOST}/xxgk/", "政府信息公开")]


def test_options_object_passed_by_name():
    response = column(
        "var opts = {url: '/api/nb', type: 'post', data: {cid: 3, pageNo: 1}, success: draw};"
        "$.ajax(opts);"
    )
    assert [(lead.url, lead.method, lead.body) for lead in feeds(response)] == [
        (f"{HOST}/api/nb", "POST", "cid=3&pageNo=1")
    ]


def test_a_list_function_called_with_its_first_offset_and_offset_paging():
    response = column(
        "function show(res){ render(res.result.items); }"
        "function load(p){ $.get('/api/v1/docs', {cid: '235909', limit: 4, offset: p}, show,"
        " 'json'); } $(function(){ load(0); });"
    )
    [lead] = feeds(response)
    assert query(lead.url) == {"cid": "235909", "limit": "4", "offset": "0"}
    data = {"code": 0, "result": {"items": [{"name": "某县2022年政府信息公开工作年度报告",
                                             "link": "/a.html"}], "totalCount": 10}}  # fmt: skip
    got = list(Scripts().feed_leads(_answer(lead.url, data)))
    assert got[0] == Lead(f"{HOST}/a.html", "某县2022年政府信息公开工作年度报告")
    assert [query(page.url)["offset"] for page in got[1:]] == ["4", "8"]
    later = _answer(got[1].url, data)
    assert [lead.kind for lead in Scripts().feed_leads(later)] == ["link"]


def test_onclick_list_rows_are_named_without_their_dates():
    extra = (
        "<ul><li onclick=\"location.href='/zwgk/c1/2024/0109/1.html'\"><span>2023年某区人民政府"
        "政府信息…</span><span>2024-01-09</span></li></ul>"
    )
    response = column("", extra)
    [lead] = [lead for lead in Scripts().leads(response) if lead.url.endswith("/1.html")]
    assert lead.text == "2023年某区人民政府政府信息…"
