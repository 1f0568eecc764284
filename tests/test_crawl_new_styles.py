"""The spider on the new-style mock portals (issue 11), checked as test_crawl checks the others.

``scriptlist`` (a column filled by XMLHttpRequest from a JSON API), ``hanwebstore`` (Hanweb
column pages with records in ``<script type="text/xml"><datastore>`` and ``dataproxy.jsp``,
no prose, footer pictures), ``ulmenu`` (the 政务公开 page a bare ``<ul>`` menu) and
``towntree`` (乡镇街道 → township pages → their 年报 columns → reports), written by
``python -m nianbao.testing.samplebuild.newstyles``. One crawl of all four, then one assertion
per test.
"""

from __future__ import annotations

import pytest

from nianbao.testing.portalserver import NEW_STYLE_SITES, serve_portals

pytestmark = pytest.mark.slow

MAX_REQUESTS_PER_REPORT = 4


@pytest.fixture(scope="module")
def portals():
    with serve_portals(NEW_STYLE_SITES, lifetime=600) as servers:
        yield servers


@pytest.fixture(scope="module")
def crawled(portals, tmp_path_factory):
    from tests.conftest import run_crawl

    workdir = tmp_path_factory.mktemp("crawl_new_styles")
    return run_crawl([s.url(s.expected["start_path"]) for s in portals.values()], workdir)


def site_items(crawled, server) -> dict[str, dict]:
    """Items of one portal, by path."""
    return {
        i["url"][len(server.base_url) :]: i
        for i in crawled.items
        if i["url"].startswith(server.base_url + "/")
    }


def test_crawl_exits_zero(crawled):
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]


@pytest.mark.parametrize("site", NEW_STYLE_SITES)
def test_every_report_found(crawled, portals, site):
    server = portals[site]
    items = site_items(crawled, server)
    found = {path for path, item in items.items() if item["classification"] == "report"}
    expected = {r["url"] for r in server.expected["reports"]}
    assert expected - found == set(), f"{len(expected & found)}/{len(expected)} found"


@pytest.mark.parametrize("site", NEW_STYLE_SITES)
def test_no_distractor_taken(crawled, portals, site):
    server = portals[site]
    items = site_items(crawled, server)
    taken = [p for p in server.expected["distractors"]
             if p in items and items[p]["classification"] == "report"]  # fmt: skip
    assert taken == []
    assert not set(server.paths_requested()) & set(server.expected["never_fetched"])


@pytest.mark.parametrize("site", NEW_STYLE_SITES)
def test_nothing_else_stored_as_a_report(crawled, portals, site):
    server = portals[site]
    reports = server.expected["reports"]
    allowed = {r["url"] for r in reports} | {a for r in reports for a in r["attachments"]}
    items = site_items(crawled, server)
    stored = {path for path, item in items.items() if item["classification"] == "report"}
    assert stored - allowed == set()


@pytest.mark.parametrize("site", NEW_STYLE_SITES)
def test_requests_within_budget(crawled, portals, site):
    server = portals[site]
    assert len(server.requests) <= server.expected["max_requests"]
    assert len(server.requests) <= MAX_REQUESTS_PER_REPORT * len(server.expected["reports"])


@pytest.mark.parametrize("site", NEW_STYLE_SITES)
def test_robots_txt_fetched_once(crawled, portals, site):
    assert portals[site].paths_requested().count("/robots.txt") == 1


@pytest.mark.parametrize("site", NEW_STYLE_SITES)
def test_report_metadata(crawled, portals, site):
    server = portals[site]
    items = site_items(crawled, server)
    for report in server.expected["reports"]:
        if report["url"].endswith(".docx") or report["url"] not in items:
            continue  # attachment-only: no page to read; a missing report fails above
        item = items[report["url"]]
        assert item["title"] == report["title"], report["url"]


def test_stats_count_every_report(crawled, portals):
    reports = sum(len(s.expected["reports"]) for s in portals.values())
    assert crawled.stats.get("nianbao/reports") == reports
    for server in portals.values():
        site_id = server.base_url.removeprefix("http://")
        assert crawled.stats.get(f"nianbao/reports/{site_id}") == len(server.expected["reports"])


def test_manifests_describe_the_styles(portals):
    """The four portals hold what they are named for (guards a rebuild with other choices)."""
    choices = {key: server.expected["choices"] for key, server in portals.items()}
    assert choices["scriptlist"]["deliveries"][0] == "api"
    assert choices["hanwebstore"]["deliveries"][0] == "datastore"
    assert choices["ulmenu"]["zwgk_menu"] == "ul"
    assert choices["towntree"]["townships"] == 3
    www = {key: server.www for key, server in portals.items()}
    column = (www["hanwebstore"] / "col").glob("col*/index.html")
    assert any(b"<datastore>" in page.read_bytes() for page in column)
    assert (www["ulmenu"] / "zwgk" / "index.html").read_bytes().count(b"<li><a") >= 6
    assert (www["towntree"] / "zwgk" / "xzjd" / "xzjd03" / "index.html").is_file()
