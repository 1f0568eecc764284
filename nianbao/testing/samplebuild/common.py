"""What every mock portal is built from: reports with known values, their tables and Word/PDF
files, the portal (pages, chrome, site.json, expected.json), robots.txt and look-alikes."""

# ruff: noqa: E501  (HTML templates of the mock pages)

from __future__ import annotations

import html
import io
import json
import random
import re
import shutil
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.resources import portals_dir
from nianbao.testing.render import render
from nianbao.testing.reports import cell_keys, with_cells
from parsers.schema import (
    APPLICANTS,
    APPLICATION_ROWS_BY_TEMPLATE,
    OUTCOMES,
)
from parsers.schema import Report as CanonicalReport

ROOT = portals_dir()  # samples/portals/ of the source tree

INTRO = {
    2020: (
        "年，在区委、区政府的坚强领导下，区政务公开领导小组的具体指导下，我单位始终坚持以人民为"
        "中心的发展理念，践行全心全意为人民服务的根本宗旨，以转变职能、优化服务、方便群众、提高"
        "办事效率为目标，不断拓展政务服务的功能，提高政务服务效率，规范政务服务行为。"
    ),
    2021: (
        "年，我单位政务公开工作在县委、县政府的正确领导和县政务公开领导小组办公室的具体指导下，"
        "认真贯彻落实《中共中央办公厅、国务院办公厅关于进一步推行政务公开的意见》及上级有关会议"
        "精神，精心组织，狠抓落实，通过不断创新公开的形式，促进了政务公开的有效开展。"
    ),
    2022: (
        "年，在区委、区政府的正确领导下，我单位的政务公开工作，坚持以习近平新时代中国特色社会主义"
        "思想为指导，围绕政务公开要求，增强工作的透明度，加强民主监督，推行依法行政、优质行政、"
        "廉洁行政，进一步巩固政务公开成果，规范政务公开内容，创新政务公开形式。"
    ),
}

FORMAT_NOTICE = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}

