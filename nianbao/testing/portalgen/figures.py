"""The figures of one report: the three tables' cells, balanced as the official formats require.

Keys follow the canonical schema (``section.key1.key2``). Every applicant column satisfies
新收 + 结转 = 总计 + 结转下年度, every 总计 adds up, every review/litigation total is its sum.
"""

from __future__ import annotations

import random

APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)
RESULT_ROWS_COMMON = (
    "granted",
    "partially_granted",
    "withheld_state_secret",
    "withheld_prohibited_by_law",
    "withheld_security_stability",
    "withheld_third_party",
    "withheld_internal_affairs",
    "withheld_process_info",
    "withheld_enforcement_file",
    "withheld_inquiry",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "rejected_complaint",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirmation",
)
OTHER_ROWS = {
    "2019": ("other_processing",),
    "2021": ("other_overdue_correction", "other_overdue_fee", "other_other"),
}
PROCEEDINGS = ("review", "litigation_direct", "litigation_after_review")
OUTCOMES = ("upheld", "corrected", "other", "pending")
# Relative weight of each result row when a county spreads its processed applications.
_WEIGHTS = {
    "granted": 60, "partially_granted": 6, "withheld_state_secret": 1,
    "withheld_third_party": 2, "withheld_process_info": 2, "withheld_internal_affairs": 1,
    "unavailable_not_held": 12, "unavailable_needs_creation": 3, "unavailable_unclear": 1,
    "rejected_complaint": 3, "rejected_duplicate": 2, "other_processing": 1,
    "other_overdue_correction": 1, "other_other": 1,
}  # fmt: skip
SCALE = {"county": (60, 200), "department": (5, 40), "township": (0, 12)}


def results_rows(template: str) -> tuple[str, ...]:
    """The result rows (三 … 六) of a format, in printed order."""
    return RESULT_ROWS_COMMON + OTHER_ROWS[template]


def draw_figures(rng: random.Random, template: str, level: str) -> dict[str, float | int]:
    """Every cell of a report of ``level`` ("county", "department", "township")."""
    cells: dict[str, float | int] = {}
    cells.update(_active(rng, template, level))
    cells.update(_applications(rng, template, level))
    cells.update(_review(rng, level))
    return cells


def _active(rng: random.Random, template: str, level: str) -> dict[str, float | int]:
    big = level == "county"
    out: dict[str, float | int] = {}
    docs = ("regulations", "normative_documents")
    if template == "2021":
        for item in docs:
            issued = 0 if item == "regulations" else rng.randint(0, 8 if big else 2)
            out[f"active_disclosure.{item}.issued"] = issued
            out[f"active_disclosure.{item}.abolished"] = rng.randint(0, issued)
            out[f"active_disclosure.{item}.in_force"] = issued + rng.randint(0, 30 if big else 4)
        for item in ("administrative_license", "administrative_penalty", "administrative_coercion"):
            out[f"active_disclosure.{item}.decisions"] = rng.randint(0, 900 if big else 60)
        out["active_disclosure.administrative_fees.fee_amount"] = round(rng.uniform(0, 90), 2)
        return out
    for item in docs:
        made = 0 if item == "regulations" else rng.randint(0, 8 if big else 2)
        out[f"active_disclosure.{item}.new_made"] = made
        out[f"active_disclosure.{item}.new_published"] = made
        out[f"active_disclosure.{item}.total_published"] = made + rng.randint(0, 40)
    for item in (
        "administrative_license",
        "other_external_services",
        "administrative_penalty",
        "administrative_coercion",
    ):
        out[f"active_disclosure.{item}.prior_year_count"] = rng.randint(0, 300 if big else 20)
        out[f"active_disclosure.{item}.change"] = rng.randint(-5, 5)
        out[f"active_disclosure.{item}.decisions"] = rng.randint(0, 900 if big else 60)
    out["active_disclosure.administrative_fees.prior_year_count"] = rng.randint(0, 20)
    out["active_disclosure.administrative_fees.change"] = rng.randint(-2, 2)
    out["active_disclosure.government_procurement.procurement_count"] = rng.randint(0, 40)
    out["active_disclosure.government_procurement.procurement_amount"] = round(
        rng.uniform(0, 3000), 2
    )
    return out


def _applications(rng: random.Random, template: str, level: str) -> dict[str, int]:
    low, high = SCALE[level]
    rows = results_rows(template)
    weights = [_WEIGHTS.get(r, 0.3) for r in rows]
    out: dict[str, int] = {}
    share = {"natural_person": 0.8, "commercial_enterprise": 0.12, "other_org": 0.04}
    new_total = rng.randint(low, high)
    for applicant in APPLICANTS:
        new = round(new_total * share.get(applicant, 0.01) * rng.uniform(0.6, 1.4))
        carried = rng.randint(0, max(new // 10, 0))
        forward = rng.randint(0, max(new // 12, 0))
        spread = dict.fromkeys(rows, 0)
        for row in rng.choices(rows, weights, k=new + carried - forward):
            spread[row] += 1
        out[f"applications.new_received.{applicant}"] = new
        out[f"applications.carried_over.{applicant}"] = carried
        for row, value in spread.items():
            out[f"applications.{row}.{applicant}"] = value
        out[f"applications.total_processed.{applicant}"] = new + carried - forward
        out[f"applications.carried_forward.{applicant}"] = forward
    for row in ("new_received", "carried_over", *rows, "total_processed", "carried_forward"):
        out[f"applications.{row}.total"] = sum(out[f"applications.{row}.{a}"] for a in APPLICANTS)
    return out


def _review(rng: random.Random, level: str) -> dict[str, int]:
    out: dict[str, int] = {}
    cases = 6 if level == "county" else 1
    for proceeding in PROCEEDINGS:
        values = [rng.randint(0, cases) if rng.random() < 0.5 else 0 for _ in OUTCOMES]
        for outcome, value in zip(OUTCOMES, values, strict=True):
            out[f"review_litigation.{proceeding}.{outcome}"] = value
        out[f"review_litigation.{proceeding}.total"] = sum(values)
    return out


KNOWN_CELLS = (
    "applications.new_received.total",
    "applications.granted.natural_person",
    "applications.unavailable_not_held.total",
    "applications.total_processed.total",
    "applications.carried_forward.total",
    "review_litigation.review.total",
    "review_litigation.litigation_direct.total",
)


def known_cells(cells: dict[str, float | int], template: str) -> dict[str, float | int]:
    """The cells a manifest lists (a sample of each section)."""
    active = (
        "active_disclosure.administrative_license.decisions",
        "active_disclosure.normative_documents.issued"
        if template == "2021"
        else "active_disclosure.normative_documents.new_made",
    )
    return {key: cells[key] for key in (*active, *KNOWN_CELLS)}
