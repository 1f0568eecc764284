"""Datasette over a nianbao database: pages, JSON, CSV, labels, facets and every canned query.

The database is built through ``storage`` from known ``Report`` objects, so each figure asserted
here is one put in below.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

import storage
from crawler.sites import Site
from nianbao.serving import METADATA_PATH, ServeError, load_metadata, make_datasette
from parsers import schema
from parsers.findings import validate
from parsers.schema import ActiveCell, ApplicationCell, Report, ReviewCell

XIANGNING = Site(
    id="www.xiangning.gov.cn",
    name="乡宁县人民政府",
    start_url="http://www.xiangning.gov.cn/zfxxgk/ndbg/",
    province="山西省",
    city="临汾市",
    county="乡宁县",
    level="county",
    cms_style="trs",
)
GUANGSHAN = Site(
    id="www.guangshan.gov.cn",
    name="光山县人民政府",
    start_url="http://www.guangshan.gov.cn/xxgk/ndbg/",
    province="河南省",
    city="信阳市",
    county="光山县",
    level="county",
    cms_style="hanweb",
)


def _applications(figures: dict[str, dict[str, int | None]]) -> list[ApplicationCell]:
    """Section 三 cells: ``{row: {applicant: value}}``; the total column is added."""
    cells = []
    for row in schema.APPLICATION_ROWS_BY_TEMPLATE["2021"]:
        parts = figures.get(row, {})
        for applicant in schema.APPLICANT_PARTS:
            value = parts.get(applicant, 0)
            cells.append(ApplicationCell(row, applicant, value, str(value)))
        reported = [v for v in parts.values() if v is not None]
        total = sum(reported)
        cells.append(ApplicationCell(row, "total", total, str(total)))
    return cells


def _review(upheld: int = 0) -> list[ReviewCell]:
    cells = []
    for proceeding in schema.PROCEEDINGS:
        values = {"upheld": upheld if proceeding == "review" else 0}
        for outcome in schema.OUTCOMES:
            value = values.get(outcome, 0)
            if outcome == "total":
                value = upheld if proceeding == "review" else 0
            cells.append(ReviewCell(proceeding, outcome, value, str(value)))
    return cells


def _active(decisions: int, fee: float | None) -> list[ActiveCell]:
    cells = [
        ActiveCell(item, metric, 0, "0")
        for item, metrics in schema.ACTIVE_2021.items()
        for metric in metrics
        if metric not in {"decisions", "fee_amount"}
    ]
    cells.append(ActiveCell("administrative_license", "decisions", decisions, str(decisions)))
    cells.append(ActiveCell("administrative_penalty", "decisions", 0, "0"))
    cells.append(ActiveCell("administrative_coercion", "decisions", 0, "0"))
    fee_raw = "—" if fee is None else f"{fee}万元"
    cells.append(ActiveCell("administrative_fees", "fee_amount", fee, fee_raw, "万元"))
    return cells


def _report(
    agency: str,
    year: int,
    figures: dict,
    *,
    url: str,
    upheld: int = 0,
    decisions: int = 0,
    fee: float | None = 0.0,
    text: str = "",
) -> Report:
    report = Report(
        title=f"{agency}{year}年政府信息公开工作年度报告",
        agency=agency,
        year=year,
        template="2021",
        published=f"{year + 1}-01-20",
        url=url,
        active_disclosure=_active(decisions, fee),
        applications=_applications(figures),
        review_litigation=_review(upheld),
        text=text or f"{agency}{year}年政府信息公开工作年度报告。本年度收到政府信息公开申请。",
    )
    report.findings = validate(report)
    return report


def sample_reports() -> list[tuple[Site, Report]]:
    """The reports of the test database, with the figures the tests expect."""
    xn = "http://www.xiangning.gov.cn/zfxxgk/ndbg/"
    gs = "http://www.guangshan.gov.cn/xxgk/ndbg/"
    return [
        # 乡宁县 2021: 10 received (8 people, 2 firms), balanced.
        (
            XIANGNING,
            _report(
                "乡宁县人民政府",
                2021,
                {
                    "new_received": {"natural_person": 8, "commercial_enterprise": 2},
                    "granted": {"natural_person": 5},
                    "partially_granted": {"natural_person": 1},
                    "withheld_third_party": {"natural_person": 2},
                    "unavailable_not_held": {"commercial_enterprise": 2},
                    "total_processed": {"natural_person": 8, "commercial_enterprise": 2},
                },
                url=xn + "2022/t1.html",
                upheld=1,
                decisions=120,
                fee=4.5,
            ),
        ),
        # 乡宁县 2022: 14 received, 12 decided + 1 carried forward: does not balance.
        (
            XIANGNING,
            _report(
                "乡宁县人民政府",
                2022,
                {
                    "new_received": {"natural_person": 14},
                    "granted": {"natural_person": 9},
                    "withheld_third_party": {"natural_person": 1},
                    "withheld_process_info": {"natural_person": 2},
                    "total_processed": {"natural_person": 12},
                    "carried_forward": {"natural_person": 1},
                },
                url=xn + "2023/t1.html",
                decisions=98,
                fee=None,
            ),
        ),
        # 管头镇 2021: every table all zero; no report for 2022.
        (XIANGNING, _report("管头镇人民政府", 2021, {}, url=xn + "2022/t2.html")),
        # 光山县教育局 2022: 30 received, mentions 行政复议.
        (
            GUANGSHAN,
            _report(
                "光山县教育局",
                2022,
                {
                    "new_received": {"natural_person": 25, "legal_service_org": 5},
                    "granted": {"natural_person": 20, "legal_service_org": 5},
                    "withheld_state_secret": {"natural_person": 1},
                    "rejected_complaint": {"natural_person": 4},
                    "total_processed": {"natural_person": 25, "legal_service_org": 5},
                },
                url=gs + "2023/jyj.html",
                upheld=2,
                text="光山县教育局2022年政府信息公开工作年度报告。全年发生行政复议2件，均维持。",
            ),
        ),
    ]


def build_database(path: Path) -> Path:
    """A nianbao database at ``path`` holding :func:`sample_reports`."""
    db = storage.open_db(path)
    for site, report in sample_reports():
        storage.save_report(db, report, site=site, checked_at="2026-11-20T08:00:00+00:00")
    storage.refresh_analyses(db)  # bodies, coverage, 内容雷同: as the store pipeline does
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, as served immutable
    db.close()
    return path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_database(tmp_path_factory.mktemp("datasette") / "nianbao.db")


@pytest.fixture(scope="module")
def client(db_path: Path) -> Iterator[Any]:
    ds = make_datasette(db_path)
    yield ds.client


def get(client: Any, path: str) -> Any:
    response = asyncio.run(client.get(path))
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    return response


def rows(client: Any, path: str) -> list[dict[str, Any]]:
    sep = "&" if "?" in path else "?"
    return get(client, f"{path}{sep}_shape=array").json()


def csv_rows(client: Any, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(get(client, path).content.decode("utf-8-sig"))))


# --- metadata -----------------------------------------------------------------------------


def test_metadata_describes_every_table_and_column(db_path: Path, tmp_path: Path) -> None:
    import sqlite_utils

    from nianbao.nightly.summary import RunSummary, SiteOutcome, store_run

    meta = load_metadata()["databases"]["nianbao"]["tables"]
    copy = tmp_path / "nianbao.db"
    copy.write_bytes(db_path.read_bytes())
    db = sqlite_utils.Database(copy)
    site = SiteOutcome(site_id="www.xiangning.gov.cn", name="乡宁县人民政府").judge()
    store_run(db, RunSummary(run_id="r1", started="2026-11-20T08:00:00+00:00", sites=[site]))
    names = [t for t in db.table_names() if not t.startswith("reports_fts")] + db.view_names()
    undescribed = [n for n in names if not meta.get(n, {}).get("description")]
    assert undescribed == []
    missing = {n: sorted(set(db[n].columns_dict) - set(meta[n].get("columns", {}))) for n in names}
    assert {n: cols for n, cols in missing.items() if cols} == {}


def test_metadata_renames_database_for_other_file_names() -> None:
    meta = load_metadata("nightly")
    assert "nightly" in meta["databases"] and "nianbao" not in meta["databases"]
    charts = meta["plugins"]["datasette-dashboards"]["nianbao"]["charts"]
    assert {c["db"] for c in charts.values()} == {"nightly"}
    assert meta["source_url"] == "/nightly/sites"
    assert 'href="/nightly#queries"' in meta["description_html"]
    assert "/nianbao" not in json.dumps(meta, ensure_ascii=False)
    assert json.loads(METADATA_PATH.read_text(encoding="utf-8"))["databases"]["nianbao"]


def test_missing_or_foreign_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="database not found"):
        make_datasette(tmp_path / "nope.db")
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ServeError, match="not a SQLite database"):
        make_datasette(tmp_path / "junk.db")


def test_serve_command_reports_a_missing_database_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from nianbao.cli import main

    assert main(["serve", "--db", str(tmp_path / "missing.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nianbao serve: database not found:") and err.count("\n") == 1


def test_serve_command_options() -> None:
    from nianbao.cli import build_parser

    args = build_parser().parse_args(["serve", "--db", "x.db"])
    assert (args.host, args.port) == ("127.0.0.1", 8001)
    args = build_parser().parse_args(["serve", "--db", "x.db", "--port", "9000", "--host", "::1"])
    assert (args.host, args.port) == ("::1", 9000)


def test_pending_write_ahead_log_is_detected(db_path: Path, tmp_path: Path) -> None:
    from nianbao.serving import pending_wal

    assert not pending_wal(db_path)
    copy = tmp_path / "nianbao.db"
    copy.write_bytes(db_path.read_bytes())
    Path(f"{copy}-wal").write_bytes(b"x" * 100)
    assert pending_wal(copy)


# --- pages, labels, facets ----------------------------------------------------------------


def test_home_page_shows_title_limitations_and_license(client: Any) -> None:
    html = get(client, "/").text
    assert "政府信息公开工作年度报告" in html
    assert "Data limitations" in html and "Blank is not zero" in html
    assert "CC BY 4.0" in html


def test_database_page_lists_canned_queries(client: Any) -> None:
    html = get(client, "/nianbao").text
    for title in ("申请数量最多的机关", "不予公开的理由", "勾稽关系不平衡的年报", "全部为零的年报"):
        assert title in html


def test_table_page_shows_column_descriptions(client: Any) -> None:
    html = get(client, "/nianbao/applications").text
    assert "One row per cell of section 三" in html
    assert "never 0" in html


def test_labels_appear_beside_keys(client: Any) -> None:
    data = get(
        client,
        "/nianbao/applications.json?_labels=on&_shape=array&row=withheld_third_party"
        "&applicant=total&_sort=value",
    ).json()
    assert data[0]["row"] == {
        "value": "withheld_third_party",
        "label": "(三)不予公开 4.保护第三方合法权益",
    }
    assert data[0]["applicant"]["label"] == "总计"
    assert "年政府信息公开工作年度报告" in data[0]["report_id"]["label"]
    html = get(client, "/nianbao/applications?row=withheld_third_party").text
    assert "保护第三方合法权益" in html and "自然人" in html


def test_reports_facets_count_years_and_counties(client: Any) -> None:
    data = get(client, "/nianbao/reports.json?_facet=county&_facet=template").json()
    facets = {
        name: {str(v["value"]): v["count"] for v in f["results"]}
        for name, f in data["facet_results"].items()
    }
    assert facets["year"] == {"2021": 2, "2022": 2}
    assert facets["county"] == {"乡宁县": 3, "光山县": 1}
    assert facets["level"] == {"county": 2, "township": 1, "department": 1}
    assert facets["template"] == {"2021": 4}
    default = get(client, "/nianbao/reports.json").json()["facet_results"]
    assert set(default) == {"year", "province", "level", "read_quality"}


def test_report_summary_view_figures(client: Any) -> None:
    data = rows(client, "/nianbao/report_summary.json?agency=乡宁县人民政府&_sort=year")
    assert [
        (r["year"], r["applications_received"], r["withheld"], r["total_processed"]) for r in data
    ] == [(2021, 10, 2, 10), (2022, 14, 3, 12)]


def test_full_text_search_on_reports(client: Any) -> None:
    data = rows(client, "/nianbao/reports.json?_search=行政复议")
    assert [r["agency"] for r in data] == ["光山县教育局"]


def test_a_search_too_broad_for_the_page_answers_with_its_count_and_the_ways_that_work(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nianbao.web import searchbox

    every = rows(client, "/nianbao/reports.json?_search=年度报告")  # in every title
    assert len(every) == 4
    monkeypatch.setattr(searchbox, "PAGE_MAX_MATCHES", 3)  # as 100,000 is at national size
    page = asyncio.run(client.get("/nianbao/reports?_search=年度报告"))
    assert page.status_code == 400
    assert "is in 4 reports, more than 3" in page.text
    assert 'href="/nianbao/search?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A"' in page.text
    for export in ("json", "csv"):  # each would read the same rows
        answer = asyncio.run(client.get(f"/nianbao/reports.{export}?_search=年度报告"))
        assert answer.status_code == 400 and "is in 4 reports" in answer.text
    monkeypatch.setattr(searchbox, "PAGE_MAX_MATCHES", 4)
    assert len(rows(client, "/nianbao/reports.json?_search=年度报告")) == 4
    narrow = get(client, "/nianbao/reports?_search=行政复议").text  # 1 match: the page
    assert "光山县教育局" in narrow


# --- canned queries -----------------------------------------------------------------------


def test_most_applications_latest_year(client: Any) -> None:
    data = rows(client, "/nianbao/most_applications.json")
    assert [(r["agency"], r["year"], r["applications_received"]) for r in data] == [
        ("光山县教育局", 2022, 30),
        ("乡宁县人民政府", 2022, 14),
    ]
    data = rows(client, "/nianbao/most_applications.json?year=2021&province=山西省")
    assert [(r["agency"], r["applications_received"]) for r in data] == [
        ("乡宁县人民政府", 10),
        ("管头镇人民政府", 0),
    ]


def test_withheld_by_reason(client: Any) -> None:
    data = rows(client, "/nianbao/withheld_by_reason.json?year=2022")
    got = {
        r["reason"]: (r["applications"], r["total_processed"], r["percent_of_decided"])
        for r in data
        if r["applications"]
    }
    # 2022: 乡宁县 decided 12 (1 third party, 2 process info), 光山县 30 (1 state secret).
    assert got == {
        "withheld_process_info": (2, 42, 4.76),
        "withheld_third_party": (1, 42, 2.38),
        "withheld_state_secret": (1, 42, 2.38),
    }
    assert {r["label"] for r in data} >= {"(三)不予公开 6.属于四类过程性信息"}
    assert {r["year"] for r in rows(client, "/nianbao/withheld_by_reason.json")} == {2022}
    all_years = rows(client, "/nianbao/withheld_by_reason.json?year=all")
    assert {r["year"] for r in all_years} == {2021, 2022}


def test_unbalanced_reports(client: Any) -> None:
    data = rows(client, "/nianbao/unbalanced.json")
    assert [(r["agency"], r["year"]) for r in data] == [("乡宁县人民政府", 2022)]
    assert "balance" in data[0]["rules"]
    assert rows(client, "/nianbao/unbalanced.json?year=2021") == []


def test_all_zero_reports(client: Any) -> None:
    data = rows(client, "/nianbao/all_zero.json?year=2021")
    assert [(r["agency"], r["active_all_zero"]) for r in data] == [("管头镇人民政府", 1)]
    assert rows(client, "/nianbao/all_zero.json") == []  # latest year, 2022: none
    assert [r["year"] for r in rows(client, "/nianbao/all_zero.json?year=all")] == [2021]


def test_missing_reports_for_a_county(client: Any) -> None:
    data = rows(client, "/nianbao/missing_reports.json?county=乡宁县&year=2022")
    assert [(r["agency"], r["years_with_report"], r["last_report"]) for r in data] == [
        ("管头镇人民政府", "2021", 2021)
    ]
    assert rows(client, "/nianbao/missing_reports.json?county=乡宁县&year=2021") == []


def test_body_trend_year_over_year(client: Any) -> None:
    data = rows(client, "/nianbao/body_trend.json?agency=乡宁县")
    assert [
        (r["year"], r["applications_received"], r["received_change"], r["withheld_change"])
        for r in data
    ] == [(2021, 10, None, None), (2022, 14, 4, 1)]
    assert rows(client, "/nianbao/body_trend.json") == []  # no body named: nothing


def test_reports_with_findings(client: Any) -> None:
    data = rows(client, "/nianbao/reports_with_findings.json?severity=error")
    assert [(r["agency"], r["year"]) for r in data] == [("乡宁县人民政府", 2022)]


def test_search_query_long_and_short_words(client: Any) -> None:
    data = rows(client, "/nianbao/search.json?q=行政复议")
    assert [r["agency"] for r in data] == ["光山县教育局"]
    assert "【行政复议】" in data[0]["context"]
    short = rows(client, "/nianbao/search.json?q=复议")  # two characters: substring match
    assert [r["agency"] for r in short] == ["光山县教育局"]
    assert rows(client, "/nianbao/search.json") == []


def test_applications_and_outcomes_per_year(client: Any) -> None:
    data = rows(client, "/nianbao/applications_per_year.json")
    assert [(r["year"], r["reports"], r["applications_received"]) for r in data] == [
        (2021, 2, 10),
        (2022, 2, 44),
    ]
    outcomes = rows(client, "/nianbao/outcomes_by_year.json?county=光山县")
    assert [(r["outcome"], r["applications"], r["percent"]) for r in outcomes] == [
        ("予以公开 granted", 25, 83.3),
        ("部分公开 partially granted", 0, 0.0),
        ("不予公开 withheld", 1, 3.3),
        ("无法提供 unavailable", 0, 0.0),
        ("不予处理 rejected", 4, 13.3),
        ("其他处理 other", 0, 0.0),
    ]


def test_sites_without_reports(client: Any) -> None:
    # Both sites were stored through their reports, not by a crawl: no last_reports yet.
    data = rows(client, "/nianbao/sites_without_reports.json")
    assert [(r["site"], r["reports_ever"]) for r in data] == [
        ("www.xiangning.gov.cn", 3),
        ("www.guangshan.gov.cn", 1),
    ]


def test_feeds_of_new_and_changed_reports(client: Any) -> None:
    data = rows(client, "/nianbao/new_reports_feed.json")
    assert len(data) == 4 and data[0]["atom_updated"] == "2026-11-20T08:00:00+00:00"
    atom = get(client, "/nianbao/new_reports_feed.atom")
    assert atom.headers["content-type"].startswith("application/xml")
    assert "光山县教育局2022年政府信息公开工作年度报告" in atom.text
    assert get(client, "/nianbao/changed_reports_feed.json").json()["ok"] is True


def test_every_canned_query_runs(client: Any) -> None:
    queries = load_metadata()["databases"]["nianbao"]["queries"]
    for name in queries:
        data = get(client, f"/nianbao/{name}.json").json()
        assert data["ok"] is True, name
        get(client, f"/nianbao/{name}")  # the HTML page with its form
        lines = get(client, f"/nianbao/{name}.csv").content.decode("utf-8-sig").splitlines()
        assert lines[0].split(",") == data["columns"], name
        assert len(lines) == 1 + len(data["rows"]), name


# --- CSV ------------------------------------------------------------------------------------


def test_csv_of_table_streams_all_rows_with_chinese(client: Any) -> None:
    data = csv_rows(client, "/nianbao/applications.csv?_labels=on&_stream=on&_size=max")
    assert len(data) == 4 * len(schema.APPLICATION_ROWS_BY_TEMPLATE["2021"]) * 7
    third = [r for r in data if r["row"] == "withheld_third_party" and r["applicant"] == "total"]
    assert {r["row_label"] for r in third} == {"(三)不予公开 4.保护第三方合法权益"}
    assert sorted(r["value"] for r in third) == ["0", "0", "1", "2"]


def test_csv_of_view_and_canned_query(client: Any) -> None:
    summary = csv_rows(client, "/nianbao/report_summary.csv?_stream=on")
    assert {r["agency"] for r in summary} == {"乡宁县人民政府", "管头镇人民政府", "光山县教育局"}
    missing = csv_rows(client, "/nianbao/missing_reports.csv?county=乡宁县&year=2022")
    assert [r["agency"] for r in missing] == ["管头镇人民政府"]


def test_query_csv_is_not_cut_at_a_thousand_rows(client: Any) -> None:
    # Query results are not paginated: their CSV holds every row up to max_returned_rows.
    sql = urlencode({"sql": "select a.value, b.label from applications a, applicants b"})
    data = csv_rows(client, f"/nianbao.csv?{sql}")
    assert len(data) == 4 * len(schema.APPLICATION_ROWS_BY_TEMPLATE["2021"]) * 7 * 7
    assert data[0]["label"] == "自然人"


def test_xlsx_download_of_a_table(client: Any) -> None:
    from openpyxl import load_workbook

    response = get(client, "/nianbao/reports.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    agencies = {row[header.index("agency")] for row in values[1:]}
    assert agencies == {"乡宁县人民政府", "管头镇人民政府", "光山县教育局"}


# --- charts -----------------------------------------------------------------------------------


def chart_query(chart: dict[str, Any], **params: str) -> str:
    """The URL the dashboard's JavaScript fetches for ``chart`` (filters blank unless given)."""
    args = {"province": "", "county": "", **params}
    return "/nianbao.json?" + urlencode({"sql": chart["query"], **args, "_shape": "objects"})


