"""``nianbao parse FILE``: one report (HTML page, text, PDF/Word file) to JSON or a table."""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from pathlib import Path

from convert.office import prepare
from parsers import parse_report
from parsers.schema import (
    APPLICANTS,
    APPLICATION_ROWS,
    ITEMS,
    METRICS,
    OUTCOMES,
    PROCEEDINGS,
    TEMPLATES,
    Report,
)
from parsers.values import is_blank

HELP = "parse one annual report (HTML page, text, PDF/DOCX; '-' for stdin) and print it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``FILE`` and ``--format``."""
    parser.add_argument("file", metavar="FILE", help="the report file, or - to read stdin")
    parser.add_argument(
        "--format",
        choices=("json", "table"),
        default="json",
        help="json: the canonical JSON (default); table: a readable table",
    )
    parser.add_argument("--url", help="the page's address, recorded in the report")
    parser.add_argument(
        "--extras",
        action="store_true",
        help="json: add index_no (索引号), publisher (发布机构) and the report's text",
    )


def run(args: argparse.Namespace) -> int:
    """Read, parse and print one report; 1 with a one-line error when the file is unusable."""
    try:
        data, name = read_input(args.file)
    except (OSError, ValueError) as exc:
        return _fail(str(exc))
    try:
        data, name = prepare(data, name)  # .doc/.wps → .docx (LibreOffice)
        report = parse_report(data, url=args.url, filename=name)
    except (OSError, ValueError) as exc:
        return _fail(f"{args.file}: {exc}")
    except Exception as exc:  # a parser bug must not become a traceback for the user
        return _fail(f"{args.file}: could not be parsed ({type(exc).__name__}: {exc})", 2)
    if args.format == "table":
        out = render_table(report)
    else:
        out = json.dumps(report.to_dict(extras=args.extras), ensure_ascii=False, indent=2) + "\n"
    try:
        sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:  # `nianbao parse … | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _fail(message: str, status: int = 1) -> int:
    """Print ``message`` as one line on stderr; return ``status``."""
    print(f"nianbao parse: {' '.join(message.split())}", file=sys.stderr)
    return status


def read_input(file: str) -> tuple[bytes, str | None]:
    """The bytes of ``file`` (``-`` is stdin) and its name; OSError with a clear message."""
    if file == "-":
        data = sys.stdin.buffer.read()
        name = None
    else:
        path = Path(file)
        if not path.exists():
            raise OSError(f"{file}: no such file")
        if path.is_dir():
            raise OSError(f"{file}: is a directory, not a report file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise OSError(f"{file}: cannot be read ({exc.strerror or exc})") from None
        name = path.name
    if not data.strip():
        raise ValueError(f"{file if file != '-' else 'stdin'}: empty, nothing to parse")
    return data, name


# --- the table for a person --------------------------------------------------------------


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _rows(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows aligned in columns (left-aligned labels, right-aligned numbers)."""
    if not rows:
        return []
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [_pad(row[0], widths[0])]
        cells += [" " * (widths[i] - _width(v)) + v for i, v in enumerate(row[1:], 1)]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _value(value: int | float | None, raw: str | None) -> str:
    """A cell for a person: the number, — when printed blank, (what was printed) if unreadable."""
    if value is None:
        printed = (raw or "").strip()
        return "—" if is_blank(printed) else f"({printed})"
    return str(value)


def render_table(report: Report) -> str:
    """The report for a person: metadata, the three sections with Chinese labels, findings."""
    out = [
        f"标题 title       {report.title or '—'}",
        f"机关 agency      {report.agency or '—'}",
        f"年度 year        {report.year or '—'}",
        f"格式 template    {report.template}  {TEMPLATES.get(report.template, '')}",
        f"发布 published   {report.published or '—'}",
    ]
    if report.index_no or report.publisher:
        out.append(f"索引号 index_no  {report.index_no or '—'}")
        out.append(f"发布机构         {report.publisher or '—'}")
    if report.url:
        out.append(f"网址 url         {report.url}")

    if report.active_disclosure:
        out += ["", "二、主动公开政府信息情况 (active_disclosure)"]
        out += _rows(
            [("信息内容", "指标", "数值")]
            + [
                (
                    ITEMS.get(c.item, c.item),
                    METRICS.get(c.metric, c.metric),
                    _value(c.value, c.raw) + (f" {c.unit}" if c.unit else ""),
                )
                for c in report.active_disclosure
            ]
        )
    if report.applications:
        out += ["", "三、收到和处理政府信息公开申请情况 (applications)"]
        applicants = [a for a in APPLICANTS if any(c.applicant == a for c in report.applications)]
        grid: dict[str, dict[str, str]] = {}
        for c in report.applications:
            grid.setdefault(c.row, {})[c.applicant] = _value(c.value, c.raw)
        out += _rows(
            [("", *(APPLICANTS[a] for a in applicants))]
            + [
                (APPLICATION_ROWS.get(row, row), *(cells.get(a, "") for a in applicants))
                for row, cells in grid.items()
            ]
        )
    if report.review_litigation:
        out += ["", "四、政府信息公开行政复议、行政诉讼情况 (review_litigation)"]
        outcomes = [o for o in OUTCOMES if any(c.outcome == o for c in report.review_litigation)]
        review: dict[str, dict[str, str]] = {}
        for c in report.review_litigation:
            review.setdefault(c.proceeding, {})[c.outcome] = _value(c.value, c.raw)
        out += _rows(
            [("", *(OUTCOMES[o] for o in outcomes))]
            + [
                (PROCEEDINGS.get(p, p), *(cells.get(o, "") for o in outcomes))
                for p, cells in review.items()
            ]
        )
    if not report.has_cells:
        out += ["", "(没有读到表格数据 no table cells)"]
    out += ["", f"核查 findings ({len(report.findings)})"]
    out += [f"  [{f.severity}] {f.rule}: {f.message}" for f in report.findings] or ["  无 none"]
    return "\n".join(out) + "\n"
