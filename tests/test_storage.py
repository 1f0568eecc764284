"""The database writer with hand-built reports: rows, labels, views, search, idempotency."""

from __future__ import annotations

import json
import os

import pytest

import storage
import storage.writer
from parsers.schema import ActiveCell, ApplicationCell, Finding, Report, ReviewCell
from storage.ids import level_for, report_id_for


def make_report(**changes) -> Report:
    """瓦屋镇's 2021 report: a few cells of each table, one blank, one finding."""
    report = Report(
        title="瓦屋镇2021年政府信息公开工作年度报告",
        agency="瓦屋镇人民政府",
        year=2021,
        template="2021",
        published="2022-01-20",
        url="http://example.test/wwz.htm",
        index_no="SM-WWZ-2022",
        publisher="瓦屋镇人民政府",
        active_disclosure=[
            ActiveCell("normative_documents", "issued", 2, "2"),
            ActiveCell("administrative_fees", "fee_amount", 1.5, "1.5", "万元"),
        ],
        applications=[
            ApplicationCell("new_received", "natural_person", 5, "5"),
            ApplicationCell("new_received", "commercial_enterprise", 1, "1"),
            ApplicationCell("new_received", "total", 6, "6"),
            ApplicationCell("carried_over", "total", 1, "1"),
            ApplicationCell("granted", "total", 3, "3"),
            ApplicationCell("partially_granted", "total", None, "—"),  # blank: not reported
            ApplicationCell("withheld_state_secret", "total", 1, "1"),
            ApplicationCell("withheld_third_party", "total", 2, "2"),
            ApplicationCell("other_other", "total", 1, "1"),
            ApplicationCell("total_processed", "total", 7, "7"),
            ApplicationCell("carried_forward", "total", 0, "0"),
        ],
        review_litigation=[
            ReviewCell("review", "upheld", 1, "1"),
            ReviewCell("review", "total", 1, "1"),
            ReviewCell("litigation_direct", "total", 2, "2"),
            ReviewCell("litigation_after_review", "total", 1, "1"),
        ],
        findings=[Finding("balance", "error", "自然人：5 + 0 ≠ 4 + 0", ["natural_person"])],
        text="本机关全年收到行政复议申请一件，政府信息公开申请六件。",
    )
    for name, value in changes.items():
        setattr(report, name, value)
    return report


SITE = {"id": "shimen", "name": "石门县人民政府", "province": "湖南省", "city": "常德市",
        "county": "石门县", "level": "county", "start_url": "http://example.test/"}  # fmt: skip


@pytest.fixture
def db(nianbao_db):
    return nianbao_db


def counts(db) -> dict[str, int]:
    tables = ["reports", "active_disclosure", "applications", "review_litigation", "findings",
              "report_sources", "report_changes"]  # fmt: skip
    return {t: db[t].count for t in tables}


def test_open_db_creates_schema_idempotently(tmp_path):
    path = tmp_path / "nianbao.db"
    first = storage.open_db(path)
    storage.save_report(first, make_report(), site=SITE)
    first.close()
    db = storage.open_db(path)  # again: nothing lost, nothing doubled
    assert db["reports"].count == 1
    assert db["applicants"].count == 7
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert {"report_summary", "applications_wide"} <= set(db.view_names())
    assert db["reports_fts"].exists()
    trigger = db.execute("select sql from sqlite_master where name = 'reports_au'").fetchone()[0]
    assert "AFTER UPDATE OF [title], [text]" in trigger  # last_checked does not re-index
    indexed = {tuple(i.columns) for i in db["reports"].indexes}
    assert {("agency", "county", "id"), ("site",), ("template",)} <= indexed
    assert ("year", "province", "county", "id") in indexed  # covers year/region scans


