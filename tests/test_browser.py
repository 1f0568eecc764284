"""``nianbao serve`` in a real browser: headless Debian Chromium driven by Playwright.

Opens the home page, a faceted table, a canned query, the charts, a CSV link, the search box
and a report's page, as a journalist would, at 1400×900; asserts the geometry of what shows
above the fold (first data row, sticky header, right-aligned numbers). Never downloads a
browser: it uses ``/usr/bin/chromium`` or skips.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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
VIEWPORT = (1400, 900)  # a journalist's laptop

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


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """``nianbao serve --db db`` on a free 127.0.0.1 port; yields its base URL, stops it after."""
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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``nianbao serve`` on a free 127.0.0.1 port; yields its base URL, stops it after."""
    db = build_database(tmp_path_factory.mktemp("browser") / "nianbao.db")
    with serving(db) as base:
        yield base


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
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
    page.locator(".facet-info[data-column='province'] a", has_text="河南省").click()
    page.wait_for_url("**province=*")
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
    assert response.body().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    assert "attachment" in response.headers["content-disposition"]
    text = response.body().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,site,province")
    assert "管头镇人民政府" in text and "光山县" not in text


def test_dashboard_draws_charts(page: object, server: str) -> None:
    page.goto(server + "/-/dashboards/nianbao")
    chart = page.locator("#chart-applications-per-year canvas, #chart-applications-per-year svg")
    chart.first.wait_for(state="visible")
    page.locator("#chart-applications p").wait_for()
    assert page.locator("#chart-applications p").inner_text() == "54 件"  # 10 + 14 + 0 + 30
    shoot(page, "dashboard")


def test_tables_show_their_first_rows_above_the_fold(page: object, server: str) -> None:
    for path in ("/nianbao/reports", "/nianbao/report_summary"):
        page.goto(server + path)
        first = page.locator("table.rows-and-columns tbody tr").first.bounding_box()
        assert first["y"] + first["height"] <= VIEWPORT[1], (path, first)
        assert not page.locator("dl.column-descriptions").is_visible()  # collapsed
        page.locator("details.column-help summary").click()
        assert page.locator("dl.column-descriptions").is_visible()  # a click shows them
        header = page.locator("table.rows-and-columns thead th").nth(1)
        assert "\n" in header.inner_text() or header.locator(".label-zh").count() == 1
        shoot(page, path.rsplit("/", 1)[1])
    number = page.locator("table.rows-and-columns td.col-applications_received").first
    assert number.evaluate("e => getComputedStyle(e).textAlign") == "right"
    label = page.locator("th[data-column='applications_received'] .label-zh")
    assert label.inner_text() == "本年新收申请"
    wrapper = page.locator(".table-wrapper")
    head_before = page.locator("table.rows-and-columns thead th").first.bounding_box()
    wrapper.evaluate("e => { e.scrollTop = 120; e.scrollLeft = 600; }")
    head_after = page.locator("table.rows-and-columns thead th").first.bounding_box()
    assert (
        abs(head_after["y"] - head_before["y"]) < 1 and abs(head_after["x"] - head_before["x"]) < 1
    )


def test_search_box_finds_two_character_words(page: object, server: str) -> None:
    for word, agency in (("复议", "光山县教育局"), ("公开", "乡宁县人民政府")):
        page.goto(server + "/nianbao/reports")
        page.fill("input#_search", word)
        page.press("input#_search", "Enter")
        page.wait_for_url("**_search=*")
        table = page.locator("table.rows-and-columns").inner_text()
        assert agency in table, word
        assert page.locator("input#_search").input_value() == word
    shoot(page, "search")


def test_report_page_as_printed(page: object, server: str) -> None:
    page.goto(server + "/nianbao/report_summary?agency=" + "乡宁县人民政府" + "&year=2022")
    page.locator("table.rows-and-columns td.col-id a").first.click()
    page.wait_for_url("**/nianbao/reports/*")
    headings = page.locator(".nianbao-report h2").all_inner_texts()
    assert headings == [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    row = page.locator("table.printed-applications tbody tr").first
    assert row.locator("th").inner_text() == "一、本年新收政府信息公开申请数量"
    assert row.locator("td.num").last.inner_text() == "14"
    assert "新收 14 + 结转 0 ≠ 总计 12" in row.locator("td.findings-col").inner_text()
    table = page.locator("table.printed-applications").bounding_box()
    assert table["x"] + table["width"] <= VIEWPORT[0]  # no sideways scrolling
    shoot(page, "report")
