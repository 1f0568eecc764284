"""Compose a random county portal from independent choices, with its manifest.

``generate(seed, **fixed)`` draws every choice from ``random.Random(seed)`` (``fixed`` pins
any of them) and returns a :class:`Portal`: the site's files, its server settings
(``site.json``) and its manifest (``expected.json``: every report URL, page or file, and every
look-alike URL). ``Portal.write(dir)`` lays it out as ``samples/portals/<site>/`` is laid out.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from nianbao.testing.portalgen import names, scripts
from nianbao.testing.portalgen.chrome import IMAGES, PIXEL, Chrome, page, share_bar
from nianbao.testing.portalgen.figures import draw_figures, known_cells
from nianbao.testing.portalgen.lists import (
    API_SHAPES,
    SCRIPT_CALLS,
    STATIC_PAGING,
    Column,
    Entry,
    Output,
    gkmlpt_page,
    render_column,
)
from nianbao.testing.portalgen.lookalikes import lookalike_body
from nianbao.testing.portalgen.reportbody import ReportText, body_docx, body_html, body_pdf

FAMILIES = ("trs", "hanweb", "jiyue_ah", "jiyue_js", "zwy_zj", "gkmlpt", "kaipu", "plain")
# family → list deliveries its columns draw from
DELIVERIES = {
    "trs": ("static", "static", "iframe", "onclick"),
    "hanweb": ("datastore", "datastore", "dataproxy"),
    "jiyue_ah": ("api", "static", "iframe"),
    "jiyue_js": ("api", "static", "onclick"),
    "zwy_zj": ("datastore", "api", "dataproxy"),
    "gkmlpt": ("gkmlpt",),
    "kaipu": ("api", "api", "static"),
    "plain": ("static", "onclick", "iframe", "api"),
}
PAGING = {"trs": ("trs",), "plain": ("query", "index_n", "next")}
SHAPE = {"jiyue_ah": ("jiyue",), "jiyue_js": ("zjoffset", "kaipu"), "zwy_zj": ("zjoffset",)}
CHARSETS = ("utf-8", "utf-8", "utf-8", "gbk", "gb2312", "gb18030")
DECLARED_UTF8 = ("header", "meta", "both", "none")
DECLARED_GB = ("header", "meta", "both", "wrong")
COLUMN_NAMES = ("政府信息公开年报", "政府信息公开年度报告", "信息公开年报", "年度报告",
                "政府信息公开工作年度报告")  # fmt: skip
COLUMN_LOOKALIKES = ("jiedu", "tujie", "tongzhi", "fzzf", "news_nb", "juesuan", "gzbg", "yaodian")
MENU_LOOKALIKES = ("gzbg", "yaodian", "fzzf", "zhinan", "zhidu", "juesuan", "yusuan")
REPORT_FORMS = ("html", "html", "html", "html", "html_att", "file", "page_att")


@dataclass
class Choices:
    """The independent choices a portal is composed of."""

    family: str = "trs"
    charset: str = "utf-8"
    declared: str = "both"  # header meta both none wrong
    zwgk_menu: str = "page"  # "ul": the 政务公开 page is a bare <ul> menu
    home_links_column: bool = False  # the home page links the county report column directly
    year_subcolumns: bool = False  # county column → one column a year (county + departments)
    column_name: str = "政府信息公开年报"  # the county report column's name (no year)
    county_years: int = 4
    townships: int = 2
    departments: int = 1
    body_years: int = 2
    deliveries: list[str] = field(default_factory=list)  # per column, drawn from the family
    paging: str = "query"
    call: str = "ajax"
    shape: str = "kaipu"
    page_size: int = 4
    title_styles: list[str] = field(default_factory=lambda: ["plain"])
    link_style: str = "full"  # full no_year cut
    page_title_year: bool = True  # the page's own heading names the year
    report_forms: list[str] = field(default_factory=lambda: ["html"])
    column_lookalikes: list[str] = field(default_factory=list)
    badges: bool = True
    share: bool = True
    browser_only: bool = False  # the county column's API address is built at run time
    attachment: str = "docx"  # docx pdf mixed: the files reports are published as / beside
    ext: str = "html"


def _pick(rng: random.Random, options: tuple | list) -> Any:
    """One of ``options`` for exactly one draw, whatever their number (pins keep the others)."""
    return options[int(rng.random() * len(options))]


def draw_choices(rng: random.Random, **fixed: Any) -> Choices:
    """Every choice drawn independently (``fixed`` pins some; the others stay as drawn)."""
    family = fixed.get("family", _pick(rng, FAMILIES))
    charset = fixed.get("charset", _pick(rng, CHARSETS))
    declared = _pick(rng, DECLARED_UTF8 if charset == "utf-8" else DECLARED_GB)
    drawn = Choices(
        family=family,
        charset=charset,
        declared=declared,
        zwgk_menu=rng.choice(("page", "ul")),
        home_links_column=rng.random() < 0.3,
        year_subcolumns=rng.random() < 0.35,
        column_name=rng.choice(COLUMN_NAMES),
        county_years=rng.randint(4, 6),
        townships=rng.choice((0, 1, 2, 3)),
        departments=rng.choice((0, 1, 2)),
        body_years=rng.randint(2, 4),
        deliveries=[_pick(rng, DELIVERIES[family]) for _ in range(12)],
        paging=_pick(rng, PAGING.get(family, STATIC_PAGING)),
        call=rng.choice(SCRIPT_CALLS),
        shape=_pick(rng, SHAPE.get(family, API_SHAPES)),
        page_size=rng.randint(4, 8),
        title_styles=rng.sample(names.TITLE_STYLES, rng.randint(1, 3)),
        link_style=rng.choice(("full", "full", "no_year", "cut")),
        page_title_year=rng.random() < 0.85,
        report_forms=rng.sample(REPORT_FORMS, rng.randint(1, 3)),
        column_lookalikes=rng.sample(COLUMN_LOOKALIKES, rng.randint(2, 3)),
        badges=rng.random() < 0.9,
        share=rng.random() < 0.7,
        browser_only=rng.random() < 0.2 and family in ("kaipu", "jiyue_js", "plain"),
        ext=rng.choice(("html", "html", "shtml")),
        attachment=_pick(rng, ("docx", "pdf", "mixed")),
    )
    for key, value in fixed.items():
        setattr(drawn, key, value)
    return drawn


def needs_browser(choices: Choices) -> bool:
    """Whether a list of the portal is reachable only by running its script in a browser."""
    return choices.browser_only and not choices.year_subcolumns


@dataclass
class Portal:
    """A generated portal: files under ``www/``, ``site.json`` and the manifest."""

    key: str
    choices: Choices
    files: dict[str, bytes]
    site: dict[str, Any]
    manifest: dict[str, Any]
    records: dict[str, list[dict[str, str]]]

    @property
    def seed(self) -> int:
        return int(self.manifest["seed"])

    @property
    def needs_browser(self) -> bool:
        return bool(self.manifest["needs_browser"])

    def write(self, directory: Path) -> Path:
        """Write ``www/``, ``lists/``, ``site.json`` and ``expected.json`` into ``directory``."""
        for rel, data in self.files.items():
            target = directory / "www" / rel.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for name, records in self.records.items():
            target = directory / "lists" / f"{name}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        for name, data in (("site.json", self.site), ("expected.json", self.manifest)):
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            (directory / name).write_text(text, encoding="utf-8")
        return directory


class _Builder:
    """Builds one portal; holds the counters and what has been written."""

    def __init__(self, key: str, seed: int, choices: Choices, rng: random.Random) -> None:
        self.key, self.seed, self.c, self.rng = key, seed, choices, rng
        self.county = names.county_name(rng)
        self.province, self.city = rng.choice(names.PROVINCES)
        self.gov = f"{self.county}人民政府"
        self.out = Output(sid=str(rng.randint(700000, 799999)))
        self.reports: list[dict[str, Any]] = []
        self.lookalikes: list[str] = []
        self.next_id = rng.randint(1000, 9000) * 1000
        self.next_cid = rng.randint(1000, 9000) * 100
        self.deliveries = list(choices.deliveries) or ["static"]
        meta = {"header": None, "none": None, "wrong": None}.get(choices.declared, choices.charset)
        codec = "utf-8" if choices.charset == "utf-8" else (
            "gb18030" if choices.charset == "gb18030" else "gbk")  # fmt: skip
        self.chrome = Chrome(
            site_name=self.gov, charset=codec, meta_charset=meta, badges=choices.badges,
            share=choices.share, old_style_meta=rng.random() < 0.5,
        )  # fmt: skip
        self.zwgk = "/zwgk/index.html" if choices.family != "jiyue_ah" else "/public/index.html"
        self.chrome.nav = [("首页", "/index.html"), ("新闻中心", "/xwzx/index.html"),
                           ("政务公开", self.zwgk), ("政务服务", "/zwfw/index.html"),
                           ("互动交流", "/hdjl/index.html")]  # fmt: skip

    # -- ids and paths ------------------------------------------------------------------------

    def new_id(self) -> int:
        self.next_id += self.rng.randint(1, 40)
        return self.next_id

    def new_cid(self) -> str:
        self.next_cid += self.rng.randint(1, 9)
        return str(self.next_cid)

    def delivery(self) -> str:
        return self.deliveries.pop(0) if len(self.deliveries) > 1 else self.deliveries[0]

    def column_path(self, slug: str, cid: str, delivery: str) -> str:
        fam, ext = self.c.family, self.c.ext
        if delivery == "gkmlpt":
            return f"/gkmlpt/index#{cid}"
        if delivery in ("datastore", "dataproxy") or fam in ("hanweb", "zwy_zj"):
            return f"/col/col{cid}/index.html"
        if fam == "jiyue_ah":
            return f"/public/column/{cid}?type=4&catId={cid}&action=list"
        if fam == "trs":
            return f"/zwgk/{slug}/index.{ext}"
        return f"/xxgk/{slug}/index.{ext}" if fam == "kaipu" else f"/zwgk/{slug}/list.{ext}"

    def article_path(self, cid: str, date: str, ident: int) -> str:
        y, m, d = date.split("-")
        fam, ext = self.c.family, self.c.ext
        if fam in ("hanweb", "zwy_zj"):
            return f"/art/{y}/{int(m)}/{int(d)}/art_{cid}_{ident}.html"
        if fam == "jiyue_ah":
            return f"/public/{cid}/{ident}.html"
        if fam == "gkmlpt":
            return f"/gkmlpt/content/{ident % 7}/{ident // 1000}/post_{ident}.html"
        if fam == "trs":
            return f"/zwgk/c{cid}/{y}{m}/t{y}{m}{d}_{ident}.{ext}"
        if fam == "kaipu":
            return f"/xxgk/c{cid}/content/post_{ident}.html"
        if fam == "jiyue_js":
            return f"/content/{ident:x}{cid}-{y}{m}{d}.html"
        return f"/zwgk/c{cid}/{y}/{m}{d}/{ident}.{ext}"

    def date_for(self, year: int) -> str:
        return f"{year + 1}-01-{self.rng.randint(8, 31):02d}"

    # -- pages --------------------------------------------------------------------------------

    def add_page(self, path: str, title: str, body: str, **kw: Any) -> None:
        self.out.files[path.replace("?", "@", 1)] = page(self.chrome, title, body, **kw)

    def article(
        self,
        path: str,
        title: str,
        body: str,
        crumbs: list,
        publisher: str,
        date: str,
        index_no: str,
        attachment: tuple[str, str] | None = None,
    ) -> None:
        meta = ""
        if self.rng.random() < 0.7:
            meta = ('<table class="xxgk-meta"><tr><td>索引号：</td><td>' + index_no
                    + "</td><td>发布机构：</td><td>" + escape(publisher) + "</td></tr>"
                    "<tr><td>发布日期：</td><td>" + date + "</td><td>分类：</td><td>"
                    "政府信息公开年报</td></tr></table>")  # fmt: skip
        att = ""
        if attachment:
            att = (f'<div class="attachments"><p>附件：<a href="{attachment[0]}">'
                   f"{escape(attachment[1])}</a></p></div>")  # fmt: skip
        heading = f'<h1 class="title">{escape(title)}</h1>'
        info = (
            f'<div class="info">发布时间：{date}　来源：{escape(publisher)}　浏览次数：'
            f'<span id="hits">{self.rng.randint(10, 999)}</span></div>'
        )
        content = f'{meta}{heading}{info}<div class="content" id="zoom">{body}</div>{att}'
        self.add_page(path, f"{title}-{self.gov}", content + share_bar(self.chrome),
                      crumbs=crumbs)  # fmt: skip

    def report(
        self, agency: str, short: str, level: str, year: int, cid: str, crumbs: list
    ) -> Entry:
        """One report (page or file) and its manifest row; returns its list entry."""
        rng = self.rng
        style = rng.choice(self.c.title_styles)
        title = names.report_title(style, agency, year)
        template = "2021" if year >= 2021 else "2019"
        date = self.date_for(year)
        cells = draw_figures(rng, template, level)
        text = ReportText(title, agency, year, template, cells, date, short)
        ident = self.new_id()
        form = rng.choice(self.c.report_forms)
        index_no = f"{rng.randint(10000000, 99999999)}/{year + 1}-{ident % 100000:05d}"
        attachments: list[str] = []
        kind = self.c.attachment if self.c.attachment != "mixed" else rng.choice(("docx", "pdf"))
        file_path = f"/uploadfiles/{year + 1}01/{ident}.{kind}"
        render_file = body_pdf if kind == "pdf" else body_docx
        if form == "file":
            url = file_path
            self.out.files[file_path] = render_file(text, rng)
        else:
            url = self.article_path(cid, date, ident)
            page_title = title if self.c.page_title_year else \
                f"{agency}政府信息公开工作年度报告"  # fmt: skip
            attachment = None
            if form in ("html_att", "page_att"):
                attachments = [file_path]
                self.out.files[file_path] = render_file(text, rng)
                attachment = (file_path, f"{title}.{kind}")
            if form == "page_att":
                body = (f"<p>{escape(title)}全文详见附件。</p><p>{escape(agency)}</p>"
                        f"<p>{date}</p>")  # fmt: skip
            else:
                body = body_html(text, rng, heading=rng.random() < 0.6)
            self.article(url, page_title, body, crumbs, agency, date, index_no, attachment)
            title = page_title
        self.reports.append({
            "url": url, "title": title, "agency": agency, "year": year, "level": level,
            "index_no": index_no, "template": template, "attachments": attachments,
            "form": form, "cells": known_cells(cells, template), "findings": [],
        })  # fmt: skip
        shown = names.link_text(self.c.link_style, names.report_title(style, agency, year), agency)
        return Entry(names.report_title(style, agency, year), shown, url, date)

    def lookalike(self, kind: str, agency: str, year: int, cid: str, crumbs: list) -> Entry:
        template, _stem = names.DISTRACTORS[kind]
        title = template.format(a=agency, y=year)
        date = self.date_for(year) if kind not in ("gzbg", "yaodian") else f"{year}-03-15"
        url = self.article_path(cid, date, self.new_id())
        body = lookalike_body(kind, title, agency, year, self.rng)
        self.article(url, title, body, crumbs, agency, date, f"LA-{self.new_id()}")
        self.lookalikes.append(url)
        return Entry(title, title, url, date)

    def column(
        self,
        name: str,
        entries: list[Entry],
        cid: str,
        crumbs: list,
        side: list | None = None,
        delivery: str | None = None,
    ) -> str:
        """Render a list column; returns the URL that links to it."""
        delivery = delivery or self.delivery()
        path = self.column_path(f"c{cid}", cid, delivery)
        entries.sort(key=lambda e: e.date, reverse=True)
        column = Column(path=path.split("#")[0] if delivery == "gkmlpt" else path, name=name,
                        entries=entries, delivery=delivery, paging=self.c.paging,
                        call=self.c.call, shape=self.c.shape, size=self.c.page_size, cid=cid,
                        crumbs=crumbs, side=side or [])  # fmt: skip
        render_column(column, self.chrome, self.rng, self.out)
        return path

    # -- the portal ----------------------------------------------------------------------------

    def build(self) -> Portal:
        c, rng = self.c, self.rng
        home_crumbs = [("首页", "/index.html")]
        zwgk_crumbs = [*home_crumbs, ("政务公开", self.zwgk)]
        last_year = rng.choice((2023, 2024))
        years = list(range(last_year - c.county_years + 1, last_year + 1))
        menu: list[tuple[str, str]] = []  # the 政务公开 menu: (text, href)
        for kind in rng.sample(MENU_LOOKALIKES, 3):
            entry = self.lookalike(kind, self.gov, last_year, self.new_cid(), zwgk_crumbs)
            label = {"gzbg": "政府工作报告", "yaodian": "政务公开工作要点", "fzzf": "法治政府建设",
                     "zhinan": "政府信息公开指南", "zhidu": "政府信息公开制度",
                     "juesuan": "财政预决算", "yusuan": "部门预算"}[kind]  # fmt: skip
            menu.append((label, entry.url))
        column_name = c.column_name
        col_crumbs = [*zwgk_crumbs, (column_name, "")]
        county_cid = self.new_cid()
        # Year columns hold the county's and at least two departments' reports of the year.
        depts = rng.sample(names.DEPARTMENTS, max(c.departments, 2 * c.year_subcolumns))
        if c.year_subcolumns:
            links = []
            for year in reversed(years):
                cid = self.new_cid()
                entries = [self.report(self.gov, "我县", "county", year, cid, col_crumbs)]
                entries += [self.report(self.county + d, "我局", "department", year, cid,
                                        col_crumbs) for d, _ in depts]  # fmt: skip
                if year == last_year:
                    entries += self.column_lookalikes(cid, col_crumbs, year)
                links.append((f"{year}年度", self.column(f"{year}年度", entries, cid,
                                                         col_crumbs)))  # fmt: skip
            body = '<ul class="sub-columns">' + "".join(
                f'<li><a href="{h}">{t}</a></li>' for t, h in links) + "</ul>"  # fmt: skip
            column_url = self.column_path("nb", county_cid, "static")
            if "#" in column_url or "?" in column_url:
                column_url = "/zwgk/nb/index.html"
            self.add_page(column_url, f"{column_name}-{self.gov}", body, crumbs=col_crumbs,
                          side=menu)  # fmt: skip
        else:
            entries = [self.report(self.gov, "我县", "county", y, county_cid, col_crumbs)
                       for y in years]  # fmt: skip
            entries += self.column_lookalikes(county_cid, col_crumbs, last_year)
            delivery = "browser" if c.browser_only else None
            column_url = self.column(column_name, entries, county_cid, col_crumbs, menu, delivery)
        menu.insert(rng.randint(0, len(menu)), (column_name, column_url))
        trees = []
        if c.townships:
            trees.append(self.tree("乡镇街道", "xzjd", names.town_names(rng, c.townships),
                                   "township", zwgk_crumbs, last_year))  # fmt: skip
        if depts and not c.year_subcolumns:
            trees.append(self.tree("部门信息公开", "bm", [self.county + d for d, _ in depts],
                                   "department", zwgk_crumbs, last_year))  # fmt: skip
        menu += trees
        self.zwgk_page(menu)
        self.home(column_url if c.home_links_column else None, column_name, last_year)
        if self.out.gkmlpt:
            self.out.files["/gkmlpt/index"] = gkmlpt_page(self.chrome, self.out)
        self.static_files()
        return self.portal()

    def column_lookalikes(self, cid: str, crumbs: list, year: int) -> list[Entry]:
        return [self.lookalike(k, self.gov, year, cid, crumbs) for k in self.c.column_lookalikes]

    def tree(
        self, name: str, slug: str, bodies: list[str], level: str, crumbs: list, last_year: int
    ) -> tuple[str, str]:
        """乡镇街道 / 部门 → one page per body → its 年报 column → reports."""
        rng = self.rng
        index = f"/zwgk/{slug}/index.html"
        tree_crumbs = [*crumbs, (name, index)]
        links = []
        for i, body_name in enumerate(bodies):
            agency = body_name + ("人民政府" if level == "township" and rng.random() < 0.5 else "")
            if level == "township" and body_name.endswith("街道"):
                agency = body_name + "办事处"
            home = f"/zwgk/{slug}/{slug}{i + 1:02d}/index.html"
            body_crumbs = [*tree_crumbs, (body_name, home)]
            cid = self.new_cid()
            years = range(last_year - self.c.body_years + 1, last_year + 1)
            short = "我局" if level == "department" else (
                "我街道" if body_name.endswith("街道") else "我镇")  # fmt: skip
            entries = [self.report(agency, short, level, y, cid, body_crumbs) for y in years]
            if i == 0:
                entries.append(self.lookalike(rng.choice(("jiedu", "news_nb", "tongzhi")),
                                              agency, last_year, cid, body_crumbs))  # fmt: skip
            column_url = self.column("信息公开年报", entries, cid, body_crumbs)
            guide = self.lookalike("zhinan", agency, last_year, cid, body_crumbs)
            items = [("政府信息公开指南", guide.url), ("政府信息公开制度", ""),
                     ("法定主动公开内容", ""), ("信息公开年报", column_url)]  # fmt: skip
            rng.shuffle(items)
            body = (f'<div class="org"><h2>{escape(body_name)}</h2><ul>' + "".join(
                f'<li><a href="{h or "javascript:void(0)"}">{t}</a></li>' for t, h in items
            ) + "</ul></div>")  # fmt: skip
            self.add_page(home, f"{body_name}-{self.gov}", body, crumbs=body_crumbs)
            links.append((body_name, home))
        body = '<ul class="orgs">' + "".join(
            f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in links) + "</ul>"  # fmt: skip
        self.add_page(index, f"{name}-{self.gov}", body, crumbs=tree_crumbs)
        return name, index

    def zwgk_page(self, menu: list[tuple[str, str]]) -> None:
        crumbs = [("首页", "/index.html"), ("政务公开", self.zwgk)]
        items = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in menu)
        if self.c.zwgk_menu == "ul":
            body = f"<ul>{items}</ul>"
        else:
            body = ('<div class="zwgk"><h2>政府信息公开</h2><div class="intro">'
                    "本栏目发布本级政府及所属部门、乡镇（街道）依法主动公开的政府信息。</div>"
                    f'<ul class="menu">{items}</ul></div>')  # fmt: skip
        self.add_page(self.zwgk, f"政务公开-{self.gov}", body, crumbs=crumbs)

    def home(self, column_url: str | None, column_name: str, year: int) -> None:
        news = []
        for kind in ("news", "news_nb"):
            entry = self.lookalike(kind, self.gov, year, "xw", [("首页", "/index.html")])
            news.append(entry)
        items = "".join(f'<li><a href="{e.url}">{escape(e.text)}</a><span>{e.date}</span></li>'
                        for e in news)  # fmt: skip
        crumbs = [("首页", "/index.html")]
        self.add_page("/xwzx/index.html", f"新闻中心-{self.gov}", f'<ul class="list">{items}</ul>',
                      crumbs=[*crumbs, ("新闻中心", "/xwzx/index.html")])  # fmt: skip
        for path, name, text in (
            ("/zwfw/index.html", "政务服务", "政务服务网办事指南、办件查询、好差评。"),
            ("/hdjl/index.html", "互动交流", "县长信箱、在线访谈、征集调查。"),
            ("/wza/index.html", "无障碍", "本网站提供无障碍浏览和长者模式。"),
        ):
            self.add_page(path, f"{name}-{self.gov}", f"<p>{text}</p>", crumbs=crumbs)
        shortcut = f'<a href="{column_url}">{escape(column_name)}</a>' if column_url else ""
        body = (f'<div class="banner"><img src="/images/banner.jpg" alt="{self.gov}"></div>'
                f'<div class="news"><h2>要闻动态</h2><ul>{items}</ul></div>'
                f'<div class="shortcuts"><a href="{self.zwgk}">政务公开</a>{shortcut}'
                '<a href="/zwfw/index.html">政务服务</a></div>')  # fmt: skip
        self.add_page("/index.html", f"首页-{self.gov}", body)

    def static_files(self) -> None:
        for path in IMAGES:
            self.out.files[path] = PIXEL
        self.out.files["/robots.txt"] = b"User-agent: *\nDisallow: /search/\nDisallow: /private/\n"
        self.out.files["/js/jquery.min.js"] = scripts.JQUERY.encode()
        self.out.files["/module/web/jpage/jpage.js"] = b"/* jpage: in /js/jquery.min.js */"
        self.out.files["/gkmlpt/static/js/app.js"] = scripts.GKMLPT_APP.encode()
        self.out.files["/css/style.css"] = b"body{font-size:14px}"

    def portal(self) -> Portal:
        header = {"header": self.c.charset, "both": self.c.charset, "meta": "", "none": "",
                  "wrong": "utf-8"}[self.c.declared]  # fmt: skip
        reports = [{k: v for k, v in r.items() if k != "form"} for r in self.reports]
        site = {"name": self.gov, "charset": header, "lists": self.out.lists,
                "max_requests": 4 * len(reports)}  # fmt: skip
        manifest = {
            "site": self.key, "name": self.gov, "province": self.province, "city": self.city,
            "county": self.county, "cms_style": self.c.family, "start_path": "/index.html",
            "note": f"generated by nianbao.testing.portalgen (seed {self.seed})",
            "seed": self.seed, "choices": asdict(self.c),
            "needs_browser": needs_browser(self.c),
            "forms": {r["url"]: r["form"] for r in self.reports},
            "reports": reports, "distractors": sorted(self.lookalikes), "never_fetched": [],
            "max_requests": 4 * len(reports),
        }  # fmt: skip
        return Portal(self.key, self.c, dict(self.out.files), site, manifest,
                      dict(self.out.records))  # fmt: skip


def generate(seed: int, key: str | None = None, **fixed: Any) -> Portal:
    """The portal of ``seed`` (choices drawn from it; ``fixed`` pins any of them)."""
    rng = random.Random(seed)
    choices = draw_choices(rng, **fixed)
    return _Builder(key or f"gen{seed}", seed, choices, rng).build()
