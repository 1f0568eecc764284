"""A report's body rendered from its figures: the official 2019 / 2021 formats as HTML or DOCX.

Written from the formats themselves (国办公开办函〔2019〕60号 and 〔2021〕30号), not from the
project's parsers: section headings, the three tables with their merged header cells, and
the prose sections a county office writes around them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape

from nianbao.testing.portalgen.figures import APPLICANTS, OUTCOMES, PROCEEDINGS

ACTIVE_2021 = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     (("规章", "regulations"), ("行政规范性文件", "normative_documents")),
     ("issued", "abolished", "in_force")),
    ("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", "administrative_license"),),
     ("decisions",)),
    ("第二十条第（六）项", ("本年处理决定数量",),
     (("行政处罚", "administrative_penalty"), ("行政强制", "administrative_coercion")),
     ("decisions",)),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",),
     (("行政事业性收费", "administrative_fees"),), ("fee_amount",)),
)  # fmt: skip
ACTIVE_2019 = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
     (("规章", "regulations"), ("规范性文件", "normative_documents")),
     ("new_made", "new_published", "total_published")),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("行政许可", "administrative_license"), ("其他对外管理服务事项", "other_external_services")),
     ("prior_year_count", "change", "decisions")),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("行政处罚", "administrative_penalty"), ("行政强制", "administrative_coercion")),
     ("prior_year_count", "change", "decisions")),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"),
     (("行政事业性收费", "administrative_fees"),), ("prior_year_count", "change")),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"),
     (("政府集中采购", "government_procurement"),), ("procurement_count", "procurement_amount")),
)  # fmt: skip
APPLICANT_LABELS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
# (group label, group size or 0 for a row of its own, row label, key)
RESULT_GROUPS_COMMON = (
    ("（一）予以公开", 0, "", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 0, "", "partially_granted"),
    ("（三）不予公开", 8, "1.属于国家秘密", "withheld_state_secret"),
    ("", 0, "2.其他法律行政法规禁止公开", "withheld_prohibited_by_law"),
    ("", 0, "3.危及“三安全一稳定”", "withheld_security_stability"),
    ("", 0, "4.保护第三方合法权益", "withheld_third_party"),
    ("", 0, "5.属于三类内部事务信息", "withheld_internal_affairs"),
    ("", 0, "6.属于四类过程性信息", "withheld_process_info"),
    ("", 0, "7.属于行政执法案卷", "withheld_enforcement_file"),
    ("", 0, "8.属于行政查询事项", "withheld_inquiry"),
    ("（四）无法提供", 3, "1.本机关不掌握相关政府信息", "unavailable_not_held"),
    ("", 0, "2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    ("", 0, "3.补正后申请内容仍不明确", "unavailable_unclear"),
    ("（五）不予处理", 5, "1.信访举报投诉类申请", "rejected_complaint"),
    ("", 0, "2.重复申请", "rejected_duplicate"),
    ("", 0, "3.要求提供公开出版物", "rejected_publication"),
    ("", 0, "4.无正当理由大量反复申请", "rejected_excessive"),
    ("", 0, "5.要求行政机关确认或重新出具已获取信息", "rejected_confirmation"),
)
RESULT_GROUPS = {
    "2019": (*RESULT_GROUPS_COMMON, ("（六）其他处理", 0, "", "other_processing")),
    "2021": (
        *RESULT_GROUPS_COMMON,
        ("（六）其他处理", 3,
         "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         "other_overdue_correction"),
        ("", 0, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
         "other_overdue_fee"),
        ("", 0, "3.其他", "other_other"),
    ),
}  # fmt: skip
OUTCOME_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@dataclass
class ReportText:
    """What a report says: who, which year, its format and figures."""

    title: str
    agency: str
    year: int
    template: str  # "2019" | "2021"
    cells: dict[str, float | int]
    published: str  # YYYY-MM-DD
    short_name: str  # 我县 / 我镇 / 我局


def _num(value: float | int) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _row(cells: list[str], attrs: list[str] | None = None) -> str:
    attrs = attrs or [""] * len(cells)
    return "<tr>" + "".join(f"<td{a}>{c}</td>" for c, a in zip(cells, attrs, strict=True)) + "</tr>"


def active_table(report: ReportText) -> str:
    spec = ACTIVE_2021 if report.template == "2021" else ACTIVE_2019
    rows = []
    for clause, headers, items, metrics in spec:
        span = 3 // len(headers)
        attr = f' colspan="{span}"' if span > 1 else ""
        last = f' colspan="{3 - span * (len(headers) - 1)}"' if len(headers) > 1 else attr
        rows.append(f'<tr><td colspan="4">{clause}</td></tr>')
        head_attrs = [""] + [attr] * (len(headers) - 1) + [last]
        rows.append(_row(["信息内容", *headers], head_attrs))
        for label, item in items:
            values = [_num(report.cells[f"active_disclosure.{item}.{m}"]) for m in metrics]
            rows.append(_row([label, *values], head_attrs))
    return '<table border="1" cellspacing="0">' + "".join(rows) + "</table>"


def applications_table(report: ReportText) -> str:
    def values(row: str) -> list[str]:
        return [_num(report.cells[f"applications.{row}.{a}"]) for a in (*APPLICANTS, "total")]

    rows = [
        '<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，'
        '等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>',
        '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td>'
        '<td rowspan="2">总计</td></tr>',
        "<tr>" + "".join(f"<td>{a}</td>" for a in APPLICANT_LABELS[1:]) + "</tr>",
        '<tr><td colspan="3">一、本年新收政府信息公开申请数量</td>'
        + "".join(f"<td>{v}</td>" for v in values("new_received")) + "</tr>",
        '<tr><td colspan="3">二、上年结转政府信息公开申请数量</td>'
        + "".join(f"<td>{v}</td>" for v in values("carried_over")) + "</tr>",
    ]  # fmt: skip
    groups = RESULT_GROUPS[report.template]
    for i, (group, size, label, key) in enumerate(groups):
        head = f'<td rowspan="{len(groups) + 1}">三、本年度办理结果</td>' if i == 0 else ""
        if size == 0 and not label:
            cells = f'<td colspan="2">{group}</td>'
        elif group:
            cells = f'<td rowspan="{size}">{group}</td><td>{label}</td>'
        else:
            cells = f"<td>{label}</td>"
        rows.append("<tr>" + head + cells + "".join(f"<td>{v}</td>" for v in values(key)) + "</tr>")
    for label, span, key in (
        ("（七）总计", 2, "total_processed"),
        ("四、结转下年度继续办理", 3, "carried_forward"),
    ):
        tds = "".join(f"<td>{v}</td>" for v in values(key))
        rows.append(f'<tr><td colspan="{span}">{label}</td>{tds}</tr>')
    return '<table border="1" cellspacing="0">' + "".join(rows) + "</table>"


def review_table(report: ReportText) -> str:
    heads = "".join(f'<td rowspan="2">{o}</td>' for o in OUTCOME_LABELS)
    second = "".join(f"<td>{o}</td>" for o in OUTCOME_LABELS) * 2
    values = "".join(
        f"<td>{_num(report.cells[f'review_litigation.{p}.{o}'])}</td>"
        for p in PROCEEDINGS
        for o in (*OUTCOMES, "total")
    )
    return (
        '<table border="1" cellspacing="0">'
        '<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'
        f'<tr>{heads}<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>'
        f"<tr>{second}</tr><tr>{values}</tr></table>"
    )


def prose(report: ReportText, rng: random.Random) -> dict[str, list[str]]:
    """The prose sections (一, 五, 六) as paragraphs."""
    we, y = report.short_name, report.year
    received = report.cells["applications.new_received.total"]
    overall = [
        f"{y}年，{we}深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、"
        "不公开为例外，全面推进决策、执行、管理、服务、结果公开，现将有关情况报告如下。",
        f"（一）主动公开。{we}通过政府门户网站主动公开政府信息{rng.randint(200, 4000)}条，"
        f"其中机构职能、规划计划、财政预决算等重点领域信息{rng.randint(20, 300)}条。",
        f"（二）依申请公开。全年共收到政府信息公开申请{received}件，均在法定期限内答复。",
        f"（三）政府信息管理。{we}严格落实公开前保密审查机制，动态调整主动公开基本目录。",
        "（四）平台建设。持续优化政府网站政府信息公开专栏，及时更新法定主动公开内容。",
        f"（五）监督保障。将政务公开工作纳入年度绩效考核，开展业务培训{rng.randint(1, 6)}次。",
    ]
    problems = [
        "政府信息公开工作虽取得一定成效，但仍存在公开内容不够全面、解读形式较为单一等问题。"
        f"{y + 1}年，{we}将进一步加强业务培训，提升公开质量。"
    ]
    other = [
        f"{we}{y}年未收取信息处理费。"
        if rng.random() < 0.7
        else f"{we}依据《政府信息公开信息处理费管理办法》，{y}年未发出收费通知。",
        "本报告电子版可在政府门户网站政府信息公开专栏查阅。",
    ]
    return {"overall": overall, "problems": problems, "other": other}


def body_html(report: ReportText, rng: random.Random, *, heading: bool = True) -> str:
    """The article body: title, the six sections, signature and date."""
    text = prose(report, rng)
    p = "".join
    parts = [f"<p style=\"text-align:center\"><strong>{escape(report.title)}</strong></p>"
             if heading else ""]  # fmt: skip
    parts.append(
        f"<p>本报告根据《中华人民共和国政府信息公开条例》要求编制。报告所列数据统计期限自"
        f"{report.year}年1月1日起至{report.year}年12月31日止。</p>"
    )
    parts.append("<p><strong>一、总体情况</strong></p>" + p(f"<p>{t}</p>" for t in text["overall"]))
    parts.append("<p><strong>二、主动公开政府信息情况</strong></p>" + active_table(report))
    parts.append("<p><strong>三、收到和处理政府信息公开申请情况</strong></p>")
    parts.append(applications_table(report))
    parts.append("<p><strong>四、政府信息公开行政复议、行政诉讼情况</strong></p>")
    parts.append(review_table(report))
    parts.append("<p><strong>五、存在的主要问题及改进情况</strong></p>"
                 + p(f"<p>{t}</p>" for t in text["problems"]))  # fmt: skip
    parts.append("<p><strong>六、其他需要报告的事项</strong></p>"
                 + p(f"<p>{t}</p>" for t in text["other"]))  # fmt: skip
    y, m, d = report.published.split("-")
    parts.append(f'<p style="text-align:right">{escape(report.agency)}</p>'
                 f'<p style="text-align:right">{y}年{int(m)}月{int(d)}日</p>')  # fmt: skip
    return "".join(parts)


def body_docx(report: ReportText, rng: random.Random) -> bytes:
    """The same report as a Word (.docx) file, tables as Word tables with merged cells."""
    from nianbao.testing.portalgen.wordfile import docx, paragraph, table

    text = prose(report, rng)
    blocks = [paragraph(report.title), paragraph("一、总体情况")]
    blocks += [paragraph(t) for t in text["overall"]]
    blocks += [paragraph("二、主动公开政府信息情况"), table(active_table(report))]
    blocks += [paragraph("三、收到和处理政府信息公开申请情况"), table(applications_table(report))]
    blocks += [paragraph("四、政府信息公开行政复议、行政诉讼情况"), table(review_table(report))]
    blocks += [paragraph("五、存在的主要问题及改进情况")] + [paragraph(t) for t in text["problems"]]
    blocks += [paragraph("六、其他需要报告的事项")] + [paragraph(t) for t in text["other"]]
    blocks += [paragraph(report.agency), paragraph(report.published)]
    return docx(blocks)


def body_pdf(report: ReportText, rng: random.Random) -> bytes:
    """The same report as a PDF: text lines and ruled tables."""
    from nianbao.testing.portalgen.pdffile import pdf

    text = prose(report, rng)
    blocks = [("p", report.title), ("p", "一、总体情况")] + [("p", t) for t in text["overall"]]
    blocks += [("p", "二、主动公开政府信息情况"), ("table", active_table(report))]
    blocks += [("p", "三、收到和处理政府信息公开申请情况"), ("table", applications_table(report))]
    blocks += [("p", "四、政府信息公开行政复议、行政诉讼情况"), ("table", review_table(report))]
    blocks += [("p", "五、存在的主要问题及改进情况")] + [("p", t) for t in text["problems"]]
    blocks += [("p", "六、其他需要报告的事项")] + [("p", t) for t in text["other"]]
    blocks += [("p", report.agency), ("p", report.published)]
    return pdf(blocks)