def test_open_db_adds_columns_of_a_newer_schema(tmp_path):
    path = tmp_path / "old.db"
    old = storage.open_db(path)
    old["crawl_runs"].transform(drop={"failed_sites"})
    old["_sqlite_migrations"].drop()  # a database from before migrations were recorded
    old.close()
    db = storage.open_db(path)
    assert "failed_sites" in db["crawl_runs"].columns_dict


def test_report_cells_and_values_in_sqlite(db):
    assert storage.save_report(db, make_report(), site=SITE) == "new"
    report = next(db.query("select * from reports"))
    assert report["agency"] == "瓦屋镇人民政府"
    assert report["year"] == 2021
    assert report["province"] == "湖南省"
    assert report["level"] == "township"
    assert report["index_no"] == "SM-WWZ-2022"
    value = db.execute(
        "select value, raw from applications where row = 'new_received' and applicant = 'total'"
    ).fetchone()
    assert value == (6, "6")
    blank = db.execute(
        "select value, raw from applications where row = 'partially_granted'"
    ).fetchone()
    assert blank == (None, "—")  # a blank cell stays null, never 0
    fee = db.execute(
        "select value, unit from active_disclosure where item = 'administrative_fees'"
    ).fetchone()
    assert fee == (1.5, "万元")
    finding = db.execute("select rule, severity, keys from findings").fetchone()
    assert finding == ("balance", "error", '["natural_person"]')


def test_labels_joined_by_foreign_keys(db):
    storage.save_report(db, make_report(), site=SITE)
    fks = {(fk.column, fk.other_table) for fk in db["applications"].foreign_keys}
    assert {
        ("applicant", "applicants"),
        ("row", "application_rows"),
        ("report_id", "reports"),
    } <= fks
    label = db.execute(
        "select r.label, p.label from applications a join applicants p on p.key = a.applicant"
        " join application_rows r on r.key = a.row where a.row = 'new_received'"
        " and a.applicant = 'natural_person'"
    ).fetchone()
    assert label == ("一、本年新收政府信息公开申请数量", "自然人")
    assert db["metrics"].get("fee_amount")["notes"] == "decimal, format 2021 only"
    assert db["rules"].get("balance")["label"].startswith("本年新收")


def test_report_summary_view(db):
    storage.save_report(db, make_report(), site=SITE)
    summary = next(db.query("select * from report_summary"))
    assert summary["applications_received"] == 6
    assert summary["carried_over"] == 1
    assert summary["granted"] == 3
    assert summary["partially_granted"] is None  # only a blank cell: not reported
    assert summary["withheld"] == 3  # 1 + 2
    assert summary["unavailable"] is None
    assert summary["other"] == 1
    assert summary["total_processed"] == 7
    assert summary["review_total"] == 1
    assert summary["litigation_total"] == 3
    assert (summary["errors"], summary["warnings"]) == (1, 0)
    assert summary["county"] == "石门县"


def test_report_summary_reads_stored_figures_or_computes_them(db):
    storage.save_report(db, make_report(), site=SITE)
    stored = next(db.query("select * from report_summary"))
    figures = next(db.query("select * from report_figures"))
    assert (figures["withheld"], figures["litigation_total"], figures["errors"]) == (3, 3, 1)
    db.execute("delete from report_figures")  # cells written by other means: computed live
    assert next(db.query("select * from report_summary")) == stored
    db.execute("update applications set value = 10 where row = 'granted'")
    storage.refresh_figures(db)
    assert next(db.query("select granted from report_summary"))["granted"] == 10
    assert db["report_figures"].count == 1


