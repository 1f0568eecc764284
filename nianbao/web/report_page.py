"""One report as printed: its three tables in the official order, with their findings.

``report_context`` reads a report's cells from the database and lays them out as the printed
report does (``parsers.schema``: rows, columns and labels of the 2019 and 2021 formats), for
the template ``row.html`` of the ``reports`` table. A blank cell stays blank (never 0); a
finding is listed beside the row whose cells it names (``section.row.column`` keys).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from parsers import schema

ORG_APPLICANTS = tuple(k for k in schema.APPLICANTS if k not in ("natural_person", "total"))


def _cell(found: dict[tuple[str, str], dict[str, Any]], key: tuple[str, str]) -> dict[str, Any]:
    """A cell for the template: ``shown`` (the number, or the text printed), ``raw``."""
    row = found.get(key)
    if row is None:
        return {"shown": "", "raw": None, "missing": True}
    value = row["value"]
    shown = "" if value is None else str(value)
    if value is None and row["raw"] and row["raw"].strip():
        shown = row["raw"]  # text printed in a number cell (见附件): kept as printed
    if row.get("unit") and shown:
        shown = f"{shown} {row['unit']}"
    return {"shown": shown, "raw": row["raw"], "missing": False}


def _findings_by_row(findings: list[dict[str, Any]]) -> tuple[dict[tuple[str, str], list], list]:
    """Findings keyed by (section, row) they name; the rest (whole report) in a list."""
    by_row: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    general = []
    for finding in findings:
        keys = json.loads(finding["keys"]) if finding["keys"] else []
        rows = {tuple(k.split(".")[:2]) for k in keys if k.count(".") >= 1}
        for row in sorted(rows):
            by_row[row].append(finding)
        if not rows:
            general.append(finding)
    return by_row, general


def _active_groups(template: str, cells, findings) -> list[dict[str, Any]]:
    """Section 二 as printed: items sharing one set of metrics form one small table."""
    groups: list[dict[str, Any]] = []
    for item, metrics in schema.ACTIVE_LAYOUT[template].items():
        if not groups or groups[-1]["metrics"] != metrics:
            groups.append(
                {"metrics": metrics, "labels": [schema.METRICS[m] for m in metrics], "rows": []}
            )
        groups[-1]["rows"].append(
            {
                "label": schema.ITEMS[item],
                "cells": [_cell(cells, (item, m)) for m in metrics],
                "findings": findings.get(("active_disclosure", item), []),
            }
        )
    return groups


def _application_rows(template: str, cells, findings) -> list[dict[str, Any]]:
    return [
        {
            "label": schema.APPLICATION_ROWS[row],
            "cells": [_cell(cells, (row, a)) for a in schema.APPLICANTS],
            "findings": findings.get(("applications", row), []),
        }
        for row in schema.APPLICATION_ROWS_BY_TEMPLATE[template]
    ]


def _review_row(cells, findings) -> dict[str, Any]:
    return {
        "cells": [_cell(cells, (p, o)) for p in schema.PROCEEDINGS for o in schema.OUTCOMES],
        "findings": [
            f for p in schema.PROCEEDINGS for f in findings.get(("review_litigation", p), [])
        ],
    }


async def report_context(db: Any, report_id: str) -> dict[str, Any] | None:
    """The printed layout of report ``report_id`` (None when there is no such report)."""
    report = (await db.execute("select * from reports where id = ?", [report_id])).first()
    if report is None:
        return None
    report = dict(report)
    template = report["template"] if report["template"] in schema.ACTIVE_LAYOUT else "2021"

    async def cells(sql: str) -> dict[tuple[str, str], dict[str, Any]]:
        rows = await db.execute(sql, [report_id])
        return {(r[0], r[1]): dict(r) for r in rows}

    active = await cells(
        "select item, metric, value, raw, unit from active_disclosure where report_id = ?"
    )
    applications = await cells(
        "select row, applicant, value, raw from applications where report_id = ?"
    )
    review = await cells(
        "select proceeding, outcome, value, raw from review_litigation where report_id = ?"
    )
    findings = [
        dict(r)
        for r in await db.execute(
            "select rule, severity, message, keys from findings where report_id = ? order by id",
            [report_id],
        )
    ]
    by_row, general = _findings_by_row(findings)
    try:
        attachments = json.loads(report["attachments"] or "[]")
    except ValueError:
        attachments = []
    return {
        "report": report,
        "template_shown": report["template"] or "未识别 none",
        "layout_template": template,
        "attachments": [a if isinstance(a, str) else a.get("url", "") for a in attachments],
        "active": _active_groups(template, active, by_row),
        "applications": _application_rows(template, applications, by_row),
        "org_applicants": [schema.APPLICANTS[a] for a in ORG_APPLICANTS],
        "review": _review_row(review, by_row),
        "outcomes": list(schema.OUTCOMES.values()),
        "general_findings": general,
        "findings_count": len(findings),
        "has_cells": bool(active or applications or review),
    }
