"""Parser fuzzing (Hypothesis): mutated report pages, texts, PDFs and .docx files.

Seeds are real pages of the sample portals and the document fixtures; mutations are
truncations, byte flips, NUL bytes, tag soup, 10,000-level nesting, UTF-16, empty input, and
numbers made huge, negative or full-width. Properties: ``parse_report`` never raises on a page
or text (it returns a report with findings) and raises at most ``DocumentError`` on a file; no
input takes more than the deadline; and a number read differently from the seed's comes with
a finding saying something is off. ``NIANBAO_FUZZ_EXAMPLES=1000 pytest tests/test_fuzz.py``
runs a longer search (CI runs a small one).
"""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import parse_report
from parsers.documents import DocumentError
from parsers.encoding import decode
from parsers.schema import Report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=10),  # a hang is a failure
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 40,  # CI: the same inputs every run
)


@cache
def html_seeds() -> list[tuple[str, bytes, str]]:
    """(name, bytes, content type) of every sample report page."""
    seeds = []
    for manifest in sorted((ROOT / "samples/portals").glob("*/expected.json")):
        site = manifest.parent
        charset = json.loads((site / "site.json").read_text(encoding="utf-8")).get("charset")
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["reports"]:
            path = site / "www" / entry["url"].lstrip("/")
            if path.suffix in (".html", ".htm", ".shtml") and path.exists():
                seeds.append((path.name, path.read_bytes(), f"text/html; charset={charset}"))
    return seeds


@cache
def file_seeds() -> list[tuple[str, bytes]]:
    docs = ROOT / "tests/fixtures/documents"
    return [
        (p.name, p.read_bytes()) for p in sorted(docs.glob("*")) if p.suffix in (".pdf", ".docx")
    ]


@cache
def seed_report(index: int) -> Report:
    _name, data, ctype = html_seeds()[index]
    return parse_report(data, content_type=ctype)


def cell_values(report: Report) -> dict[str, object]:
    return dict(report.cell_map())


def parse_page(data: bytes | str, ctype: str | None) -> Report:
    report = parse_report(data, content_type=ctype)
    assert isinstance(report, Report)
    return report


# -- mutations -----------------------------------------------------------------------------


@st.composite
def mutated_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "nul", "soup", "empty", "splice"]))
    if kind == "empty" or not data:
        return b""
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        flips = draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=50))
        out = bytearray(data)
        for i in flips:
            out[i] ^= draw(st.integers(1, 255))
        return bytes(out)
    if kind == "nul":
        return data[:at] + b"\x00" * draw(st.integers(1, 64)) + data[at:]
    if kind == "soup":
        tags = st.sampled_from(
            [b"<td>", b"</td>", b"<tr>", b"</tr>", b"</table>", b"<table>", b"<p>", b"<!--", b"]]>"]
        )
        return data[:at] + b"".join(draw(st.lists(tags, min_size=1, max_size=20))) + data[at:]
    return data[:at] + draw(st.binary(max_size=200)) + data[at:]


@given(data=st.data())
@FUZZ
def test_mutated_pages_parse_without_a_traceback(data: st.DataObject) -> None:
    _name, raw, ctype = data.draw(st.sampled_from(html_seeds()))
    parse_page(data.draw(mutated_bytes(raw)), ctype)


@given(data=st.data())
@FUZZ
def test_mutated_files_parse_or_raise_a_document_error(data: st.DataObject) -> None:
    name, raw = data.draw(st.sampled_from(file_seeds()))
    mutated = data.draw(mutated_bytes(raw))
    try:
        report = parse_report(mutated, filename=name)
    except DocumentError:
        return
    assert isinstance(report, Report)


@given(text=st.text(max_size=2000), ctype=st.sampled_from([None, "text/plain", "text/html"]))
@FUZZ
def test_any_text_parses(text: str, ctype: str | None) -> None:
    parse_page(text, ctype)
    parse_page(text.encode("utf-8", "surrogatepass"), ctype)


@given(index=st.integers(0, 100), encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-32"]))
@FUZZ
def test_pages_in_utf16_parse(index: int, encoding: str) -> None:
    _name, raw, ctype = html_seeds()[index % len(html_seeds())]
    text, _ = decode(raw, ctype)
    parse_page(text.encode(encoding), None)


def test_ten_thousand_nested_tags_do_not_hang_or_crash() -> None:
    _name, raw, ctype = html_seeds()[0]
    for tag in ("div", "table", "span"):
        deep = b"<" + tag.encode() + b">"
        wrapped = raw.replace(b"<body>", b"<body>" + deep * 10_000, 1)
        parse_page(wrapped, ctype)
        parse_page(deep * 10_000 + b"2023\xe5\xb9\xb4", "text/html")


_NUMBER = re.compile(rb"(?<=>)(\d{1,4})(?=<)")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(data=st.data())
@FUZZ
def test_a_number_read_wrong_comes_with_a_finding(data: st.DataObject) -> None:
    """Make one printed number huge, negative or full-width: the report reads the same, or a
    finding that was not there before says something is off."""
    index = data.draw(st.integers(0, len(html_seeds()) - 1))
    name, raw, ctype = html_seeds()[index]
    numbers = list(_NUMBER.finditer(raw))
    if not numbers:
        return
    match = data.draw(st.sampled_from(numbers))
    kind = data.draw(st.sampled_from(["huge", "negative", "full_width", "nul"]))
    digits = match.group(1).decode()
    new = {
        "huge": "9" * data.draw(st.integers(12, 40)),
        "negative": f"-{digits}",
        "full_width": digits.translate(_FULL_WIDTH),
        "nul": digits[:1] + "\x00" + digits[1:],
    }[kind].encode(decode(raw, ctype)[1])
    mutated = raw[: match.start()] + new + raw[match.end() :]
    seed = seed_report(index)
    report = parse_page(mutated, ctype)
    before, after = cell_values(seed), cell_values(report)
    if kind == "full_width":
        assert after == before
        return
    if after != before:
        old = {(f.rule, f.message) for f in seed.findings}
        fresh = [f for f in report.findings if (f.rule, f.message) not in old]
        assert fresh, f"{name}: {digits} → {new!r} changed cells without a finding"