APPLICANT_KEYS = tuple(APPLICANTS)  # the applicant columns in table order, 总计 last
# Section 三 of the 2021 format: (canonical row, label cells as printed).
ROWS_2021 = (
    ("new_received", ("一、本年新收政府信息公开申请数量",)),
    ("carried_over", ("二、上年结转政府信息公开申请数量",)),
    ("granted", ("三、本年度办理结果", "（一）予以公开")),
    ("partially_granted", ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ("withheld_state_secret", ("", "（三）不予公开", "1.属于国家秘密")),
    ("withheld_prohibited_by_law", ("", "", "2.其他法律行政法规禁止公开")),
    ("withheld_security_stability", ("", "", "3.危及“三安全一稳定”")),
    ("withheld_third_party", ("", "", "4.保护第三方合法权益")),
    ("withheld_internal_affairs", ("", "", "5.属于三类内部事务信息")),
    ("withheld_process_info", ("", "", "6.属于四类过程性信息")),
    ("withheld_enforcement_file", ("", "", "7.属于行政执法案卷")),
    ("withheld_inquiry", ("", "", "8.属于行政查询事项")),
    ("unavailable_not_held", ("", "（四）无法提供", "1.本机关不掌握相关政府信息")),
    ("unavailable_needs_creation", ("", "", "2.没有现成信息需要另行制作")),
    ("unavailable_unclear", ("", "", "3.补正后申请内容仍不明确")),
    ("rejected_complaint", ("", "（五）不予处理", "1.信访举报投诉类申请")),
    ("rejected_duplicate", ("", "", "2.重复申请")),
    ("rejected_publication", ("", "", "3.要求提供公开出版物")),
    ("rejected_excessive", ("", "", "4.无正当理由大量反复申请")),
    ("rejected_confirmation", ("", "", "5.要求行政机关确认或重新出具已获取信息")),
    (
        "other_overdue_correction",
        (
            "",
            "（六）其他处理",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
    ),
    (
        "other_overdue_fee",
        ("", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ),
    ("other_other", ("", "", "3.其他")),
    ("total_processed", ("", "（七）总计")),
    ("carried_forward", ("四、结转下年度继续办理",)),
)
# Section 三 of the 2019 format (国办公开办函〔2019〕60号): one （六）其他处理 row.
ROWS_2019 = tuple(
    ("other_processing", ("", "（六）其他处理"))
    if key == "other_overdue_correction"
    else (key, labels)
    for key, labels in ROWS_2021
    if key not in ("other_overdue_fee", "other_other")
)


# What a body's report holds, by profile (``Report.profile``): a county government gets 100–200
# applications, most granted, a few withheld (third party, process information, often state
# secret), some 本机关不掌握 and a handful of 信访举报投诉; a big department tens; a township or
# small department a few. Ranges are natural persons (inclusive); other applicants a share.
BIG_DEPARTMENTS = ("发展和改革", "卫生健康", "教育", "公安", "自然资源", "住房")
FLOW_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")
APPLICATION_RANGES: dict[str, dict[str, tuple[int, int]]] = {
    "county": {
        "granted": (30, 110),
        "partially_granted": (2, 10),
        "withheld_state_secret": (0, 2),
        "withheld_prohibited_by_law": (0, 1),
        "withheld_security_stability": (0, 1),
        "withheld_third_party": (1, 5),
        "withheld_internal_affairs": (0, 2),
        "withheld_process_info": (1, 4),
        "withheld_enforcement_file": (0, 2),
        "withheld_inquiry": (0, 2),
        "unavailable_not_held": (4, 18),
        "unavailable_needs_creation": (1, 5),
        "unavailable_unclear": (0, 3),
        "rejected_complaint": (1, 6),
        "rejected_duplicate": (0, 3),
        "rejected_publication": (0, 1),
        "rejected_excessive": (0, 2),
        "rejected_confirmation": (0, 1),
        "other_overdue_correction": (0, 3),
        "other_other": (0, 2),
        "other_processing": (1, 5),
        "carried_over": (0, 6),
        "carried_forward": (0, 5),
    },
    "big": {
        "granted": (8, 30),
        "partially_granted": (0, 4),
        "withheld_state_secret": (0, 1),
        "withheld_third_party": (1, 3),
        "withheld_process_info": (0, 2),
        "withheld_enforcement_file": (0, 1),
        "unavailable_not_held": (1, 6),
        "unavailable_needs_creation": (0, 2),
        "rejected_complaint": (0, 3),
        "rejected_duplicate": (0, 1),
        "other_overdue_correction": (0, 1),
        "other_processing": (0, 2),
        "carried_over": (0, 2),
        "carried_forward": (0, 2),
    },
    "small": {
        "granted": (1, 8),
        "withheld_third_party": (0, 1),
        "unavailable_not_held": (0, 2),
        "rejected_complaint": (0, 1),
        "carried_over": (0, 1),
        "carried_forward": (0, 1),
    },
}
APPLICANT_SHARES: dict[str, dict[str, float]] = {  # applicants' share of natural persons
    "county": {
        "natural_person": 1.0,
        "commercial_enterprise": 0.2,
        "social_welfare_org": 0.05,
        "legal_service_org": 0.12,
        "other_org": 0.05,
    },
    "big": {"natural_person": 1.0, "commercial_enterprise": 0.25, "legal_service_org": 0.1},
    "small": {"natural_person": 1.0, "commercial_enterprise": 0.15},
}
REVIEW_RANGES: dict[str, dict[str, dict[str, tuple[int, int]]]] = {
    "county": {
        "review": {"upheld": (1, 4), "corrected": (0, 1), "other": (0, 1), "pending": (0, 1)},
        "litigation_direct": {"upheld": (0, 3), "corrected": (0, 1), "pending": (0, 1)},
        "litigation_after_review": {"upheld": (0, 2), "pending": (0, 1)},
    },
    "big": {
        "review": {"upheld": (0, 2), "corrected": (0, 1)},
        "litigation_direct": {"upheld": (0, 1)},
    },
    "small": {"review": {"upheld": (0, 1)}},
}


@dataclass
class Report:
    """A mock report page and the values its tables carry."""

    path: str
    agency: str
    year: int
    seed: int
    level: str = "county"
    index_no: str = ""
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    # How the page is ugly (see ``ugly``): the layout of its tables, cells printed otherwise
    # than ``values`` says (a misprint, 见附件, None for a blank), what it leaves out, its
    # bytes, and the findings (rules) a parse must report.
    layout: str = (
        "html"  # html (own tables) or a nianbao.testing.render layout: word split tabs lines
    )
    printed: dict[str, float | int | str | None] = field(default_factory=dict)
    omit: tuple[str, ...] = ()  # sections (review_litigation) or the applicant column "total"
    blank_zeros: bool = False  # zero cells printed blank (null, not 0)
    all_zero: bool = False  # a body with nothing to report: every cell 0
    image_only: bool = False  # the body is scanned pictures, no text
    fmt: str = ""  # the format printed when not the one of its year
    encoding: str = ""  # bytes in another charset than the portal declares (meta dropped)
    findings: tuple[str, ...] = ()  # expected finding rules

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    @property
    def template(self) -> str:
        """The format the page prints: 2019 (国办公开办函〔2019〕60号) before 2021, else 2021."""
        if self.image_only:
            return "none"
        return self.fmt or ("2019" if self.year < 2021 else "2021")

    def values(self) -> dict[str, float | int]:
        """Known cells, drawn from ``seed`` at the scale of the body; arithmetic consistent."""
        if self.all_zero:
            return {k: 0 for k in _all_keys(self.template)}
        return {
            "active_disclosure.normative_documents.issued": self.seed % 5 + 1,
            "active_disclosure.normative_documents.abolished": 0,
            "active_disclosure.normative_documents.in_force": self.seed % 5 + 6,
            "active_disclosure.administrative_license.decisions": 100 + self.seed * 7,
            "active_disclosure.administrative_penalty.decisions": 10 + self.seed,
            "active_disclosure.administrative_coercion.decisions": 0,
            "active_disclosure.administrative_fees.fee_amount": round(1.25 + self.seed / 100, 4),
            **self._applications(),
            **self._review(),
            **(self._active_2019() if self.template == "2019" else {}),
        }

    @property
    def profile(self) -> str:
        """How many applications the body gets: county, big (department), small."""
        if self.level == "county":
            return "county"
        if self.level == "department" and any(w in self.agency for w in BIG_DEPARTMENTS):
            return "big"
        return "small"

    def _applications(self) -> dict[str, int]:
        """Section 三: every applicant column balances (新收 + 结转 = 总计 + 结转下年度)."""
        rng = random.Random(self.seed)
        ranges = APPLICATION_RANGES[self.profile]
        rows = APPLICATION_ROWS_BY_TEMPLATE.get(self.template, ())  # none: a scan
        results = [r for r in rows if r not in FLOW_ROWS]
        out: dict[str, int] = {}
        for applicant, share in APPLICANT_SHARES[self.profile].items():
            counts = {r: round(rng.randint(*ranges.get(r, (0, 0))) * share) for r in results}
            counts["total_processed"] = sum(counts.values())
            carried_over = round(rng.randint(*ranges["carried_over"]) * share)
            counts["carried_over"] = min(carried_over, counts["total_processed"])
            counts["carried_forward"] = round(rng.randint(*ranges["carried_forward"]) * share)
            counts["new_received"] = (
                counts["total_processed"] + counts["carried_forward"] - counts["carried_over"]
            )
            out.update({f"applications.{r}.{applicant}": n for r, n in counts.items()})
        for row in rows:
            out[f"applications.{row}.total"] = sum(
                out[f"applications.{row}.{a}"] for a in APPLICANT_SHARES[self.profile]
            )
        return {k: v for k, v in out.items() if v}

    def _review(self) -> dict[str, int]:
        """Section 四: 总计 = 维持 + 纠正 + 其他 + 尚未审结 for each proceeding."""
        rng = random.Random(f"review-{self.seed}")
        out: dict[str, int] = {}
        for proceeding, ranges in REVIEW_RANGES[self.profile].items():
            counts = {o: rng.randint(*ranges.get(o, (0, 0))) for o in OUTCOMES if o != "total"}
            counts["total"] = sum(counts.values())
            out.update({f"review_litigation.{proceeding}.{o}": n for o, n in counts.items()})
        return {k: v for k, v in out.items() if v}

    def _active_2019(self) -> dict[str, float | int]:
        """Section 二 of the 2019 format: made/published counts, prior year ± change."""
        return {
            "active_disclosure.normative_documents.new_made": self.seed % 5 + 1,
            "active_disclosure.normative_documents.new_published": self.seed % 5 + 1,
            "active_disclosure.normative_documents.total_published": self.seed % 5 + 20,
            "active_disclosure.administrative_license.prior_year_count": 30 + self.seed % 4,
            "active_disclosure.administrative_license.change": -2,
            "active_disclosure.administrative_license.decisions": 100 + self.seed * 7,
            "active_disclosure.administrative_penalty.prior_year_count": 12,
            "active_disclosure.administrative_penalty.change": 1,
            "active_disclosure.administrative_penalty.decisions": 10 + self.seed,
            "active_disclosure.administrative_fees.prior_year_count": 3,
            "active_disclosure.administrative_fees.change": 0,
            "active_disclosure.government_procurement.procurement_count": 4 + self.seed % 3,
            "active_disclosure.government_procurement.procurement_amount": 56.8,
        }

    def printed_cells(self) -> dict[str, float | int | str | None]:
        """Every cell of the page's tables as printed (0 where ``values`` says nothing)."""
        cells: dict[str, float | int | str | None] = dict.fromkeys(_all_keys(self.template), 0)
        cells.update(self.values())
        if self.blank_zeros:
            cells = {k: None if v == 0 else v for k, v in cells.items()}
        cells.update(self.printed)
        return {k: v for k, v in cells.items() if not self._omitted(k)}

    def _omitted(self, key: str) -> bool:
        section, _, rest = key.partition(".")
        return section in self.omit or (
            section == "applications" and rest.endswith(".total") and "total" in self.omit
        )

    def manifest(self) -> dict[str, object]:
        printed = self.printed_cells()
        known = [*KNOWN_CELLS.get(self.template, ()), *self.printed]
        cells = {
            k: (printed[k] if not isinstance(printed[k], str) else None)
            for k in dict.fromkeys(known)
            if k in printed
        }
        entry: dict[str, object] = {
            "url": self.path,
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "level": self.level,
            "index_no": self.index_no,
            "template": self.template,
            "attachments": [href for href, _ in self.attachments],
            "cells": cells,
            "findings": sorted(self.findings),
        }
        if self.layout != "html" or self.encoding:
            entry["layout"] = self.layout + (f", {self.encoding} bytes" if self.encoding else "")
        return entry


TOTAL, RECEIVED = "applications.total_processed.total", "applications.new_received.total"
REVIEW = "review_litigation.review.total"
BALANCE_RULES = ("applicant_total_sum", "balance", "total_processed_sum")


def ugly(report: Report, **how: object) -> Report:
    """``report`` with the ugliness ``how`` (Report fields: layout, printed, omit, findings…)."""
    for name, value in how.items():
        if not hasattr(report, name):
            raise TypeError(f"Report has no field {name!r}")
        setattr(report, name, value)
    return report


def _all_keys(template: str) -> list[str]:
    """Every cell key of the three tables of ``template`` (2019 or 2021), as ``a.b.c``."""
    return [".".join(key) for key in cell_keys(template)]


def canonical(report: Report) -> CanonicalReport:
    """The page's printed cells as a canonical report (for the ``nianbao.testing.render`` layouts)."""
    out = CanonicalReport(
        title=report.title, agency=report.agency, year=report.year, template=report.template
    )
    cells = report.printed_cells()
    for key, value in cells.items():
        if isinstance(value, str):
            raise ValueError(f"{report.path}: text cells only in the html layout ({key})")
    return with_cells(out, cells)


_KNOWN_CELLS_COMMON = (
    "applications.new_received.total",
    "applications.granted.natural_person",
    "applications.withheld_third_party.total",
    "applications.withheld_process_info.total",
    "applications.unavailable_not_held.total",
    "applications.rejected_complaint.total",
    "applications.total_processed.total",
    "review_litigation.review.total",
    "review_litigation.litigation_direct.total",
)
KNOWN_CELLS = {  # the cells a manifest lists, by the format the page prints
    "2021": (
        "active_disclosure.normative_documents.issued",
        "active_disclosure.administrative_license.decisions",
        "active_disclosure.administrative_fees.fee_amount",
        *_KNOWN_CELLS_COMMON,
    ),
    "2019": (
        "active_disclosure.normative_documents.new_made",
        "active_disclosure.normative_documents.total_published",
        "active_disclosure.administrative_license.change",
        "active_disclosure.administrative_license.decisions",
        "active_disclosure.government_procurement.procurement_amount",
        *_KNOWN_CELLS_COMMON,
    ),
}


def _cell(values: dict[str, float | int | str | None], key: str) -> str:
    value = values.get(key, 0)
    return "" if value is None else str(value)


def active_table_2019(v: dict[str, float | int | str | None]) -> list[str]:
    """Section 二 of the 2019 format, laid out as 国办公开办函〔2019〕60号 prints it."""

    def row(label: str, item: str, metrics: tuple[str, ...]) -> str:
        spans = {3: (1, 2, 1), 2: (2, 2)}[len(metrics)]
        cells = "".join(
            f'<td colspan="{span}">{_cell(v, f"active_disclosure.{item}.{m}")}</td>'
            for m, span in zip(metrics, spans, strict=True)
        )
        return f"<tr><td>{label}</td>{cells}</tr>"

    def head(section: str, names: tuple[str, ...]) -> list[str]:
        spans = {3: (1, 2, 1), 2: (2, 2)}[len(names)]
        cells = "".join(
            f'<td colspan="{n}">{name}</td>' for name, n in zip(names, spans, strict=True)
        )
        return [f'<tr><td colspan="5">{section}</td></tr>', f"<tr><td>信息内容</td>{cells}</tr>"]

    made = ("new_made", "new_published", "total_published")
    counted = ("prior_year_count", "change", "decisions")
    return [
        '<table class="MsoTableGrid" border="1" cellspacing="0">',
        *head("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量")),
        row("规章", "regulations", made),
        row("规范性文件", "normative_documents", made),
        *head("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量")),
        row("行政许可", "administrative_license", counted),
        row("其他对外管理服务事项", "other_external_services", counted),
        *head("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量")),
        row("行政处罚", "administrative_penalty", counted),
        row("行政强制", "administrative_coercion", counted),
        *head("第二十条第（八）项", ("上一年项目数量", "本年增/减")),
        row("行政事业性收费", "administrative_fees", ("prior_year_count", "change")),
        *head("第二十条第（九）项", ("采购项目数量", "采购总金额（单位：万元）")),
        row("政府集中采购", "government_procurement", ("procurement_count", "procurement_amount")),
        "</table>",
    ]


