"""``nianbao crawl``: argument errors, settings overrides and the summary (no crawl needed)."""

from __future__ import annotations

import argparse

from nianbao.cli import main
from nianbao.commands.crawl import add_arguments, build_settings, summarize


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_needs_urls_or_sites(capsys):
    assert main(["crawl"]) == 2
    assert "give portal URLs or --sites" in capsys.readouterr().err


def test_missing_or_empty_sites_file(tmp_path, capsys):
    assert main(["crawl", "--sites", str(tmp_path / "nope.csv")]) == 2
    empty = tmp_path / "sites.csv"
    empty.write_text("name,start_url\n孝义市人民政府,\n", encoding="utf-8")
    assert main(["crawl", "--sites", str(empty)]) == 2
    assert "lists no site with a start_url" in capsys.readouterr().err


def test_settings_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")  # restored afterwards
    args = parse(
        "http://x.gov.cn/", "--settings", "crawler.settings.test", "--db", str(tmp_path / "n.db"),
        "--httpcache", str(tmp_path / "c"), "-s", "NIANBAO_SITE_BUDGET=7",
        "-s", 'ITEM_PIPELINES={"pipelines.attachments.AttachmentsPipeline": 100}',
        "--items", str(tmp_path / "items.jsonl"),
    )  # fmt: skip
    settings = build_settings(args)
    assert settings["NIANBAO_DB"] == str(tmp_path / "n.db")
    assert settings["HTTPCACHE_DIR"] == str(tmp_path / "c")
    assert settings.getint("NIANBAO_SITE_BUDGET") == 7
    assert settings["HTTPCACHE_POLICY"] == "scrapy.extensions.httpcache.RFC2616Policy"
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is False  # the test settings
    assert dict(settings.getdict("ITEM_PIPELINES")) == {
        "pipelines.attachments.AttachmentsPipeline": 100
    }
    (feed,) = settings.getdict("FEEDS").values()
    assert "body" not in feed["fields"] and "content_hash" in feed["fields"]


def test_summary_flags_sites_without_reports():
    stats = {
        "response_received_count": 12,
        "nianbao/reports": 3,
        "nianbao/reports/a": 3,
        "nianbao/reports/b": 0,
        "nianbao/failed/b": 2,
    }
    lines, empty = summarize(stats, ["a", "b"])
    assert empty == ["b"]
    assert "reports found:    3" in lines
    assert "failures:         2 requests, 0 errors logged" in lines
    assert lines[-1] == "NO REPORT FOUND:  b (no page read as a report)"


def test_sites_csv_blank_cells_are_none_and_ids_default_to_the_host(tmp_path, caplog):
    from crawler.sites import Site, load_sites

    csv = tmp_path / "sites.csv"
    csv.write_text(
        "\ufeffid,name,province,county,start_url,note\n"
        " hz ,赫章县人民政府 ,贵州省,赫章县,https://www.gzhezhang.gov.cn/ ,\n"
        ",,,,http://x.gov.cn/,\n"
        ",孝义市人民政府,山西省,,,no start page yet\n",
        encoding="utf-8",
    )
    assert load_sites(csv) == [
        Site(id="hz", name="赫章县人民政府", start_url="https://www.gzhezhang.gov.cn/",
             province="贵州省", county="赫章县"),
        Site(id="x.gov.cn", name="x.gov.cn", start_url="http://x.gov.cn/"),
    ]  # fmt: skip
    assert "孝义市人民政府 has no start_url; skipped" in caplog.text


def test_a_missing_item_pipeline_fails_the_crawl_loudly(tmp_path):
    """No pipeline is dropped quietly: a crawl that could not store would look green."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "nianbao.commands.crawl", "http://127.0.0.1:9/",
         "--settings", "crawler.settings.test", "--httpcache", str(tmp_path / "c"),
         "-s", 'ITEM_PIPELINES={"pipelines.nonexistent.Pipeline": 200}'],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "No module named 'pipelines.nonexistent'" in done.stderr
    assert "reports found:    0" in done.stdout


def test_summary_has_a_line_per_site_and_names_pages_that_needed_a_browser():
    stats = {
        "nianbao/reports/a": 4,
        "nianbao/lists/a": 2,
        "nianbao/rejected/a": 1,
        "nianbao/browser_rendered/a": 1,
        "nianbao/needs_browser/b": 1,
        "nianbao/needs_browser_pages": {"b": ["http://b.gov.cn/xxgk/nb/"]},
    }
    lines, empty = summarize(stats, ["a", "b"])
    assert "site a: 4 reports, 2 list pages, 1 rejected, 1 browser-rendered" in lines
    assert "site b: 0 reports, 0 list pages, 0 rejected, 0 browser-rendered, 1 need a browser" in (
        lines
    )
    assert "  needs a browser (chromium): http://b.gov.cn/xxgk/nb/" in lines
    assert empty == ["b"]
