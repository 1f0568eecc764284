"""Seeded portals: every way a list may be delivered, at every level of a body tree.

Each seed composes a county portal from independent choices — how each column delivers its
list (static, ``$.ajax`` JSON, ``$.post`` XML, ``fetch`` JSON POST, XHR JSONP, Hanweb
datastore, a script's own array, an iframe, records carrying only an id), the names of the
menu entries and of the townships and departments, year sub-columns, how report titles are
phrased (Chinese-numeral years too), header banners and footer badges, distractors in the
lists — and one crawl of all of them must find every report, store no distractor and stay
within 4 requests per report overall, without a browser.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import run_crawl
from tests.test_crawl_scripted import Portal, links, page, serve

pytestmark = pytest.mark.slow

SEEDS = range(30)
CN = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))
TOWNS = ("城关镇", "石门乡", "河西街道", "清水镇", "龙潭乡", "东城街道", "马场镇", "白沙乡")
DEPARTMENTS = ("县教育局", "县卫生健康委员会", "县发展和改革局", "县政务服务中心",
               "县人力资源和社会保障局", "县市场监督管理局")  # fmt: skip
LOOKALIKES = ("{y}年政府工作报告", "{a}{y}年法治政府建设年度报告",
              "关于{a}{y}年政府信息公开工作年度报告的解读", "{a}{y}年部门决算公开",
              "{a}{y}年政务公开工作要点")  # fmt: skip


def report_title(rng: random.Random, agency: str, year: int) -> str:
    cn = "".join(CN[c] for c in str(year))
    return rng.choice(
        (
            f"{agency}{year}年政府信息公开工作年度报告",
            f"{agency}{cn}年度政府信息公开工作年度报告",
            f"{year}年度{agency}政府信息公开工作年度报告",
            f"{agency}{year}年度政府信息公开工作报告",
        )
    )


class Builder:
    """One seeded portal."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.p = Portal()
        self.n = 0

    def path(self, stem: str) -> str:
        self.n += 1
        return f"/{stem}/{self.n}.html"

    def reports(self, agency: str) -> list[tuple[str, str]]:
        years = sorted(self.rng.sample(range(2019, 2025), self.rng.randint(1, 3)), reverse=True)
        found = [self.p.report(self.path("art"), report_title(self.rng, agency, y)) for y in years]
        if self.rng.random() < 0.5:  # a look-alike in the list (not titled as a report)
            text = self.rng.choice(LOOKALIKES).format(a=agency, y=years[0])
            found.append(self.p.distractor(self.path("art"), text))
        if self.rng.random() < 0.3:  # titled as a report, but only a news item mentioning it
            path, title = self.path("art"), report_title(self.rng, agency, years[0])
            self.p.pages[path] = page(
                title, "<p>近日，我县发布了年度报告，请在政务公开栏目查看。</p>"
            )
            self.p.distractors.add(path)
            found.append((path, title))
        self.rng.shuffle(found)
        return found

    def column(self, title: str, rows: list[tuple[str, str]]) -> str:
        """A column page delivering ``rows`` in a randomly chosen way; returns its path."""
        path = self.path("col")
        style: Callable[[str, list[tuple[str, str]]], str] = self.rng.choice(
            (self.static, self.ajax_json, self.post_xml, self.fetch_json, self.xhr_jsonp,
             self.datastore, self.inline_array, self.iframe, self.id_only)
        )  # fmt: skip
        banner = (
            '<div class="top"><img src="/img/banner.jpg"></div>' if self.rng.random() < 0.5 else ""
        )
        self.p.pages[path] = page(title, banner + style(path, rows))
        return path

    def years(self, title: str, rows: list[tuple[str, str]]) -> str:
        """A column of year sub-columns (2023年 / nb_2023n), each a column of its own."""
        by_year: dict[str, list[tuple[str, str]]] = {}
        for row in rows:
            year = next((y for y in range(2019, 2025) if str(y) in row[1]), 2020)
            by_year.setdefault(str(year), []).append(row)
        path = self.path("nb")
        subs = [(self.column(f"{y}年", r), self.rng.choice((f"{y}年", f"{y}年度", y)))
                for y, r in sorted(by_year.items())]  # fmt: skip
        self.p.pages[path] = page(title, links(subs))
        return path

    # -- list delivery styles -------------------------------------------------------------------

    def static(self, path: str, rows: list[tuple[str, str]]) -> str:
        return links(rows)

    def _pages(self, rows: list[tuple[str, str]], n: int, size: int) -> list[tuple[str, str]]:
        return rows[(n - 1) * size : n * size]

    def ajax_json(self, path: str, rows: list[tuple[str, str]]) -> str:
        api = f"/api{path}.json"
        self.p.handlers[api] = lambda q: (json.dumps({"code": 0, "data": {
            "list": [{"title": t, "url": u} for u, t in self._pages(rows, int(q["pageNo"]), 2)],
            "pageInfo": {"totalPage": -(-len(rows) // 2), "pageNo": int(q["pageNo"])}}}),
            "application/json")  # fmt: skip
        return ("<div id='list'></div><script>var columnId = '77';"
                f"$.ajax({{url: '{api}', type: 'GET', dataType: 'json',"
                " data: {columnId: columnId, pageNo: 1, pageSize: 2},"
                " success: function (r) { draw(r.data.list); }});</script>")  # fmt: skip

    def post_xml(self, path: str, rows: list[tuple[str, str]]) -> str:
        api = f"/list{path}.do"
        self.p.handlers[api] = lambda q: (
            "<?xml version='1.0' encoding='utf-8'?><result>"
            + "".join(f"<item><title>{t}</title><link>{u}</link></item>" for u, t in rows)
            + "</result>", "text/xml; charset=utf-8")  # fmt: skip
        return (f"<ul id='list'></ul><script>$.post('{api}', {{unitId: 'u1', page: 1}},"
                " function (xml) { fill(xml); });</script>")  # fmt: skip

    def fetch_json(self, path: str, rows: list[tuple[str, str]]) -> str:
        api = f"/api{path}/articles"
        self.p.handlers[api] = lambda q: (json.dumps({"records": [
            {"docTitle": t, "docUrl": u, "picUrl": "/img/p.jpg"}
            for u, t in self._pages(rows, int(q.get("pageIndex", 1)), 2)], "total": len(rows)}),
            "application/json")  # fmt: skip
        return ("<div id='app'></div><script>fetch('" + api + "', {method: 'POST',"
                " headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
                " body: 'catId=9&pageIndex=1&pageSize=2'}).then(r => r.json()).then(draw);"
                "</script>")  # fmt: skip

    def xhr_jsonp(self, path: str, rows: list[tuple[str, str]]) -> str:
        api = f"/interface{path}"
        self.p.handlers[api] = lambda q: (
            "callback(" + json.dumps({"rows": [{"name": t, "link": u} for u, t in rows]}) + ");",
            "application/javascript")  # fmt: skip
        return ("<ul id='l'></ul><input type='hidden' id='chan' value='nb'><script>"
                "var x = new XMLHttpRequest();"
                f"x.open('GET', '{api}?channel=' + $('#chan').val() + '&cb=callback');"
                "x.send(null);</script>")  # fmt: skip

    def datastore(self, path: str, rows: list[tuple[str, str]]) -> str:
        records = "".join(
            f"<record><![CDATA[<li><a href='{u}' title='{t}'>{t[:10]}…</a></li>]]></record>"
            for u, t in rows
        )
        return (f"<div id='4521'><script type='text/xml'><datastore><recordset>{records}"
                "</recordset></datastore></script></div>")  # fmt: skip

    def inline_array(self, path: str, rows: list[tuple[str, str]]) -> str:
        data = json.dumps([{"title": t, "url": u} for u, t in rows], ensure_ascii=False)
        return (f"<ul id='l'></ul><script>var list = {data}; for (var i = 0; i < list.length;"
                " i++) { $('#l').append('<li>' + list[i].title + '</li>'); }</script>")  # fmt: skip

    def iframe(self, path: str, rows: list[tuple[str, str]]) -> str:
        inner = f"/frame{path}"
        self.p.pages[inner] = "<html><body>" + links(rows) + "</body></html>"
        return f'<iframe src="{inner}" width="100%" height="600" frameborder="0"></iframe>'

    def id_only(self, path: str, rows: list[tuple[str, str]]) -> str:
        api = f"/api{path}/ids"
        ids = {str(1000 + 10 * self.n + i): row for i, row in enumerate(rows)}  # unique ids
        records = [{"id": int(k), "title": t} for k, (_, t) in ids.items()]
        self.p.handlers[api] = lambda q: (json.dumps({"data": records}), "application/json")
        self.p.handlers["/content/detail.jsp"] = self._detail(ids)
        return (f"<ul id='l'></ul><script>$.getJSON('{api}', function (d) {{ d.data.forEach("
                "function (item) { $('#l').append('<li><a href=\"/content/detail.jsp?id=' +"
                " item.id + '\">' + item.title + '</a></li>'); }); });</script>")  # fmt: skip

    def _detail(
        self, ids: dict[str, tuple[str, str]]
    ) -> Callable[[dict[str, str]], tuple[str, str]]:
        previous = self.p.handlers.get("/content/detail.jsp")
        pages = self.p.pages

        def detail(q: dict[str, str]) -> tuple[str, str]:
            if q.get("id") in ids:
                return pages[ids[q["id"]][0]], "text/html; charset=utf-8"
            if previous is not None:
                return previous(q)
            return "<html><body>没有找到</body></html>", "text/html; charset=utf-8"

        return detail

    # -- the portal -----------------------------------------------------------------------------

    def body_column(self, agency: str) -> str:
        rows = self.reports(agency)
        title = self.rng.choice(
            ("信息公开年报", "政府信息公开年报", "政府信息公开工作年度报告", "年报")
        )
        if self.rng.random() < 0.3:
            return self.years(f"{agency}{title}", rows)
        return self.column(f"{agency}{title}", rows)

    def build(self, county: str) -> Portal:
        rng, p = self.rng, self.p
        county_col = self.body_column(f"{county}人民政府")
        towns = rng.sample(TOWNS, rng.randint(1, 3))
        town_pages = []
        for town in towns:
            column = self.body_column(town)
            town_path = self.path("xz")
            name = rng.choice(("信息公开年报", "政府信息公开年报", "年度报告"))
            p.pages[town_path] = page(town, links([(self.path("jg"), "机构设置"), (column, name)]))
            town_pages.append((town_path, town))
        depts = [(self.body_column(d), d) for d in rng.sample(DEPARTMENTS, rng.randint(0, 2))]
        tree = self.path("zwgk")
        p.pages[tree] = page("乡镇", links(town_pages))
        menu = [(self.path("gk"), "政府工作报告"), (self.path("gk"), "法治政府建设"),
                (self.path("gk"), "政府信息公开指南"),
                (county_col, rng.choice(("政府信息公开年报", "信息公开年报", "年度报告"))),
                (tree, rng.choice(("乡镇街道", "乡镇信息公开", "镇街")))]  # fmt: skip
        if depts:
            dept_path = self.path("zwgk")
            p.pages[dept_path] = page("部门", links(depts))
            menu.append((dept_path, rng.choice(("部门信息公开", "县直部门", "部门"))))
        rng.shuffle(menu)
        disclosure = self.path("zwgk")
        p.pages[disclosure] = (
            "<html><head><title>政务公开</title></head><body>"
            f"<div class='list'>{links(menu)}</div></body></html>"
        )
        p.pages["/index.html"] = page(
            "首页",
            links([(disclosure, rng.choice(("政务公开", "信息公开", "政府信息公开"))),
                   ("/news/1.html", "新闻中心")]),
        )  # fmt: skip
        return p


COUNTIES = ("青禾县", "白石县", "安和县", "云岭县", "金沙县", "长乐县")


def test_seeded_portals_every_report_found_no_distractor_within_budget(tmp_path: Path):
    portals = [Builder(seed).build(COUNTIES[seed % len(COUNTIES)]) for seed in SEEDS]
    with ExitStack() as stack:
        bases = [stack.enter_context(_served(p)) for p in portals]
        result = run_crawl([f"{b}/index.html" for b in bases], tmp_path, timeout=300)
    reports = {i["url"] for i in result.items if i["classification"] == "report"}
    for seed, (base, portal) in enumerate(zip(bases, portals, strict=True)):
        found = {_path(u) for u in reports if u.startswith(base + "/")}
        want = portal.reports
        if "/content/detail.jsp" in portal.handlers:  # id-only records: reached by their id
            found = {_resolve(portal, u) for u in found}
        assert found == want, (seed, sorted(want - found), portal.requests)
        assert not found & portal.distractors, seed
    requests = sum(len(p.requests) for p in portals)
    assert requests <= 4 * sum(len(p.reports) for p in portals)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


def _served(portal: Portal):
    from contextlib import contextmanager

    return contextmanager(serve)(portal)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _resolve(portal: Portal, path: str) -> str:
    """A report reached as /content/detail.jsp?id=N: the path of the page it served."""
    if not path.startswith("/content/detail.jsp?"):
        return path
    body, _ = portal.handlers["/content/detail.jsp"](dict([path.split("?", 1)[1].split("=")]))
    return next(p for p in portal.reports if portal.pages[p] == body)
