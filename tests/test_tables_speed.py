"""read_tables is fast enough for the ≥200 reports/s budget of the whole parse (one core).

CPU time, not wall time; the floor is far below what it measures on an idle machine
(about 600/s on a 60 KB page) so a busy test machine does not make it flaky.
"""

import time

from lxml import html

from nianbao.testing.render import portal_page, render, title_of
from parsers.schema import (
    ACTIVE_LAYOUT,
    APPLICANTS,
    APPLICATION_ROWS_BY_TEMPLATE,
    OUTCOMES,
    PROCEEDINGS,
    ActiveCell,
    ApplicationCell,
    Report,
    ReviewCell,
)
from parsers.tables import read_tables


def full_report(template: str) -> Report:
    report = Report(template=template)
    for item, metrics in ACTIVE_LAYOUT[template].items():
        for n, metric in enumerate(metrics):
            report.active_disclosure.append(ActiveCell(item, metric, n + 1, None))
    for n, row in enumerate(APPLICATION_ROWS_BY_TEMPLATE[template]):
        for applicant in APPLICANTS:
            report.applications.append(ApplicationCell(row, applicant, n, None))
    for proc in PROCEEDINGS:
        for outcome in OUTCOMES:
            report.review_litigation.append(ReviewCell(proc, outcome, 1, None))
    return report


def rate(func, seconds: float = 0.3) -> float:
    runs, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        func()
        runs += 1
    return runs / elapsed


def test_read_tables_speed_on_portal_pages():
    report = full_report("2021")
    for layout in ("html", "word"):
        page = portal_page(render(report, layout), title=title_of(report), pad_to=60_000)
        body = html.fromstring(page)
        tables = read_tables(body, "")
        assert len(tables.applications) == 25 * 7  # the page is read, not skipped
        assert rate(lambda body=body: read_tables(body, "")) > 100


def test_read_tables_speed_on_text():
    report = full_report("2019")
    text = render(report, "tabs")
    assert len(read_tables(None, text).applications) == 23 * 7
    assert rate(lambda: read_tables(None, text)) > 200
