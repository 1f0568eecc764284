"""A crawl of the hostile mock portal (``nianbao.testing.hostile``): bounded, nothing lost.

One crawl (``crawler.settings.test``: DOWNLOAD_MAXSIZE 8 MiB, DOWNLOAD_TIMEOUT 3 s, 2 retries,
REDIRECT_MAX_TIMES 10, NIANBAO_LIST_PAGES 5, Retry-After honoured up to 2 s, parser worker
limited to 20 s and 1 GiB) is shared by the tests below; each checks one case and would fail
if its limit were removed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from nianbao.testing.hostile import (
    BIG,
    CRAWL_SETTINGS,
    HostileCrawl,
    HostilePortal,
    crawl_hostile,
    serve_hostile,
)

PEAK_RSS_MB = 400  # the crawl and its parser worker, each (a 1 GB bomb read would pass it)
CRAWL_SECONDS = 45
MAXSIZE = 8 * 1024 * 1024


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Any:
    workdir = tmp_path_factory.mktemp("hostile")
    secret = workdir / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 SECRET-LOCAL-FILE")
    with serve_hostile(lifetime=180, secret=secret) as portal:
        crawl = crawl_hostile(portal, workdir / "crawl")
        yield portal, crawl


@pytest.fixture(scope="module")
def db(hostile: tuple[HostilePortal, HostileCrawl]) -> Any:
    conn = sqlite3.connect(hostile[1].db_path)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def refused(db: sqlite3.Connection, url: str) -> str | None:
    row = db.execute("select reason from refused_urls where url = ?", [url]).fetchone()
    return row["reason"] if row else None


def page(db: sqlite3.Connection, url: str) -> sqlite3.Row | None:
    return db.execute("select * from pages where url = ?", [url]).fetchone()


def cells(db: sqlite3.Connection, report_id: str) -> dict[str, Any]:
    rows = db.execute(
        "select 'active_disclosure.' || item || '.' || metric, value from active_disclosure"
        " where report_id = ?1 union all"
        " select 'applications.' || row || '.' || applicant, value from applications"
        " where report_id = ?1 union all"
        " select 'review_litigation.' || proceeding || '.' || outcome, value"
        " from review_litigation where report_id = ?1",
        [report_id],
    ).fetchall()
    return {k: v for k, v in rows}


def test_crawl_ends_in_bounded_time_and_memory(hostile: tuple[HostilePortal, HostileCrawl]):
    _, crawl = hostile
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert crawl.seconds < CRAWL_SECONDS
    assert 0 < crawl.peak_rss_mb < PEAK_RSS_MB
    assert "Traceback" not in crawl.stderr.split("PEAK_RSS_KB")[0]


def test_valid_reports_stored_with_the_right_cells(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection
):
    portal, _ = hostile
    wrong = {}
    for path, entry in portal.expected.items():
        row = page(db, portal.url(path))
        assert row is not None and row["report_id"], f"{path}: no report stored"
        found = cells(db, row["report_id"])
        diff = {k: (v, found.get(k)) for k, v in entry["cells"].items() if found.get(k) != v}
        if diff:
            wrong[path] = diff
    assert wrong == {}


def test_endless_list_does_not_starve_the_real_list(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection
):
    portal, crawl = hostile
    allowance = 5  # NIANBAO_LIST_PAGES, doubled by the one page that gave a new report
    assert len(portal.server.hits("/trap/list.html")) <= 1 + 2 * allowance
    assert refused(db, portal.url("/trap/list.html?page=1")) == "list_pages_cut"
    assert crawl.stats["nianbao/list_pages_held"] > 100
    for path in ("/nb/p2/hanweb-2023.html", "/nb/p2/czj-2022.pdf"):  # page 2 of the real list
        assert page(db, portal.url(path))["report_id"]


def test_redirect_loop_and_long_chain_are_recorded(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection
):
    portal, _ = hostile
    assert refused(db, portal.url("/h/loop-a.html")) == "redirect_loop"
    assert len(portal.server.hits("/h/loop-")) <= 3
    assert refused(db, portal.url("/h/chain/0.html")) == "redirect_limit"
    assert len(portal.server.hits("/h/chain/")) <= 11  # REDIRECT_MAX_TIMES + 1, not 30
    assert not portal.server.hits("/h/chain-end.html")


@pytest.mark.parametrize("path", ["/h/big.html", "/h/big-stream.html"])
def test_fifty_megabyte_page_is_cut_at_the_size_limit(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection, path: str
):
    portal, _ = hostile
    assert refused(db, portal.url(path)) == "too_large"
    sent = sum(r.sent for r in portal.server.hits(path))
    assert sent < BIG / 2  # the crawler hung up: the server could not send the 50 MB
    row = page(db, portal.url(path))
    assert row["classification"].startswith("rejected:fetch_failed") and not row["report_id"]


def test_gzip_bomb_stops_at_the_decompression_limit(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection
):
    portal, crawl = hostile
    assert refused(db, portal.url("/h/gzip-bomb.html")) == "decompression_limit"
    assert crawl.stats.get("httpcompression/response_bytes", 0) < MAXSIZE * 2


def test_stalled_response_times_out(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection
):
    portal, _ = hostile
    assert refused(db, portal.url("/h/stall.html")) == "timeout"
    hits = portal.server.hits("/h/stall.html")
    assert len(hits) == 1 + CRAWL_SETTINGS["RETRY_TIMES"]
    assert hits[-1].at - hits[0].at < 3 * (CRAWL_SETTINGS["DOWNLOAD_TIMEOUT"] + 2)


def test_connection_reset_is_recorded(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection
):
    portal, _ = hostile
    assert refused(db, portal.url("/h/reset.html")) == "connection_lost"
    assert page(db, portal.url("/h/reset.html"))["classification"].startswith("rejected:")


def test_binary_garbage_is_a_rejected_page(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection
):
    portal, _ = hostile
    row = page(db, portal.url("/h/garbage.html"))
    assert row["classification"].startswith("rejected:") and not row["report_id"]


def test_retry_after_is_honoured(hostile: tuple[HostilePortal, HostileCrawl]):
    portal, _ = hostile
    for path in ("/h/busy-429.html", "/h/busy-503.html"):
        hits = portal.server.hits(path)
        assert [h.status for h in hits][-1] == 200  # busy for 3.5 s: 2 retries 2 s apart
        assert hits[-1].at - hits[0].at >= 3.5


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/h/truncated.pdf", "PDF"),
        ("/h/bomb.docx", "unzipping to 1073742382 bytes"),
        ("/h/pages2000.pdf", "2000 pages"),
    ],
)
def test_unreadable_attachments_are_parse_errors(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection, path: str, message: str
):
    portal, _ = hostile
    row = page(db, portal.url(path))
    assert message in (row["parse_error"] or "") and not row["report_id"]


def test_pdf_that_is_an_html_error_page_is_not_a_report(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection
):
    portal, _ = hostile
    url = portal.url("/h/fake.pdf")
    assert not page(db, url)["report_id"]
    rules = {r[0] for r in db.execute("select rule from findings where page_url = ?", [url])}
    assert rules & {"not_a_report", "parse_error"}


def test_only_the_portals_own_web_is_requested(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection, tmp_path: Path
):
    portal, crawl = hostile
    assert portal.canary.requests == []
    reasons = {
        "file:": "scheme_file",
        "ftp:": "scheme_ftp",
        "data:": "scheme_data",
        "http://10.": "private",
        "http://192.168.": "private",
        "http://169.254.": "link_local",
        "http://other-host": "other_host",
        "http://localhost": "other_host",  # loopback allowed only for the portal's own port
        "http://127.0.0.1:": "other_host",
        "http://[::1]": "other_host",
    }
    for href in portal.refused_links().values():
        if href.startswith("javascript:"):
            continue  # not a URL to fetch: never a request
        want = next(reason for prefix, reason in reasons.items() if href.startswith(prefix))
        like = href.split(",")[0][:30] + "%"  # data: URLs are stored quoted
        got = db.execute("select reason from refused_urls where url like ?", [like])
        assert (got.fetchone() or [None])[0] == want, href
    own = portal.url("/")
    for table, column in (("pages", "url"), ("report_sources", "url"), ("reports", "url")):
        urls = [r[0] for r in db.execute(f"select {column} from {table}") if r[0]]
        assert all(u.startswith(own) for u in urls), (table, urls)
    files = crawl.db_path.parent / "files"
    stored = [p.read_bytes() for p in files.rglob("*") if p.is_file()]
    assert not any(b"SECRET-LOCAL-FILE" in data for data in stored)
    assert crawl.stats["nianbao/refused/scheme_file"] >= 1


def test_redirects_off_the_portal_are_refused(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection
):
    portal, _ = hostile
    assert refused(db, "http://169.254.169.254/latest/meta-data/iam") == "link_local"
    assert refused(db, portal.canary.url("/redirected.html")) == "other_host"
    assert portal.canary.requests == []


def test_every_hostile_url_is_recorded_with_a_reason(
    hostile: tuple[HostilePortal, HostileCrawl], db: sqlite3.Connection
):
    portal, _ = hostile
    for path in portal.HOSTILE:
        url = portal.url(path)
        row = page(db, url)
        led = db.execute("select reason from refused_urls where referer = ?", [url]).fetchone()
        assert refused(db, url) or row is not None or led, f"{path}: no record"