_SECTION_HEADINGS = re.compile("二、主动公开政府信息情况|三、收到和处理|四、政府信息公开行政复议")


def rendered_tables(report: Report) -> str:
    """Sections 二–四 in a ``nianbao.testing.render`` layout (its title and narrative cut off).

    HTML layouts come as they are; text layouts one ``<p>`` a line (tabs kept), as a portal
    editor pastes a table copied as text.
    """
    lines = render(canonical(report), report.layout).strip().split("\n")
    first = next(i for i, line in enumerate(lines) if _SECTION_HEADINGS.search(line))
    end = next(i for i, line in enumerate(lines) if "五、存在的主要问题" in line)
    if report.layout in ("word", "split", "html"):
        return "\n".join(lines[first:end])
    return "\n".join(f"<p>{html.escape(line)}</p>" for line in lines[first:end])


def tables_html(report: Report) -> str:
    """The three statistical tables of the report's format, filled with its printed cells."""
    if report.layout != "html":
        return rendered_tables(report)
    v = report.printed_cells()
    active = [
        '<table class="MsoTableGrid" border="1" cellspacing="0">',
        '<tr><td colspan="4">第二十条第（一）项</td></tr>',
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>",
        "<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>",
        "<tr><td>行政规范性文件</td>"
        + "".join(
            f"<td>{_cell(v, f'active_disclosure.normative_documents.{m}')}</td>"
            for m in ("issued", "abolished", "in_force")
        )
        + "</tr>",
        '<tr><td colspan="4">第二十条第（五）项</td></tr>',
        '<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>',
        "<tr><td>行政许可</td>"
        f'<td colspan="3">{_cell(v, "active_disclosure.administrative_license.decisions")}</td>'
        "</tr>",
        '<tr><td colspan="4">第二十条第（六）项</td></tr>',
        '<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>',
        "<tr><td>行政处罚</td>"
        f'<td colspan="3">{_cell(v, "active_disclosure.administrative_penalty.decisions")}</td>'
        "</tr>",
        '<tr><td>行政强制</td><td colspan="3">0</td></tr>',
        '<tr><td colspan="4">第二十条第（八）项</td></tr>',
        '<tr><td>信息内容</td><td colspan="3">本年收费金额（单位：万元）</td></tr>',
        "<tr><td>行政事业性收费</td>"
        f'<td colspan="3">{_cell(v, "active_disclosure.administrative_fees.fee_amount")}</td>'
        "</tr>",
        "</table>",
    ]
    if report.template == "2019":
        active = active_table_2019(v)
    apps = [
        '<table class="MsoTableGrid" border="1" cellspacing="0">',
        '<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，'
        "等于第三项加第四项之和）</td>"
        '<td colspan="7">申请人情况</td></tr>',
        '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td>'
        '<td rowspan="2">总计</td></tr>',
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td>"
        "<td>其他</td></tr>",
    ]
    for key, labels in ROWS_2019 if report.template == "2019" else ROWS_2021:
        cells = [lab for lab in labels]
        first = ""
        if len(labels) == 1:
            first = f'<td colspan="3">{labels[0]}</td>'
        elif len(labels) == 2:
            first = (f"<td>{labels[0]}</td>" if labels[0] else "<td></td>") + (
                f'<td colspan="2">{labels[1]}</td>'
            )
        else:
            first = "".join(f"<td>{lab}</td>" for lab in cells)
        nums = "".join(f"<td>{_cell(v, f'applications.{key}.{ap}')}</td>" for ap in APPLICANT_KEYS)
        apps.append(f"<tr>{first}{nums}</tr>")
    apps.append("</table>")
    outcomes = ("upheld", "corrected", "other", "pending", "total")
    review = [
        '<table class="MsoTableGrid" border="1" cellspacing="0">',
        '<tr><td colspan="5" rowspan="2">行政复议</td><td colspan="10">行政诉讼</td></tr>',
        '<tr><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>',
        "<tr>"
        + "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>" * 3,
        "</tr><tr>"
        + "".join(
            f"<td>{_cell(v, f'review_litigation.{p}.{o}')}</td>"
            for p in ("review", "litigation_direct", "litigation_after_review")
            for o in outcomes
        )
        + "</tr>",
        "</table>",
    ]
    sections = {
        "active_disclosure": ["<p>二、主动公开政府信息情况</p>", *active],
        "applications": ["<p>三、收到和处理政府信息公开申请情况</p>", *apps],
        "review_litigation": ["<p>四、政府信息公开行政复议、行政诉讼情况</p>", *review],
    }
    return "\n".join(
        line for k, lines in sections.items() if k not in report.omit for line in lines
    )


