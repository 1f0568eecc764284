"""One owner per fact: the stat names, the download-failure classifier, each site's outcome."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost, DNSLookupError
from twisted.web._newclient import ResponseFailed

from crawler import stats as keys
from crawler.fetcherrors import Failure, classify
from crawler.items import PageItem
from crawler.outcomes import SiteOutcome, SiteOutcomes, judge_sites, site_outcomes
from crawler.sites import Site

ROOT = Path(__file__).resolve().parent.parent


def test_stat_names_are_the_strings_the_stages_exchange():
    assert keys.reports("a") == "nianbao/reports/a" and keys.REPORTS == "nianbao/reports"
    assert keys.REPORTS_FAILED == "nianbao/reports/failed"
    assert keys.rejected("a") == "nianbao/rejected/a" and keys.classified("column") == (
        "nianbao/column"
    )
    assert keys.lists("a") == "nianbao/lists/a"
    assert (keys.failed("a"), keys.ignored("a")) == ("nianbao/failed/a", "nianbao/ignored/a")
    assert keys.needs_browser("a") == "nianbao/needs_browser/a"
    assert keys.browser_rendered("a") == "nianbao/browser_rendered/a"
    assert keys.fetch_error("a", "timed out") == "nianbao/fetch_error/a/timed out"
    assert keys.answered("a") == "nianbao/answered/a"
    assert keys.refused("too_large") == "nianbao/refused/too_large"
    assert keys.budget_cut("a") == "nianbao/budget_cut/a"
    assert keys.finding_severity("error") == "nianbao/findings/severity/error"
    assert keys.STORE_ERRORS == "nianbao/store/errors"
    stats = {"nianbao/findings/sum": 2, "nianbao/findings/severity/error": 2, "nianbao/x": 1}
    assert keys.finding_counts(stats) == {"sum": 2}
    assert keys.report_counts({"nianbao/reports/new": 3}) == {
        "new": 3, "changed": 0, "unchanged": 0, "failed": 0,
    }  # fmt: skip


def test_no_literal_stat_key_outside_the_stats_module():
    """Every ``nianbao/…`` key is spelt in crawler/stats.py."""
    literal = re.compile(r"""f?["']nianbao/[a-z_{]""")  # not the User-Agent's nianbao/0.1
    offenders = []
    for package in ("crawler", "pipelines", "storage", "nianbao", "bench"):
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "crawler/stats.py":
                continue
            text = path.read_text(encoding="utf-8")
            offenders += [f"{rel}: {m.group()}" for m in literal.finditer(text)]
    assert offenders == []


@pytest.mark.parametrize(
    ("exception", "failure"),
    [
        (DNSLookupError("x"), Failure("unreachable", "DNS lookup failed (no such host)")),
        (CannotResolveHostError("x"), Failure("unreachable", "DNS lookup failed (no such host)")),
        (DownloadTimeoutError("x"), Failure("timeout", "timed out")),
        (ResponseFailed([]), Failure("connection_lost", "response broken off")),
        (ConnectionLost(), Failure("connection_lost", "connection lost")),
        (RuntimeError("body exceeded max size (1024)"), Failure("too_large", "RuntimeError")),
        (ValueError("x"), Failure("ValueError", "ValueError")),
    ],
)
def test_one_classifier_gives_the_code_and_the_words(exception, failure):
    assert classify(exception) == failure


def test_a_site_is_judged_by_one_rule_from_the_stats():
    stats = {
        "nianbao/reports/ok": 2,
        "nianbao/fetch_error/dns/DNS lookup failed (no such host)": 1,
        "nianbao/fetch_error/gone/HTTP 404": 3,
        "nianbao/answered/gone": 5,
        "nianbao/ignored/robots": 4,
    }
    got = judge_sites(stats, ["ok", "dns", "gone", "robots", "quiet"])
    assert {s: (o.status, o.reason) for s, o in got.items()} == {
        "ok": ("ok", ""),
        "dns": ("down", "unreachable: DNS lookup failed (no such host) ×1"),
        "gone": ("no_report", "fetch errors: HTTP 404 ×3"),
        "robots": ("no_report", "4 request(s) refused by robots.txt or the site budget"),
        "quiet": ("no_report", "no page read as a report"),
    }
    stale = SiteOutcome("s", requests=3, fetched=0, reports=2).judge()  # cache served reports
    assert (stale.status, stale.reason) == (
        "down",
        "no good answer to 3 request(s): 3 unanswered, 0 HTTP error(s)"
        " (reports served from the stale HTTP cache ignored)",
    )


def test_the_extension_counts_the_network_and_puts_the_outcomes_in_the_stats():
    crawler = get_crawler(Spider)
    spider = crawler._create_spider("s")
    spider.sites = [
        Site(id="up", name="Up", start_url="http://up.test/gk/index.html"),
        Site(id="dead", name="Dead", start_url="http://dead.test/"),
    ]
    crawler.spider = spider
    ext = SiteOutcomes.from_crawler(crawler)
    ext.spider_opened(spider)
    for url in ("http://dead.test/", "http://dead.test/robots.txt"):  # no site_id: by host
        ext.request_reached(Request(url), spider)
    page = Request("http://up.test/gk/nb.html", meta={"site_id": "up"})
    ext.request_reached(page, spider)
    response = HtmlResponse(page.url, body=b"<html></html>", request=page)
    ext.response_downloaded(response, page, spider)
    item = PageItem(url=page.url, status=200, fetched_at="", site_id="up", classification="report")
    ext.item_scraped(item, response, spider)
    ext.spider_closed(spider, "finished")
    stored = crawler.stats.get_value(keys.SITE_OUTCOMES)
    assert {s: (o["status"], o["requests"], o["reports"]) for s, o in stored.items()} == {
        "up": ("ok", 1, 1),
        "dead": ("down", 2, 0),
    }
    assert stored["dead"]["name"] == "Dead"
    outcomes = site_outcomes(crawler.stats.get_stats(), ["up", "dead", "other"])
    assert [o.status for o in outcomes.values()] == ["ok", "down", "no_report"]
