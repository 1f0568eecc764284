"""The mock portal `pagelist`: ``?page=N`` lists (Jiangsu-style content/<uuid>.html)."""

from __future__ import annotations

from nianbao.testing.samplebuild.common import (
    REVIEW,
    Portal,
    Report,
    distractor_pages,
    home,
    private_trap,
    report_docx,
    robots,
    ugly,
)


def build_pagelist() -> Portal:
    p = Portal(
        "pagelist",
        "白水县人民政府",
        "白水县",
        "陕西省",
        "渭南市",
        "Jiangsu",
        nav=[
            ("/index.html", "首页"),
            ("/xwzx/list.html", "新闻中心"),
            ("/xxgk/index.html", "信息公开"),
            ("/zmhd/index.html", "政民互动"),
        ],
    )
    base = "/xxgk/xxgknb/"
    names = [
        ("白水县人民政府", 2023, "county"),
        ("白水县人民政府", 2022, "county"),
        ("白水县人民政府", 2021, "county"),
        ("白水县发展和改革委员会", 2022, "department"),
        ("白水县卫生健康委员会", 2022, "department"),
        ("白水县城北街道办事处", 2022, "township"),
        ("白水县民政局", 2021, "department"),
    ]
    uuids = [
        "3f7514f9-1885-4e24-a677-304703aa7d1e",
        "0b1c6a52-77e0-4d0e-9d1a-6b7f3c2e8a11",
        "9a2e1d4b-5c6f-4a3b-8e7d-1f2c3b4a5d6e",
        "c4d5e6f7-0a1b-4c2d-9e3f-5a6b7c8d9e0f",
        "1e2d3c4b-5a69-4788-a9b0-c1d2e3f4a5b6",
        "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910",
        "2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809",
    ]
    reports = [
        Report(f"{base}content/{u}.html", a, y, 20 + i, lvl, f"BS-{y}-{i:03d}")
        for i, ((a, y, lvl), u) in enumerate(zip(names, uuids, strict=True))
    ]
    reports[0].attachments = [
        ("/uploadfiles/202401/bs2023nb.docx", "白水县2023年政府信息公开工作年度报告.docx")
    ]
    ugly(reports[1], encoding="gbk")  # GBK bytes, no <meta charset>, the server says utf-8
    ugly(  # text one cell a line; 行政复议 总计 misprinted
        reports[3],
        layout="lines",
        printed={"review_litigation.review.total": reports[3].values()[REVIEW] + 1},
        findings=("review_total_sum",),
    )
    ugly(reports[4], layout="word", omit=("total",))  # Word HTML without the 总计 column
    for r in reports:
        p.add(r.path, p.report_page(r, f"{r.year + 1}-01-2{r.seed % 9}"))
    p.add("/files/202401/bs2023nb.docx", report_docx(reports[0]))
    # A report published only as a file, linked straight from the list.
    only = Report(
        "/uploadfiles/202301/jtj2022.docx", "白水县交通运输局", 2022, 31, "department", ""
    )
    p.add("/files/202301/jtj2022.docx", report_docx(only))
    p.reports = [*reports, only]
    p.config["redirects"] = {
        "/uploadfiles/202401/bs2023nb.docx": ["/files/202401/bs2023nb.docx", 302],
        "/uploadfiles/202301/jtj2022.docx": ["/files/202301/jtj2022.docx", 302],
        f"{base}content/old-2021.html": [reports[2].path, 301],
    }
    p.config["fail_once"] = [reports[1].path]
    p.config["news"] = {"prefix": "/xwzx/", "pages": 250, "style": "query", "title": "新闻中心"}
    p.add("/robots.txt", robots())
    p.add("/index.html", home(p, '<ul><li><a href="/xxgk/index.html">政府信息公开</a></li></ul>'))
    p.add(
        "/xxgk/index.html",
        p.page(
            "信息公开",
            '<ul><li><a href="/xxgk/zn/index.html">政府信息公开指南</a></li>'
            f'<li><a href="{base}list.html">政府信息公开年度报告</a></li>'
            '<li><a href="/xxgk/tzgg/list.html">通知公告</a></li>'
            f"{private_trap(p, '白水县')}</ul>",
            "信息公开",
        ),
    )
    distractors = distractor_pages(p, f"{base}qt/", "白水县")
    links = [
        (reports[0].path, reports[0].title, "2024-01-20"),
        (reports[1].path, reports[1].title, "2023-01-21"),
        (f"{base}content/old-2021.html", reports[2].title, "2022-01-22"),
        (reports[3].path, reports[3].title, "2023-01-23"),
        (only.path, only.title + ".docx", "2023-01-24"),
        *distractors[:3],
        (reports[4].path, reports[4].title, "2023-01-24"),
        (reports[5].path, reports[5].title, "2023-01-25"),
        (
            f"{base}content/00000000-dead-4bad-8bad-000000000404.html",
            "白水县2019年政府信息公开工作年度报告",
            "2020-01-20",
        ),
        *distractors[3:],
        (reports[6].path, reports[6].title, "2022-01-26"),
    ]
    per = 6
    pages = [links[i : i + per] for i in range(0, len(links), per)]
    for n, chunk in enumerate(pages, 1):
        nxt = f'<a href="{base}list.html?page={n + 1}">下一页</a>' if n < len(pages) else ""
        prev = f'<a href="{base}list.html?page={n - 1}">上一页</a> ' if n > 1 else ""
        pager = f'<div class="pager">{prev}<span>第{n}页/共{len(pages)}页</span> {nxt}</div>'
        html = p.page("政府信息公开年度报告", p.link_list(chunk, pager), "信息公开 &gt; 年度报告")
        p.add(f"{base}list.html" if n == 1 else f"{base}list.html@page={n}", html)
    p.config["max_requests"] = 35
    return p