@dataclass
class Portal:
    """A mock portal: its name, encoding and chrome."""

    key: str
    name: str  # e.g. 青山县人民政府
    county: str
    province: str
    city: str
    cms_style: str
    charset: str = "utf-8"
    nav: list[tuple[str, str]] = field(default_factory=list)
    files: dict[str, str | bytes] = field(default_factory=dict)
    reports: list[Report] = field(default_factory=list)
    distractors: list[str] = field(default_factory=list)
    config: dict[str, object] = field(default_factory=dict)
    pdfs: dict[str, Report] = field(default_factory=dict)  # path → report rendered as PDF

    @property
    def encodings(self) -> dict[str, str]:
        """Report pages written in another charset than the portal's (``Report.encoding``)."""
        return {r.path: r.encoding for r in self.reports if r.encoding}

    def page(self, title: str, body: str, crumbs: str = "", head: str = "") -> str:
        nav = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in self.nav)
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={self.charset}">
<title>{title}-{self.name}</title>
{head}</head>
<body>
<div class="top"><span>{self.name}</span> <a href="/">网站首页</a> | <a href="/wza/">无障碍</a>
 | <a href="/search/search.html">站内搜索</a></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; {crumbs}</div>
<div class="main">
{body}
</div>
<div class="footer">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/ldzc/">领导之窗</a></p>
<p>主办：{self.name}办公室 承办：{self.county}大数据中心 地址：{self.county}人民路1号</p>
<p>网站标识码：{zlib.crc32(self.key.encode()):010d} ICP备案号：示ICP备05000001号</p>
</div>
</body>
</html>
"""

    def add(self, path: str, content: str | bytes) -> None:
        self.files[path] = content

    def report_page(self, report: Report, published: str, extra: str = "") -> str:
        intro = INTRO.get(report.year, INTRO[2022])
        attach = "".join(
            f'<p>附件：<a href="{href}">{text}</a></p>' for href, text in report.attachments
        )
        body = f"""<div class="xxgk-info"><table class="xxgk-table">
