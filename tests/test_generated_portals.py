"""The spider on portals it has never seen: 40 seeded portals from ``nianbao.testing.portalgen``.

Each seed composes a county portal from independent choices (CMS family, navigation depth,
township and department trees, how lists are delivered, paging, charset, title phrasing,
report forms, chrome, look-alikes inside the report columns). For each portal: every report
found (by URL), no look-alike stored as a report, at most 4 requests per report, exit 0.
Portals whose list only a browser can fill run in the ``browser`` test (skips without
Debian's chromium). The crawls run in a few subprocesses, several portals each.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from nianbao.testing.portalgen import draw_choices, generate, needs_browser, serve_generated

pytestmark = pytest.mark.slow

SEEDS = tuple(range(1, 41))
BROWSER_SEEDS = tuple(s for s in SEEDS if needs_browser(draw_choices(random.Random(s))))
STATIC_SEEDS = tuple(s for s in SEEDS if s not in BROWSER_SEEDS)
PORTALS_PER_CRAWL = 10
MAX_REQUESTS_PER_REPORT = 4


def crawl_portals(
    seeds: tuple[int, ...], root: Path, settings: dict[str, str] | None = None
) -> dict[int, dict]:
    """Serve and crawl the portals of ``seeds``; per seed: manifest, server, items, exit.

    ``settings``: Scrapy settings of the crawl (``NIANBAO_BROWSER`` to render lists)."""
    from tests.conftest import run_crawl

    portals = [generate(seed) for seed in seeds]
    results: dict[int, dict] = {}
    with serve_generated(portals, root / "sites", lifetime=600) as servers:
        for start in range(0, len(portals), PORTALS_PER_CRAWL):
            batch = portals[start : start + PORTALS_PER_CRAWL]
            urls = [servers[p.key].url(p.manifest["start_path"]) for p in batch]
            result = run_crawl(urls, root / f"crawl{start}", settings=settings, timeout=180)
            for portal in batch:
                server = servers[portal.key]
                items = [i for i in result.items if i["url"].startswith(server.base_url + "/")]
                results[portal.seed] = {
                    "portal": portal,
                    "base": server.base_url,
                    "requests": list(server.requests),
                    "items": items,
                    "returncode": result.returncode,
                    "output": result.stdout[-2000:] + result.stderr[-2000:],
                }
    return results


def stored_reports(result: dict) -> set[str]:
    """Paths (with query) of the items the crawl stored as reports."""
    base = result["base"]
    return {i["url"][len(base) :] for i in result["items"] if i["classification"] == "report"}


def recall_line(seed: int, result: dict) -> str:
    manifest = result["portal"].manifest
    expected = {r["url"] for r in manifest["reports"]}
    found = stored_reports(result)
    wrong = found & set(manifest["distractors"])
    return (f"seed {seed:3d} {manifest['cms_style']:9s} reports {len(found & expected)}/"
            f"{len(expected)} look-alikes stored {len(wrong)} requests "
            f"{len(result['requests'])}")  # fmt: skip


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> dict[int, dict]:
    results = crawl_portals(STATIC_SEEDS, tmp_path_factory.mktemp("generated"))
    print("\n" + "\n".join(recall_line(seed, r) for seed, r in sorted(results.items())))
    return results


def test_seeds_cover_the_choices():
    """The fixed seeds compose at least 30 static portals in every family and delivery."""
    from nianbao.testing.portalgen import FAMILIES

    choices = [draw_choices(random.Random(s)) for s in STATIC_SEEDS]
    assert len(STATIC_SEEDS) >= 30
    assert {c.family for c in choices} == set(FAMILIES)
    deliveries = {d for c in choices for d in c.deliveries[:3]}
    assert {"static", "onclick", "iframe", "api", "datastore", "dataproxy", "gkmlpt"} <= deliveries
    assert {c.charset for c in choices} >= {"utf-8", "gbk", "gb2312", "gb18030"}
    assert {c.zwgk_menu for c in choices} == {"page", "ul"}
    assert any(c.townships for c in choices) and any(c.year_subcolumns for c in choices)


@pytest.mark.parametrize("seed", STATIC_SEEDS)
def test_every_report_found(crawled, seed):
    result = crawled[seed]
    expected = {r["url"] for r in result["portal"].manifest["reports"]}
    missing = expected - stored_reports(result)
    assert not missing, f"{recall_line(seed, result)}; missing {sorted(missing)}"


@pytest.mark.parametrize("seed", STATIC_SEEDS)
def test_nothing_else_stored_as_a_report(crawled, seed):
    result = crawled[seed]
    manifest = result["portal"].manifest
    allowed = {r["url"] for r in manifest["reports"]}
    allowed |= {a for r in manifest["reports"] for a in r["attachments"]}
    extra = stored_reports(result) - allowed
    lookalikes = extra & set(manifest["distractors"])
    assert not lookalikes, f"look-alikes stored as reports: {sorted(lookalikes)}"
    assert not extra, f"pages that are no report stored as reports: {sorted(extra)}"


@pytest.mark.parametrize("seed", STATIC_SEEDS)
def test_requests_per_report(crawled, seed):
    result = crawled[seed]
    reports = len(result["portal"].manifest["reports"])
    assert len(result["requests"]) <= MAX_REQUESTS_PER_REPORT * reports


@pytest.mark.parametrize("seed", STATIC_SEEDS)
def test_crawl_exits_zero(crawled, seed):
    assert crawled[seed]["returncode"] == 0, crawled[seed]["output"]


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_lists_only_a_browser_fills(tmp_path):
    assert BROWSER_SEEDS, "the seeds include a portal whose list needs a browser"
    results = crawl_portals(BROWSER_SEEDS, tmp_path, {"NIANBAO_BROWSER": "True"})
    for seed, result in results.items():
        manifest = result["portal"].manifest
        expected = {r["url"] for r in manifest["reports"]}
        assert expected <= stored_reports(result), recall_line(seed, result)
        assert not stored_reports(result) & set(manifest["distractors"])
        assert len(result["requests"]) <= MAX_REQUESTS_PER_REPORT * len(expected)
        assert result["returncode"] == 0
