"""The item pipelines (parse → validate → store) on pages of the mock portals, without a crawl."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import importlib.util
import inspect
import json
import shutil
from pathlib import Path

import pytest
import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

import storage
from crawler.items import PageItem
from crawler.sites import Site
from parsers.schema import Finding, Report
from pipelines.parse import ParsePipeline
from pipelines.parsed import ParsedPage
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline

PORTALS = Path(__file__).resolve().parent.parent / "samples" / "portals"
SITES = [Site(id="townships", name="石门县人民政府", start_url="http://townships.test/",
              province="湖南省", county="石门县", level="county"),
         Site(id="hanweb", name="江北区人民政府", start_url="http://hanweb.test/"),
         Site(id="empty", name="空站", start_url="http://empty.test/")]  # fmt: skip


def expected(site: str, path: str) -> dict:
    manifest = json.loads((PORTALS / site / "expected.json").read_text(encoding="utf-8"))
    return next(r for r in manifest["reports"] if r["url"] == path)


def page_item(site: str, path: str, **changes) -> PageItem:
    body = (PORTALS / site / "www" / path.lstrip("/")).read_bytes()
    item = PageItem(
        url=f"http://{site}.test{path}",
        site_id=site,
        status=200,
        classification="report",
        fetched_at="2024-01-01T00:00:00+00:00",
        title=expected(site, path)["title"],
        body=body,
        encoding="utf-8",
        content_hash=hashlib.sha256(body).hexdigest(),
    )
    for name, value in changes.items():
        setattr(item, name, value)
    return item


class Spider(scrapy.Spider):
    name = "annual_reports"
    sites = SITES


class Chain:
    """The three pipelines as a crawl runs them, around one crawler."""

    def __init__(self, settings: dict) -> None:
        self.crawler = get_crawler(Spider, settings)
        self.crawler.spider = self.crawler._create_spider()
        self.pipes = [
            ParsePipeline.from_crawler(self.crawler),
            ValidatePipeline.from_crawler(self.crawler),
            StorePipeline.from_crawler(self.crawler),
        ]
        for pipe in self.pipes:
            if hasattr(pipe, "open_spider"):
                pipe.open_spider()

    def process(self, item):
        for pipe in self.pipes:
            item = pipe.process_item(item)
            if inspect.isawaitable(item):  # ParsePipeline is async (conversions in a thread)
                item = asyncio.run(item)
        return item

    def stat(self, name: str):
        return self.crawler.stats.get_value(name)

    def close(self, reason: str = "finished") -> None:
        for pipe in reversed(self.pipes):
            if hasattr(pipe, "close_spider"):
                pipe.close_spider()
        self.pipes[-1].spider_closed(self.crawler.spider, reason)


@pytest.fixture
def settings(tmp_path):
    return {"NIANBAO_DB": str(tmp_path / "nianbao.db"), "FILES_STORE": str(tmp_path / "files")}


TOWNSHIP_PAGE = "/zfxxgk/zfxxgknb/n2021n/xz/wwz.htm"
HANWEB_PAGE = "/art/2023/1/20/art_1229214366_58800002.html"
HANWEB_DOCX = "/module/download/downfile.jsp?classid=0&filename=jb2022.docx"


def cell_values(db, report_id: str) -> dict[str, object]:
    rows = db.execute(
        "select 'active_disclosure.' || item || '.' || metric, value from active_disclosure"
        " where report_id = ?1 union all"
        " select 'applications.' || row || '.' || applicant, value from applications"
        " where report_id = ?1 union all"
        " select 'review_litigation.' || proceeding || '.' || outcome, value"
        " from review_litigation where report_id = ?1",
        [report_id],
    ).fetchall()
    return dict(rows)


def test_report_page_parsed_validated_stored(settings):
    chain = Chain(settings)
    item = chain.process(page_item("townships", TOWNSHIP_PAGE))
    chain.close()
    assert isinstance(item, ParsedPage)
    want = expected("townships", TOWNSHIP_PAGE)
    db = storage.open_db(settings["NIANBAO_DB"])
    report = next(db.query("select * from reports"))
    assert (report["agency"], report["year"], report["level"]) == (
        "瓦屋镇人民政府",
        2021,
        "township",
    )
    assert (report["index_no"], report["template"]) == (want["index_no"], want["template"])
    assert report["province"] == "湖南省"
    cells = cell_values(db, report["id"])
    for key, value in want["cells"].items():
        assert cells[key] == pytest.approx(value), key
    page = db["pages"].get(f"http://townships.test{TOWNSHIP_PAGE}")
    assert (page["report_id"], page["classification"], page["parse_error"]) == (
        report["id"],
        "report",
        None,
    )
    assert chain.stat("nianbao/reports/new") == 1
    run = next(db.query("select * from crawl_runs"))
    assert (run["status"], run["reports_new"], run["pages"]) == ("finished", 1, 1)
    assert (run["sites_ok"], run["sites_failed"]) == (1, 2)
    assert json.loads(run["failed_sites"]) == ["hanweb", "empty"]  # no report: failed
    assert json.loads(run["stats"])["nianbao/reports/new"] == 1
    site = db["sites"].get("townships")
    assert (site["last_status"], site["last_reports"]) == ("ok", 1)
    assert db["sites"].get("empty")["last_status"] == "no reports"


def test_unchanged_page_not_parsed_again(settings, monkeypatch):
    first = Chain(settings)
    first.process(page_item("townships", TOWNSHIP_PAGE))
    first.close()
    second = Chain(settings)

    def no_parsing(*args, **kwargs):
        raise AssertionError("an unchanged page was parsed again")

    monkeypatch.setattr("pipelines.parse.parse_report", no_parsing)
    item = second.process(page_item("townships", TOWNSHIP_PAGE, fetched_at="2024-02-01"))
    second.close()
    assert item.unchanged and len(item.known_reports) == 1
    assert second.stat("nianbao/pages/skipped_unchanged") == 1
    assert second.stat("nianbao/reports/unchanged") == 1
    db = storage.open_db(settings["NIANBAO_DB"])
    assert db["reports"].count == 1
    runs = list(db.query("select reports_new, reports_unchanged, sites_ok from crawl_runs"))
    assert runs[1] == {"reports_new": 0, "reports_unchanged": 1, "sites_ok": 1}


def test_changed_page_is_parsed_and_the_change_recorded(settings):
    first = Chain(settings)
    first.process(page_item("townships", TOWNSHIP_PAGE))
    first.close()
    body = (PORTALS / "townships" / "www" / TOWNSHIP_PAGE.lstrip("/")).read_text(encoding="utf-8")
    want = expected("townships", TOWNSHIP_PAGE)["cells"]
    granted = want["applications.granted.natural_person"]
    assert f">{granted}<" in body
    edited = body.replace(f">{granted}<", f">{granted + 40}<", 1).encode()
    second = Chain(settings)
    second.process(
        page_item("townships", TOWNSHIP_PAGE, body=edited,
                  content_hash=hashlib.sha256(edited).hexdigest())
    )  # fmt: skip
    second.close()
    assert second.stat("nianbao/reports/changed") == 1
    db = storage.open_db(settings["NIANBAO_DB"])
    assert db["reports"].count == 1
    change = next(db.query("select summary, what_changed from report_changes"))
    assert "1 cells changed" in change["summary"]
    (cell,) = json.loads(change["what_changed"])["cells"]  # the one edited cell, old → new
    assert (cell["old"], cell["new"]) == (granted, granted + 40)
    assert cell_values(db, next(db.query("select id from reports"))["id"])[cell["cell"]] == (
        granted + 40
    )


def test_page_that_fails_to_parse_is_recorded(settings, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("unreadable markup")

    monkeypatch.setattr("pipelines.parse.parse_report", broken)
    chain = Chain(settings)
    item = chain.process(page_item("townships", TOWNSHIP_PAGE))  # no exception
    chain.close()
    assert item.reports == []
    assert chain.stat("nianbao/reports/failed") == 1
    assert chain.stat("nianbao/findings/parse_error") == 1
    db = storage.open_db(settings["NIANBAO_DB"])
    page = db["pages"].get(f"http://townships.test{TOWNSHIP_PAGE}")
    assert "ValueError: unreadable markup" in page["parse_error"]
    finding = next(db.query("select rule, severity, page_url from findings"))
    assert finding == {"rule": "parse_error", "severity": "error", "page_url": page["url"]}
    assert db["crawl_runs"].get(1)["reports_failed"] == 1


def test_parsing_runs_off_the_loop_thread(settings, monkeypatch):
    """A long PDF parses in a worker thread: the reactor's thread goes on crawling."""
    import threading

    import pipelines.parse

    real = pipelines.parse.parse_report
    parsed_in: list[int] = []

    def parse(*args, **kwargs):
        parsed_in.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(pipelines.parse, "parse_report", parse)
    chain = Chain(settings)
    item = chain.process(page_item("townships", TOWNSHIP_PAGE))
    chain.close()
    assert parsed_in and threading.get_ident() not in parsed_in
    assert [r.report.agency for r in item.reports] == ["瓦屋镇人民政府"]
    assert chain.stat("nianbao/reports/new") == 1


