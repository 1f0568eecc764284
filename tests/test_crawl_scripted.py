"""``nianbao crawl`` on a portal whose lists are filled by script, with a deep body tree.

The portal (built here, served on 127.0.0.1) has what made the crawler stop on real sites:
a 政务公开 page that is a bare ``<ul>`` menu of look-alike names; a 年报 column with no year
in its title, no prose and the footer's 党政机关/公安备案/找错 pictures, whose list comes from
a JSON endpoint named in an inline ``$.ajax`` (two pages); 乡镇街道 → each township's page
→ its 年报 column, one a Hanweb datastore, one with year sub-columns, one a ``$.post`` whose
answer is XML; 部门 columns; a report titled with a Chinese-numeral year (二〇二一年度).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from crawler.browser import available as browser_available
from tests.conftest import run_crawl

pytestmark = pytest.mark.slow

FOOTER = (
    '<div class="footer"><a href="http://bszs.conac.cn/sitename?id=1"><img src="/img/red.png">'
    '</a><a href="http://www.beian.gov.cn/portal/x"><img src="/img/ga.png">公安备案</a>'
    '<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html"><img src="/img/zc.png"></a>'
    "<p>主办：建禾县人民政府办公室</p></div>"
)
SECTIONS = (
    "<p>一、总体情况</p><p>本年度认真贯彻落实《中华人民共和国政府信息公开条例》。</p>"
    "<p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>0</td></tr></table>"
    "<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>"
    "<p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p>"
)
Handler = Callable[[dict[str, str]], tuple[str, str]]


def page(title: str, main: str) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}_建禾县人民政府</title></head><body>"
        '<div class="header"><a href="/index.html">首页</a></div>'
        f'<div class="main"><h2 class="title">{title}</h2>{main}</div>{FOOTER}</body></html>'
    )


def links(pairs: list[tuple[str, str]]) -> str:
    return "<ul>" + "".join(f'<li><a href="{u}">{t}</a></li>' for u, t in pairs) + "</ul>"


@dataclass
class Portal:
    """Pages by path (GET, query ignored unless a handler reads it) and POST/GET handlers."""

    pages: dict[str, str] = field(default_factory=dict)
    handlers: dict[str, Handler] = field(default_factory=dict)
    reports: set[str] = field(default_factory=set)
    distractors: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)

    def report(self, path: str, title: str) -> tuple[str, str]:
        self.pages[path] = page(title, SECTIONS)
        self.reports.add(path)
        return path, title

    def distractor(self, path: str, title: str) -> tuple[str, str]:
        self.pages[path] = page(title, SECTIONS)
        self.distractors.add(path)
        return path, title


def serve(portal: Portal) -> Iterator[str]:
    class Handle(BaseHTTPRequestHandler):
        def _answer(self, params: dict[str, str]) -> None:
            parts = urlsplit(self.path)
            portal.requests.append(f"{self.command} {self.path}")
            if parts.path in portal.handlers:
                body, ctype = portal.handlers[parts.path](params)
            elif parts.path == "/robots.txt":
                body, ctype = "User-agent: *\nAllow: /\n", "text/plain"
            elif parts.path in portal.pages:
                body, ctype = portal.pages[parts.path], "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._answer(dict(parse_qsl(urlsplit(self.path).query)))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._answer(dict(parse_qsl(self.rfile.read(length).decode())))

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    timer = threading.Timer(300, server.shutdown)  # stops by itself
    timer.daemon = True
    timer.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        timer.cancel()
        server.shutdown()
        server.server_close()


def scripted_county() -> Portal:
    p = Portal()
    p.pages["/index.html"] = page(
        "首页", links([("/zwgk/index.html", "政务公开"), ("/xwzx/index.html", "新闻中心")])
    )
    p.pages["/xwzx/index.html"] = page("新闻中心", links([("/xwzx/1.html", "我县召开会议")]))
    menu = [
        p.distractor("/zwgk/zfgzbg.html", "2023年政府工作报告"),
        ("/zwgk/gzyd.html", "政务公开工作要点"),
        ("/zwgk/fzzf.html", "法治政府建设"),
        ("/zwgk/nb/index.html", "政府信息公开年报"),
        ("/zwgk/xzjd/index.html", "乡镇街道"),
        ("/zwgk/bm/index.html", "部门信息公开"),
    ]
    p.pages["/zwgk/index.html"] = (
        "<html><head><title>政务公开</title></head><body>"
        f"<div class='list'>{links(menu)}</div></body></html>"
    )
    # County column: JSON list from $.ajax, two pages, no year, footer badges.
    p.pages["/zwgk/nb/index.html"] = page(
        "政府信息公开年报",
        "<div id='list'></div><script>var cid = '301';"
        "$.ajax({url: '/api/list', type: 'GET', data: {columnId: cid, pageNo: 1, pageSize: 2},"
        " success: function (res) { render(res.data.list); }});</script>",
    )
    county = [
        p.report("/art/2024/1/20/art_301_1.html", "建禾县人民政府2023年政府信息公开工作年度报告"),
        p.report("/art/2023/1/19/art_301_2.html", "建禾县人民政府2022年政府信息公开工作年度报告"),
        p.report("/art/2022/1/18/art_301_3.html", "建禾县二〇二一年度政府信息公开工作年度报告"),
        p.distractor("/art/2022/3/1/art_301_4.html", "建禾县2021年法治政府建设年度报告"),
    ]  # fmt: skip

    def county_list(params: dict[str, str]) -> tuple[str, str]:
        n = int(params.get("pageNo", "1"))
        rows = [
            {"title": t, "url": u, "pubDate": "2024-01-20"} for u, t in county[2 * n - 2 : 2 * n]
        ]
        return json.dumps({"code": 200, "data": {"list": rows, "totalPage": 2}}), "application/json"

    p.handlers["/api/list"] = county_list
    # Townships: 乡镇街道 → township page → its 年报 column.
    p.pages["/zwgk/xzjd/index.html"] = page(
        "乡镇街道",
        links([("/xz/cgz/index.html", "城关镇"), ("/xz/hxjd/index.html", "河西街道"),
               ("/xz/smx/index.html", "石门乡")]),
    )  # fmt: skip
    for code, name in (("cgz", "城关镇"), ("hxjd", "河西街道"), ("smx", "石门乡")):
        p.pages[f"/xz/{code}/index.html"] = page(
            name,
            links([(f"/xz/{code}/jgzn.html", "机构职能"), (f"/xz/{code}/nb/index.html",
                    "信息公开年报")]),
        )  # fmt: skip
    records = "".join(
        f"<record><![CDATA[<li><a href='{u}' title='{t}'>{t[:12]}…</a></li>]]></record>"
        for u, t in (
            p.report("/art/2024/1/5/art_9_1.html", "城关镇人民政府2023年政府信息公开工作年度报告"),
            p.report("/art/2023/1/5/art_9_2.html", "城关镇人民政府2022年政府信息公开工作年度报告"),
        )
    )  # fmt: skip
    p.pages["/xz/cgz/nb/index.html"] = page(
        "信息公开年报",
        f"<div id='9'><script type='text/xml'><datastore><recordset>{records}"
        "</recordset></datastore></script></div>",
    )
    p.pages["/xz/hxjd/nb/index.html"] = page(
        "信息公开年报",
        links(
            [("/xz/hxjd/nb/2023n/index.html", "2023年"), ("/xz/hxjd/nb/2022n/index.html", "2022年")]
        ),
    )
    for year in (2023, 2022):
        p.pages[f"/xz/hxjd/nb/{year}n/index.html"] = page(
            f"{year}年",
            links([p.report(f"/xz/hxjd/nb/{year}n/t{year}0120_1.html",
                            f"河西街道办事处{year}年政府信息公开工作年度报告")]),
        )  # fmt: skip
    p.pages["/xz/smx/nb/index.html"] = page(
        "信息公开年报",
        "<ul id='list'></ul><script>$.post('/api/town', {unit: 'smx', page: 1},"
        " function (xml) { fill(xml); });</script>",
    )
    town = p.report("/xz/smx/nb/2024012001.html", "石门乡人民政府2023年政府信息公开工作年度报告")
    p.handlers["/api/town"] = lambda params: (
        f"<?xml version='1.0' encoding='utf-8'?><result><total>1</total><item><title>{town[1]}"
        f"</title><link>{town[0]}</link></item></result>",
        "text/xml; charset=utf-8",
    )
    # Departments: each one's 年报 column lists its report.
    departments = (("jyj", "县教育局"), ("wjw", "县卫生健康委员会"), ("zwfw", "县政务服务中心"))
    p.pages["/zwgk/bm/index.html"] = page(
        "部门信息公开", links([(f"/bm/{c}/nb/index.html", n) for c, n in departments])
    )
    for code, name in departments:
        title = f"建禾{name}2023年政府信息公开工作年度报告"
        report = p.report(f"/bm/{code}/nb/t20240110.html", title)
        p.pages[f"/bm/{code}/nb/index.html"] = page(f"{name}政府信息公开年报", links([report]))
    # A link that reads like a report leads to a look-alike: fetched, judged, not a report.
    lookalike = p.distractor("/bm/jyj/fzzf2022.html", "县教育局2022年法治政府建设年度报告")
    p.pages["/bm/jyj/nb/index.html"] = p.pages["/bm/jyj/nb/index.html"].replace(
        "</ul>", f'<li><a href="{lookalike[0]}">县教育局2022年度报告</a></li></ul>'
    )
    return p


def browser_county() -> Portal:
    """A column whose list only a browser can build (the endpoint is computed at run time)."""
    p = Portal()
    p.pages["/index.html"] = page("首页", links([("/xxgk/nb/index.html", "政府信息公开年报")]))
    p.pages["/xxgk/nb/index.html"] = page(
        "政府信息公开年报",
        "<ul id='list'></ul><script>"
        "var parts = ['api', 'nb' + (40 + 2)];"
        "fetch('/' + parts.join('/')).then(function (r) { return r.json(); })"
        ".then(function (d) { document.getElementById('list').innerHTML = d.items.map("
        "function (x) { return '<li><a href=\"' + x.u + '\">' + x.t + '</a></li>'; }).join(''); });"
        "</script>",
    )
    rows = [
        p.report("/xxgk/nb/2024/t1.html", "安和县人民政府2023年政府信息公开工作年度报告"),
        p.report("/xxgk/nb/2023/t2.html", "安和县人民政府2022年政府信息公开工作年度报告"),
    ]
    p.handlers["/api/nb42"] = lambda params: (
        json.dumps({"items": [{"u": u, "t": t} for u, t in rows]}),
        "application/json",
    )
    return p


def crawl(portal: Portal, tmp_path: Path, **settings: str):
    for base in serve(portal):
        result = run_crawl([f"{base}/index.html"], tmp_path, settings=settings, timeout=180)
        found = {urlsplit(i["url"]).path for i in result.items if i["classification"] == "report"}
        return result, found
    raise AssertionError("no server")


def test_scripted_lists_and_deep_trees_without_a_browser(tmp_path):
    portal = scripted_county()
    result, found = crawl(portal, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert found == portal.reports
    assert not found & portal.distractors
    assert "POST /api/town" in portal.requests
    assert len(portal.requests) <= 4 * len(portal.reports), portal.requests
    assert "/zwgk/gzyd.html" not in " ".join(portal.requests)  # a look-alike's menu entry
    assert "GET /bm/jyj/fzzf2022.html" in portal.requests
    rejected = [i for i in result.items if i["classification"].startswith("rejected:")]
    assert [(urlsplit(i["url"]).path, i["classification"]) for i in rejected] == [
        ("/bm/jyj/fzzf2022.html", "rejected:法治政府建设年度报告")
    ]
    assert rejected[0]["verdict"] == {"kind": "rejected", "reason": "法治政府建设年度报告"}
    site_line = next(line for line in result.stdout.splitlines() if line.startswith("site "))
    assert site_line.endswith(": 11 reports, 7 list pages, 1 rejected, 0 browser-rendered")


def test_a_list_only_a_browser_fills_is_named_when_no_browser_runs(tmp_path):
    portal = browser_county()
    result, found = crawl(portal, tmp_path)
    assert found == set()
    assert result.returncode == 1
    assert result.stats["nianbao/needs_browser"] == 1
    assert "1 need a browser" in result.stdout
    assert "needs a browser (chromium): " in result.stdout
    assert "/xxgk/nb/index.html" in result.stdout


@pytest.mark.browser
@pytest.mark.skipif(not browser_available(), reason="Debian's chromium is not installed")
def test_the_browser_renders_a_list_filled_by_script(tmp_path):
    portal = browser_county()
    result, found = crawl(portal, tmp_path, NIANBAO_BROWSER="True")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert found == portal.reports
    assert result.stats["nianbao/browser_rendered"] == 1
    assert "1 browser-rendered" in result.stdout
