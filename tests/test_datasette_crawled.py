"""Datasette over a database crawled from the bundled sample portals (what ``make demo`` builds).

``nianbao.demo.build`` serves the mock portals, crawls them with ``nianbao crawl`` and prepares
the file for immutable serving; the figures Datasette shows must be the ones the portals print
(``samples/portals/*/expected.json``).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nianbao import demo
from nianbao.serving import make_datasette
from nianbao.testing.portalserver import PORTALS_DIR, SITES

pytestmark = pytest.mark.slow


def expected_sites() -> dict[str, dict[str, Any]]:
    return {
        key: json.loads((PORTALS_DIR / key / "expected.json").read_text(encoding="utf-8"))
        for key in SITES
    }


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("crawled") / "nianbao.db"
    counts = demo.build(db)
    assert counts["reports"] > 0
    return db


@pytest.fixture(scope="module")
def client(crawled: Path) -> Iterator[Any]:
    yield make_datasette(crawled).client


def fetch(client: Any, path: str) -> Any:
    response = asyncio.run(client.get(path))
    assert response.status_code == 200, (path, response.text[:300])
    return response


def test_database_is_ready_for_immutable_serving(crawled: Path) -> None:
    assert not Path(f"{crawled}-wal").exists()
    assert not crawled.with_name(crawled.name + ".building").exists()


def test_every_expected_report_is_published_with_its_figures(client: Any) -> None:
    """Each figure is the printed one, or null with a finding that says why (never wrong)."""
    summary = fetch(client, "/nianbao/report_summary.json?_shape=array&_size=max").json()
    by_key = {(r["county"], r["agency"], r["year"]): r for r in summary}
    findings = fetch(client, "/nianbao/findings.json?_shape=array&_size=max").json()
    missing_tables = {
        (f["report_id"], f["message"][-4:]) for f in findings if f["rule"] == "missing_table"
    }
    figures = {
        "applications.new_received.total": ("applications_received", "申请情况"),
        "applications.total_processed.total": ("total_processed", "申请情况"),
        "review_litigation.review.total": ("review_total", "诉讼情况"),
    }
    rules: dict[str, set[str]] = {}
    for f in findings:
        rules.setdefault(f["report_id"], set()).add(f["rule"])
    checked = found = expected = 0
    for site in expected_sites().values():
        for report in site["reports"]:
            expected += 1
            row = by_key.get((site["county"], report["agency"], report["year"]))
            assert row is not None, (site["county"], report["agency"], report["year"])
            found += 1
            assert row["province"] == site["province"] and row["level"] == report["level"]
            got = sorted(rules.get(row["id"], ()))
            assert got == report["findings"], (report["agency"], report["year"])
            for cell, (column, table_end) in figures.items():
                if cell not in report["cells"]:
                    continue
                if row[column] is None and (row["id"], table_end) in missing_tables:
                    continue  # not read, and a finding says so
                assert row[column] == report["cells"][cell], (report["agency"], column)
                checked += 1
    assert found == expected and checked >= 2 * found


def manifest_reports(*rules: str) -> set[tuple[str, str, int]]:
    """(county, agency, year) of the manifest reports expected to show any of ``rules``."""
    return {
        (site["county"], r["agency"], r["year"])
        for site in expected_sites().values()
        for r in site["reports"]
        if set(r["findings"]) & set(rules)
    }


def test_unbalanced_query_lists_the_misprinted_reports(client: Any) -> None:
    rows = fetch(client, "/nianbao/unbalanced.json?_shape=array&year=&county=").json()
    want = manifest_reports(
        "balance", "total_processed_sum", "applicant_total_sum", "review_total_sum"
    )
    assert len(want) >= 3
    assert {(r["county"], r["agency"], r["year"]) for r in rows} == want


def test_all_zero_query_lists_the_body_with_nothing_to_report(client: Any) -> None:
    rows = fetch(client, "/nianbao/all_zero.json?_shape=array&year=all&county=").json()
    want = {
        (site["county"], r["agency"], r["year"])
        for site in expected_sites().values()
        for r in site["reports"]
        if r["cells"]
        and not any(r["cells"].values())  # every known cell 0 (not blank)
        and None not in r["cells"].values()
    }
    assert want  # hanweb: 宁波市江北区人民政府 2023
    assert {(r["county"], r["agency"], r["year"]) for r in rows} == want
    assert all(r["active_all_zero"] == 1 for r in rows)


def test_county_facet_counts_the_reports_of_each_portal(client: Any, crawled: Path) -> None:
    data = fetch(client, "/nianbao/reports.json?_facet=county").json()
    counts = {f["value"]: f["count"] for f in data["facet_results"]["county"]["results"]}
    with sqlite3.connect(crawled) as conn:
        stored = dict(conn.execute("select county, count(*) from reports group by county"))
    assert counts == stored
    assert set(counts) == {s["county"] for s in expected_sites().values()}


def stored_reports(db: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select county, agency, year from reports").fetchall()


def test_missing_reports_of_a_county(client: Any, crawled: Path) -> None:
    county = expected_sites()["townships"]["county"]
    reports = [(agency, year) for c, agency, year in stored_reports(crawled) if c == county]
    years = sorted({year for _, year in reports})
    year = years[1]  # a year some bodies skipped
    expected = sorted({a for a, _ in reports} - {a for a, y in reports if y == year})
    assert expected  # the sample portal has bodies without a report that year
    rows = fetch(
        client, f"/nianbao/missing_reports.json?_shape=array&county={county}&year={year}"
    ).json()
    assert sorted(r["agency"] for r in rows) == expected


def test_most_applications_csv_has_chinese_names(client: Any) -> None:
    year = 2022
    printed = {}
    for site in expected_sites().values():
        for report in site["reports"]:
            value = report["cells"].get("applications.new_received.total")
            if report["year"] == year and value is not None:
                printed[report["agency"]] = value
    text = fetch(client, f"/nianbao/most_applications.csv?year={year}").content.decode("utf-8")
    assert text.startswith("\ufeffreport_id,agency,province,city,county,level,year,")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    got = {r["agency"]: int(r["applications_received"]) for r in rows}
    assert len(got) >= 0.9 * len(printed)
    shown = {k: v for k, v in got.items() if k in printed}  # not: a report without 总计
    assert len(shown) >= len(got) - 1
    assert {k: printed[k] for k in shown} == shown  # Chinese names intact, figures as printed
    assert [int(r["applications_received"]) for r in rows] == sorted(got.values(), reverse=True)


def test_demo_no_serve_replaces_the_database_and_keeps_the_previous(
    tmp_path: Path, crawled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def crawl_copy(sites_csv: Path, db: Path, workdir: Path) -> int:  # the crawl, already run
        calls.append(list(csv.DictReader(sites_csv.open(encoding="utf-8"))))
        db.write_bytes(crawled.read_bytes())
        return 0

    monkeypatch.setattr(demo, "crawl", crawl_copy)
    db = tmp_path / "nianbao.db"
    db.write_bytes(b"old")
    assert demo.main(["--db", str(db), "--no-serve"]) == 0
    assert db.with_name("nianbao.db.previous").read_bytes() == b"old"
    sites = calls[0]
    assert {s["county"] for s in sites} == {s["county"] for s in expected_sites().values()}
    assert all(s["start_url"].startswith("http://127.0.0.1:") for s in sites)
    data = fetch(make_datasette(db).client, "/nianbao/reports.json").json()
    assert data["filtered_table_rows_count"] == len(stored_reports(crawled))


def test_withheld_by_reason_shows_the_printed_reasons(client: Any) -> None:
    """不予公开的理由: the reasons the mock reports print (third party, process information,
    state secret…) come out non-zero, each year's figure the sum of the printed 总计 cells."""
    rows = fetch(client, "/nianbao/withheld_by_reason.json?_shape=array&year=all").json()
    got = {(r["year"], r["reason"]): r["applications"] for r in rows}
    printed: dict[tuple[int, str], int] = {}
    inexact_years: set[int] = set()  # a report without 总计 column: summed from its columns
    for site in expected_sites().values():
        for report in site["reports"]:
            cells, year = report["cells"], report["year"]
            if cells and "applications.new_received.total" not in cells:
                inexact_years.add(year)
            for reason in ("withheld_third_party", "withheld_process_info"):
                value = cells.get(f"applications.{reason}.total") or 0
                printed[(year, reason)] = printed.get((year, reason), 0) + value
    exact_years = {year for year, _ in printed} - inexact_years
    assert {year for year, _ in printed} == {2020, 2021, 2022, 2023}
    assert all(printed[(year, "withheld_third_party")] > 0 for year in (2020, 2021, 2022, 2023))
    assert all(printed[(year, "withheld_process_info")] > 0 for year in (2021, 2022, 2023))
    assert exact_years == {2020, 2021, 2023}  # 2022: a report without 总计 column
    for (year, reason), value in printed.items():
        assert got[(year, reason)] == value if year in exact_years else got[(year, reason)] >= value
    reasons = {reason for (_, reason), n in got.items() if n}
    assert {"withheld_third_party", "withheld_process_info", "withheld_state_secret"} <= reasons
    assert len(reasons) >= 6  # county governments print most of the eight reasons
    for r in rows:
        if r["applications"] and r["total_processed"]:
            assert r["percent_of_decided"] == round(
                100 * r["applications"] / r["total_processed"], 2
            )
    latest = fetch(client, "/nianbao/withheld_by_reason.json?_shape=array&year=").json()
    assert {r["year"] for r in latest} == {2023}
    assert latest[0]["applications"] == max(n for (y, _), n in got.items() if y == 2023) > 0