def test_rejected_page_is_a_page_row_only(settings):
    chain = Chain(settings)
    item = page_item("townships", TOWNSHIP_PAGE, classification="rejected:政府工作报告", body=None)
    chain.process(item)
    chain.close()
    db = storage.open_db(settings["NIANBAO_DB"])
    assert db["reports"].count == 0
    assert db["pages"].get(item.url)["classification"] == "rejected:政府工作报告"


def test_page_and_attachment_stored_as_one_report(settings):
    files = Path(settings["FILES_STORE"])
    (files / "hanweb").mkdir(parents=True)
    shutil.copy(PORTALS / "hanweb" / "www" / "files" / "jb2022.docx", files / "hanweb" / "jb.docx")
    item = page_item(
        "hanweb",
        HANWEB_PAGE,
        file_urls=[f"http://hanweb.test{HANWEB_DOCX}"],
        files=[{"url": f"http://hanweb.test{HANWEB_DOCX}", "path": "hanweb/jb.docx",
                "checksum": "c1", "status": "downloaded"}],
    )  # fmt: skip
    chain = Chain(settings)
    chain.process(item)
    chain.close()
    db = storage.open_db(settings["NIANBAO_DB"])
    assert db["reports"].count == 1
    report = next(db.query("select * from reports"))
    sources = {r["url"]: r for r in db.query("select * from report_sources")}
    assert set(sources) == {item.url, f"http://hanweb.test{HANWEB_DOCX}"}
    assert sources[f"http://hanweb.test{HANWEB_DOCX}"]["kind"] == "attachment"
    assert json.loads(report["attachments"]) == ["hanweb/jb.docx"]
    want = expected("hanweb", HANWEB_PAGE)["cells"]
    cells = cell_values(db, report["id"])
    for key, value in want.items():
        assert cells[key] == pytest.approx(value), key


