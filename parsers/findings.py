"""The arithmetic checks of a report (the 勾稽关系 of the official formats).

``validate(report)`` returns one ``error`` finding per failed check:

- ``balance`` — each applicant column: 本年新收 + 上年结转 = (七)总计 + 结转下年度;
- ``total_processed_sum`` — each applicant column: (七)总计 = the result rows (一)…(六);
- ``applicant_total_sum`` — each row: 总计 = the six applicant columns;
- ``review_total_sum`` — each proceeding: 总计 = 维持 + 纠正 + 其他 + 尚未审结;
- ``implausible_value`` (a warning) — a count or amount below zero (other than a ``change``),
  or above ``MAX_PLAUSIBLE``: no county reports a billion of anything.

A check whose cells are not all reported (null or absent) is skipped, not failed, and so is
every check of a table the reader set aside as misread (``table_unreadable``). Findings
name their cells in ``keys`` as ``section.key1.key2`` (``applications.new_received.total``).
"""

from __future__ import annotations

from collections.abc import Iterable

from parsers.schema import (
    APPLICANT_PARTS,
    APPLICANTS,
    APPLICATION_ROWS,
    OTHER_SPLIT_ROWS,
    OUTCOMES,
    PROCEEDINGS,
    RESULT_ROWS,
    SIGNED_METRICS,
    Finding,
    Report,
    Value,
)

_SHORT_OUTCOMES = {"upheld": "维持", "corrected": "纠正", "other": "其他", "pending": "尚未审结"}


def _fmt(value: Value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def _row_label(row: str) -> str:
    return APPLICATION_ROWS[row].split(" ")[-1]


def _all(values: Iterable[Value]) -> bool:
    return all(v is not None for v in values)


def _result_rows(rows: set[str]) -> tuple[str, ...]:
    """The result rows to add up: (六) as split rows when printed so, else as one row."""
    if rows & set(OTHER_SPLIT_ROWS):
        return tuple(r for r in RESULT_ROWS if r != "other_processing")
    return tuple(r for r in RESULT_ROWS if r not in OTHER_SPLIT_ROWS)


class Tally:
    """How many checks ran (all their cells reported) and how many of them held."""

    __slots__ = ("failed", "run")

    def __init__(self) -> None:
        self.run = 0
        self.failed = 0

    def count(self, held: bool) -> bool:
        self.run += 1
        self.failed += not held
        return held

    @property
    def passed(self) -> int:
        return self.run - self.failed


_BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def _column(table: dict[str, dict[str, Value]], rows: Iterable[str], a: str) -> list[Value] | None:
    """The values of column ``a`` in ``rows``; None when one is absent or not reported."""
    out: list[Value] = []
    for r in rows:
        value = table[r].get(a) if r in table else None
        if value is None:
            return None
        out.append(value)
    return out


def _applications(report: Report, tally: Tally) -> list[Finding]:
    table: dict[str, dict[str, Value]] = {}
    for c in report.applications:
        table.setdefault(c.row, {})[c.applicant] = c.value
    if not table:
        return []
    applicants = [a for a in APPLICANTS if any(a in cols for cols in table.values())]
    out: list[Finding] = []
    results = _result_rows(set(table))
    for a in applicants:
        label = APPLICANTS[a]
        balance = _column(table, _BALANCE_ROWS, a)
        if balance is not None:
            new, carried, total, forward = balance
            if not tally.count(_close(new + carried, total + forward)):
                out.append(
                    Finding(
                        "balance",
                        "error",
                        f"{label}: 新收 {_fmt(new)} + 结转 {_fmt(carried)} ≠ "
                        f"总计 {_fmt(total)} + 结转下年 {_fmt(forward)}",
                        [f"applications.{r}.{a}" for r in _BALANCE_ROWS],
                    )
                )
        summed = _column(table, ("total_processed", *results), a)
        if summed is not None:
            total, *values = summed
            if not tally.count(_close(total, sum(values))):
                out.append(
                    Finding(
                        "total_processed_sum",
                        "error",
                        f"{label}: (七)总计 {_fmt(total)} ≠ 办理结果 (一)…(六) 之和 "
                        f"{_fmt(sum(values))}",
                        [f"applications.total_processed.{a}"]
                        + [f"applications.{r}.{a}" for r in results],
                    )
                )
    columns = (*APPLICANT_PARTS, "total")
    for row in (r for r in APPLICATION_ROWS if r in table):
        cols = table[row]
        values = [cols.get(a) for a in columns]
        if None in values:
            continue
        *parts, total = values
        if not tally.count(_close(total, sum(parts))):
            shown = " + ".join(_fmt(v) for v in parts)
            out.append(
                Finding(
                    "applicant_total_sum",
                    "error",
                    f"{_row_label(row)}: 总计 {_fmt(total)} ≠ {shown} = {_fmt(sum(parts))}",
                    [f"applications.{row}.{a}" for a in columns],
                )
            )
    return out


def _review(report: Report, tally: Tally) -> list[Finding]:
    cells = {(c.proceeding, c.outcome): c.value for c in report.review_litigation}
    out: list[Finding] = []
    parts = [o for o in OUTCOMES if o != "total"]
    for proc, label in PROCEEDINGS.items():
        keys = [(proc, o) for o in (*parts, "total")]
        if not all(k in cells for k in keys):
            continue
        values = [cells[k] for k in keys]
        if not _all(values):
            continue
        *addends, total = values
        if not tally.count(_close(total, sum(addends))):
            shown = " + ".join(
                f"{_SHORT_OUTCOMES[o]} {_fmt(v)}" for o, v in zip(parts, addends, strict=True)
            )
            out.append(
                Finding(
                    "review_total_sum",
                    "error",
                    f"{label}: 总计 {_fmt(total)} ≠ {shown}",
                    [f"review_litigation.{proc}.{o}" for _, o in keys],
                )
            )
    return out


MAX_PLAUSIBLE = 1e9


def _implausible(report: Report) -> list[Finding]:
    """Cells no report can hold: negative counts, values of a billion or more."""
    keys = []
    for (section, a, b), value in report.cell_map().items():
        if value is None:
            continue
        signed = section == "active_disclosure" and b in SIGNED_METRICS
        if abs(value) >= MAX_PLAUSIBLE or (value < 0 and not signed):
            keys.append(f"{section}.{a}.{b}")
    if not keys:
        return []
    message = f"{len(keys)} value(s) negative or of a billion or more: {', '.join(keys[:5])}"
    return [Finding("implausible_value", "warning", message, keys)]


def set_aside(report: Report) -> set[str]:
    """Sections a ``table_unreadable`` finding set aside: no check runs on them."""
    return {k for f in report.findings if f.rule == "table_unreadable" for k in f.keys}


def validate(report: Report, tally: Tally | None = None) -> list[Finding]:
    """The arithmetic findings of ``report`` (empty when every check holds or is skipped).

    A table set aside as misread (``table_unreadable``) is never checked: a misread must not
    become a finding against the agency. ``tally`` counts the checks run and failed.
    """
    tally = Tally() if tally is None else tally
    aside = set_aside(report)
    out = [] if "applications" in aside else _applications(report, tally)
    out += [] if "review_litigation" in aside else _review(report, tally)
    return out + _implausible(report)