<tr><td>索引号：</td><td>{report.index_no}</td><td>主题分类：</td><td>政务公开</td></tr>
<tr><td>发布机构：</td><td>{report.agency}</td><td>发文日期：</td><td>{published}</td></tr>
<tr><td>名称：</td><td colspan="3">{report.title}</td></tr>
</table></div>
<div class="article">
<h1 class="article-title">{report.title}</h1>
<div class="info">发布时间：{published} 来源：{report.agency} 浏览次数：<span id="hits">128</span></div>
<div class="TRS_Editor" id="zoom">
<p>本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{FORMAT_NOTICE.get(report.template, FORMAT_NOTICE["2021"])}）要求编制。本报告中所列数据的统计期限自{report.year}年1月1日起至{report.year}年12月31日止。</p>
<p>一、总体情况</p>
<p>{report.year}{intro}</p>
{tables_html(report)}
<p>五、存在的主要问题及改进情况</p>
<p>一是公开内容不够全面；二是公开形式较为单一。下一步将加强培训，规范公开流程。</p>
<p>六、其他需要报告的事项</p>
<p>本年度未收取信息处理费。{extra}</p>
{attach}
</div></div>"""
        if report.image_only:  # the report as scanned pages: pictures, no text
            scans = "".join(
                f'<p style="text-align:center"><img src="{report.path.rsplit("/", 1)[0]}/'
                f'W0{report.seed}{n}.jpg" width="800" border="0"></p>'
                for n in range(1, 4)
            )
            body = body[: body.index("<p>本报告根据")] + scans + "\n</div></div>"
        head = (
            f'<meta name="ArticleTitle" content="{report.title}">\n'
            f'<meta name="PubDate" content="{published}">\n'
            f'<meta name="ContentSource" content="{report.agency}">\n'
        )
        return self.page(report.title, body, "政务公开 &gt; 政府信息公开年报", head)

    def article(self, title: str, text: str, crumbs: str = "新闻中心") -> str:
        head = f'<meta name="ArticleTitle" content="{title}">\n'
        body = f'<div class="article"><h1>{title}</h1><div id="zoom"><p>{text}</p></div></div>'
        return self.page(title, body, crumbs, head)

    def link_list(self, links: list[tuple[str, str, str]], extra: str = "") -> str:
        items = "".join(
            f'<li><a href="{href}" title="{text}" target="_blank">{text}</a><span>{date}</span></li>'
            for href, text, date in links
        )
        return f'<ul class="list">{items}</ul>{extra}'

    def write(self) -> None:
        base = ROOT / self.key
        if base.exists():
            shutil.rmtree(base)
        www = base / "www"
        for path, content in sorted(self.files.items()):
            target = www / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            if path in self.encodings:  # declares nothing: the server's header is wrong
                data = _drop_charset(str(content)).encode(self.encodings[path])
            elif isinstance(content, str):
                data = content.encode(
                    "gbk" if self.charset.lower() in ("gb2312", "gbk") else "utf-8"
                )
            else:
                data = content
            target.write_bytes(data)
        config = {"name": self.name, "charset": self.charset, **self.config}
        (base / "site.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n")
        manifest = {
            "site": self.key,
            "name": self.name,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "cms_style": self.cms_style,
            "start_path": "/index.html",
            "note": "mock portal served by nianbao.testing.portalserver; paths are relative to it",
            "reports": [r.manifest() for r in self.reports],
            "distractors": sorted(self.distractors),
            "never_fetched": self.config.get("never_fetched", []),
            "max_requests": self.config.get("max_requests"),
        }
        (base / "expected.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        )


def _drop_charset(page: str) -> str:
    """``page`` without its ``<meta … charset=…>`` (a GBK page that declares nothing)."""
    start = page.index('<meta http-equiv="Content-Type"')
    return page[:start] + page[page.index(">", start) + 2 :]


def home(portal: Portal, columns: str) -> str:
    """A portal home page: news, 领导之窗, 政务公开 shortcuts."""
    leaders = "".join(
        f'<li><a href="/ldzc/{i}.html">{n}</a></li>'
        for i, n in enumerate(("县委书记", "县长", "副县长", "副县长"), 1)
    )
    news = "".join(
        f'<li><a href="/xwzx/art_{i}.html">{t}</a></li>'
        for i, t in enumerate(
            (
                "全县经济运行情况分析会召开",
                "我县开展秋季森林防火专项检查",
                "县政务公开办组织开展业务培训",
                "2023年政府工作报告",
                "关于2022年县级决算的公开说明",
            ),
            1,
        )
    )
    body = f"""<div class="banner"><img src="/images/banner.jpg" alt="{portal.name}"></div>
