"""Tables printed without ruling lines: rules are inferred, then pdfplumber reads the cells.

A *value row* is a text line ending in numbers (numbers inside prose do not count).
Consecutive value rows between two section headings (``三、…``) make a table. Its columns
are the clusters of the numbers' positions (one label column to their left); its rows are
the value rows, each with the wrapped label lines nearest to it; the text above the first
value row is one header row. These inferred rules go to pdfplumber's table finder as
explicit lines, so cell text is extracted as for a ruled table.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from pdfplumber.page import Page

from parsers.documents.grid import Grid, is_value
from parsers.documents.pdftable import grid_of

_HEADING = re.compile(
    r"^\s*[一二三四五六七八九十]+\s*、\S{4,}"
)  # not 三、本 of 三、本|年度|办理结果
# Section 三's header nests 法人或其他组织 over five columns: cut at the inferred rules it
# would be garbled, so it stays text and the columns are read in the official order.
_NESTED_HEADER = re.compile(r"申请人情况|法人或其他组织")
_SUBHEADING = re.compile(r"^\s*第[一二三四五六七八九十]+条")  # 第二十条第（五）项
_WRAP_GAP = 0.8  # line heights: a label line this close below the last value row wraps it
_COLUMN_GAP = 6.0  # points: numbers whose centres are closer stand in one column


@dataclass(slots=True)
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    words: list[dict[str, Any]]
    values: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(w["text"] for w in self.words)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _lines(page: Page) -> list[_Line]:
    """The page's words grouped into lines, numbers marked."""
    lines: list[_Line] = []
    for word in sorted(page.extract_words(x_tolerance=1.5), key=lambda w: (w["top"], w["x0"])):
        if lines and abs(word["top"] - lines[-1].top) <= 3:
            line = lines[-1]
            line.words.append(word)
            line.bottom, line.x1 = max(line.bottom, word["bottom"]), max(line.x1, word["x1"])
        else:
            lines.append(_Line(word["top"], word["bottom"], word["x0"], word["x1"], [word]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
        line.values = _trailing_values(line.words)
    return lines


def _trailing_values(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The numbers that end a line (a table row); numbers inside prose do not count."""
    count = 0
    for word in reversed(words):
        if not is_value(word["text"]):
            break
        count += 1
    return words[len(words) - count :] if count else []


def _tables(lines: list[_Line]) -> list[list[_Line]]:
    """Runs of lines that hold a table, cut at section headings, ending with its last row."""
    runs: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if _HEADING.match(line.text) and not line.values:
            if _holds_table(current):
                runs.append(current)
            current = []
            continue
        current.append(line)
    if _holds_table(current):
        runs.append(current)
    out = []
    for run in runs:
        end = max(i for i, x in enumerate(run) if x.values)
        height = max(x.bottom - x.top for x in run)
        while end + 1 < len(run) and run[end + 1].top - run[end].bottom < _WRAP_GAP * height:
            end += 1  # the wrapped end of the last row's label
        out.append(run[: end + 1])
    return out


def _holds_table(lines: list[_Line]) -> bool:
    """Two value rows, or one long one (section 四 has a single row of 15 numbers)."""
    rows = [x for x in lines if len(x.values) >= 2]
    return len(rows) >= 2 or any(len(x.values) >= 4 for x in rows)


def _cluster(values: list[float], gap: float) -> list[list[float]]:
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= gap:
            groups[-1].append(v)
        else:
            groups.append([v])
    return groups


def _distance(row: _Line, line: _Line) -> tuple[float, int]:
    """How far a label line is from a value row; on a tie a wrapped line stays with the row
    above, an enumerated one (``3.其他``) goes with the row below."""
    below = row.middle > line.middle
    enumerated = bool(re.match(r"\s*(?:[（(][一二三四五六七八九十]+[）)]|\d+[.、．])", line.text))
    return round(abs(row.middle - line.middle) / 3), int(below != enumerated)


def _columns_of(line: _Line, bounds: list[float]) -> set[int]:
    """The value columns (between ``bounds``) that ``line``'s numbers stand in."""
    out = set()
    for word in line.values:
        middle = (word["x0"] + word["x1"]) / 2
        out.add(sum(1 for b in bounds if b < middle))
    return out


def _value_rows(run: list[_Line], bounds: list[float]) -> dict[int, int]:
    """Line index → the row it belongs to, for lines with numbers.

    Two adjacent lines whose numbers stand in different columns are one row whose cells
    are aligned differently (a 总计 cell at the top, the others centred).
    """
    owner: dict[int, int] = {}
    previous: int | None = None
    for i, line in enumerate(run):
        if not line.values:
            continue
        if previous is not None:
            above = run[previous]
            close = line.top - above.bottom < _WRAP_GAP * (line.bottom - line.top)
            row = owner[previous]
            taken = set().union(*(_columns_of(run[j], bounds) for j in owner if owner[j] == row))
            if close and not taken & _columns_of(line, bounds):
                owner[i] = row
                previous = i
                continue
        owner[i] = i
        previous = i
    return owner


def _rules(run: list[_Line]) -> tuple[list[float], list[float]] | None:
    """Vertical and horizontal rule positions for one table.

    Rows: each line with a number; the text above the first one is one header row (unless
    it is the nested header of section 三, which stays outside the table); a later
    line without numbers is a header row of its own when it reaches into the value columns
    (``信息内容 本年处理决定数量``), else a wrapped label joining the nearest row.
    """
    numbers = [w for x in run for w in x.values]
    columns = _cluster([(w["x0"] + w["x1"]) / 2 for w in numbers], _COLUMN_GAP)
    spans = []
    for group in columns:
        members = [w for w in numbers if group[0] <= (w["x0"] + w["x1"]) / 2 <= group[-1]]
        spans.append((min(w["x0"] for w in members), max(w["x1"] for w in members)))
    first_value = spans[0][0] - 2
    verticals = [min(x.x0 for x in run) - 1, first_value]
    verticals += [(end + start) / 2 for (_, end), (start, _) in itertools.pairwise(spans)]
    verticals.append(max(max(x.x1 for x in run), spans[-1][1]) + 1)
    start = next(i for i, x in enumerate(run) if x.values)
    owner = _value_rows(run, verticals[1:])
    header = "".join(x.text for x in run[:start])
    if not _NESTED_HEADER.search(header):
        owner.update({i: -1 for i in range(start)})  # one header row
    for i, line in enumerate(run[start:], start):
        if i in owner:
            continue
        if line.x1 > first_value or _SUBHEADING.match(line.text):
            owner[i] = i  # a header line inside the table
        else:
            owner[i] = min(
                {r for r in owner.values() if r >= 0 and run[r].values},
                key=lambda r: _distance(run[r], line),
            )
    groups: dict[int, list[_Line]] = {}
    for i, line in enumerate(run):
        if i in owner:
            groups.setdefault(owner[i], []).append(line)
    bands = sorted(
        (min(x.top for x in group), max(x.bottom for x in group)) for group in groups.values()
    )
    horizontals = [bands[0][0] - 1]
    horizontals += [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(bands)]
    horizontals.append(bands[-1][1] + 1)
    return verticals, horizontals


def find_borderless(page: Page) -> list[tuple[tuple[float, float, float, float], Grid]]:
    """Borderless tables on ``page`` as ``(bbox, grid)`` pairs."""
    out = []
    for run in _tables(_lines(page)):
        verticals, horizontals = _rules(run)
        settings = {
            "vertical_strategy": "explicit",
            "horizontal_strategy": "explicit",
            "explicit_vertical_lines": verticals,
            "explicit_horizontal_lines": horizontals,
        }
        x0, top, x1, bottom = page.bbox
        box = (
            max(verticals[0], x0),
            max(horizontals[0], top),
            min(verticals[-1], x1),
            min(horizontals[-1], bottom),
        )
        for table in page.crop(box).find_tables(settings):
            grid = grid_of(table)
            if grid is not None:
                out.append((table.bbox, grid))
    return out
