"""The canonical schema of an annual report: keys, their Chinese labels, and the report record.

This module is the data contract of ``shared/spec/canonical-schema.md``. The CLI's JSON, the
SQLite tables (and their lookup tables) and Datasette all take their keys and labels from here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Template = Literal["2019", "2021", "none"]
Severity = Literal["error", "warning", "info"]
Value = int | float | None

TEMPLATES: dict[str, str] = {
    "2019": "国办公开办函〔2019〕60号 (2019 and 2020 reports)",
    "2021": "国办公开办函〔2021〕30号 (2021 reports onward)",
    "none": "no fixed tables (before 2019, or no tables found)",
}

# --- Section 二 主动公开政府信息情况 -------------------------------------------------------

ITEMS: dict[str, str] = {
    "regulations": "规章",
    "normative_documents": "规范性文件",
    "administrative_license": "行政许可",
    "other_external_services": "其他对外管理服务事项",
    "administrative_penalty": "行政处罚",
    "administrative_coercion": "行政强制",
    "administrative_fees": "行政事业性收费",
    "government_procurement": "政府集中采购",
    # before 2019 (read from prose): all the information the report says was published
    "all_information": "政府信息（全部，年报正文所述）",
}

METRICS: dict[str, str] = {
    # 2021
    "issued": "本年制发件数",
    "abolished": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "处理决定数量",
    "fee_amount": "本年收费金额（单位：万元）",
    # 2019
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prior_year_count": "上一年项目数量",
    "change": "本年增/减",
    "procurement_count": "采购项目数量",
    "procurement_amount": "采购总金额",
    # before 2019 (read from prose)
    "published": "主动公开数量",
}

# (item, metrics) in the order the official formats print them.
ACTIVE_2021: dict[str, tuple[str, ...]] = {
    "regulations": ("issued", "abolished", "in_force"),
    "normative_documents": ("issued", "abolished", "in_force"),
    "administrative_license": ("decisions",),
    "administrative_penalty": ("decisions",),
    "administrative_coercion": ("decisions",),
    "administrative_fees": ("fee_amount",),
}
ACTIVE_2019: dict[str, tuple[str, ...]] = {
    "regulations": ("new_made", "new_published", "total_published"),
    "normative_documents": ("new_made", "new_published", "total_published"),
    "administrative_license": ("prior_year_count", "change", "decisions"),
    "other_external_services": ("prior_year_count", "change", "decisions"),
    "administrative_penalty": ("prior_year_count", "change", "decisions"),
    "administrative_coercion": ("prior_year_count", "change", "decisions"),
    "administrative_fees": ("prior_year_count", "change"),
    "government_procurement": ("procurement_count", "procurement_amount"),
}
ACTIVE_LAYOUT: dict[str, dict[str, tuple[str, ...]]] = {"2019": ACTIVE_2019, "2021": ACTIVE_2021}

# Metrics whose values are decimals; every other metric is a whole number.
DECIMAL_METRICS: frozenset[str] = frozenset({"fee_amount", "procurement_amount"})
# Metrics that may be negative.
SIGNED_METRICS: frozenset[str] = frozenset({"change"})

# --- Section 三 收到和处理政府信息公开申请情况 ------------------------------------------------

APPLICANTS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "social_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
APPLICANT_PARTS: tuple[str, ...] = tuple(k for k in APPLICANTS if k != "total")

APPLICATION_ROWS: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "三、本年度办理结果 (一)予以公开",
    "partially_granted": "(二)部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld_state_secret": "(三)不予公开 1.属于国家秘密",
    "withheld_prohibited_by_law": "(三)不予公开 2.其他法律行政法规禁止公开",
    "withheld_security_stability": "(三)不予公开 3.危及“三安全一稳定”",
    "withheld_third_party": "(三)不予公开 4.保护第三方合法权益",
    "withheld_internal_affairs": "(三)不予公开 5.属于三类内部事务信息",
    "withheld_process_info": "(三)不予公开 6.属于四类过程性信息",
    "withheld_enforcement_file": "(三)不予公开 7.属于行政执法案卷",
    "withheld_inquiry": "(三)不予公开 8.属于行政查询事项",
    "unavailable_not_held": "(四)无法提供 1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "(四)无法提供 2.没有现成信息需要另行制作",
    "unavailable_unclear": "(四)无法提供 3.补正后申请内容仍不明确",
    "rejected_complaint": "(五)不予处理 1.信访举报投诉类申请",
    "rejected_duplicate": "(五)不予处理 2.重复申请",
    "rejected_publication": "(五)不予处理 3.要求提供公开出版物",
    "rejected_excessive": "(五)不予处理 4.无正当理由大量反复申请",
    "rejected_confirmation": "(五)不予处理 5.要求行政机关确认或重新出具已获取信息",
    "other_processing": "(六)其他处理",
    "other_overdue_correction": (
        "(六)其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    ),
    "other_overdue_fee": (
        "(六)其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    ),
    "other_other": "(六)其他处理 3.其他",
    "total_processed": "(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}

# Result rows (granted … other_*) whose sum is total_processed.
RESULT_ROWS: tuple[str, ...] = tuple(
    k
    for k in APPLICATION_ROWS
    if k not in {"new_received", "carried_over", "total_processed", "carried_forward"}
)
OTHER_SPLIT_ROWS: tuple[str, ...] = ("other_overdue_correction", "other_overdue_fee", "other_other")
_ROWS_2021_ONLY = set(OTHER_SPLIT_ROWS)
_ROWS_2019_ONLY = {"other_processing"}
APPLICATION_ROWS_BY_TEMPLATE: dict[str, tuple[str, ...]] = {
    "2019": tuple(k for k in APPLICATION_ROWS if k not in _ROWS_2021_ONLY),
    "2021": tuple(k for k in APPLICATION_ROWS if k not in _ROWS_2019_ONLY),
}

# Rows only reports before 2019 state (read from prose, applicant ``total``): the channels an
# application came by, and result groups the prose gives without their breakdown.
PROSE_ROWS: dict[str, str] = {
    "received_in_person": "其中：当面申请",
    "received_online": "其中：网络申请",
    "received_by_letter": "其中：信函申请",
    "received_by_fax": "其中：传真申请",
    "received_by_email": "其中：电子邮件申请",
    "withheld_total": "(三)不予公开（合计，未分项）",
    "unavailable_total": "(四)无法提供（合计，未分项：信息不存在、非本机关掌握…）",
}

# Groups of result rows, for headline figures (withheld = 不予公开, etc.).
ROW_GROUPS: dict[str, tuple[str, ...]] = {
    "withheld": tuple(k for k in APPLICATION_ROWS if k.startswith("withheld_")),
    "unavailable": tuple(k for k in APPLICATION_ROWS if k.startswith("unavailable_")),
    "rejected": tuple(k for k in APPLICATION_ROWS if k.startswith("rejected_")),
    "other": ("other_processing", *OTHER_SPLIT_ROWS),
}

# --- Section 四 行政复议、行政诉讼 -----------------------------------------------------------

PROCEEDINGS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼 未经复议直接起诉",
    "litigation_after_review": "行政诉讼 复议后起诉",
}
OUTCOMES: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# Before 2019 (read from prose): lawsuits without the direct / after-review split.
PROSE_PROCEEDINGS: dict[str, str] = {"litigation": "行政诉讼（合计，未分是否经复议）"}

# --- Findings ----------------------------------------------------------------------------

RULES: dict[str, str] = {
    "balance": "本年新收 + 上年结转 = (七)总计 + 结转下年度 (each applicant column)",
    "total_processed_sum": "(七)总计 = sum of the result rows (一)…(六)",
    "applicant_total_sum": "总计 = sum of the six applicant columns (each row)",
    "review_total_sum": "总计 = 维持 + 纠正 + 其他 + 尚未审结 (each proceeding)",
    "missing_table": "a table of the detected format is absent",
    "missing_row": "a row of the detected format is absent",
    "unreadable_cell": "a cell's text is not a number",
    "table_unreadable": (
        "a table's reading is not self-consistent (a row prints more values than its header "
        "has columns, or a value sits under the wrong header): its cells are kept as unknown "
        "(null, raw text kept) and no sum/balance check runs on it"
    ),
    "template_year_mismatch": "the format used does not match the report's year",
    "implausible_value": "a negative count, or a value of a billion or more",
    "not_a_report": "the page is not a government-information-disclosure annual report",
    "image_only": "the document holds only images: no numbers were read",
}


def expected_template(year: int | None) -> Template | None:
    """The official format a report on ``year`` should follow (None if unknown)."""
    if year is None:
        return None
    if year >= 2021:
        return "2021"
    if year >= 2019:
        return "2019"
    return "none"


# --- The report record ---------------------------------------------------------------------


@dataclass(slots=True)
class ActiveCell:
    """One cell of section 二: ``(item, metric) → value``."""

    item: str
    metric: str
    value: Value
    raw: str | None
    unit: str | None = None


@dataclass(slots=True)
class ApplicationCell:
    """One cell of section 三: ``(row, applicant) → value``."""

    row: str
    applicant: str
    value: Value
    raw: str | None


@dataclass(slots=True)
class ReviewCell:
    """One cell of section 四: ``(proceeding, outcome) → value``."""

    proceeding: str
    outcome: str
    value: Value
    raw: str | None


@dataclass(slots=True)
class Finding:
    """A validation result attached to a report."""

    rule: str
    severity: Severity
    message: str
    keys: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form; ``keys`` only where the finding names cells."""
        data: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }
        if self.keys:
            data["keys"] = list(self.keys)
        return data


