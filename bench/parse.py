"""Parse benchmark: reports/second on one core and peak memory, on realistic portal pages.

    .venv/bin/python bench/parse.py [--pages 240] [--repeat 3] [--profile]

Builds a corpus of full portal pages (30–80 KB: header, menus, breadcrumbs, the 索引号
block, share bar, footer, inline scripts and styles) with the fixture builder of
``nianbao/testing/pages.py``: seven layouts (TRS, Hanweb table layout, Anhui 集约化,
Guangdong gkmlpt, Jiangsu, a static site without known containers, tables pasted as lines),
both official formats, UTF-8/GBK/BOM and right, wrong or missing charsets, varied values.
Every page goes through ``parsers.parse_report`` as the bytes a crawler would hold; the
script checks the cells read against the values the pages were built from, then prints
reports/second (CPU time of this process, best of ``--repeat`` passes) and peak memory
(``tracemalloc`` over one pass, and the process's ``ru_maxrss``). Target: ≥ 400 reports/s.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import itertools
import os
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.testing.pages import (  # noqa: E402
    PAGES,
    PageSpec,
    expected_cells,
    page_bytes,
)
from nianbao.testing.render import fmt, render  # noqa: E402
from nianbao.testing.reports import with_cells  # noqa: E402
from parsers import parse_report  # noqa: E402
from parsers.schema import Report  # noqa: E402

TARGET = 400.0  # reports per second on one core
ENCODINGS = (  # (encoding, declared charset, BOM)
    ("utf-8", "utf-8", False),
    ("gbk", "gb2312", False),
    ("gbk", None, False),
    ("utf-8", "gbk", False),
    ("gbk", "utf-8", False),
    ("utf-8", None, True),
)


def _report(spec: PageSpec) -> Report:
    """The report ``spec``'s values make (to render in ``nianbao.testing.render``'s layouts)."""
    report = Report(title=spec.title, agency=spec.agency, year=spec.year, template=spec.template)
    return with_cells(report, expected_cells(spec), raw=fmt)


def corpus(n: int) -> list[tuple[PageSpec, bytes]]:
    """``n`` pages: the fixture reports varied in layout, encoding, format and values.

    Every third page carries its body in a layout of ``nianbao.testing.render`` (section 二 as one
    table, or tables split at a page break) inside the chrome of one CMS family. (Its Word
    layout is left out: Word-exported bodies alone weigh about 80 KB.)
    """
    bases = [spec for spec in PAGES if spec.report]
    styles = ("trs", "hanweb", "anhui", "gkmlpt", "jiangsu", "static", "lines")
    combos = itertools.cycle(itertools.product(bases, styles, ENCODINGS))
    pages = []
    for seed, (base, style, (encoding, charset, bom)) in enumerate(combos, start=100):
        if len(pages) == n:
            break
        template = base.template if style != "lines" else "2019"
        spec = replace(
            base,
            name=f"{base.name}-{seed}",
            style=style,
            encoding=encoding,
            charset=charset,
            bom=bom,
            seed=seed,
            template=template,
            blanks=seed % 3 == 0,
        )
        if seed % 3 == 1 and style != "lines":
            spec.body_html = render(_report(spec), ("html", "split")[seed % 2])
        pages.append((spec, page_bytes(spec)))
    return pages


def check(pages: list[tuple[PageSpec, bytes]]) -> tuple[int, int]:
    """(pages whose cells all match the values they were built from, pages with tables)."""
    right = total = 0
    for spec, data in pages:
        if spec.style == "lines":
            continue  # the lines layout carries the fixed sample text, not generated values
        total += 1
        right += parse_report(data).cell_map() == expected_cells(spec)
    return right, total


def timed_pass(files: list[bytes], filename: str | None = None) -> float:
    """CPU seconds to parse every file once."""
    gc.collect()
    start = time.process_time()
    for data in files:
        parse_report(data, filename=filename)
    return time.process_time() - start


def peak_traced(pages: list[tuple[PageSpec, bytes]]) -> int:
    """Peak bytes allocated by Python while parsing every page once."""
    tracemalloc.start()
    for _, data in pages:
        parse_report(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> int:
    """Build the corpus, check it, time it, measure memory; exit 1 if cells are misread."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    args = parser.parse_args()

    pages = corpus(args.pages)
    sizes = [len(data) for _, data in pages]
    print(
        f"corpus: {len(pages)} pages, {statistics.mean(sizes) / 1024:.0f} KB mean "
        f"({min(sizes) / 1024:.0f}–{max(sizes) / 1024:.0f} KB), {sum(sizes) / 2**20:.1f} MB"
    )
    right, total = check(pages)
    print(f"cells correct: {right}/{total} pages with generated tables")

    page_data = [data for _, data in pages]
    times = [timed_pass(page_data) for _ in range(args.repeat)]
    best = min(times)
    rate = len(pages) / best
    verdict = "meets" if rate >= TARGET else "BELOW"
    print(
        f"parse: {rate:.0f} reports/s on one core (best of {args.repeat}: {best:.2f} s CPU, "
        f"{best / len(pages) * 1000:.2f} ms/report; {sum(sizes) / best / 2**20:.1f} MB/s); "
        f"{verdict} the target of {TARGET:.0f}/s"
    )
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) * 0.75:
        print(f"note: load average {load:.1f} on {os.cpu_count()} CPUs: figures are pessimistic")
    peak = peak_traced(pages)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"memory: tracemalloc peak {peak / 2**20:.1f} MB; ru_maxrss {maxrss / 1024:.0f} MB")

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(timed_pass, page_data)
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)

    # PDF pages/second: parse_report on the real PDFs (tests/fixtures/real/docs) and the
    # generated ones of tests/fixtures/documents (ruled, split, borderless, scan).
    from parsers.documents import read_document

    pdfs = sorted((ROOT / "tests" / "fixtures" / "real" / "docs").glob("*.pdf"))
    pdfs += sorted((ROOT / "tests" / "fixtures" / "documents").glob("*.pdf"))
    pdf_data = [path.read_bytes() for path in pdfs]
    pdf_pages = sum(read_document(data).pages for data in pdf_data)
    pdf_best = min(timed_pass(pdf_data, "report.pdf") for _ in range(args.repeat))
    print(
        f"pdf: {pdf_pages / pdf_best:.1f} pages/s on one core ({len(pdfs)} files, {pdf_pages} "
        f"pages; best of {args.repeat}: {pdf_best:.2f} s CPU, {pdf_best / len(pdfs):.2f} s/file)"
    )
    return 0 if right == total else 1  # wrong cells fail; speed is a figure to read


if __name__ == "__main__":
    sys.exit(main())
