"""Real crawls of the mock portals into a database: values, idempotency, changes, a killed crawl."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nianbao.testing.portalserver import serve_portals
from tests.conftest import run_crawl

pytestmark = pytest.mark.slow

PIPELINES = {
    "pipelines.attachments.AttachmentsPipeline": 100,
    "pipelines.parse.ParsePipeline": 300,
    "pipelines.validate.ValidatePipeline": 400,
    "pipelines.store.StorePipeline": 800,
}
DATA_TABLES = ("sites", "pages", "reports", "report_sources", "active_disclosure",
               "applications", "review_litigation", "findings", "report_changes")  # fmt: skip
CHANGED_PAGE = "/zfxxgk/zfxxgknb/n2021n/xz/wwz.htm"  # townships: 瓦屋镇 2021
PDF_ONLY = "/files/mj-czj-2022.pdf"  # gkmlpt: 梅州市梅江区财政局 2022, reached as download?id=88
FORMAT_2019 = "/OpennessAnnualReport/year/show/341/2020.html"  # townships: 花园乡 2020


def crawl(urls, workdir: Path, db: Path, cache: Path):
    result = run_crawl(
        urls, workdir, cache=cache, settings={"NIANBAO_DB": str(db)}, pipelines=PIPELINES
    )
    assert result.stats.get("finish_reason") == "finished", result.stderr[-3000:]
    return result


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in DATA_TABLES}


def query(db: Path, sql: str, params=()) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def portals():
    with serve_portals(lifetime=300) as servers:
        yield servers


@pytest.fixture(scope="module")
def crawls(portals, tmp_path_factory):
    """Three crawls into one database: a first, an identical second, a third after a change."""
    work = tmp_path_factory.mktemp("crawl_db")
    db, cache = work / "nianbao.db", work / "httpcache"
    urls = [s.url() for s in portals.values()]
    crawl(urls, work / "1", db, cache)
    first = table_counts(db)
    crawl(urls, work / "2", db, cache)
    second = table_counts(db)
    server = portals["townships"]
    old = next(r for r in server.expected["reports"] if r["url"] == CHANGED_PAGE)
    old_value = old["cells"]["applications.new_received.total"]
    html = server.read_page(CHANGED_PAGE).decode(server.charset)
    row = html.index("本年新收政府信息公开申请数量")
    at = html.rindex(f">{old_value}<", row, html.index("</tr>", row))  # 总计: the row's last cell
    end = at + 2 + len(str(old_value))
    server.set_page(CHANGED_PAGE, html[:at] + f">{old_value + 100}<" + html[end:])
    crawl(urls, work / "3", db, cache)
    return {"db": db, "first": first, "second": second, "old_value": old_value}


def report_at(db: Path, url: str) -> dict:
    rows = query(
        db,
        "select r.* from reports r join report_sources s on s.report_id = r.id where s.url = ?",
        [url],
    )
    assert len(rows) == 1, url
    return rows[0]


def cells_of(db: Path, report_id: str) -> dict[str, object]:
    sql = (
        "select 'active_disclosure.' || item || '.' || metric as k, value from active_disclosure"
        " where report_id = ?1 union all"
        " select 'applications.' || row || '.' || applicant, value from applications"
        " where report_id = ?1 union all"
        " select 'review_litigation.' || proceeding || '.' || outcome, value"
        " from review_litigation where report_id = ?1"
    )
    return {r["k"]: r["value"] for r in query(db, sql, [report_id])}


def rules_of(db: Path, report_id: str) -> list[str]:
    rows = query(db, "select distinct rule from findings where report_id = ?", [report_id])
    return sorted(r["rule"] for r in rows)


def check_report(db: Path, server, want: dict) -> None:
    """The stored report at ``want["url"]`` has the manifest's metadata, cells and findings."""
    where = (server.key, want["url"])
    report = report_at(db, server.url(want["url"]))
    for key in ("title", "agency", "year", "level", "index_no", "template"):
        assert report[key] == (want[key] or None), (*where, key)
    assert report["county"] in (server.expected["county"], None)
    cells = cells_of(db, report["id"])
    rules = list(want["findings"])
    for key, value in want["cells"].items():
        if want["url"] == CHANGED_PAGE and key == "applications.new_received.total":
            value += 100  # changed before the third crawl: 总计 no longer adds up
            rules = sorted({*rules, "applicant_total_sum", "balance"})
        assert key in cells, (*where, key)
        assert cells[key] == (None if value is None else pytest.approx(value)), (*where, key)
    assert rules_of(db, report["id"]) == rules, where