@dataclass(slots=True)
class Report:
    """One annual report in the canonical schema."""

    title: str | None = None
    agency: str | None = None
    year: int | None = None
    template: Template = "none"
    published: str | None = None
    url: str | None = None
    active_disclosure: list[ActiveCell] = field(default_factory=list)
    applications: list[ApplicationCell] = field(default_factory=list)
    review_litigation: list[ReviewCell] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Beyond the spec's JSON: provenance read off the page, and the report's text.
    index_no: str | None = None  # 索引号
    publisher: str | None = None  # 发布机构
    text: str = ""

    @property
    def has_cells(self) -> bool:
        """True when any table cell was read."""
        return bool(self.active_disclosure or self.applications or self.review_litigation)

    def to_dict(self, *, extras: bool = False) -> dict[str, Any]:
        """The canonical JSON object of the spec (``extras`` adds index_no, publisher, text)."""
        data: dict[str, Any] = {
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "published": self.published,
        }
        if self.url is not None:
            data["url"] = self.url
        data["active_disclosure"] = [asdict(c) for c in self.active_disclosure]
        data["applications"] = [asdict(c) for c in self.applications]
        data["review_litigation"] = [asdict(c) for c in self.review_litigation]
        data["findings"] = [f.to_dict() for f in self.findings]
        if extras:
            data.update(index_no=self.index_no, publisher=self.publisher, text=self.text)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Inverse of :meth:`to_dict`."""
        return cls(
            title=data.get("title"),
            agency=data.get("agency"),
            year=data.get("year"),
            template=data.get("template", "none"),
            published=data.get("published"),
            url=data.get("url"),
            active_disclosure=[ActiveCell(**c) for c in data.get("active_disclosure", [])],
            applications=[ApplicationCell(**c) for c in data.get("applications", [])],
            review_litigation=[ReviewCell(**c) for c in data.get("review_litigation", [])],
            findings=[Finding(**f) for f in data.get("findings", [])],
            index_no=data.get("index_no"),
            publisher=data.get("publisher"),
            text=data.get("text", ""),
        )

    def cell_map(self) -> dict[tuple[str, str, str], Value]:
        """All cells as ``(section, key1, key2) → value``, handy for comparisons and tests."""
        out: dict[tuple[str, str, str], Value] = {}
        for a in self.active_disclosure:
            out[("active_disclosure", a.item, a.metric)] = a.value
        for c in self.applications:
            out[("applications", c.row, c.applicant)] = c.value
        for r in self.review_litigation:
            out[("review_litigation", r.proceeding, r.outcome)] = r.value
        return out


# What a report says about itself (not its URL, cells, findings or text): the metadata columns
# of ``reports``, compared when a stored report changes, inherited by an attachment from its page.
REPORT_METADATA = ("title", "agency", "year", "template", "published", "index_no", "publisher")