def test_missing_attachment_file_is_recorded(settings):
    item = page_item(
        "hanweb",
        HANWEB_PAGE,
        files=[{"url": "http://hanweb.test/gone.pdf", "path": "hanweb/gone.pdf",
                "checksum": "x", "status": "downloaded"}],
    )  # fmt: skip
    chain = Chain(settings)
    out = chain.process(item)
    chain.close()
    assert len(out.reports) == 1  # the page's own report still stored
    assert "gone.pdf" in out.parse_errors[0]
    db = storage.open_db(settings["NIANBAO_DB"])
    assert db["reports"].count == 1
    assert "FileNotFoundError" in db["pages"].get(item.url)["parse_error"]


def test_attachment_that_was_not_downloaded_is_recorded(settings):
    pdf = "http://hanweb.test/nb2022.pdf"
    item = page_item("hanweb", HANWEB_PAGE, file_urls=[pdf], files=[])  # the download failed
    chain = Chain(settings)
    out = chain.process(item)
    chain.close()
    assert len(out.reports) == 1  # the page's own report is still stored
    assert out.parse_errors == [f"{pdf}: FileNotFoundError: the attachment was not downloaded"]
    db = storage.open_db(settings["NIANBAO_DB"])
    page = db["pages"].get(item.url)
    assert page["parse_error"] == out.parse_errors[0]
    assert page["report_id"] == next(db.query("select id from reports"))["id"]
    finding = next(db.query("select rule, page_url from findings where rule = 'parse_error'"))
    assert finding["page_url"] == item.url
    assert chain.stat("nianbao/reports/failed") == 1