def test_every_manifest_report_stored_with_its_values(crawls, portals):
    for server in portals.values():
        for want in server.expected["reports"]:  # pages, and reports published only as a file
            check_report(crawls["db"], server, want)


def test_ugly_reports_show_their_findings(crawls, portals):
    """The portals' misprints, gaps and scans are findings in SQLite, as the manifests say."""
    db = crawls["db"]
    rows = query(db, "select distinct s.url, f.rule from findings f"
                 " join report_sources s on s.report_id = f.report_id")  # fmt: skip
    by_url: dict[str, set[str]] = {}
    for row in rows:
        by_url.setdefault(row["url"], set()).add(row["rule"])
    wanted = {
        server.url(r["url"]): set(r["findings"])
        for server in portals.values()
        for r in server.expected["reports"]
        if r["findings"]
    }
    assert len(wanted) >= 7
    for url, rules in wanted.items():
        assert rules <= by_url.get(url, set()), url
    seen = {rule for rules in by_url.values() for rule in rules}
    arithmetic = {"balance", "total_processed_sum", "applicant_total_sum", "review_total_sum"}
    others = {"unreadable_cell", "template_year_mismatch", "missing_table", "image_only"}
    assert arithmetic | others <= seen


def test_report_published_only_as_a_pdf_is_stored_with_its_cells(crawls, portals):
    """A report link answered by a PDF (no page): the file's tables, read into SQLite."""
    db, server = crawls["db"], portals["gkmlpt"]
    report = report_at(db, server.url(PDF_ONLY))
    assert (report["agency"], report["year"]) == ("梅州市梅江区财政局", 2022)
    assert report["template"] == "2021"
    cells = cells_of(db, report["id"])
    assert cells["applications.new_received.total"] == 4  # 自然人 3 + 商业企业 1 (seed 56)
    assert cells["applications.granted.natural_person"] == 1
    assert cells["applications.unavailable_not_held.total"] == 2  # 本机关不掌握
    assert cells["applications.total_processed.total"] == 4
    assert cells["active_disclosure.administrative_license.decisions"] == 492
    assert cells["active_disclosure.administrative_fees.fee_amount"] == pytest.approx(1.81)
    assert cells["review_litigation.review.total"] == 0
    sources = query(db, "select kind, file_path from report_sources where report_id = ?",
                    [report["id"]])  # fmt: skip
    assert [s["kind"] for s in sources] == ["attachment"]
    assert sources[0]["file_path"].endswith(".pdf")


def test_2019_format_report_stored_with_its_2019_cells(crawls, portals):
    db = crawls["db"]
    report = report_at(db, portals["townships"].url(FORMAT_2019))
    assert (report["year"], report["template"]) == (2020, "2019")
    cells = cells_of(db, report["id"])
    assert cells["active_disclosure.normative_documents.new_made"] == 3
    assert cells["active_disclosure.administrative_license.change"] == -2
    assert cells["active_disclosure.government_procurement.procurement_amount"] == 56.8
    assert cells["applications.other_processing.total"] == 0  # the 2019 row, printed 0
    assert "applications.other_overdue_correction.total" not in cells  # no such 2019 row
    assert not query(db, "select 1 from findings where report_id = ? and rule ="
                     " 'template_year_mismatch'", [report["id"]])  # fmt: skip


