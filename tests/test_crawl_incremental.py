"""Incremental crawls (Scrapy HttpCache, RFC2616 policy), the site budget, and failing sites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.testing.portalserver import serve_portals
from tests.conftest import run_crawl

pytestmark = pytest.mark.slow

CELL = "applications.new_received.total"


def reports_by_path(result, server) -> dict[str, dict]:
    return {
        i["url"][len(server.base_url) :]: i
        for i in result.items
        if i["classification"] == "report" and i["url"].startswith(server.base_url)
    }


def change_figure(server, path: str, old: int, new: int) -> None:
    html = server.read_page(path).decode(server.charset)
    at = html.index(f">{old}<", html.index("本年新收政府信息公开申请数量"))
    server.set_page(path, html[:at] + f">{new}<" + html[at + len(str(old)) + 2 :])


def r2021_path(server) -> str:
    return next(r["url"] for r in server.expected["reports"] if r["year"] == 2021)


def test_second_crawl_downloads_no_report_again_and_a_changed_one_is_refetched(tmp_path):
    with serve_portals(("trs",), lifetime=120) as portals:
        server = portals["trs"]
        cache = tmp_path / "httpcache"
        report_paths = {r["url"] for r in server.expected["reports"]}
        first = run_crawl([server.url()], tmp_path / "1", cache=cache)
        assert first.returncode == 0, first.stderr[-2000:]
        assert set(reports_by_path(first, server)) == report_paths

        server.clear_log()
        second = run_crawl([server.url()], tmp_path / "2", cache=cache)
        assert second.returncode == 0
        again = reports_by_path(second, server)
        assert set(again) == report_paths
        assert all(item["from_cache"] for item in again.values())
        downloaded = {r.path for r in server.requests if r.status == 200}
        assert not downloaded & report_paths  # every report answered 304 (or not asked for)
        assert set(server.paths_requested(304)) & report_paths
        (revalidation,) = [r for r in server.requests if r.path == r2021_path(server)]
        assert revalidation.headers["if-none-match"].startswith('"')  # the cached ETag
        assert "if-modified-since" in revalidation.headers  # and Last-Modified
        assert second.stats["httpcache/revalidate"] >= len(report_paths) - 1

        target = server.expected["reports"][1]
        change_figure(server, target["url"], target["cells"][CELL], target["cells"][CELL] + 100)
        server.clear_log()
        third = run_crawl([server.url()], tmp_path / "3", cache=cache)
        changed = reports_by_path(third, server)[target["url"]]
        assert changed["from_cache"] is False
        assert changed["content_hash"] != again[target["url"]]["content_hash"]
        assert (target["url"], 200) in [(r.path, r.status) for r in server.requests]
        unchanged = report_paths - {target["url"]}
        assert not {r.path for r in server.requests if r.status == 200} & unchanged


def test_site_budget_cuts_and_counts(tmp_path):
    with serve_portals(("trs",), lifetime=120) as portals:
        server = portals["trs"]
        result = run_crawl([server.url()], tmp_path, settings={"NIANBAO_SITE_BUDGET": 6})
        site_requests = [r for r in server.requests if r.path != "/robots.txt" and r.status != 500]
        attachments = [r for r in site_requests if r.path.startswith(("/attach/", "/files/"))]
        assert len(site_requests) - len(attachments) <= 6
        assert result.stats["nianbao/budget_cut"] > 0
        assert "budget cut:" in result.stdout


def test_site_without_report_fails_the_run(tmp_path):
    with serve_portals(("trs", "hanweb"), lifetime=120) as portals:
        portals["trs"].down = True
        result = run_crawl([s.url() for s in portals.values()], tmp_path)
        assert result.returncode == 1
        site_id = portals["trs"].base_url.removeprefix("http://")
        assert f"NO REPORT FOUND:  {site_id}" in result.stdout
        assert result.stats["nianbao/reports"] == len(portals["hanweb"].expected["reports"])
        statuses = {r.status for r in portals["trs"].requests}
        assert statuses == {503}


def test_sites_csv_and_scrapy_crawl_command(tmp_path):
    """``scrapy crawl annual_reports -a sites=…`` works like ``nianbao crawl --sites``."""
    with serve_portals(("gkmlpt",), lifetime=120) as portals:
        server = portals["gkmlpt"]
        csv = tmp_path / "sites.csv"
        csv.write_text(
            "id,name,province,city,county,start_url\n"
            f"meijiang,梅江区人民政府,广东省,梅州市,梅江区,{server.url()}\n",
            encoding="utf-8",
        )
        out = tmp_path / "items.jsonl"
        env = dict(
            os.environ,
            SCRAPY_SETTINGS_MODULE="crawler.settings.test",
            NIANBAO_DATA=str(tmp_path / "data"),
        )
        argv = [
            sys.executable, "-m", "scrapy", "crawl", "annual_reports", "-a", f"sites={csv}",
            "-s", "ITEM_PIPELINES={}", "-s", "FEED_EXPORT_FIELDS=url,site_id,classification",
            "-o", f"{out}:jsonlines",
        ]  # fmt: skip
        proc = subprocess.run(
            argv, cwd=Path(__file__).parent.parent, env=env, capture_output=True, text=True,
            timeout=90,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-2000:]
        items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        reports = {i["url"] for i in items if i["classification"] == "report"}
        assert reports == {server.url(r["url"]) for r in server.expected["reports"]}
        assert {i["site_id"] for i in items} == {"meijiang"}