def test_attachments_on_another_host_pass_the_offsite_filter(settings):
    from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
    from scrapy.exceptions import IgnoreRequest

    from pipelines.attachments import AttachmentsPipeline

    crawler = get_crawler(Spider, settings)
    crawler.spider = crawler._create_spider()
    crawler.spider.allowed_domains = ["hanweb.test"]
    offsite = OffsiteMiddleware.from_crawler(crawler)
    offsite.spider_opened(crawler.spider)
    cdn = "http://files.cdn.example/nb2022.pdf"
    with pytest.raises(IgnoreRequest):  # what Scrapy does with an ordinary request there
        offsite.process_request(scrapy.Request(cdn))
    item = page_item("hanweb", HANWEB_PAGE, file_urls=[cdn])
    (request,) = AttachmentsPipeline.from_crawler(crawler).get_media_requests(item, None)
    assert request.url == cdn
    assert offsite.process_request(request) is None  # downloaded


def test_store_needs_a_database_setting():
    crawler = get_crawler(Spider, {})
    with pytest.raises(NotConfigured):
        StorePipeline.from_crawler(crawler)


def test_unchanged_page_keeps_its_page_findings(settings, monkeypatch):
    import pipelines.parse

    real = pipelines.parse.parse_report

    def parse(data, **kwargs):
        if (kwargs.get("filename") or "").endswith(".pdf"):
            return Report(findings=[Finding("not_a_report", "error", "标题不符")])
        return real(data, **kwargs)

    monkeypatch.setattr(pipelines.parse, "parse_report", parse)
    files = Path(settings["FILES_STORE"])
    (files / "townships").mkdir(parents=True)
    (files / "townships" / "notice.pdf").write_bytes(b"%PDF-1.4 notice")
    pdf = {"url": "http://townships.test/notice.pdf", "path": "townships/notice.pdf",
           "checksum": "c1", "status": "downloaded"}  # fmt: skip
    chains = []
    for _ in range(2):
        chains.append(Chain(settings))
        item = chains[-1].process(page_item("townships", TOWNSHIP_PAGE, files=[pdf]))
        chains[-1].close()
    assert chains[0].stat("nianbao/findings/not_a_report") == 1
    assert item.unchanged
    db = storage.open_db(settings["NIANBAO_DB"])
    finding = next(db.query("select rule, message, page_url from findings where rule = ?",
                            ["not_a_report"]))  # fmt: skip
    assert finding["message"] == "http://townships.test/notice.pdf: 标题不符"
    assert finding["page_url"] == item.url
    assert db["reports"].count == 1


def stored_copy_as_pdf(settings) -> dict:
    """The township page stored as its own attachment ``w.pdf``: the ``files`` entry."""
    files = Path(settings["FILES_STORE"])
    (files / "townships").mkdir(parents=True)
    shutil.copy(
        PORTALS / "townships" / "www" / TOWNSHIP_PAGE.lstrip("/"), files / "townships" / "w.pdf"
    )
    return {"url": "http://townships.test/w.pdf", "path": "townships/w.pdf",
            "checksum": "c1", "status": "downloaded"}  # fmt: skip


def test_attachment_naming_its_agency_differently_is_the_page_report(settings, monkeypatch):
    import pipelines.parse

    real = pipelines.parse.parse_report

    def parse(data, **kwargs):
        report = real(data, **kwargs)
        if (kwargs.get("filename") or "").endswith(".pdf"):
            report.agency = "瓦屋镇人民政府办公室"  # the signature of the PDF copy
            report.applications = report.applications[:10]  # a poorer copy
        return report

    monkeypatch.setattr(pipelines.parse, "parse_report", parse)
    pdf = stored_copy_as_pdf(settings)
    chain = Chain(settings)
    item = chain.process(page_item("townships", TOWNSHIP_PAGE, files=[pdf]))
    chain.close()
    assert len(item.reports) == 1
    assert [s.url for s in item.reports[0].sources] == [item.url, "http://townships.test/w.pdf"]
    db = storage.open_db(settings["NIANBAO_DB"])
    assert db["reports"].count == 1
    stored = next(db.query("select agency, cells, source_url from reports"))
    assert stored["agency"] == "瓦屋镇人民政府"
    assert (stored["source_url"], stored["cells"] > 10) == (item.url, True)  # the fuller copy


