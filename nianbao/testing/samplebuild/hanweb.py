"""The mock portal `hanweb`: Hanweb: columns fed by /module/jpage/dataproxy.jsp."""

# ruff: noqa: E501  (HTML templates of the mock pages)

from __future__ import annotations

import json

from nianbao.testing.samplebuild.common import (
    RECEIVED,
    Portal,
    Report,
    distractor_pages,
    home,
    report_docx,
    robots,
    ugly,
)


def build_hanweb() -> Portal:
    p = Portal(
        "hanweb",
        "江北区人民政府",
        "江北区",
        "浙江省",
        "宁波市",
        "Hanweb",
        nav=[
            ("/index.html", "首页"),
            ("/col/col1229100001/index.html", "新闻动态"),
            ("/col/col1229214300/index.html", "政府信息公开"),
            ("/col/col1229100003/index.html", "政务服务"),
        ],
    )
    reps = [
        Report(
            "/art/2024/1/22/art_1229214366_58900001.html",
            "宁波市江北区人民政府",
            2023,
            60,
            index_no="002949574/2024-01234",
        ),
        Report(
            "/art/2023/1/20/art_1229214366_58800002.html",
            "宁波市江北区人民政府",
            2022,
            61,
            index_no="002949574/2023-01111",
        ),
        Report(
            "/art/2022/1/18/art_1229214366_58700003.html",
            "宁波市江北区人民政府",
            2021,
            62,
            index_no="002949574/2022-01000",
        ),
        Report(
            "/art/2023/1/25/art_1229214367_58800010.html",
            "宁波市江北区庄桥街道办事处",
            2022,
            63,
            "township",
            "JB-ZQ-2023",
        ),
        Report(
            "/art/2023/1/26/art_1229214367_58800011.html",
            "宁波市江北区慈城镇人民政府",
            2022,
            64,
            "township",
            "JB-CC-2023",
        ),
        Report(
            "/art/2022/1/26/art_1229214367_58700012.html",
            "宁波市江北区慈城镇人民政府",
            2021,
            65,
            "township",
            "JB-CC-2022",
        ),
    ]
    reps[1].attachments = [
        (
            "/module/download/downfile.jsp?classid=0&filename=jb2022.docx",
            "江北区2022年政府信息公开工作年度报告.docx",
        )
    ]
    ugly(reps[0], all_zero=True)  # a body with nothing to report: every cell 0
    ugly(  # 本年新收 总计 misprinted; 三 split at a page break
        reps[3],
        layout="split",
        printed={"applications.new_received.total": reps[3].values()[RECEIVED] + 1},
        findings=("applicant_total_sum", "balance"),
    )
    p.reports = reps
    for r in reps:
        p.add(r.path, p.report_page(r, f"{r.year + 1}-01-2{r.seed % 9}"))
    p.add("/files/jb2022.docx", report_docx(reps[1]))
    distractors = distractor_pages(p, "/art/2023/2/1/", "江北区")
    p.config["redirects"] = {
        "/module/download/downfile.jsp?classid=0&filename=jb2022.docx": ["/files/jb2022.docx", 302],
        "/art/2022/1/18/art_1229214366_old.html": [reps[2].path, 301],
    }
    p.config["fail_once"] = [reps[4].path]
    p.config["news"] = {
        "prefix": "/col/col1229100001/",
        "pages": 200,
        "style": "query",
        "title": "新闻动态",
    }

    def rec(path: str, title: str, date: str) -> str:
        return (
            f'<li><a href="{path}" title="{title}" target="_blank">{title}</a>'
            f"<span>{date}</span></li>"
        )

    cols = {
        "1229214366": [
            rec(reps[0].path, reps[0].title, "2024-01-22"),
            rec(reps[1].path, reps[1].title, "2023-01-20"),
            *[rec(u, t, d) for u, t, d in distractors[:4]],
            rec("/art/2022/1/18/art_1229214366_old.html", reps[2].title, "2022-01-18"),
            rec(
                "/art/2020/1/20/art_1229214366_404.html",
                "宁波市江北区2019年政府信息公开工作年度报告",
                "2020-01-20",
            ),
            *[rec(u, t, d) for u, t, d in distractors[4:]],
        ],
        "1229214367": [rec(r.path, r.title, "2023-01-25") for r in reps[3:]],
    }
    for col, records in cols.items():
        p.add(f"/module/jpage/col{col}.json", json.dumps(records, ensure_ascii=False))

    def column_page(col: str, unit: str, title: str, total: int) -> str:
        first = "".join(f"<record><![CDATA[{r}]]></record>" for r in cols[col][:3])
        script = f"""<div id="{unit}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp?page=1&webid=3&path=/&columnid={col}&unitid={unit}&webname=江北区&permissiontype=0"></a>]]></nextgroup>
<recordset>{first}</recordset></datastore></script></div>
<script language="javascript" src="/module/jslib/jquery/jpage/js/jquery.page.min.js"></script>
<script>
$(document).ready(function() {{
  $('#{unit}').jpage({{ dataStore: dataStore, totalRecord: {total}, perPage: 15, groupSize: 3,
    proxyUrl: '/module/jpage/dataproxy.jsp', ajaxParam: {{ col: 1, appid: 1, webid: 3,
    path: '/', columnid: {col}, sourceContentType: 1, unitid: '{unit}', webname: '江北区',
    permissiontype: 0 }} }});
}});
</script>"""
        return p.page(title, script, f"政府信息公开 &gt; {title}")

    p.add(
        "/col/col1229214366/index.html",
        column_page("1229214366", "4451", "政府信息公开年报", len(cols["1229214366"])),
    )
    p.add(
        "/col/col1229214367/index.html",
        column_page("1229214367", "4452", "镇（街道）年报", len(cols["1229214367"])),
    )
    p.config["hanweb"] = {"columns": list(cols)}
    p.add("/robots.txt", robots("Disallow: /module/search/\n"))
    p.add(
        "/index.html",
        home(p, '<ul><li><a href="/col/col1229214300/index.html">政府信息公开</a></li></ul>'),
    )
    p.add(
        "/col/col1229214300/index.html",
        p.page(
            "政府信息公开",
            '<ul><li><a href="/col/col1229214301/index.html">政府信息公开指南</a></li>'
            '<li><a href="/col/col1229214366/index.html">政府信息公开年报</a></li>'
            '<li><a href="/col/col1229214367/index.html">镇（街道）政府信息公开年报</a></li>'
            '<li><a href="/col/col1229100001/index.html">政务动态</a></li></ul>',
            "政府信息公开",
        ),
    )
    p.config["max_requests"] = 30
    return p