def test_figures_by_withheld_reason_and_nonzero_cells(db):
    storage.save_report(db, make_report(), site=SITE)
    summary = next(db.query("select * from report_summary"))
    reasons = {k: v for k, v in summary.items() if k.startswith("withheld_")}
    assert reasons == {
        "withheld_state_secret": 1,
        "withheld_prohibited_by_law": None,  # no cell: not reported, not 0
        "withheld_security_stability": None,
        "withheld_third_party": 2,
        "withheld_internal_affairs": None,
        "withheld_process_info": None,
        "withheld_enforcement_file": None,
        "withheld_inquiry": None,
    }
    # 10 of 11 application cells are reported, 1 of them 0 (carried_forward); all 4 of 四.
    nonzero = ("active_nonzero", "applications_nonzero", "review_nonzero")
    assert [summary[k] for k in nonzero] == [2, 9, 4]
    zero = make_report(
        active_disclosure=[], review_litigation=[],
        applications=[ApplicationCell("new_received", "total", 0, "0"),
                      ApplicationCell("granted", "total", None, "")],
    )  # fmt: skip
    storage.save_report(db, zero, site="other")
    row = next(db.query("select * from report_summary where site = 'other'"))
    assert [row[k] for k in nonzero] == [None, 0, None]  # no reported cell: null


def test_open_db_computes_a_new_figure_for_stored_reports(tmp_path):
    path = tmp_path / "old.db"
    old = storage.open_db(path)
    storage.save_report(old, make_report(), site=SITE)
    old.execute("drop index idx_report_figures_all_zero")  # partial: transform refuses it
    old["report_figures"].transform(drop={"withheld_third_party", "applications_nonzero"})
    old.close()
    db = storage.open_db(path)
    figures = next(db.query("select * from report_figures"))
    assert (figures["withheld_third_party"], figures["applications_nonzero"]) == (2, 9)


def test_report_summary_without_total_column_sums_applicants(db):
    cells = [
        ApplicationCell("new_received", "natural_person", 4, "4"),
        ApplicationCell("new_received", "other_org", 2, "2"),
    ]
    storage.save_report(db, make_report(applications=cells), site=SITE)
    summary = next(db.query("select applications_received, granted from report_summary"))
    assert summary == {"applications_received": 6, "granted": None}


def test_applications_wide_view(db):
    storage.save_report(db, make_report(), site=SITE)
    row = next(db.query("select * from applications_wide where row = 'new_received'"))
    assert row["natural_person"] == 5
    assert row["commercial_enterprise"] == 1
    assert row["research_institution"] is None
    assert row["total"] == 6
    assert row["row_label"] == "一、本年新收政府信息公开申请数量"
    assert row["agency"] == "瓦屋镇人民政府"
    assert db.execute("select count(*) from applications_wide").fetchone()[0] == 9


def test_full_text_search(db):
    storage.save_report(db, make_report(), site=SITE)
    hits = db.execute(
        "select r.title from reports_fts f join reports r on r.rowid = f.rowid"
        " where reports_fts match nianbao_fts_query(?)",
        ["行政复议"],
    ).fetchall()
    assert hits == [("瓦屋镇2021年政府信息公开工作年度报告",)]
    assert [r["agency"] for r in storage.search_reports(db, "政府信息")] == ["瓦屋镇人民政府"]
    assert [r["agency"] for r in storage.search_reports(db, "复议")] == ["瓦屋镇人民政府"]
    assert [r["agency"] for r in storage.search_reports(db, "复")] == ["瓦屋镇人民政府"]
    assert [r["agency"] for r in storage.search_reports(db, "瓦屋 复议")] == ["瓦屋镇人民政府"]
    assert storage.search_reports(db, "预算") == []
    assert storage.search_reports(db, "瓦屋 预算") == []  # every word must occur
    storage.save_report(db, make_report(text="本年度预算公开。"), site=SITE)
    assert storage.search_reports(db, "行政复议") == []  # the index follows the new text
    assert len(storage.search_reports(db, "预算公开")) == 1
    assert storage.search_reports(db, "公开预算") == []  # a word is matched as written