def test_shell_page_and_its_attachment_are_one_report_from_the_file(settings, monkeypatch):
    import pipelines.parse

    real = pipelines.parse.parse_report

    def parse(data, **kwargs):
        report = real(data, **kwargs)
        if (kwargs.get("filename") or "").endswith(".pdf"):
            report.agency = report.title = None  # the file names neither: the page's are used
            return report
        return Report(title=report.title, agency=report.agency, year=report.year, url=report.url)

    monkeypatch.setattr(pipelines.parse, "parse_report", parse)
    pdf = stored_copy_as_pdf(settings)
    chain = Chain(settings)
    item = chain.process(page_item("townships", TOWNSHIP_PAGE, files=[pdf]))
    chain.close()
    assert [(s.url, s.kind) for s in item.reports[0].sources] == [
        ("http://townships.test/w.pdf", "attachment"),
        (item.url, "page"),
    ]
    db = storage.open_db(settings["NIANBAO_DB"])
    report = next(db.query("select * from reports"))
    assert (report["agency"], report["year"]) == ("瓦屋镇人民政府", 2021)
    assert report["title"] == expected("townships", TOWNSHIP_PAGE)["title"]
    assert report["source_url"] == "http://townships.test/w.pdf"
    assert json.loads(report["attachments"]) == ["townships/w.pdf"]
    cells = cell_values(db, report["id"])
    for key, value in expected("townships", TOWNSHIP_PAGE)["cells"].items():
        assert cells[key] == pytest.approx(value), key


def test_validate_counts_the_findings_of_each_pass():
    from parsers.findings import validate
    from parsers.schema import APPLICANT_PARTS, ApplicationCell
    from pipelines.parsed import ParsedReport

    crawler = get_crawler(Spider, {})
    report = Report(
        year=2021,
        template="2021",
        applications=[
            *(ApplicationCell("new_received", a, 1, "1") for a in APPLICANT_PARTS),
            ApplicationCell("new_received", "total", 5, "5"),  # 6 × 1 ≠ 5: applicant_total_sum
        ],
    )
    report.findings = validate(report)  # as parse_report does
    page = ParsedPage.from_page(page_item("townships", TOWNSHIP_PAGE))
    page.reports = [ParsedReport(report)]
    pipe = ValidatePipeline.from_crawler(crawler)
    pipe.process_item(page)
    pipe.process_item(page)  # again: counted again, nothing added to the report
    rules = [f.rule for f in report.findings]
    assert rules.count("applicant_total_sum") == 1
    assert crawler.stats.get_value("nianbao/findings/applicant_total_sum") == 2  # per pass
    assert crawler.stats.get_value("nianbao/findings/severity/error") == 2


def test_validate_computes_the_read_quality_the_writer_stores(settings, monkeypatch):
    """The checks run once, in ValidatePipeline (a crawl worker's work): the writer stores the
    quality the item carries and does not run them again."""
    import storage.writer
    from parsers.quality import read_quality

    chain = Chain(settings)
    calls = []
    monkeypatch.setattr(storage.writer, "read_quality", lambda r: calls.append(r))
    item = chain.process(page_item("townships", TOWNSHIP_PAGE))
    chain.close()
    (parsed,) = item.reports
    quality = read_quality(parsed.report)
    assert parsed.quality == quality and quality.checks_run > 0 and calls == []
    db = storage.open_db(settings["NIANBAO_DB"])
    row = db.execute(
        "select read_quality, read_share, checks_run, checks_passed from reports"
    ).fetchone()
    assert row == (quality.bucket, quality.share, quality.checks_run, quality.checks_passed)


DOCUMENTS = Path(__file__).resolve().parent / "fixtures" / "documents"


