"""What ``nianbao serve`` publishes cannot be turned against its readers or its database.

Stored-XSS payloads in titles, agencies, bodies, raw cells, findings, site names and source
URLs render as text in a real browser (Debian Chromium via Playwright) on the table, row,
canned-query, search, dashboard pages and in the Atom feeds; the server binds 127.0.0.1 by
default, serves the file immutable (no writable SQL) and keeps Datasette's SQL time limit.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import storage
from nianbao.serving import DEFAULT_HOST, SETTINGS, make_datasette
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, serving
from tests.test_datasette import sample_reports

SCRIPT = "<script>window.__xss = 'script'</script>"
IMG = "<img src=x onerror=\"window.__xss = 'img'\">"
JS_URL = "javascript:window.__xss='link'"
PAYLOAD = f"{SCRIPT}{IMG}"


def hostile_database(path: Path) -> Path:
    """The sample reports with payloads in every text a reader sees."""
    db = storage.open_db(path)
    for n, (site, report) in enumerate(sample_reports()):
        site = dataclasses.replace(site, name=f"{site.name}{PAYLOAD}")
        report.title = f"{report.title}{PAYLOAD}"
        report.agency = f"{report.agency}{IMG}" if n == 0 else report.agency
        report.text = f'{report.text} {PAYLOAD} <a href="{JS_URL}">点此</a>'
        if report.applications:
            report.applications[0].raw = PAYLOAD
        report.findings.append(storage_finding())
        storage.save_report(
            db, report, site=site, sources=[report.url, JS_URL], checked_at="2026-11-20T08:00:00Z"
        )
        storage.save_sites(db, [site])
        if n == 0:  # a second crawl read it differently: a change, in the changed feed
            cell = report.applications[0]
            cell.value, cell.raw = (cell.value or 0) + 1, f"{cell.value}{SCRIPT}"
            storage.save_report(db, report, site=site, checked_at="2026-11-21T08:00:00Z")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return path


def storage_finding() -> Any:
    from parsers.schema import Finding

    return Finding("unreadable_cell", "warning", f"cell text {PAYLOAD} is not a number")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_database(tmp_path_factory.mktemp("xss") / "nianbao.db")


# -- read-only, local, time-limited -------------------------------------------------------


def test_serve_binds_localhost_by_default() -> None:
    import argparse

    from nianbao.commands.serve import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert DEFAULT_HOST == "127.0.0.1"
    assert parser.parse_args(["--db", "x.db"]).host == "127.0.0.1"


def test_database_is_served_immutable_and_refuses_writes(db_path: Path) -> None:
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    ds = make_datasette(db_path)
    assert not ds.databases["nianbao"].is_mutable
    for sql in (
        "delete from reports",
        "update reports set title = 'x'",
        "drop table reports",
        "attach database '/tmp/evil.db' as evil",
        "pragma writable_schema = 1",
    ):
        response = asyncio.run(ds.client.get("/nianbao.json", params={"sql": sql}))
        assert response.status_code >= 400, sql
    response = asyncio.run(ds.client.post("/nianbao/reports/-/insert", json={"row": {}}))
    assert response.status_code in (403, 404, 405)
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    with storage.open_db(db_path) as db:
        assert db["reports"].count == len(sample_reports())


def test_sql_time_limit_stops_a_runaway_query(db_path: Path) -> None:
    assert 0 < SETTINGS["sql_time_limit_ms"] <= 5000
    ds = make_datasette(db_path, settings={"sql_time_limit_ms": 200})
    runaway = (
        "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    )
    import time

    start = time.monotonic()
    response = asyncio.run(ds.client.get("/nianbao.json", params={"sql": runaway}))
    assert time.monotonic() - start < 5
    assert response.status_code >= 400
    assert "interrupted" in response.text.lower() or "time" in response.text.lower()


# -- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(db_path: Path) -> Iterator[str]:
    with serving(db_path) as base:
        yield base


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.dialogs = dialogs
            yield page
        finally:
            browser.close()


def _report_id(db_path: Path) -> str:
    with storage.open_db(db_path) as db:
        return next(iter(db["reports"].rows))["id"]


PAGES = [
    "/nianbao/reports",
    "/nianbao/reports/{id}",
    "/nianbao/sites",
    "/nianbao/findings",
    "/nianbao/report_sources",
    "/nianbao/applications?_facet=report_id",
    "/nianbao/report_summary",
    "/nianbao/reports_with_findings",
    "/nianbao/search?q=光山县",
    "/nianbao/reports?_search=script",
    "/-/dashboards/nianbao",
]


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_payloads_render_as_text(browser_page: Any, server: str, db_path: Path, path: str) -> None:
    page = browser_page
    page.goto(server + path.format(id=_report_id(db_path)))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []
    assert page.locator("img[onerror]").count() == 0
    assert page.locator("body script:has-text('__xss')").count() == 0
    for link in page.locator("a[href^='javascript:']").all():
        raise AssertionError(f"a javascript: link is clickable: {link.get_attribute('href')}")
    if path in ("/nianbao/reports", "/nianbao/reports/{id}", "/nianbao/sites"):
        assert "<script>" in page.locator("body").inner_text()  # shown, as text


@pytest.mark.parametrize("feed", ["new_reports_feed", "changed_reports_feed"])
def test_feeds_carry_payloads_as_text(server: str, feed: str) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{server}/nianbao/{feed}.atom", timeout=10) as response:
        xml = response.read().decode()
    root = ET.fromstring(xml)  # well-formed: the payload did not break out of its element
    ns = "{http://www.w3.org/2005/Atom}"
    for entry in root.iter(f"{ns}entry"):
        for element in entry.iter():
            text = element.text or ""
            if element.get("type") == "html":
                assert "<script" not in text.lower() and "onerror" not in text.lower()
