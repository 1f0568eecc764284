"""Excel-safe downloads: CSV cells neutralised as they stream, and the .xlsx workbook.

Excel runs a cell that starts with ``= + - @`` (or a tab / carriage return) as a formula
("CSV injection"); such a cell gets a leading ``'`` unless it is a plain number (``-3`` stays
``-3``). :class:`CsvGuard` does it on Datasette's CSV as it streams, record by record (a
newline inside a quoted cell, such as a report's text, does not end a record).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell: a formula-like text gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class CsvGuard:
    """Rewrites a CSV stream chunk by chunk, neutralising every cell; counts the records."""

    def __init__(self) -> None:
        self._pending = ""
        self.records = 0

    def feed(self, text: str, *, final: bool = False) -> str:
        """The rewritten text of the complete records in ``self._pending + text``."""
        data = self._pending + text
        cut = len(data) if final else self._last_record_end(data)
        self._pending = data[cut:]
        return self._rewrite(data[:cut])

    @staticmethod
    def _last_record_end(data: str) -> int:
        """The index after the last newline outside quotes (an even number of ``"`` before)."""
        end, quotes, start = 0, 0, 0
        while (newline := data.find("\n", start)) != -1:
            quotes += data.count('"', start, newline)
            if quotes % 2 == 0:
                end = newline + 1
            start = newline + 1
        return end

    def _rewrite(self, block: str) -> str:
        if not block:
            return ""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for record in csv.reader(io.StringIO(block, newline="")):
            writer.writerow([neutralise(cell) for cell in record])
            self.records += 1
        return out.getvalue()


def _sheet_title(name: str) -> str:
    """A valid sheet name (≤ 31 characters, none of ``[]:*?/\\``)."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "数据"
    return cleaned[:31]


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))[:32767]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def workbook(
    columns: list[str],
    rows: Iterable[Iterable[Any]],
    *,
    sheet: str,
    source: str,
    query: str,
    labels: dict[str, str],
    note: str | None = None,
) -> bytes:
    """An .xlsx: the data sheet (column keys in row 1) and 说明: source, licence, query, time,
    row count, what cut the rows (if anything) and each column's Chinese label."""
    wb = Workbook(write_only=True)
    data = wb.create_sheet(_sheet_title(sheet))
    data.append(list(columns))
    count = 0
    for row in rows:
        data.append([_cell_value(v) for v in row])
        count += 1
    about = wb.create_sheet("说明")
    for line in (
        ("数据 data", "政府信息公开工作年度报告 (nianbao)"),
        ("来源 source", source),
        ("许可 licence", LICENCE),
        ("查询 query", query),
        ("时间 downloaded (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")),
        ("行数 rows", count),
        ("注意 note", note or "全部行 all rows of the query"),
    ):
        about.append([_cell_value(v) for v in line])
    about.append([])
    about.append(["列 column", "中文 label"])
    for column in columns:
        about.append([column, labels.get(column, "")])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