@functools.cache
def _documents_make():
    """``tests/fixtures/documents/make.py`` (the values of its filled 2021 files)."""
    spec = importlib.util.spec_from_file_location("documents_make", DOCUMENTS / "make.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    return make


CRAWL_PIPELINES = {
    "pipelines.attachments.AttachmentsPipeline": 100,
    "pipelines.parse.ParsePipeline": 300,
    "pipelines.validate.ValidatePipeline": 400,
    "pipelines.store.StorePipeline": 800,
}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) absent")
def test_crawled_doc_attachment_becomes_a_report_with_its_cells(tmp_path):
    """The pagelist portal lists a report as a .doc file: downloaded, converted, parsed, stored."""
    from nianbao.testing.portalserver import serve_portals
    from tests.conftest import run_crawl

    make = _documents_make()
    doc_path = "/uploadfiles/202301/jtj2022.doc"
    with serve_portals(("pagelist",), lifetime=120) as servers:
        portal = servers["pagelist"]
        listing = portal.read_page("/xxgk/xxgknb/list.html").decode("utf-8")
        portal.set_page("/xxgk/xxgknb/list.html", listing.replace("jtj2022.docx", "jtj2022.doc"))
        portal.set_page(
            doc_path, (DOCUMENTS / "filled-2021.doc").read_bytes(), "application/msword"
        )
        db_path = tmp_path / "nianbao.db"
        result = run_crawl(
            [portal.url()],
            tmp_path / "crawl",
            settings={"NIANBAO_DB": str(db_path)},
            pipelines=CRAWL_PIPELINES,
        )
        assert doc_path in portal.paths_requested(200)
    assert result.stats.get("finish_reason") == "finished", result.stderr[-3000:]
    assert result.stats.get("nianbao/attachments/converted") == 1
    assert "nianbao/attachments/conversion_failed" not in result.stats
    db = storage.open_db(db_path)
    source = next(db.query("select * from report_sources where url like ?", [f"%{doc_path}"]))
    report = db["reports"].get(source["report_id"])
    assert (report["agency"], report["template"]) == ("示例镇人民政府", "2021")
    cells = cell_values(db, report["id"])
    want = {
        ".".join(key): value for key, value in make.expected_cells(make.APPLICATIONS_2021).items()
    }
    assert {key: cells.get(key, "absent") for key in want} == want
    page = db["pages"].get(source["page_url"] or source["url"])
    assert (page["classification"], page["parse_error"]) == ("report", None)


def test_failed_doc_conversion_is_a_page_error_not_a_crash(settings, monkeypatch):
    monkeypatch.setenv("NIANBAO_SOFFICE", "/nonexistent/soffice")
    files = Path(settings["FILES_STORE"]) / "hanweb"
    files.mkdir(parents=True)
    shutil.copy(DOCUMENTS / "filled-2021.doc", files / "nb.doc")
    item = page_item(
        "hanweb",
        HANWEB_PAGE,
        files=[{"url": "http://hanweb.test/nb.doc", "path": "hanweb/nb.doc",
                "checksum": "d1", "status": "downloaded"}],
    )  # fmt: skip
    chain = Chain(settings)
    out = chain.process(item)
    assert chain.stat("nianbao/attachments/conversion_failed") == 1
    assert chain.stat("nianbao/attachments/converted") is None
    chain.close()
    assert len(out.reports) == 1  # the page's own report is still read and stored
    db = storage.open_db(settings["NIANBAO_DB"])
    error = db["pages"].get(item.url)["parse_error"]
    assert error.startswith("http://hanweb.test/nb.doc (hanweb/nb.doc): OfficeError: LibreOffice")
    assert "not installed" in error
    rules = db.execute("select rule from findings where page_url = ?", [item.url]).fetchall()
    assert ("parse_error",) in rules


FAIL_WRITES_OF = (
    "create trigger lose_{name} before insert on reports when new.agency = '{agency}'"
    " begin select raise(abort, 'simulated write failure'); end"
)


def test_failed_report_write_turns_the_run_red(settings):
    chain = Chain(settings)
    with storage.open_db(settings["NIANBAO_DB"]).conn as conn:  # 瓦屋镇's report cannot be written
        conn.execute(FAIL_WRITES_OF.format(name="wwz", agency="瓦屋镇人民政府"))
    chain.process(page_item("townships", TOWNSHIP_PAGE))
    chain.process(page_item("hanweb", HANWEB_PAGE))
    chain.close()
    assert chain.stat("nianbao/store/errors") == 1
    db = storage.open_db(settings["NIANBAO_DB"])
    assert [r["agency"] for r in db.query("select agency from reports")] == [
        expected("hanweb", HANWEB_PAGE)["agency"]
    ]
    assert db["applications"].count > 0 and db["report_figures"].count == 1
    lost = db["pages"].get(f"http://townships.test{TOWNSHIP_PAGE}")
    assert (lost["report_id"], lost["content_hash"]) == (None, None)  # parsed again next time
    run = db["crawl_runs"].get(1)
    assert (run["status"], run["reports_new"]) == ("finished_with_errors", 1)
    assert json.loads(run["stats"])["nianbao/store/errors"] == 1


