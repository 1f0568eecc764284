"""The seeded portal generator itself: deterministic, independent choices, every report linked,
report bodies that read back as their figures, list APIs that page."""

from __future__ import annotations

import json
import random
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from nianbao.testing.portalgen import draw_choices, generate, serve_generated
from nianbao.testing.portalgen.figures import draw_figures
from nianbao.testing.portalgen.reportbody import ReportText, body_docx, body_html, body_pdf
from parsers import parse_report


def test_same_seed_same_portal():
    a, b = generate(11), generate(11)
    assert a.files == b.files and a.manifest == b.manifest and a.records == b.records
    assert generate(12).files != a.files


def test_pinning_a_choice_keeps_the_others():
    drawn = draw_choices(random.Random(5))
    pinned = draw_choices(random.Random(5), family="hanweb", deliveries=["datastore"])
    assert (pinned.family, pinned.deliveries) == ("hanweb", ["datastore"])
    assert (pinned.charset, pinned.townships, pinned.title_styles) == (
        drawn.charset, drawn.townships, drawn.title_styles)  # fmt: skip


@pytest.mark.parametrize("seed", range(1, 121))
def test_every_report_and_lookalike_is_linked(seed):
    """Each report/look-alike URL is a served file named by another page, API record or
    Hanweb record, so a reader of the portal can reach it."""
    portal = generate(seed)
    sources = [data for path, data in portal.files.items() if path.endswith(
        (".html", ".shtml", ".json", "/gkmlpt/index")) or "@" in path]  # fmt: skip
    sources += [json.dumps(r, ensure_ascii=False).encode() for r in portal.records.values()]
    codec = portal.choices.charset.replace("gb2312", "gbk")
    for url in [r["url"] for r in portal.manifest["reports"]] + portal.manifest["distractors"]:
        assert url in portal.files, url
        needle = url.encode(codec)
        assert any(needle in data for data in sources if data is not portal.files[url]), url
    assert len(portal.manifest["reports"]) >= 4


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("level", ["county", "township"])
def test_report_body_reads_back_as_its_figures(template, level):
    rng = random.Random(hash((template, level)) & 0xFFFF)
    cells = draw_figures(rng, template, level)
    year = 2020 if template == "2019" else 2023
    text = ReportText(f"云溪县{year}年政府信息公开工作年度报告", "云溪县人民政府", year,
                      template, cells, f"{year + 1}-01-20", "我县")  # fmt: skip
    html = (
        f"<html><head><meta charset='utf-8'><title>{text.title}</title></head><body>"
        + body_html(text, random.Random(1))
        + "</body></html>"
    )
    for report in (
        parse_report(html.encode()),
        parse_report(body_docx(text, random.Random(1)), filename="r.docx"),
        parse_report(body_pdf(text, random.Random(1)), filename="r.pdf"),
    ):
        got = (
            {f"{c.section}.{c.key1}.{c.key2}": c.value for c in report.cells}
            if hasattr(report, "cells")
            else _cells(report.to_dict())
        )
        assert got == cells
        assert report.template == template and report.year == year


def _cells(data: dict) -> dict:
    out = {}
    for c in data["active_disclosure"]:
        out[f"active_disclosure.{c['item']}.{c['metric']}"] = c["value"]
    for c in data["applications"]:
        out[f"applications.{c['row']}.{c['applicant']}"] = c["value"]
    for c in data["review_litigation"]:
        out[f"review_litigation.{c['proceeding']}.{c['outcome']}"] = c["value"]
    return out


def test_list_apis_page_and_record_requests(tmp_path):
    portal = generate(21, family="kaipu", deliveries=["api"] * 6, shape="nanwei", page_size=3,
                      browser_only=False)  # fmt: skip
    spec = portal.site["lists"][0]
    records = portal.records[spec["records"].split("/")[1].removesuffix(".json")]
    with serve_generated([portal], tmp_path) as servers:
        server = servers[portal.key]
        url = server.url(spec["path"])
        form = urlencode({**spec["require"], "page": 2, "rows": 3}).encode()
        with urllib.request.urlopen(urllib.request.Request(url, data=form)) as answer:
            body = json.loads(answer.read())
        assert body["total"] == len(records)
        assert [r["docUrl"] for r in body["rows"]] == [r["url"] for r in records[3:6]]
        with pytest.raises(urllib.error.HTTPError):  # the channel is required
            urllib.request.urlopen(url + "?page=1")
        assert [(r.method, r.status) for r in server.requests] == [("POST", 200), ("GET", 404)]


def test_hanweb_dataproxy_answers_post(tmp_path):
    portal = generate(6, family="hanweb", deliveries=["dataproxy"] * 6, page_size=2)
    with serve_generated([portal], tmp_path) as servers:
        server = servers[portal.key]
        page = next(p for p in portal.files if p.startswith("/col/"))
        column = page.split("/col/col")[1].split("/")[0]
        form = urlencode({"columnid": column, "unitid": "1"}).encode()
        url = server.url("/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=4&perpage=2")
        with urllib.request.urlopen(urllib.request.Request(url, data=form)) as answer:
            xml = answer.read().decode()
        assert xml.count("<record>") == 4 and "<totalrecord>" in xml


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is absent")
@pytest.mark.parametrize("seed", [1, 6, 7, 12, 19])  # hanweb kaipu jiyue browser-only gkmlpt
def test_script_lists_render_in_chromium(tmp_path, seed):
    """A real browser running the portal's own scripts sees the list's links, without errors."""
    from playwright.sync_api import sync_playwright

    portal = generate(seed)
    known = {r["url"] for r in portal.manifest["reports"]} | set(portal.manifest["distractors"])
    scripted = [
        p
        for p, data in portal.files.items()
        if not p.endswith(".js")
        and (b'id="list"' in data or b"jpage(" in data or p == "/gkmlpt/index")
    ]
    assert scripted
    with serve_generated([portal], tmp_path) as servers, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            for path in scripted:
                page, errors = browser.new_page(), []
                page.on("pageerror", lambda e: errors.append(str(e)))  # noqa: B023
                page.goto(servers[portal.key].url(path.replace("@", "?", 1)))
                page.wait_for_load_state("networkidle")
                links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
                assert errors == [], path
                assert {urlsplit(h).path for h in links} & known, path
                page.close()
        finally:
            browser.close()


@pytest.mark.parametrize("seed", range(1, 41))
def test_a_perfect_crawl_fits_the_request_budget(seed):
    """Fetching every list page, API page, body page, report and attachment — and no
    look-alike — takes at most 3 requests per report, leaving the crawler one per report
    for robots.txt and the look-alikes it has to open (the tests allow 4)."""
    portal = generate(seed)
    manifest = portal.manifest
    reports = {r["url"] for r in manifest["reports"]}
    files = {a for r in manifest["reports"] for a in r["attachments"]}
    skip = reports | files | set(manifest["distractors"])
    chrome = {"/xwzx/index.html", "/zwfw/index.html", "/hdjl/index.html", "/wza/index.html"}
    pages = [
        p
        for p in portal.files
        if p not in skip | chrome
        and not p.endswith((".png", ".jpg", ".js", ".css", ".json", "robots.txt"))
    ]
    api_pages = sum(-(-len(portal.records[s["records"][6:-5]]) // s["size"])
                    for s in portal.site["lists"])  # fmt: skip
    proxy_pages = sum(1 for p in portal.files if p.startswith("/module/jpage/"))
    needed = 1 + len(pages) + api_pages + proxy_pages + len(reports) + len(files)
    assert needed <= 3 * len(reports)