def test_the_markdown_plugin_keeps_its_template_function_not_its_cell_hook(client: Any) -> None:
    from datasette.plugins import pm

    def plugins(hook: Any) -> set[str]:
        return {getattr(impl.plugin, "__name__", "") for impl in hook.get_hookimpls()}

    assert "datasette_render_markdown" not in plugins(pm.hook.render_cell)
    assert "datasette_render_markdown" in plugins(pm.hook.extra_template_vars)
    assert "datasette_render_markdown" in plugins(pm.hook.prepare_jinja2_environment)
    (template_vars,) = [  # what a dashboard's Markdown chart renders with
        impl.function()
        for impl in pm.hook.extra_template_vars.get_hookimpls()
        if impl.plugin.__name__ == "datasette_render_markdown"
    ]
    assert "<p><strong>复议</strong></p>" in template_vars["render_markdown"]("**复议**")


def test_dashboard_page_and_chart_queries(client: Any) -> None:
    html = get(client, "/-/dashboards/nianbao").text
    assert "每年新收申请" in html and "vega-lite.min.js" in html
    charts = load_metadata()["plugins"]["datasette-dashboards"]["nianbao"]["charts"]
    for slug, chart in charts.items():
        assert get(client, chart_query(chart)).json()["rows"], slug
    bodies = get(client, chart_query(charts["bodies"])).json()["rows"]
    assert bodies == [{"n": 3}]  # 乡宁县 (two years), 管头镇, 光山县教育局
    per_year = get(client, chart_query(charts["applications-per-year"])).json()["rows"]
    assert [(r["year"], r["applications"]) for r in per_year] == [(2021, 10), (2022, 44)]
    shanxi = get(client, chart_query(charts["applications-per-year"], province="山西省"))
    assert [(r["year"], r["applications"]) for r in shanxi.json()["rows"]] == [
        (2021, 10),
        (2022, 14),
    ]
    reasons = get(client, chart_query(charts["withheld-reasons"])).json()["rows"]
    assert reasons[0] == {"reason": "(三)不予公开 6.属于四类过程性信息", "applications": 2}  # 2022
    shanxi = get(client, chart_query(charts["withheld-reasons"], county="光山县")).json()["rows"]
    assert shanxi[0] == {"reason": "(三)不予公开 1.属于国家秘密", "applications": 1}
