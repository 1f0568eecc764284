"""The mock portal `townships`: townships: static per-year / per-township folders, township sub-sites, Anhui URLs."""

# ruff: noqa: E501  (HTML templates of the mock pages)

from __future__ import annotations

from nianbao.testing.samplebuild.common import (
    Portal,
    Report,
    distractor_pages,
    home,
    private_trap,
    robots,
    ugly,
)


def build_townships() -> Portal:
    p = Portal(
        "townships",
        "石门县人民政府",
        "石门县",
        "湖南省",
        "常德市",
        "static",
        nav=[
            ("/index.html", "首页"),
            ("/xwzx/index.html", "新闻动态"),
            ("/zfxxgk/index.html", "政府信息公开"),
            ("/bsfw/index.html", "办事服务"),
        ],
    )
    nb = "/zfxxgk/zfxxgknb/"
    county22 = Report(f"{nb}n2022n/xf.htm", "石门县人民政府", 2022, 40, index_no="SM-2023-001")
    county21 = Report(f"{nb}n2021n/xf.htm", "石门县人民政府", 2021, 41, index_no="SM-2022-001")
    zgz = Report(f"{nb}n2022n/xz/zgz.htm", "止戈镇人民政府", 2022, 42, "township", "SM-ZGZ-2023")
    wwz = Report(f"{nb}n2021n/xz/wwz.htm", "瓦屋镇人民政府", 2021, 43, "township", "SM-WWZ-2022")
    cgz = Report(
        "/xz/cgz/zfxxgknb/2023/01/nb2022.html",
        "城关镇人民政府",
        2022,
        44,
        "township",
        "SM-CGZ-2023",
    )
    hyx = Report(
        "/OpennessAnnualReport/year/show/341/2022.html",
        "花园乡人民政府",
        2022,
        45,
        "township",
        "SM-HYX-2023",
    )
    hyx20 = Report(
        "/OpennessAnnualReport/year/show/341/2021.html",
        "花园乡人民政府",
        2021,
        46,
        "township",
        "SM-HYX-2022",
    )
    hyx19 = Report(  # a 2020 report: the 2019 format (国办公开办函〔2019〕60号)
        "/OpennessAnnualReport/year/show/341/2020.html",
        "花园乡人民政府",
        2020,
        47,
        "township",
        "SM-HYX-2021",
    )
    p.reports = [county22, county21, zgz, wwz, cgz, hyx, hyx20, hyx19]
    ugly(county22, layout="tabs")  # the tables pasted as text: one <p> a row, tab-separated
    ugly(  # an unreadable cell
        zgz,
        printed={"applications.granted.total": "见附件"},
        findings=("unreadable_cell",),
    )
    ugly(  # 见附件 the only value of its row: a null cell, not part of the row label
        hyx,
        printed={"active_disclosure.administrative_license.decisions": "见附件"},
        findings=("unreadable_cell",),
    )
    ugly(cgz, fmt="2019", findings=("template_year_mismatch",))  # 2022 report, 2019 format
    for r in p.reports:
        p.add(r.path, p.report_page(r, f"{r.year + 1}-01-15"))
    p.config["redirects"] = {f"{nb}n2022n/xz/zgz-old.htm": [zgz.path, 302]}
    p.config["fail_once"] = [cgz.path]
    p.config["news"] = {"prefix": "/xwzx/", "pages": 300, "style": "trs", "title": "新闻动态"}
    p.add("/robots.txt", robots())
    p.add("/index.html", home(p, '<ul><li><a href="/zfxxgk/index.html">政府信息公开</a></li></ul>'))
    p.add(
        "/zfxxgk/index.html",
        p.page(
            "政府信息公开",
            '<ul><li><a href="/zfxxgk/zn.htm">政府信息公开指南</a></li>'
            f'<li><a href="{nb}index.htm">政府信息公开年报</a></li>'
            '<li><a href="/zfxxgk/xzxxgk/index.htm">乡镇信息公开</a></li>'
            f"{private_trap(p, '石门县')}</ul>",
            "政府信息公开",
        ),
    )
    p.add("/zfxxgk/zn.htm", p.article("石门县人民政府政府信息公开指南", "略。"))
    p.add(
        f"{nb}index.htm",
        p.page(
            "政府信息公开年报",
            f'<ul><li><a href="{nb}n2022n/index.htm">2022年度</a></li>'
            f'<li><a href="{nb}n2021n/index.htm">2021年度</a></li></ul>',
            "政府信息公开年报",
        ),
    )
    distractors = distractor_pages(p, f"{nb}qt/", "石门县")
    p.add(
        f"{nb}n2022n/index.htm",
        p.page(
            "2022年度",
            p.link_list([(county22.path, county22.title, "2023-01-15"), *distractors[:2]])
            + f'<p><a href="{nb}n2022n/xz/index.htm">乡镇</a> <a href="{nb}n2022n/bm/index.htm">部门</a></p>',
            "年报 &gt; 2022年度",
        ),
    )
    p.add(
        f"{nb}n2022n/xz/index.htm",
        p.page(
            "乡镇",
            p.link_list(
                [
                    (f"{nb}n2022n/xz/zgz-old.htm", zgz.title, "2023-01-15"),
                    (
                        f"{nb}n2022n/xz/lfz.htm",
                        "龙凤镇2022年政府信息公开工作年度报告",
                        "2023-01-16",
                    ),
                    *distractors[2:],
                ]
            ),
            "年报 &gt; 2022年度 &gt; 乡镇",
        ),
    )
    p.add(
        f"{nb}n2022n/bm/index.htm", p.page("部门", p.link_list([]), "年报 &gt; 2022年度 &gt; 部门")
    )
    p.add(
        f"{nb}n2021n/index.htm",
        p.page(
            "2021年度",
            p.link_list([(county21.path, county21.title, "2022-01-15")])
            + f'<p><a href="{nb}n2021n/xz/index.htm">乡镇</a></p>',
            "年报 &gt; 2021年度",
        ),
    )
    p.add(
        f"{nb}n2021n/xz/index.htm",
        p.page("乡镇", p.link_list([(wwz.path, wwz.title, "2022-01-15")]), "乡镇"),
    )
    towns = (("cgz", "城关镇"), ("hyx", "花园乡"))
    p.add(
        "/zfxxgk/xzxxgk/index.htm",
        p.page(
            "乡镇信息公开",
            "<ul>"
            + "".join(f'<li><a href="/xz/{k}/index.html">{n}</a></li>' for k, n in towns)
            + "</ul>",
            "乡镇信息公开",
        ),
    )
    p.add(
        "/xz/cgz/index.html",
        p.page(
            "城关镇",
            '<ul><li><a href="/xz/cgz/zwdt/index.html">镇务动态</a></li>'
            '<li><a href="/xz/cgz/zfxxgknb/index.html">政府信息公开年报</a></li></ul>',
            "乡镇信息公开 &gt; 城关镇",
        ),
    )
    p.add(
        "/xz/cgz/zfxxgknb/index.html",
        p.page("年报", p.link_list([(cgz.path, cgz.title, "2023-01-15")]), "城关镇"),
    )
    p.add(
        "/xz/hyx/index.html",
        p.page(
            "花园乡",
            '<ul><li><a href="/OpennessAnnualReport/index/341.html">政府信息公开年报</a></li></ul>',
            "乡镇信息公开 &gt; 花园乡",
        ),
    )
    p.add(
        "/OpennessAnnualReport/index/341.html",
        p.page(
            "花园乡政府信息公开年报",
            p.link_list(
                [
                    (hyx.path, hyx.title, "2023-01-15"),
                    (hyx20.path, hyx20.title, "2022-01-15"),
                    (hyx19.path, hyx19.title, "2021-01-15"),
                ]
            ),
            "花园乡 &gt; 年报",
        ),
    )
    p.config["max_requests"] = 36
    return p
