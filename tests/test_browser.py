"""``nianbao serve`` in a real browser: headless Debian Chromium driven by Playwright.

Opens the home page, a faceted table, a canned query, the charts and a CSV link, as a
journalist would. Never downloads a browser: it uses ``/usr/bin/chromium`` or skips.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_datasette import build_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = os.environ.get("NIANBAO_SCREENSHOTS")  # set to keep the screenshots

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nianbao serve exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nianbao serve did not answer at {url}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``nianbao serve`` on a free 127.0.0.1 port; yields its base URL, stops it after."""
    db = build_database(tmp_path_factory.mktemp("browser") / "nianbao.db")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/-/versions.json", proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def shoot(page: object, name: str) -> None:
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True)


def test_home_page(page: object, server: str) -> None:
    page.goto(server + "/")
    assert "政府信息公开工作年度报告" in page.title()
    assert page.locator("text=Data limitations").count() == 1
    assert page.locator("a[href='/nianbao']").count() >= 1
    shoot(page, "home")


def test_faceted_table_with_labels(page: object, server: str) -> None:
    page.goto(server + "/nianbao/reports")
    year_facet = page.locator(".facet-info[data-column='year']")
    assert "2021" in year_facet.inner_text() and "2022" in year_facet.inner_text()
    page.locator(".facet-info[data-column='county'] a", has_text="光山县").click()
    page.wait_for_url("**county=*")
    assert page.locator("table.rows-and-columns tbody tr").count() == 1
    assert "光山县教育局" in page.locator("table.rows-and-columns").inner_text()
    page.goto(server + "/nianbao/applications?row=withheld_third_party&applicant=total")
    table = page.locator("table.rows-and-columns").inner_text()
    assert "(三)不予公开 4.保护第三方合法权益" in table and "总计" in table
    shoot(page, "applications")


def test_canned_query_form(page: object, server: str) -> None:
    page.goto(server + "/nianbao/most_applications")
    page.fill("input[name='year']", "2021")
    page.locator("form.sql input[type='submit']").click()
    page.wait_for_url("**year=2021*")
    first = page.locator("table.rows-and-columns tbody tr").first.inner_text()
    assert "乡宁县人民政府" in first and "10" in first
    shoot(page, "query")


def test_csv_link_downloads_chinese(page: object, server: str) -> None:
    page.goto(server + "/nianbao/report_summary?county=乡宁县")
    href = page.locator("a[href*='.csv']").first.get_attribute("href")
    response = page.request.get(server + href if href.startswith("/") else href)
    assert response.ok
    text = response.text()
    assert text.splitlines()[0].startswith("id,site,province")
    assert "管头镇人民政府" in text and "光山县" not in text


def test_dashboard_draws_charts(page: object, server: str) -> None:
    page.goto(server + "/-/dashboards/nianbao")
    chart = page.locator("#chart-applications-per-year canvas, #chart-applications-per-year svg")
    chart.first.wait_for(state="visible")
    page.locator("#chart-applications p").wait_for()
    assert page.locator("#chart-applications p").inner_text() == "54 件"  # 10 + 14 + 0 + 30
    shoot(page, "dashboard")
