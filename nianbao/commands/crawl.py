"""``nianbao crawl``: run the spider ``annual_reports`` on portals and store what it finds.

    nianbao crawl URL [URL…] --db data/nianbao.db
    nianbao crawl --sites sites/registry.csv --db data/nianbao.db

Prints a summary from the crawl's stats, with a line per site (reports, list pages, rejected
pages, pages rendered in the browser, pages that needed one when none was installed, named),
and exits 1 only when a site yielded no report at all or a database write failed (stat
``nianbao/store/errors``; the run is ``finished_with_errors``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

from crawler.items import PageItem
from crawler.sites import load_sites

HELP = "crawl county portals for annual reports (Scrapy spider annual_reports)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", nargs="*", metavar="URL", help="portal home pages to crawl")
    parser.add_argument("--sites", metavar="CSV", help="sites registry (name,…,start_url)")
    parser.add_argument("--db", metavar="PATH", help="SQLite database (setting NIANBAO_DB)")
    parser.add_argument(
        "--settings",
        metavar="MODULE",
        help="settings module (default: $SCRAPY_SETTINGS_MODULE or crawler.settings)",
    )
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="override a setting"
    )
    parser.add_argument("--httpcache", metavar="DIR", help="HTTPCACHE_DIR (incremental crawls)")
    parser.add_argument("--files", metavar="DIR", help="FILES_STORE for attachments")
    parser.add_argument("--items", metavar="PATH", help="also write items as JSON lines (no body)")
    parser.add_argument("--stats", metavar="PATH", help="write the final stats as JSON")


def build_settings(args: argparse.Namespace) -> Any:
    """Project settings with the command's overrides."""
    if args.settings:
        os.environ["SCRAPY_SETTINGS_MODULE"] = args.settings
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"nianbao crawl: -s expects NAME=VALUE, got {pair!r}")
        if value.startswith(("{", "[")):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise SystemExit(f"nianbao crawl: -s {name}: not valid JSON ({exc})") from exc
        settings.set(name.strip(), value, priority="cmdline")
    if args.db:
        settings.set("NIANBAO_DB", str(Path(args.db).resolve()), priority="cmdline")
    if args.httpcache:
        settings.set("HTTPCACHE_DIR", str(Path(args.httpcache).resolve()), priority="cmdline")
    if args.files:
        settings.set("FILES_STORE", str(Path(args.files).resolve()), priority="cmdline")
    if args.items:
        exported = [f.name for f in fields(PageItem) if f.name != "body"]
        feeds = {
            str(Path(args.items).resolve()): {
                "format": "jsonlines",
                "fields": exported,
                "overwrite": True,
            }
        }
        settings.set("FEEDS", feeds, priority="cmdline")
    return settings


def summarize(stats: dict[str, Any], site_ids: list[str]) -> tuple[list[str], list[str]]:
    """Summary lines, and the ids of sites without a report."""
    empty = [s for s in site_ids if not stats.get(f"nianbao/reports/{s}")]
    failures = sum(v for k, v in stats.items() if k.startswith("nianbao/failed/"))
    lines = [
        f"sites:            {len(site_ids)}",
        f"pages fetched:    {stats.get('response_received_count', 0)}"
        f" ({stats.get('httpcache/hit', 0)} from cache,"
        f" {stats.get('downloader/response_status_count/304', 0)} not modified)",
        f"reports found:    {stats.get('nianbao/reports', 0)}",
        f"rejected pages:   {stats.get('nianbao/rejected', 0)}",
        f"attachments:      {stats.get('nianbao/attachments_stored', 0)} stored,"
        f" {stats.get('nianbao/attachments_failed', 0)} failed",
        f"failures:         {failures} requests, {stats.get('log_count/ERROR', 0)} errors logged",
        f"budget cut:       {stats.get('nianbao/budget_cut', 0)} requests",
    ]
    lines.extend(site_lines(stats, site_ids))
    for site in empty:
        lines.append(f"NO REPORT FOUND:  {site}")
    return lines, empty


def site_lines(stats: dict[str, Any], site_ids: list[str]) -> list[str]:
    """One line per site (reports, list pages, rejected, browser-rendered, needing a browser),
    then the pages that needed a browser none was there to render."""
    lines = []
    pages = stats.get("nianbao/needs_browser_pages") or {}
    for site in site_ids:
        counts = {
            key: stats.get(f"nianbao/{key}/{site}", 0)
            for key in ("reports", "lists", "rejected", "browser_rendered", "needs_browser")
        }
        lines.append(
            f"site {site}: {counts['reports']} reports, {counts['lists']} list pages,"
            f" {counts['rejected']} rejected, {counts['browser_rendered']} browser-rendered"
            + (f", {counts['needs_browser']} need a browser" if counts["needs_browser"] else "")
        )
        lines.extend(f"  needs a browser (chromium): {url}" for url in pages.get(site, []))
    return lines


def run(args: argparse.Namespace) -> int:
    if not args.urls and not args.sites:
        print("nianbao crawl: give portal URLs or --sites CSV", file=sys.stderr)
        return 2
    if args.sites and not Path(args.sites).is_file():
        print(f"nianbao crawl: no such sites file: {args.sites}", file=sys.stderr)
        return 2
    if args.sites and not args.urls and not load_sites(args.sites):
        print(f"nianbao crawl: {args.sites} lists no site with a start_url", file=sys.stderr)
        return 2
    settings = build_settings(args)
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.annual_reports import AnnualReportsSpider

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(AnnualReportsSpider)
    process.crawl(crawler, start_urls=",".join(args.urls), sites=args.sites)
    process.start()
    try:
        stats = crawler.stats.get_stats()
        site_ids = [s.id for s in crawler.spider.sites]
    except (RuntimeError, AttributeError):  # the crawl never started (see the log above)
        stats, site_ids = {}, []
    if args.stats:
        Path(args.stats).write_text(
            json.dumps(stats, default=str, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    lines, empty = summarize(stats, site_ids)
    store_errors = stats.get("nianbao/store/errors", 0)
    if store_errors:
        lines.append(f"NOT STORED:       {store_errors} database writes failed (see the log)")
    print("\n".join(lines))
    return 1 if empty or not site_ids or store_errors else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m nianbao.commands.crawl`` (same as ``nianbao crawl``, fewer imports)."""
    parser = argparse.ArgumentParser(prog="nianbao crawl", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