def test_saving_twice_changes_nothing(db):
    storage.save_report(db, make_report(), site=SITE, checked_at="2024-01-01T00:00:00+00:00")
    before = counts(db)
    status = storage.save_report(
        db, make_report(), site=SITE, checked_at="2024-02-01T00:00:00+00:00"
    )
    assert status == "unchanged"
    assert counts(db) == before
    row = db.execute("select first_seen, last_checked, last_changed from reports").fetchone()
    assert row == ("2024-01-01T00:00:00+00:00", "2024-02-01T00:00:00+00:00",
                   "2024-01-01T00:00:00+00:00")  # fmt: skip


def test_changed_report_is_updated_and_change_recorded(db):
    storage.save_report(db, make_report(), site=SITE)
    before = counts(db)
    changed = make_report()
    changed.applications[2] = ApplicationCell("new_received", "total", 8, "8")
    assert storage.save_report(db, changed, site=SITE) == "changed"
    after = counts(db)
    assert after["report_changes"] == 1
    assert {k: v for k, v in after.items() if k != "report_changes"} == {
        k: v for k, v in before.items() if k != "report_changes"
    }
    value = db.execute(
        "select value from applications where row = 'new_received' and applicant = 'total'"
    ).fetchone()[0]
    assert value == 8
    change = next(db.query("select * from report_changes"))
    assert change["old_hash"] != change["new_hash"]
    assert change["new_hash"] == db.execute("select content_hash from reports").fetchone()[0]
    assert "applications.new_received.total 6→8" in change["summary"]
    detail = json.loads(change["what_changed"])
    assert detail["cells"] == [{"cell": "applications.new_received.total", "old": 6, "new": 8}]


def test_same_report_at_two_urls_is_stored_once(db):
    page = make_report()
    mirror = make_report(url="http://example.test/mirror/wwz.htm", agency="瓦 屋 镇")
    assert storage.save_report(db, page, site=SITE) == "new"
    assert storage.save_report(db, mirror, site=SITE) == "unchanged"  # agency differs only
    assert db["reports"].count == 1
    sources = [r[0] for r in db.execute("select url from report_sources order by url")]
    assert sources == ["http://example.test/mirror/wwz.htm", "http://example.test/wwz.htm"]
    assert [r[0] for r in db.execute("select rule from findings order by rule")] == [
        "balance",
        "sources_differ",  # the mirror's copy names the agency differently
    ]


def test_poorer_copy_does_not_replace_the_stored_one(db):
    storage.save_report(db, make_report(), site=SITE)
    poorer = make_report(url="http://example.test/a.pdf", review_litigation=[])
    source = storage.Source(
        "http://example.test/a.pdf", "attachment", page_url="http://example.test/wwz.htm",
        file_path="s/a.pdf",
    )  # fmt: skip
    assert storage.save_report(db, poorer, site=SITE, sources=[source]) == "unchanged"
    assert db["review_litigation"].count == 4
    assert db.execute("select attachments from reports").fetchone()[0] == '["s/a.pdf"]'
    assert db["report_changes"].count == 0


def test_each_report_is_one_transaction(db, monkeypatch):
    storage.save_report(db, make_report(), site=SITE)
    before = counts(db)
    real = storage.writer._insert_rows

    def fail_on_review(database, table, rows):
        if table == "review_litigation":
            raise RuntimeError("disk full")
        real(database, table, rows)

    monkeypatch.setattr(storage.writer, "_insert_rows", fail_on_review)
    changed = make_report()
    changed.applications[0] = ApplicationCell("new_received", "natural_person", 9, "9")
    with pytest.raises(RuntimeError):
        storage.save_report(db, changed, site=SITE)
    with pytest.raises(RuntimeError):
        storage.save_report(db, make_report(year=2022), site=SITE)
    assert counts(db) == before  # neither the half-written change nor the new report stayed
    value = db.execute(
        "select value from applications where row = 'new_received' and applicant = 'natural_person'"
    ).fetchone()[0]
    assert value == 5
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_report_id_is_stable_and_ignores_url():
    a = make_report()
    b = make_report(url="http://other.test/x", agency="瓦屋镇")
    assert report_id_for("s", a) == report_id_for("s", b)
    assert report_id_for("s", a) != report_id_for("s", make_report(year=2022))
    assert report_id_for("s", a) != report_id_for("other", a)
    untitled = make_report(agency=None, title=None)
    assert report_id_for("s", untitled) == report_id_for("s", make_report(agency=None, title=None))


