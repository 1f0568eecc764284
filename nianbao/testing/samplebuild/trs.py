"""The mock portal `trs`: TRS WCM, GBK pages."""

from __future__ import annotations

from nianbao.testing.samplebuild.common import (
    BALANCE_RULES,
    TOTAL,
    Portal,
    Report,
    distractor_pages,
    home,
    robots,
    ugly,
)


def build_trs() -> Portal:
    p = Portal(
        "trs",
        "青山县人民政府",
        "青山县",
        "贵州省",
        "毕节市",
        "TRS",
        charset="gb2312",
        nav=[
            ("/index.html", "首页"),
            ("/zjqs/index.html", "走进青山"),
            ("/xwzx/index.html", "新闻中心"),
            ("/zwgk/index.html", "政务公开"),
            ("/zwfw/index.html", "政务服务"),
            ("/hdjl/index.html", "互动交流"),
        ],
    )
    nb = "/zwgk/zfxxgk/zfxxgknb/"
    county = "青山县人民政府"
    r2023 = Report(
        f"{nb}2023n/202401/t20240115_3001.html",
        county,
        2023,
        11,
        index_no="11520527MB1234567A/2024-00015",
        attachments=[("/attach/qs2023nb.pdf", "青山县2023年政府信息公开工作年度报告.pdf")],
    )
    r2022 = Report(
        f"{nb}2022n/202301/t20230118_2001.html", county, 2022, 7, index_no="QS-2023-0007"
    )
    r2021 = Report(
        f"{nb}2021n/202201/t20220120_1001.html", county, 2021, 4, index_no="QS-2022-0004"
    )
    # 堃 is in GBK but not GB2312: the page says gb2312; decoding must use GB18030.
    town = Report(
        f"{nb}2022n/202301/t20230120_2002.html",
        "金堃镇人民政府",
        2022,
        5,
        "township",
        "QS-2023-0012",
    )
    edu = Report(
        "/zwgk/bmxxgk/jyj/zfxxgknb/202301/t20230110_501.html",
        "青山县教育局",
        2022,
        8,
        "department",
        "QS-JY-2023-01",
    )
    fin = Report(
        "/zwgk/bmxxgk/czj/zfxxgknb/202201/t20220112_401.html",
        "青山县财政局",
        2021,
        9,
        "department",
        "QS-CZ-2022-01",
    )
    p.reports = [r2023, r2022, r2021, town, edu, fin]
    ugly(r2022, layout="word")  # Word-exported HTML: <td><p><span>, &nbsp;, 结<br>果 labels
    ugly(  # (七)总计 misprinted: 总计 column off by one
        r2021,
        printed={"applications.total_processed.total": r2021.values()[TOTAL] + 1},
        findings=BALANCE_RULES,
    )
    ugly(edu, layout="split", blank_zeros=True)  # 三 split at a page break; blanks for zero
    ugly(fin, omit=("review_litigation",), findings=("missing_table",))  # no section 四
    for r, date in (
        (r2023, "2024-01-15"),
        (r2022, "2023-01-18"),
        (r2021, "2022-01-20"),
        (town, "2023-01-20"),
        (edu, "2023-01-10"),
        (fin, "2022-01-12"),
    ):
        p.add(r.path, p.report_page(r, date))
    p.pdfs["/files/2024/qs2023nb.pdf"] = r2023
    p.config["redirects"] = {
        "/attach/qs2023nb.pdf": ["/files/2024/qs2023nb.pdf", 302],
        f"{nb}2023n/latest.html": [r2023.path, 301],
    }
    p.config["fail_once"] = [r2022.path]
    p.config["news"] = {
        "prefix": "/zwgk/gkdt/",
        "pages": 300,
        "style": "trs",
        "title": "政务公开动态",
    }
    p.config["news2"] = {"prefix": "/xwzx/", "pages": 200, "style": "trs", "title": "新闻中心"}
    p.add("/robots.txt", robots())
    p.add(
        "/index.html",
        home(
            p,
            '<ul><li><a href="/zwgk/zfxxgk/index.html">政府信息公开</a></li>'
            '<li><a href="/zwgk/zfxxgk/zfxxgkzn/index.html">政府信息公开指南</a></li></ul>',
        ),
    )
    p.add(
        "/zwgk/index.html",
        p.page(
            "政务公开",
            '<ul class="sub"><li><a href="/zwgk/zfxxgk/index.html">政府信息公开</a></li>'
            '<li><a href="/zwgk/gkdt/index.html">政务公开动态</a></li>'
            '<li><a href="/zwgk/zcjd/index.html">政策解读</a></li></ul>',
            "政务公开",
        ),
    )
    p.add(
        "/zwgk/zfxxgk/index.html",
        p.page(
            "政府信息公开",
            '<div class="left"><ul>'
            '<li><a href="/zwgk/zfxxgk/zfxxgkzn/index.html">政府信息公开指南</a></li>'
            '<li><a href="/zwgk/zfxxgk/zfxxgkzd/index.html">政府信息公开制度</a></li>'
            '<li><a href="/zwgk/zfxxgk/fdzdgknr/index.html">法定主动公开内容</a></li>'
            f'<li><a href="{nb}index.html">政府信息公开年报</a></li>'
            '<li><a href="/zwgk/bmxxgk/index.html">部门信息公开</a></li>'
            '<li><a href="/zwgk/gkdt/index.html">政务公开动态</a></li>'
            "</ul></div>",
            "政务公开 &gt; 政府信息公开",
        ),
    )
    years = (
        f'<div class="years"><a href="{nb}2023n/index.html">2023年</a> '
        f'<a href="{nb}2022n/index.html">2022年</a> <a href="{nb}2021n/index.html">2021年</a></div>'
    )
    script = '<script type="text/javascript">createPageHTML({n}, {i}, "index", "html");</script>'
    distractors = distractor_pages(p, f"{nb}qt/", "青山县")
    page0 = [
        (f"{nb}2023n/latest.html", r2023.title, "2024-01-15"),
        (r2022.path, r2022.title, "2023-01-18"),
        *distractors[:4],
    ]
    page1 = [
        (r2021.path, r2021.title, "2022-01-20"),
        (f"{nb}201901/t20190110_404.html", "青山县2018年政府信息公开工作年度报告", "2019-01-10"),
        *distractors[4:],
    ]
    p.add(
        f"{nb}index.html",
        p.page(
            "政府信息公开年报",
            years + p.link_list(page0, script.format(n=2, i=0)),
            "政府信息公开年报",
        ),
    )
    p.add(
        f"{nb}index_1.html",
        p.page(
            "政府信息公开年报",
            years + p.link_list(page1, script.format(n=2, i=1)),
            "政府信息公开年报",
        ),
    )
    p.add(
        f"{nb}2023n/index.html",
        p.page(
            "2023年", p.link_list([(r2023.path, r2023.title, "2024-01-15")]), "年报 &gt; 2023年"
        ),
    )
    p.add(
        f"{nb}2022n/index.html",
        p.page(
            "2022年",
            p.link_list(
                [(r2022.path, r2022.title, "2023-01-18"), (town.path, town.title, "2023-01-20")]
            ),
            "年报 &gt; 2022年",
        ),
    )
    p.add(
        f"{nb}2021n/index.html",
        p.page(
            "2021年", p.link_list([(r2021.path, r2021.title, "2022-01-20")]), "年报 &gt; 2021年"
        ),
    )
    depts = (("jyj", "县教育局", edu), ("czj", "县财政局", fin), ("gaj", "县公安局", None))
    p.add(
        "/zwgk/bmxxgk/index.html",
        p.page(
            "部门信息公开",
            "<ul>"
            + "".join(
                f'<li><a href="/zwgk/bmxxgk/{k}/index.html">{n}</a></li>' for k, n, _ in depts
            )
            + "</ul>",
            "部门信息公开",
        ),
    )
    for key, name, rep in depts:
        base = f"/zwgk/bmxxgk/{key}/"
        p.add(
            f"{base}index.html",
            p.page(
                name,
                f'<ul><li><a href="{base}jgzn/index.html">机构职能</a></li>'
                f'<li><a href="{base}zfxxgknb/index.html">政府信息公开年报</a></li>'
                f'<li><a href="{base}tzgg/index.html">通知公告</a></li></ul>',
                f"部门信息公开 &gt; {name}",
            ),
        )
        links = [(rep.path, rep.title, "2023-01-10")] if rep else []
        p.add(f"{base}zfxxgknb/index.html", p.page("政府信息公开年报", p.link_list(links), name))
    p.add("/zwgk/zfxxgk/zfxxgkzn/index.html", p.article("政府信息公开指南", "略。", "政府信息公开"))
    p.add("/ldzc/1.html", p.article("县委书记", "简历略。", "领导之窗"))
    p.config["max_requests"] = 34
    return p
