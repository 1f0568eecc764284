"""The mock portal `gkmlpt`: Guangdong gkmlpt: lists from a JSON API."""

# ruff: noqa: E501  (HTML templates of the mock pages)

from __future__ import annotations

import json

from nianbao.testing.samplebuild.common import (
    Portal,
    Report,
    distractor_pages,
    home,
    robots,
    ugly,
)


def build_gkmlpt() -> Portal:
    p = Portal(
        "gkmlpt",
        "梅江区人民政府",
        "梅江区",
        "广东省",
        "梅州市",
        "Guangdong-gkmlpt",
        nav=[
            ("/index.html", "首页"),
            ("/xwzx/index.html", "新闻中心"),
            ("/gkmlpt/index", "政府信息公开"),
            ("/hdjl/index.html", "互动交流"),
        ],
    )
    sid = "755031"
    reps = [
        Report(
            "/gkmlpt/content/2/2031/post_2031488.html",
            "梅江区人民政府",
            2023,
            50,
            index_no="11441402007185371T/2024-00021",
        ),
        Report(
            "/gkmlpt/content/2/2031/post_1930112.html",
            "梅江区人民政府",
            2022,
            51,
            index_no="11441402007185371T/2023-00017",
        ),
        Report(
            "/gkmlpt/content/2/2031/post_1830007.html",
            "梅江区人民政府",
            2021,
            52,
            index_no="11441402007185371T/2022-00011",
        ),
        Report(
            "/gkmlpt/content/2/2032/post_1930200.html",
            "梅江区西阳镇人民政府",
            2022,
            53,
            "township",
            "MJ-XYZ-2023",
        ),
        Report(
            "/gkmlpt/content/2/2032/post_1930201.html",
            "梅江区金山街道办事处",
            2022,
            54,
            "township",
            "MJ-JSJD-2023",
        ),
        Report(
            "/gkmlpt/content/2/2033/post_1930300.html",
            "梅州市梅江区教育局",
            2022,
            55,
            "department",
            "MJ-JYJ-2023",
        ),
    ]
    reps[0].attachments = [("/attach/mj2023.pdf", "梅江区2023年政府信息公开工作年度报告.pdf")]
    ugly(reps[3], image_only=True, findings=("image_only",))  # scanned pages, no text
    ugly(reps[4], layout="lines", blank_zeros=True)
    ugly(reps[5], blank_zeros=True)  # blanks for zero in the portal's own tables
    p.reports = reps
    for r in reps:
        p.add(r.path, p.report_page(r, f"{r.year + 1}-01-1{r.seed % 9}"))
    p.pdfs["/files/mj2023.pdf"] = reps[0]
    dpath = "/gkmlpt/content/2/2031/"
    distractors = distractor_pages(p, dpath, "梅江区")
    # A report link without a file extension that answers with a PDF.
    czj = Report("/files/mj-czj-2022.pdf", "梅州市梅江区财政局", 2022, 56, "department", "")
    p.reports.append(czj)
    p.pdfs[czj.path] = czj
    p.config["redirects"] = {
        "/gkmlpt/download?id=88": [czj.path, 302],
        "/attach/mj2023.pdf": ["/files/mj2023.pdf", 302],
        "/gkmlpt/content/2/2031/post_1830000.html": [reps[2].path, 301],
    }
    p.config["fail_once"] = [reps[3].path]
    p.config["news"] = {"prefix": "/xwzx/", "pages": 200, "style": "query", "title": "新闻中心"}

    def art(path: str, title: str, date: str) -> dict[str, object]:
        pid = int(path.rsplit("_", 1)[-1].split(".")[0]) if "post_" in path else 0
        return {"id": pid, "title": title, "url": path, "date": date, "publisher": "梅江区"}

    columns = {
        "2031": [
            art(reps[0].path, reps[0].title, "2024-01-18"),
            art(reps[1].path, reps[1].title, "2023-01-19"),
            *[art(u, t, d) for u, t, d in distractors[:4]],
            art("/gkmlpt/content/2/2031/post_1830000.html", reps[2].title, "2022-01-20"),
            art(
                "/gkmlpt/content/2/2031/post_404.html",
                "梅江区2019年政府信息公开工作年度报告",
                "2020-01-20",
            ),
            *[art(u, t, d) for u, t, d in distractors[4:]],
        ],
        "2032": [
            art(reps[3].path, reps[3].title, "2023-01-12"),
            art(reps[4].path, reps[4].title, "2023-01-13"),
        ],
        "2033": [
            art(reps[5].path, reps[5].title, "2023-01-14"),
            art("/gkmlpt/download?id=88", czj.title, "2023-01-15"),
        ],
    }
    news_titles = ("区领导调研重点项目建设", "区政务公开工作推进会召开", "我区开展安全生产大检查")
    columns["1001"] = [
        art(
            f"/gkmlpt/content/1/1001/post_{9000 + i}.html",
            f"{news_titles[i % 3]}（{i}）",
            "2023-05-01",
        )
        for i in range(600)
    ]
    for key, records in columns.items():
        p.add(f"/gkmlpt/api/all/{key}.json", json.dumps(records, ensure_ascii=False))
    p.config["gkmlpt"] = {"sid": sid, "page_size": 5}
    menus = [
        {"id": 1001, "name": "工作动态"},
        {"id": 1002, "name": "政策解读"},
        {"id": 2031, "name": "政府信息公开年报"},
        {"id": 2032, "name": "镇街信息公开年报"},
        {"id": 2033, "name": "部门信息公开年报"},
    ]
    script = (
        "<script>\nwindow._CONFIG = {SID: '" + sid + "', ROOT: '/gkmlpt', SITE_NAME: '梅江区'};\n"
        "var CLASSIFY = " + json.dumps(menus, ensure_ascii=False) + ";\n</script>\n"
        '<script src="/gkmlpt/static/js/app.js"></script>'
    )
    p.add("/robots.txt", robots("Disallow: /gkmlpt/search\n"))
    p.add(
        "/index.html",
        home(
            p,
            '<ul><li><a href="/gkmlpt/index">政府信息公开</a></li><li><a href="/gkmlpt/guide">政府信息公开指南</a></li></ul>',
        ),
    )
    p.add(
        "/gkmlpt/index",
        p.page(
            "政府信息公开",
            '<div id="app">正在加载…</div><noscript>请开启JavaScript</noscript>',
            "政府信息公开",
            head=script,
        ),
    )
    p.add(
        "/gkmlpt/static/js/app.js",
        "/* gkmlpt front-end: renders CLASSIFY and fetches /gkmlpt/api/all/<id> */\n",
    )
    p.config["max_requests"] = 30
    return p
