"""The spider on the five mock portals: one crawl of all of them, then one assertion per test.

The crawl runs once per session in a subprocess (``nianbao crawl`` with the test settings);
the servers' request logs show what was fetched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.testing.portalserver import SITES

pytestmark = pytest.mark.slow

MAX_REQUESTS_PER_REPORT = 4


@pytest.fixture(scope="module")
def crawled(portal_server, tmp_path_factory):
    from tests.conftest import run_crawl

    for server in portal_server.values():
        server.clear_log()
    workdir = tmp_path_factory.mktemp("crawl")
    result = run_crawl([s.url() for s in portal_server.values()], workdir)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    result.workdir = workdir  # type: ignore[attr-defined]
    return result


def site_items(crawled, server) -> dict[str, dict]:
    """Items of one portal, by path."""
    return {
        i["url"][len(server.base_url) :]: i
        for i in crawled.items
        if i["url"].startswith(server.base_url + "/")
    }


@pytest.mark.parametrize("site", SITES)
def test_every_report_found(crawled, portal_server, site):
    server = portal_server[site]
    items = site_items(crawled, server)
    found = {path for path, item in items.items() if item["classification"] == "report"}
    assert found == {r["url"] for r in server.expected["reports"]}


@pytest.mark.parametrize("site", SITES)
def test_no_distractor_taken(crawled, portal_server, site):
    server = portal_server[site]
    items = site_items(crawled, server)
    for path in server.expected["distractors"]:
        if path in items:
            assert items[path]["classification"].startswith("rejected:"), path
    requested = set(server.paths_requested())
    assert not requested & set(server.expected["never_fetched"])


def test_lookalikes_rejected_for_their_reason(crawled, portal_server):
    items = site_items(crawled, portal_server["trs"])
    base = "/zwgk/zfxxgk/zfxxgknb/qt/"
    assert items[base + "fzzf2022.html"]["classification"] == "rejected:法治政府建设年度报告"
    assert items[base + "jd2022.html"]["classification"] == "rejected:解读"
    assert items[base + "gs2021.html"]["classification"] == "rejected:格式通知"
    assert items[base + "xw2022.html"]["classification"] == "rejected:仅提及年报"


@pytest.mark.parametrize("site", SITES)
def test_requests_within_budget(crawled, portal_server, site):
    server = portal_server[site]
    assert len(server.requests) <= server.expected["max_requests"]


def test_requests_per_report(crawled, portal_server):
    requests = sum(len(s.requests) for s in portal_server.values())
    reports = sum(1 for i in crawled.items if i["classification"] == "report")
    assert reports == sum(len(s.expected["reports"]) for s in portal_server.values())
    assert requests / reports <= MAX_REQUESTS_PER_REPORT


@pytest.mark.parametrize("site", SITES)
def test_deep_news_column_not_followed(crawled, portal_server, site):
    server = portal_server[site]
    news = [server.config[k]["prefix"] for k in ("news", "news2") if k in server.config]
    fetched = [p for p in server.paths_requested() if any(p.startswith(n) for n in news)]
    assert len(fetched) <= 1  # at most the column's first page


@pytest.mark.parametrize("site", SITES)
def test_robots_txt_fetched_once_and_obeyed(crawled, portal_server, site):
    paths = portal_server[site].paths_requested()
    assert paths.count("/robots.txt") == 1
    assert not [p for p in paths if p.startswith(("/private/", "/search/"))]


@pytest.mark.parametrize("site", SITES)
def test_failing_page_retried(crawled, portal_server, site):
    server = portal_server[site]
    (path,) = server.config["fail_once"]
    statuses = [r.status for r in server.requests if r.path == path]
    assert statuses == [500, 200]
    assert site_items(crawled, server)[path]["status"] == 200
    assert crawled.stats["retry/count"] >= len(SITES)


def test_redirect_followed(crawled, portal_server):
    server = portal_server["trs"]
    statuses = [(r.path, r.status) for r in server.requests]
    assert ("/zwgk/zfxxgk/zfxxgknb/2023n/latest.html", 301) in statuses
    item = site_items(crawled, server)["/zwgk/zfxxgk/zfxxgknb/2023n/202401/t20240115_3001.html"]
    assert item["classification"] == "report"


def test_broken_report_link_recorded_as_404(crawled, portal_server):
    items = site_items(crawled, portal_server["trs"])
    item = items["/zwgk/zfxxgk/zfxxgknb/201901/t20190110_404.html"]
    assert (item["status"], item["classification"]) == (404, "rejected:http_404")


def test_gbk_page_decoded(crawled, portal_server):
    server = portal_server["trs"]
    item = site_items(crawled, server)["/zwgk/zfxxgk/zfxxgknb/2022n/202301/t20230120_2002.html"]
    assert item["title"] == "金堃镇人民政府2022年政府信息公开工作年度报告"  # 堃: GBK, not GB2312
    assert item["encoding"] == "gb18030"
    assert item["publisher"] == "金堃镇人民政府"


def test_undeclared_gbk_page_on_a_utf8_portal_decoded(crawled, portal_server):
    """pagelist serves ``charset=utf-8``; one report page is GBK bytes without a <meta>."""
    server = portal_server["pagelist"]
    (report,) = [r for r in server.expected["reports"] if "gbk" in r.get("layout", "")]
    item = site_items(crawled, server)[report["url"]]
    assert (item["classification"], item["encoding"]) == ("report", "gb18030")
    assert (item["title"], item["publisher"]) == (report["title"], report["agency"])


def test_manifests_list_ugly_reports_and_their_findings(portal_server):
    """The crawl meets other layouts and real problems (cells and findings: test_crawl_db)."""
    reports = [r for s in portal_server.values() for r in s.expected["reports"]]
    layouts = {r.get("layout", "html").split(",")[0] for r in reports}
    assert {"word", "split", "tabs", "lines"} <= layouts
    rules = {rule for r in reports for rule in r["findings"]}
    assert {"balance", "unreadable_cell", "template_year_mismatch", "missing_table",
            "image_only", "review_total_sum"} <= rules  # fmt: skip
    assert sum(1 for r in reports if not r["findings"]) >= len(reports) // 2


@pytest.mark.parametrize("site", SITES)
def test_report_metadata(crawled, portal_server, site):
    server = portal_server[site]
    items = site_items(crawled, server)
    for report in server.expected["reports"]:
        item = items[report["url"]]
        if report["url"].endswith((".pdf", ".docx")):
            continue  # attachment-only: no page to read
        assert item["index_no"] == report["index_no"]
        assert item["publisher"] == report["agency"]
        assert item["title"] == report["title"]
        assert len(item["content_hash"]) == 64
        assert item["from_cache"] is False


def test_attachments_downloaded_through_redirects(crawled, portal_server):
    files_dir = Path(crawled.workdir) / "files"
    with_files = [i for i in crawled.items if i["file_urls"]]
    assert len(with_files) == 6
    for item in with_files:
        assert [f["url"] for f in item["files"]] == item["file_urls"]
        for f in item["files"]:
            data = (files_dir / f["path"]).read_bytes()
            assert data[:4] in (b"%PDF", b"PK\x03\x04")
    only = site_items(crawled, portal_server["pagelist"])["/uploadfiles/202301/jtj2022.docx"]
    assert (only["classification"], only["status"]) == ("report", 200)


def test_report_link_answered_with_a_file(crawled, portal_server):
    server = portal_server["gkmlpt"]
    item = site_items(crawled, server)["/files/mj-czj-2022.pdf"]
    assert (item["classification"], item["status"]) == ("report", 200)
    assert item["title"] == "梅州市梅江区财政局2022年政府信息公开工作年度报告"
    assert item["files"][0]["url"] == server.url("/files/mj-czj-2022.pdf")
    # FilesPipeline got the file from the HTTP cache: the server sent it once.
    assert server.paths_requested().count("/files/mj-czj-2022.pdf") == 1


def test_stats_and_summary(crawled, portal_server):
    reports = sum(len(s.expected["reports"]) for s in portal_server.values())
    assert crawled.stats["nianbao/reports"] == reports == 35
    assert f"reports found:    {reports}" in crawled.stdout
    assert crawled.stats["nianbao/retry_backoff_seconds"] > 0
    assert crawled.stats.get("log_count/ERROR", 0) == 0
    for server in portal_server.values():  # per site, keyed by the site id (host:port)
        site_id = server.base_url.removeprefix("http://")
        assert crawled.stats[f"nianbao/reports/{site_id}"] == len(server.expected["reports"])
