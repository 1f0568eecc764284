"""Bodies of the look-alike pages placed among reports: work reports, 要点, 法治政府建设,
指南, 制度, 决算/预算, 解读/图解, the format notice (with the blank tables), news."""

from __future__ import annotations

import random
from html import escape

from nianbao.testing.portalgen.figures import draw_figures
from nianbao.testing.portalgen.reportbody import (
    ReportText,
    active_table,
    applications_table,
    review_table,
)


def lookalike_body(kind: str, title: str, agency: str, year: int, rng: random.Random) -> str:
    """The article body of a look-alike of ``kind`` (a key of ``names.DISTRACTORS``)."""
    h = f'<p style="text-align:center"><strong>{escape(title)}</strong></p>'
    p = "".join
    if kind == "gzbg":
        return h + p(f"<p>{t}</p>" for t in (
            f"——{year}年1月{rng.randint(5, 25)}日在{agency}第十八届人民代表大会第三次会议上",
            "各位代表：现在，我代表县人民政府，向大会报告政府工作，请予审议，"
            "并请县政协委员和其他列席人员提出意见。",
            f"一、{year - 1}年工作回顾。全县地区生产总值增长"
            f"{rng.randint(4, 8)}.{rng.randint(0, 9)}%，"
            "一般公共预算收入稳步增长。",
            f"二、{year}年工作安排。坚持稳中求进工作总基调，扎实推进乡村振兴。",
        ))  # fmt: skip
    if kind == "yaodian":
        return h + p(f"<p>{t}</p>" for t in (
            f"为深入推进{year}年全县政务公开工作，结合实际，制定本要点。",
            "一、围绕稳经济促发展加强政策发布解读。",
            "二、围绕政府信息公开年度报告编制发布加强监督，按时公开政府信息公开工作年度报告。",
            "三、加强政务公开平台建设。四、强化组织保障。",
        ))  # fmt: skip
    if kind == "fzzf":
        return h + p(f"<p>{t}</p>" for t in (
            f"{year}年，{agency}坚持以习近平法治思想为指导，深入推进法治政府建设，现将有关情况报告如下。",
            "一、主要举措和成效。（一）深化“放管服”改革。（二）严格规范公正文明执法。",
            f"全年办理行政复议案件{rng.randint(1, 30)}件，行政诉讼案件{rng.randint(1, 20)}件。",
            "二、存在的不足和原因。三、党政主要负责人履行推进法治建设第一责任人职责情况。",
            f"四、{year + 1}年推进法治政府建设的主要安排。",
        ))  # fmt: skip
    if kind == "zhinan":
        return h + p(f"<p>{t}</p>" for t in (
            "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
            "一、主动公开。（一）公开范围。（二）公开形式。（三）公开时限。",
            "二、依申请公开。（一）受理机构。（二）申请方式。（三）答复时限。",
            f"三、监督和救济。四、政府信息公开工作年度报告：{agency}于每年1月31日前公布上一年度报告。",
        ))  # fmt: skip
    if kind == "zhidu":
        return h + p(f"<p>{t}</p>" for t in (
            "第一条 为规范政府信息公开工作，制定本制度。",
            "第二条 政府信息公开工作年度报告由政务公开办公室负责编制。",
            "第三条 本制度自印发之日起施行。",
        ))  # fmt: skip
    if kind in ("juesuan", "yusuan"):
        rows = "".join(
            f"<tr><td>{name}</td><td>{rng.randint(100, 90000) / 100:.2f}</td></tr>"
            for name in ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "事业收入",
                         "一般公共服务支出", "教育支出", "社会保障和就业支出")
        )  # fmt: skip
        what = "决算" if kind == "juesuan" else "预算"
        return (
            h + f"<p>{agency}{year}年度部门{what}情况说明</p>"
            '<table border="1"><tr><td>项目</td><td>金额（万元）</td></tr>' + rows + "</table>"
        )
    if kind == "jiedu":
        received = rng.randint(30, 200)
        return h + p(f"<p>{t}</p>" for t in (
            f"近日，《{agency}{year}年政府信息公开工作年度报告》正式发布，现就有关内容解读如下。",
            f"一、主动公开情况。{year}年共主动公开政府信息{rng.randint(500, 3000)}条。",
            f"二、依申请公开情况。共收到政府信息公开申请{received}件，办结{received - 2}件。",
            "三、行政复议、行政诉讼情况。四、下一步工作打算。",
        ))  # fmt: skip
    if kind == "tujie":
        pics = "".join(f'<p><img src="/images/tujie{year}_{i}.jpg" alt=""></p>' for i in (1, 2, 3))
        return h + pics
    if kind == "tongzhi":
        blank = ReportText(title, agency, year, "2021", draw_figures(rng, "2021", "county"),
                           f"{year + 1}-01-05", "")  # fmt: skip
        tables = [active_table(blank), applications_table(blank), review_table(blank)]
        tables = [_blank_cells(t) for t in tables]
        return h + p(f"<p>{t}</p>" for t in (
            "各乡镇人民政府、街道办事处，县政府各部门：",
            f"为做好{year}年政府信息公开工作年度报告编制和发布工作，现将有关事项通知如下。",
            "一、各单位应于1月31日前在本单位政府信息公开专栏发布年度报告。",
            "二、年度报告应严格按照国办公开办函〔2021〕30号规定的格式编制。附件：年度报告格式",
        )) + "<p>一、总体情况</p>" + "".join(
            f"<p>{s}</p>{t}" for s, t in zip(
                ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                 "四、政府信息公开行政复议、行政诉讼情况"), tables, strict=True)
        )  # fmt: skip
    # news
    return h + p(f"<p>{t}</p>" for t in (
        f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日，{agency}召开专题会议，"
        "研究部署政务公开和政府信息公开工作年度报告编制工作。",
        "会议要求，各单位要高度重视，严格按照时间节点完成相关工作。",
    ))  # fmt: skip


def _blank_cells(table: str) -> str:
    """The format's table with every value cell empty (as the notice attaches it)."""
    import re

    return re.sub(r"<td>(-?\d+(?:\.\d+)?)</td>", "<td></td>", table)