@pytest.mark.parametrize(
    ("agency", "site_level", "level"),
    [
        ("瓦屋镇人民政府", "county", "township"),
        ("梅江区金山街道办事处", "county", "township"),
        ("花园乡人民政府", None, "township"),
        ("青山县教育局", "county", "department"),
        ("白水县发展和改革委员会", "county", "department"),
        ("县乡村振兴局", "county", "department"),
        ("政务服务中心", "county", "department"),
        ("乡宁县人民政府", None, "county"),
        ("宁波市江北区人民政府", "city", "county"),
        ("某某单位", "county", "county"),
        (None, "county", "county"),
    ],
)
def test_level_from_agency(agency, site_level, level):
    assert level_for(agency, site_level) == level


def test_page_rows_and_parse_error_findings(db):
    page = {"url": "http://example.test/bad.htm", "site": "shimen", "classification": "report",
            "status": 200, "content_hash": "abc", "file_urls": ["http://example.test/a.pdf"],
            "parse_error": "http://example.test/bad.htm: ValueError: garbled"}  # fmt: skip
    storage.save_page(db, page, when="2024-01-01T00:00:00+00:00")
    finding = next(db.query("select * from findings"))
    assert (finding["rule"], finding["severity"], finding["report_id"]) == (
        "parse_error",
        "error",
        None,
    )
    assert finding["page_url"] == "http://example.test/bad.htm"
    storage.save_page(db, {**page, "parse_error": None}, when="2024-02-01T00:00:00+00:00")
    assert db["findings"].count == 0  # parsed fine now: the old error is gone
    row = db["pages"].get("http://example.test/bad.htm")
    assert row["first_seen"] == "2024-01-01T00:00:00+00:00"
    assert row["last_checked"] == "2024-02-01T00:00:00+00:00"
    assert json.loads(row["file_urls"]) == ["http://example.test/a.pdf"]


def test_crawl_runs_recorded_and_dead_runs_marked(db):
    run = storage.record_run(db, spider="annual_reports", started="2024-01-01T00:00:00+00:00")
    storage.record_run(
        db,
        run_id=run,
        finished="2024-01-01T00:10:00+00:00",
        status="finished",
        stats={"item_scraped_count": 3},
        reports={"new": 2, "changed": 1, "unchanged": 0, "failed": 0},
        sites_ok=1,
        failed_sites=["deadsite"],
    )
    row = db["crawl_runs"].get(run)
    assert (row["status"], row["reports_new"], row["reports_changed"]) == ("finished", 2, 1)
    assert (row["sites_ok"], row["sites_failed"]) == (1, 1)
    assert json.loads(row["failed_sites"]) == ["deadsite"]
    assert json.loads(row["stats"]) == {"item_scraped_count": 3}
    storage.record_run(db, run_id=run, sites_ok=2, failed_sites=[])  # status kept
    assert (db["crawl_runs"].get(run)["status"], db["crawl_runs"].get(run)["sites_ok"]) == (
        "finished",
        2,
    )
    alive = storage.record_run(db, spider="annual_reports")  # this process: still running
    dead = storage.record_run(db, spider="annual_reports")
    db["crawl_runs"].update(dead, {"pid": 2**22 + 12345})  # no such process
    assert storage.mark_interrupted_runs(db) == [dead]
    assert db["crawl_runs"].get(dead)["status"] == "interrupted"
    assert db["crawl_runs"].get(alive)["status"] == "running"
    assert db["crawl_runs"].get(alive)["pid"] == os.getpid()


