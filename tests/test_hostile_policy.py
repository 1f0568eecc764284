"""The URL policy, the resolved-address check, Retry-After and list fairness, one by one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.fairness import ListFairness
from crawler.items import PageItem
from crawler.middlewares import RetryBackoff
from crawler.safety import (
    LinkSafety,
    UrlPolicy,
    UrlSafety,
    address_refusal,
    retry_after_seconds,
)
from crawler.sites import Site
from storage import open_db
from storage.refused import save_refused

SITE = Site(id="qs", name="青山县", start_url="https://www.qs.gov.cn/index.html")
FILES = Site(
    id="fs",
    name="文件站",
    start_url="http://www.fs.gov.cn/",
    attachment_hosts="files.cdn-provider.com, static.example.net",
)
LOCAL = Site(id="local", name="mock", start_url="http://127.0.0.1:8123/index.html")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link_local"),
        ("fe80::1", "link_local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "private"),  # 0.0.0.0/8 is "this network": private in ipaddress
        ("224.0.0.1", "multicast"),
        ("58.217.1.1", None),
        ("www.qs.gov.cn", None),  # a name: checked once resolved
    ],
)
def test_address_refusal(address: str, reason: str | None) -> None:
    assert address_refusal(address) == reason


@pytest.mark.parametrize(
    ("url", "site", "reason"),
    [
        ("https://www.qs.gov.cn/xxgk/nb.html", "qs", None),
        ("http://qs.gov.cn/xxgk/nb.html", "qs", None),  # same base domain, default port
        ("https://zfxxgk.qs.gov.cn/nb.pdf", "qs", None),  # a subdomain of the site
        ("https://www.qs.gov.cn:8443/nb.html", "qs", "other_host"),
        ("https://www.other.gov.cn/nb.html", "qs", "other_host"),
        ("https://www.qs.gov.cn.evil.com/nb.html", "qs", "other_host"),
        ("file:///etc/passwd", "qs", "scheme_file"),
        ("ftp://www.qs.gov.cn/nb.pdf", "qs", "scheme_ftp"),
        ("data:text/html,hi", "qs", "scheme_data"),
        ("http://localhost/nb.html", "qs", "loopback"),
        ("http://127.0.0.1/nb.html", "qs", "loopback"),
        ("http://10.0.0.8/nb.html", "qs", "private"),
        ("http://[fe80::1]/nb.html", "qs", "link_local"),
        ("http://files.cdn-provider.com/a/nb.pdf", "fs", None),  # listed attachment host
        ("http://files.cdn-provider.com/a/nb.pdf", "qs", "other_host"),  # not for this site
        ("http://files.cdn-provider.com/a/nb.pdf", None, None),  # a FilesPipeline request
        ("http://127.0.0.1:8123/nb.html", "local", "loopback"),  # not allowed outside tests
    ],
)
def test_policy(url: str, site: str | None, reason: str | None) -> None:
    assert UrlPolicy([SITE, FILES, LOCAL]).refusal(url, site) == reason


def test_loopback_allowed_only_on_the_portals_own_port() -> None:
    policy = UrlPolicy([LOCAL], allow_loopback=True)
    assert policy.refusal("http://127.0.0.1:8123/nb.html", "local") is None
    assert policy.refusal("http://127.0.0.1:9999/nb.html", "local") == "other_host"
    assert policy.refusal("http://localhost:8123/nb.html", "local") == "other_host"
    assert policy.refusal("http://10.0.0.1/nb.html", "local") == "private"


def test_registry_reads_attachment_hosts(tmp_path: Any) -> None:
    from crawler.sites import load_sites

    path = tmp_path / "sites.csv"
    path.write_text(
        "name,start_url,attachment_hosts\n文件站,http://www.fs.gov.cn/,files.cdn-provider.com\n",
        encoding="utf-8",
    )
    (site,) = load_sites(path)
    assert UrlPolicy([site]).refusal("http://files.cdn-provider.com/x.pdf", site.id) is None


class _Spider:
    name = "annual_reports"
    sites = (SITE,)


def _crawler(**settings: Any) -> Any:
    crawler = get_crawler(settings_dict=settings)
    crawler.spider = _Spider()  # type: ignore[assignment]
    return crawler


def test_resolved_private_address_is_refused_and_recorded(monkeypatch: Any) -> None:
    """A host name of the site that resolves to an internal address (DNS rebinding, a stale
    record) is refused at download time, and counted."""
    from twisted.internet import defer, reactor

    monkeypatch.setattr(reactor, "resolve", lambda host: defer.succeed("10.20.30.40"))
    crawler = _crawler()
    mw = UrlSafety(crawler)
    request = Request("https://www.qs.gov.cn/nb.html", meta={"site_id": "qs"})
    with pytest.raises(IgnoreRequest, match="private"):
        asyncio.run(mw.process_request(request))
    assert crawler.stats.get_value("nianbao/refused/private") == 1
    assert mw.log.refusals[request.url].site == "qs"


def test_public_address_passes(monkeypatch: Any) -> None:
    from twisted.internet import defer, reactor

    monkeypatch.setattr(reactor, "resolve", lambda host: defer.succeed("58.217.1.1"))
    mw = UrlSafety(_crawler())
    assert asyncio.run(mw.process_request(Request("https://www.qs.gov.cn/nb.html"))) is None


def test_spider_links_and_attachments_filtered() -> None:
    crawler = _crawler()
    mw = LinkSafety(crawler)
    response = HtmlResponse("https://www.qs.gov.cn/list.html", body=b"<html></html>")
    report = PageItem(
        url="https://www.qs.gov.cn/nb.html",
        site_id="qs",
        status=200,
        classification="report",
        fetched_at="2024-01-01T00:00:00+00:00",
        file_urls=["https://www.qs.gov.cn/nb.pdf", "file:///home/secret.pdf"],
    )
    file_only = PageItem(
        url="file:///home/secret.pdf",
        site_id="qs",
        status=0,
        classification="report",
        fetched_at="2024-01-01T00:00:00+00:00",
        file_urls=["file:///home/secret.pdf"],
    )
    out = list(
        mw.process_spider_output(
            response,
            [
                report,
                file_only,
                Request("https://www.qs.gov.cn/next.html", meta={"site_id": "qs"}),
                Request("http://127.0.0.1:6379/", meta={"site_id": "qs"}),
            ],
        )
    )
    assert [getattr(o, "url", None) for o in out] == [
        "https://www.qs.gov.cn/nb.html",
        "https://www.qs.gov.cn/next.html",
    ]
    assert out[0].file_urls == ["https://www.qs.gov.cn/nb.pdf"]
    refused = mw.safety.log.refusals
    assert refused["file:///home/secret.pdf"].referer == response.url
    assert refused["http://127.0.0.1:6379/"].reason == "loopback"


def test_refusals_saved_to_the_database(tmp_path: Any) -> None:
    db = open_db(tmp_path / "n.db")
    rows = [{"url": "file:///x", "reason": "scheme_file", "site": "qs", "at": "t"}]
    assert save_refused(db, rows) == 1
    assert save_refused(db, rows) == 1  # upsert: one row per URL
    assert next(iter(db["refused_urls"].rows))["reason"] == "scheme_file"
    assert db["refused_urls"].count == 1


def test_retry_after_header_parsed() -> None:
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # past: at once
    assert retry_after_seconds(b"soon") is None


def test_backoff_honours_retry_after_up_to_its_cap(monkeypatch: Any) -> None:
    crawler = _crawler(
        NIANBAO_RETRY_BACKOFF_BASE=0.01, NIANBAO_RETRY_BACKOFF_MAX=0.02, NIANBAO_RETRY_AFTER_MAX=5
    )
    waits: list[float] = []

    import crawler.middlewares as mws

    monkeypatch.setattr(mws.task, "deferLater", lambda r, delay, f: waits.append(delay))
    monkeypatch.setattr(mws, "maybe_deferred_to_future", lambda d: asyncio.sleep(0))
    backoff = RetryBackoff(crawler)
    asyncio.run(backoff.process_request(Request("http://a/", meta={"retry_times": 1})))
    asyncio.run(
        backoff.process_request(Request("http://a/", meta={"retry_times": 1, "retry_after": 120}))
    )
    assert waits == [0.01, 5]


def _list_page(url: str, root: str | None = None) -> HtmlResponse:
    meta = {"site_id": "qs", "score": 50}
    if root:
        meta["list_root"] = root
    return HtmlResponse(url, body=b"", request=Request(url, meta=meta))


def _page_request(n: int) -> Request:
    url = f"https://www.qs.gov.cn/list.html?page={n}"
    return Request(url, priority=50, meta={"site_id": "qs", "list_page": True, "score": 50})


def test_a_list_without_new_reports_gets_only_its_allowance() -> None:
    fairness = ListFairness(_crawler(NIANBAO_LIST_PAGES=3))
    first = _list_page("https://www.qs.gov.cn/list.html")
    announced = [_page_request(n) for n in range(2, 200)]
    out = list(fairness.process_spider_output(first, announced))
    assert [r.url[-7:] for r in out] == ["?page=2", "?page=3", "?page=4"]
    assert [r.priority for r in out] == [49, 48, 47]  # deeper pages after other lists
    assert out[0].meta["list_root"] == first.url
    # page 2 repeats an old report link and announces the rest again: nothing more
    second = _list_page(out[0].url, root=first.url)
    old = Request("https://www.qs.gov.cn/nb.html", meta={"site_id": "qs", "score": 100})
    fairness.reports["qs"].add(old.url)
    assert list(fairness.process_spider_output(second, [old, *announced])) == [old]
    assert fairness.stats.get_value("nianbao/list_pages_held") == 195


def test_a_list_that_keeps_giving_new_reports_goes_on() -> None:
    fairness = ListFairness(_crawler(NIANBAO_LIST_PAGES=2))
    root = "https://www.qs.gov.cn/list.html"
    asked = 0
    for n in range(1, 8):
        response = _list_page(root if n == 1 else f"{root}?page={n}", root=root)
        report = Request(f"https://www.qs.gov.cn/nb{n}.html", meta={"site_id": "qs", "score": 100})
        out = list(fairness.process_spider_output(response, [report, _page_request(n + 1)]))
        assert out[0] is report
        asked += len(out) - 1
    assert asked == 7  # every page gave a new report: every next page asked for


def test_metadata_describes_the_refused_urls_table(tmp_path: Any) -> None:
    from nianbao.serving import load_metadata

    db = open_db(tmp_path / "n.db")
    save_refused(db, [{"url": "ftp://x/", "reason": "scheme_ftp", "site": "qs", "at": "t"}])
    meta = load_metadata()["databases"]["nianbao"]["tables"]["refused_urls"]
    assert meta["description"]
    assert set(db["refused_urls"].columns_dict) <= set(meta["columns"])


def _sleep(seconds: float) -> str:
    import time

    time.sleep(seconds)
    return "woke"


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def test_parser_worker_is_stopped_at_its_time_limit_and_replaced() -> None:
    import time

    from pipelines.isolation import IsolatedParser, ParseLimitError

    # The first call imports this test module in the worker (seconds on a loaded machine):
    # a generous limit for it, then the short one under test.
    parser = IsolatedParser(timeout=60, memory=0)
    try:
        assert asyncio.run(parser.run(_sleep, 0)) == "woke"
        parser.timeout = 1.5
        start = time.monotonic()
        with pytest.raises(ParseLimitError, match=r"more than 1\.5 s"):
            asyncio.run(parser.run(_sleep, 60))
        assert time.monotonic() - start < 5
        parser.timeout = 60  # the fresh worker imports this module again
        assert asyncio.run(parser.run(_sleep, 0)) == "woke"  # a fresh worker
    finally:
        parser.close()


def test_parser_worker_memory_is_capped() -> None:
    from pipelines.isolation import IsolatedParser

    parser = IsolatedParser(timeout=30, memory=768 * 1024 * 1024)
    try:
        assert asyncio.run(parser.run(_allocate, 16)) == 16 * 1024 * 1024
        with pytest.raises(MemoryError):
            asyncio.run(parser.run(_allocate, 2048))
        assert asyncio.run(parser.run(_allocate, 16)) == 16 * 1024 * 1024
    finally:
        parser.close()