def test_page_and_its_attachments_are_one_report_with_every_source(crawls, portals):
    db = crawls["db"]
    for server in portals.values():
        for want in server.expected["reports"]:
            report = report_at(db, server.url(want["url"]))
            sources = query(db, "select url, kind, file_path from report_sources"
                            " where report_id = ?", [report["id"]])  # fmt: skip
            assert {s["url"] for s in sources} == {
                server.url(p) for p in [want["url"], *want["attachments"]]
            }
            files = [s["file_path"] for s in sources if s["kind"] == "attachment"]
            assert sorted(json.loads(report["attachments"] or "[]")) == sorted(files)


def test_lookalikes_are_pages_not_reports(crawls, portals):
    db = crawls["db"]
    for server in portals.values():
        for path in server.expected["distractors"]:
            url = server.url(path)
            assert not query(db, "select 1 from report_sources where url = ?", [url])
            pages = query(db, "select classification from pages where url = ?", [url])
            assert all(p["classification"] != "report" for p in pages)


def test_second_identical_crawl_doubles_nothing(crawls, portals):
    total = sum(len(s.expected["reports"]) for s in portals.values())
    assert crawls["first"]["reports"] == total
    assert crawls["second"] == crawls["first"]
    runs = query(crawls["db"], "select * from crawl_runs order by id")
    assert [r["status"] for r in runs] == ["finished"] * 3
    assert (runs[0]["reports_new"], runs[0]["sites_ok"], runs[0]["sites_failed"]) == (total, 5, 0)
    assert (runs[1]["reports_new"], runs[1]["reports_changed"]) == (0, 0)
    assert runs[1]["reports_unchanged"] == total
    assert json.loads(runs[1]["stats"])["nianbao/reports/unchanged"] == total


def test_changed_report_updated_once_and_change_recorded(crawls, portals):
    db = crawls["db"]
    assert table_counts(db)["reports"] == crawls["first"]["reports"]
    run = query(db, "select * from crawl_runs order by id desc limit 1")[0]
    assert (run["reports_new"], run["reports_changed"]) == (0, 1)
    report = report_at(db, portals["townships"].url(CHANGED_PAGE))
    changes = query(db, "select * from report_changes")
    assert [c["report_id"] for c in changes] == [report["id"]]
    old, new = crawls["old_value"], crawls["old_value"] + 100
    assert f"applications.new_received.total {old}→{new}" in changes[0]["summary"]


def crawl_process(urls, workdir: Path, db: Path) -> subprocess.Popen:
    """A slowed-down crawl in the background (0.2 s between requests to a portal)."""
    workdir.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable, "-m", "nianbao", "crawl", *urls, "--settings", "crawler.settings.test",
        "--files", str(workdir / "files"), "--httpcache", str(workdir / "httpcache"),
        "--db", str(db), "-s", f"ITEM_PIPELINES={json.dumps(PIPELINES)}",
        "-s", "DOWNLOAD_DELAY=0.2",
    ]  # fmt: skip
    env = dict(os.environ, NIANBAO_DATA=str(workdir / "data"))
    return subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def stored_reports(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("select count(*) from reports").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_killed_crawl_leaves_a_sound_database_the_next_crawl_completes(portals, tmp_path):
    db = tmp_path / "nianbao.db"
    urls = [s.url() for s in portals.values()]
    proc = crawl_process(urls, tmp_path / "killed", db)
    try:
        deadline = time.monotonic() + 60
        while stored_reports(db) < 5 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        partial = conn.execute("select count(*) from reports").fetchone()[0]
        for table in ("applications", "review_litigation", "active_disclosure"):
            orphans = conn.execute(
                f"select count(*) from {table} where report_id not in (select id from reports)"
            ).fetchone()[0]
            assert orphans == 0, table
    total = sum(len(s.expected["reports"]) for s in portals.values())
    assert 5 <= partial < total
    crawl(urls, tmp_path / "next", db, tmp_path / "cache2")
    runs = query(db, "select status, reports_new, reports_unchanged from crawl_runs order by id")
    assert runs[0]["status"] == "interrupted"
    assert runs[1]["status"] == "finished"
    assert runs[1]["reports_new"] + runs[1]["reports_unchanged"] == total
    assert table_counts(db)["reports"] == total