def test_search_words_of_one_to_four_characters_and_ranking(nianbao_db):
    from parsers.schema import Report

    texts = (("甲镇", "行政复议一件。行政诉讼零件。"), ("乙镇", "复议"), ("丙镇", "诉讼"))
    for agency, text in texts:
        storage.save_report(
            nianbao_db,
            Report(title=f"{agency}2021年年报", agency=agency, year=2021, text=text),
            site="s",
        )
    found = storage.search_reports
    assert [r["agency"] for r in found(nianbao_db, "复议")] == ["乙镇", "甲镇"]  # shorter first
    assert [r["agency"] for r in found(nianbao_db, "行政复议 诉讼")] == ["甲镇"]
    assert {r["agency"] for r in found(nianbao_db, "讼")} == {"甲镇", "丙镇"}
    assert [r["agency"] for r in found(nianbao_db, "乙镇")] == ["乙镇"]  # title
    assert found(nianbao_db, "复议行政") == []


def test_search_takes_quotes_and_operators_literally(nianbao_db):
    from parsers.schema import Report

    storage.save_report(
        nianbao_db,
        Report(title="甲镇2021年年报", agency="甲镇", year=2021, text="复议_100% OR NEAR"),
        site="s",
    )
    for query in ('"复议', "复议 0%", "_ *", "OR", "NEAR(", "AND 复议", "'", "%", "-"):
        storage.search_reports(nianbao_db, query)  # never an FTS syntax error
    assert [r["agency"] for r in storage.search_reports(nianbao_db, '"复议" 100%')] == ["甲镇"]
    assert storage.search_reports(nianbao_db, "   ") == []


def test_a_trigram_index_of_an_older_database_is_replaced(tmp_path):
    import sqlite_utils

    from parsers.schema import Report

    path = tmp_path / "old.db"
    db = storage.open_db(path)
    storage.save_report(
        db, Report(title="甲镇2021年年报", agency="甲镇", year=2021, text="行政复议一件"), site="s"
    )
    for trigger in ("reports_ai", "reports_ad", "reports_au"):
        db.execute(f"drop trigger [{trigger}]")
    db.execute("drop table reports_fts")
    db["reports"].enable_fts(["title", "text"], tokenize="trigram", create_triggers=True)
    db.close()
    assert "trigram" in sqlite_utils.Database(path)["reports_fts"].schema
    db = storage.open_db(path)  # migrates: the bigram index, filled from the stored reports
    assert "content=''" in db["reports_fts"].schema
    assert [r["agency"] for r in storage.search_reports(db, "复议")] == ["甲镇"]


def test_open_db_applies_each_named_migration_once(tmp_path):
    path = tmp_path / "nianbao.db"
    storage.open_db(path).close()
    db = storage.open_db(path)
    applied = [(r["migration_set"], r["name"]) for r in db["_sqlite_migrations"].rows]
    assert [name for _, name in applied] == [
        "0001_tables", "0002_nightly_runs_findings_stored", "0003_sites_attachment_hosts",
        "0004_reports_feed_level_body_indexes", "0005_listing_body_zero_indexes",
        "0006_cell_tables_rowid", "0007_reports_by_body",
        "0008_reports_read_quality", "0009_ranking_and_facet_indexes",
        "0010_sort_and_facet_indexes",
    ]  # fmt: skip
    assert {"nightly_runs", "site_runs", "crawl_runs"} <= set(db.table_names())
    assert db["site_runs"].pks == ["run_id", "site_id"]


def _open_at_once(path, barrier, results):
    barrier.wait()  # every process opens the new file at the same moment
    try:
        storage.open_db(path).close()
        results.put("ok")
    except Exception as exc:  # reported to the test
        results.put(f"{type(exc).__name__}: {exc}")