<div class="news"><h2><a href="/xwzx/index.html">新闻中心</a></h2><ul>{news}</ul>
<a class="more" href="/xwzx/index.html">更多&gt;&gt;</a></div>
<div class="ldzc"><h2>领导之窗</h2><ul>{leaders}</ul></div>
<div class="zwgk-shortcuts"><h2>政务公开</h2>{columns}</div>
<div class="links"><a href="http://www.gov.cn/" target="_blank">中国政府网</a></div>"""
    return portal.page("首页", body, "")


def _merge(table: object, row: int, first: int, last: int, text: str) -> None:
    cell = table.cell(row, first).merge(table.cell(row, last))  # type: ignore[attr-defined]
    cell.text = text


def report_docx(report: Report) -> bytes:
    """The report as a Word file with the three tables of the 2021 format."""
    import docx

    v = report.values()
    document = docx.Document()
    document.add_heading(report.title, level=1)
    document.add_paragraph("一、总体情况")
    document.add_paragraph(f"{report.year}{INTRO.get(report.year, INTRO[2022])}")
    document.add_paragraph("二、主动公开政府信息情况")
    active = document.add_table(rows=14, cols=4)
    active.style = "Table Grid"
    rows: list[tuple[str, ...]] = [
        ("第二十条第（一）项",),
        ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        ("规章", "0", "0", "0"),
        (
            "行政规范性文件",
            *(
                _cell(v, f"active_disclosure.normative_documents.{m}")
                for m in ("issued", "abolished", "in_force")
            ),
        ),
        ("第二十条第（五）项",),
        ("信息内容", "本年处理决定数量"),
        ("行政许可", _cell(v, "active_disclosure.administrative_license.decisions")),
        ("第二十条第（六）项",),
        ("信息内容", "本年处理决定数量"),
        ("行政处罚", _cell(v, "active_disclosure.administrative_penalty.decisions")),
        ("行政强制", "0"),
        ("第二十条第（八）项",),
        ("信息内容", "本年收费金额（单位：万元）"),
        ("行政事业性收费", _cell(v, "active_disclosure.administrative_fees.fee_amount")),
    ]
    for r, values in enumerate(rows):
        if len(values) == 1:
            _merge(active, r, 0, 3, values[0])
        elif len(values) == 2:
            active.cell(r, 0).text = values[0]
            _merge(active, r, 1, 3, values[1])
        else:
            for c, text in enumerate(values):
                active.cell(r, c).text = text
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=1, cols=8)
    table.style = "Table Grid"
    header = ("", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for key, labels in ROWS_2021:
        row = table.add_row().cells
        row[0].text = " ".join(lab for lab in labels if lab)
        for cell, ap in zip(row[1:], APPLICANT_KEYS, strict=True):
            cell.text = _cell(v, f"applications.{key}.{ap}")
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    review = document.add_table(rows=4, cols=15)
    review.style = "Table Grid"
    _merge(review, 0, 0, 4, "行政复议")
    _merge(review, 0, 5, 14, "行政诉讼")
    _merge(review, 1, 5, 9, "未经复议直接起诉")
    _merge(review, 1, 10, 14, "复议后起诉")
    outcomes = ("upheld", "corrected", "other", "pending", "total")
    labels = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    for block, proceeding in enumerate(("review", "litigation_direct", "litigation_after_review")):
        for k, (outcome, label) in enumerate(zip(outcomes, labels, strict=True)):
            review.cell(2, block * 5 + k).text = label
            review.cell(3, block * 5 + k).text = _cell(
                v, f"review_litigation.{proceeding}.{outcome}"
            )
    document.add_paragraph("五、存在的主要问题及改进情况")
    document.add_paragraph("一是公开内容不够全面；二是公开形式较为单一。")
    document.add_paragraph("六、其他需要报告的事项")
    document.add_paragraph("本年度未收取信息处理费。")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def report_pdfs(reports: dict[Path, Report]) -> None:
    """Write each report as a PDF (its Word file converted by LibreOffice, text layer kept).

    Without LibreOffice the build stops: a placeholder PDF holds no report, and the crawl
    would find a report link whose file the parser rightly judges no report (a lost report).
    """
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        sources = []
        for n, report in enumerate(reports.values()):
            source = Path(tmp) / f"r{n}.docx"
            source.write_bytes(report_docx(report))
            sources.append(source)
        try:
            subprocess.run(
                ["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                 "--convert-to", "pdf", "--outdir", tmp, *map(str, sources)],
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            raise SystemExit(
                f"LibreOffice (soffice) cannot convert the report PDFs: {exc}"
            ) from exc
        for source, target in zip(sources, reports, strict=True):
            pdf = source.with_suffix(".pdf")
            if not pdf.exists():
                raise SystemExit(f"LibreOffice wrote no PDF for {target}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(pdf.read_bytes())


def robots(extra: str = "") -> str:
    return f"User-agent: *\nDisallow: /search/\nDisallow: /private/\n{extra}"


def private_trap(portal: Portal, prefix: str) -> str:
    """A report-looking link under /private/ (robots.txt forbids it)."""
    path = "/private/2022nb-draft.html"
    portal.add(path, portal.article("内部：2022年政府信息公开工作年度报告（草稿）", "草稿"))
    portal.config.setdefault("never_fetched", []).append(path)
    return f'<li><a href="{path}">{prefix}2022年政府信息公开工作年度报告（送审稿）</a></li>'


def distractor_pages(portal: Portal, base: str, agency: str) -> list[tuple[str, str, str]]:
    """Look-alikes behind links ambiguous enough to be fetched, and links named as such."""
    fetched = [
        (
            f"{base}fzzf2022.html",
            "2022年度报告",
            f"{agency}2022年法治政府建设年度报告",
            "2022年，我县深入推进法治政府建设，总体情况良好。",
        ),
        (
            f"{base}jd2022.html",
            f"{agency}2022年政府信息公开工作年度报告",
            f"《{agency}2022年政府信息公开工作年度报告》解读",
            "一、总体情况 解读：报告全面反映了主动公开政府信息情况。",
        ),
        (
            f"{base}gs2021.html",
            "政府信息公开工作年度报告（新版）",
            "国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作"
            "年度报告格式》的通知",
            "国办公开办函〔2021〕30号 各省、自治区、直辖市人民政府办公厅：现将年度报告格式印发给你们。"
            "一、总体情况 二、主动公开政府信息情况",
        ),
        (
            f"{base}xw2022.html",
            "我县按时公开2022年政府信息公开工作年度报告",
            f"{agency}按时公开2022年政府信息公开工作年度报告",
            "近日，我县在门户网站按时公开了2022年度报告，接受社会监督。",
        ),
    ]
    links = []
    for path, link_text, title, text in fetched:
        portal.add(path, portal.article(title, text, "政务公开"))
        portal.distractors.append(path)
        links.append((path, link_text, "2023-02-01"))
    named = [
        (f"{base}zfgzbg2023.html", "2023年政府工作报告"),
        (f"{base}gkyd2023.html", "关于印发《2023年政务公开工作要点》的通知"),
        (f"{base}gkzn.html", "政府信息公开指南"),
        (f"{base}js2022.html", "2022年部门决算公开"),
    ]
    for path, text in named:
        portal.add(path, portal.article(text, "略。", "政务公开"))
        portal.config.setdefault("never_fetched", []).append(path)
        links.append((path, text, "2023-01-20"))
    return links