@pytest.mark.slow
def test_crawl_with_a_failed_write_exits_non_zero(tmp_path):
    from nianbao.testing.portalserver import serve_portals
    from tests.conftest import run_crawl

    db_path = tmp_path / "nianbao.db"
    with storage.open_db(db_path).conn as conn:
        conn.execute(FAIL_WRITES_OF.format(name="edu", agency="青山县教育局"))
    with serve_portals(("trs",), lifetime=120) as servers:
        portal = servers["trs"]
        result = run_crawl(
            [portal.url()],
            tmp_path / "crawl",
            settings={"NIANBAO_DB": str(db_path)},
            pipelines=CRAWL_PIPELINES,
        )
    assert result.stats.get("finish_reason") == "finished", result.stderr[-3000:]
    assert result.stats.get("nianbao/store/errors") == 1
    assert result.returncode == 1
    assert "NOT STORED:       1 database writes failed" in result.stdout
    assert "simulated write failure" in result.stderr
    db = storage.open_db(db_path)
    stored = sorted(r["agency"] for r in db.query("select agency from reports"))
    want = sorted(r["agency"] for r in portal.expected["reports"] if r["agency"] != "青山县教育局")
    assert stored == want  # every other report of the portal is stored
    run = db["crawl_runs"].get(1)
    assert (run["status"], run["reports_new"]) == ("finished_with_errors", len(want))


def test_page_of_scanned_pictures_is_stored_as_an_image_only_report(settings):
    from nianbao.testing.pages import IMAGE_PAGES
    from nianbao.testing.pages import PAGES_DIR as HERE

    spec = IMAGE_PAGES[0]
    body = (HERE / spec.filename).read_bytes()
    item = PageItem(
        url="http://townships.test/zfxxgk/nb/magu2022.htm",
        site_id="townships",
        status=200,
        classification="report",
        fetched_at="2024-01-01T00:00:00+00:00",
        title=spec.title,
        body=body,
        encoding="utf-8",
        content_hash=hashlib.sha256(body).hexdigest(),
    )
    chain = Chain(settings)
    chain.process(item)
    assert chain.stat("nianbao/pages/not_a_report") is None
    chain.close()
    db = storage.open_db(settings["NIANBAO_DB"])
    report = next(db.query("select * from reports"))
    assert (report["agency"], report["year"]) == ("赫章县妈姑镇", 2022)
    assert cell_values(db, report["id"]) == {}
    findings = db.execute(
        "select rule, severity, message from findings where report_id = ?", [report["id"]]
    ).fetchall()
    assert [(rule, severity) for rule, severity, _ in findings] == [("image_only", "error")]
    assert "5张图片" in findings[0][2]


def test_conversion_runs_in_a_thread_while_the_event_loop_goes_on(settings, monkeypatch):
    """LibreOffice runs off the loop's thread: the loop turns while it converts."""
    import threading

    import pipelines.parse

    converted_in: list[int] = []
    loop_turned = threading.Event()

    def slow_prepare(data: bytes, filename: str | None) -> tuple[bytes, str]:
        converted_in.append(threading.get_ident())
        # Returns only once the loop has run a coroutine meanwhile (a blocked loop cannot).
        assert loop_turned.wait(timeout=10), "the event loop was blocked during the conversion"
        return (DOCUMENTS / "filled-2021.docx").read_bytes(), "nb.docx"

    monkeypatch.setattr(pipelines.parse.office, "prepare", slow_prepare)
    files = Path(settings["FILES_STORE"]) / "hanweb"
    files.mkdir(parents=True)
    shutil.copy(DOCUMENTS / "filled-2021.doc", files / "nb.doc")
    item = page_item(
        "hanweb",
        HANWEB_PAGE,
        body=b"",  # a report published only as the file
        files=[{"url": "http://hanweb.test/nb.doc", "path": "hanweb/nb.doc",
                "checksum": "d1", "status": "downloaded"}],
    )  # fmt: skip
    chain = Chain(settings)

    async def crawl_while_the_loop_turns() -> ParsedPage:
        async def turn() -> None:
            await asyncio.sleep(0.05)
            loop_turned.set()

        turning = asyncio.create_task(turn())
        page = await chain.pipes[0].process_item(item)
        await turning
        return page

    page = asyncio.run(crawl_while_the_loop_turns())
    chain.close()
    assert converted_in and converted_in[0] != threading.get_ident()
    assert chain.stat("nianbao/attachments/converted") == 1
    assert page.parse_errors == []
    [parsed] = page.reports  # the file's report (the page itself has no body here)
    assert parsed.sources[0].url == "http://hanweb.test/nb.doc"
    key = ("applications", "new_received", "total")
    make = _documents_make()
    assert parsed.report.cell_map()[key] == make.expected_cells(make.APPLICATIONS_2021)[key]