def test_processes_creating_one_new_database_at_once_all_succeed(tmp_path):
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    found = []
    for round_ in range(3):
        path = tmp_path / f"new{round_}.db"
        barrier, results = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_open_at_once, args=(path, barrier, results)) for _ in "abcd"]
        for proc in procs:
            proc.start()
        found += [results.get(timeout=60) for _ in procs]
        for proc in procs:
            proc.join(60)
        applied = storage.open_db(path).execute("select count(*) from _sqlite_migrations")
        assert applied.fetchone()[0] == len(storage.schema.MIGRATIONS._migrations)
    assert found == ["ok"] * 12  # was: "database is locked" for most of them


INDEXES_0009 = (
    "idx_report_figures_year_applications_received_province",
    "idx_report_figures_level_year_applications_received",
    "idx_reports_read_quality",
    "idx_findings_report_id_rule_severity_message",
    "idx_pages_status",
    "idx_report_sources_kind",
)


def test_migration_0009_copies_the_ranking_columns_and_indexes_them(tmp_path):
    from tests.test_datasette import sample_reports

    path = tmp_path / "nianbao.db"
    db = storage.open_db(path)
    for site, report in sample_reports():
        storage.save_report(db, report, site=site)
    # back to the database as 0008 left it: no copies in report_figures, the old indexes
    for index in INDEXES_0009:
        db.execute(f"drop index {index}")
    for column in ("year", "level", "province"):
        db.execute(f"alter table report_figures drop column {column}")
    db.execute("create index idx_findings_report_id on findings (report_id)")
    db.execute("delete from _sqlite_migrations where name like '0009%'")
    db.close()

    db = storage.open_db(path)
    copied = db.execute(
        "select count(*), sum(f.year is r.year and f.level is r.level"
        " and f.province is r.province), count(f.year)"
        " from report_figures f join reports r on r.id = f.report_id"
    ).fetchone()
    assert copied == (len(sample_reports()), len(sample_reports()), len(sample_reports()))
    tables = ("reports", "report_figures", "findings", "pages", "report_sources")
    indexes = {i.name for t in tables for i in db[t].indexes}
    assert set(INDEXES_0009) <= indexes
    assert "idx_findings_report_id" not in indexes


def test_migration_0010_indexes_the_pages_sort_and_the_coverage_facets(tmp_path):
    from storage.bodies import refresh_bodies
    from storage.coverage import refresh_coverage
    from tests.test_datasette import sample_reports

    path = tmp_path / "nianbao.db"
    db = storage.open_db(path)
    for site, report in sample_reports():
        storage.save_report(db, report, site=site)
    refresh_bodies(db)
    rows = refresh_coverage(db)
    added = ("idx_pages_last_checked", "idx_coverage_level", "idx_coverage_published")
    assert rows and {i.name for t in ("pages", "coverage") for i in db[t].indexes} >= set(added)
    for index in added:  # back to the database as 0009 left it
        db.execute(f"drop index {index}")
    db.execute("delete from _sqlite_migrations where name like '0010%'")
    db.close()

    db = storage.open_db(path)
    assert {i.name for t in ("pages", "coverage") for i in db[t].indexes} >= set(added)
    assert db["coverage"].count == rows
    plan = " ".join(
        r[3] for r in db.execute("explain query plan select url from pages order by last_checked")
    )
    assert "idx_pages_last_checked" in plan and "TEMP B-TREE" not in plan


def test_tables_take_their_columns_from_the_records_they_store():
    from dataclasses import fields

    from crawler.items import PageItem
    from crawler.sites import Site
    from nianbao.nightly.summary import SiteOutcome

    assert {f.name for f in fields(Site)} == set(storage.schema.SITE_FIELDS)
    assert {f.name for f in fields(SiteOutcome)} <= set(storage.TABLES["site_runs"].columns)
    page_columns = {f.name for f in fields(PageItem)} & set(storage.TABLES["pages"].columns)
    assert page_columns == {
        "url", "status", "classification", "fetched_at", "title", "link_text", "referer",
        "encoding", "content_hash", "from_cache", "file_urls",
    }  # fmt: skip
