"""``figures_by_region``: the summary table of totals equals the sums over ``report_summary``,
kept current by ``save_report`` (new, changed, moved reports) and rebuilt by a refresh."""

from __future__ import annotations

import random

import pytest

import storage
from parsers.schema import ApplicationCell, ReviewCell
from storage.summaries import COLUMNS, GROUP, refresh_bodies, refresh_region_figures
from tests.test_storage import SITE, make_report

SUMS = [c for c in COLUMNS if c not in GROUP]


def expected(db) -> list[tuple]:
    """The totals computed from every report (what the summary table must hold)."""
    sums = ", ".join(
        "count(*)" if c == "reports" else
        "count(applications_received)" if c == "reports_with_figures" else f"sum({c})"
        for c in SUMS
    )  # fmt: skip
    sql = f"select {', '.join(GROUP)}, {sums} from report_summary group by {', '.join(GROUP)}"
    return sorted(db.execute(sql).fetchall(), key=repr)


def stored(db) -> list[tuple]:
    sql = f"select {', '.join(GROUP)}, {', '.join(SUMS)} from figures_by_region"
    return sorted(db.execute(sql).fetchall(), key=repr)


def random_report(rng: random.Random, n: int):
    received = None if rng.random() < 0.2 else rng.randint(0, 50)
    apps = [ApplicationCell("granted", "total", rng.randint(0, 9), "x")]
    if received is not None:
        apps.append(ApplicationCell("new_received", "total", received, str(received)))
    agency = rng.choice(
        ["瓦屋镇人民政府", "石门县教育局", "石门县人民政府", f"第{n % 4}镇人民政府"]
    )
    return make_report(
        agency=agency,
        year=rng.choice([2020, 2021, 2022]),
        title=f"{agency}年报{n}",
        applications=apps,
        review_litigation=[ReviewCell("review", "total", rng.randint(0, 3), "x")],
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_save_report_keeps_the_totals_current(nianbao_db, seed):
    db, rng = nianbao_db, random.Random(seed)
    other = {**SITE, "id": "cili", "county": "慈利县", "city": "张家界市"}
    storage.save_sites(db, [SITE, other])
    for n in range(40):  # new reports, and the same ones again with other figures (changed)
        site = rng.choice([SITE, other])
        storage.save_report(db, random_report(rng, n % 25), site=site["id"])
    assert db["figures_by_region"].count > 1
    assert stored(db) == expected(db)
    # A site moved to another county: its reports move group when they are written again.
    storage.save_sites(db, [{**other, "county": "永定区"}])
    for n in range(25):
        storage.save_report(db, random_report(rng, n), site="cili")
    assert stored(db) == expected(db)


def test_a_new_report_is_added_to_its_group_row_as_a_rebuild_computes_it(nianbao_db):
    """Adding a new report's figures to its group's row (not summing the group again) gives
    the sums of a rebuild: nulls left out, a float figure summed by SQL; and a warning that
    comes with a copy from another source (``sources_differ``) counts at once."""
    db, rng = nianbao_db, random.Random(5)
    storage.save_sites(db, [SITE])
    for n in range(30):
        report = random_report(rng, n)
        if n % 3:  # a figure that is not a whole number: the group is summed by SQL
            report.applications.append(ApplicationCell("carried_over", "total", 0.1, "0.1"))
        storage.save_report(db, report, site="shimen")
        assert stored(db) == expected(db), n
    poorer = random_report(random.Random(5), 0)  # the first report again, fewer cells,
    poorer.applications = poorer.applications[:1]  # found at another address
    assert storage.save_report(db, poorer, site="shimen", sources=["http://x.test/b"]) == (
        "unchanged"
    )
    assert db["findings"].count_where("rule = 'sources_differ'") == 1
    assert stored(db) == expected(db)


def test_refresh_rebuilds_the_table_after_a_bulk_write(nianbao_db):
    db = nianbao_db
    storage.save_sites(db, [SITE])
    storage.save_report(db, make_report(), site="shimen")
    db.execute("update report_figures set applications_received = 1000")  # written directly
    assert stored(db) != expected(db)
    refresh_region_figures(db)
    assert stored(db) == expected(db)
    assert db.execute(
        "select reports, applications_received from figures_by_region"
    ).fetchall() == [(1, 1000)]


def test_open_db_fills_the_table_of_an_older_database(tmp_path):
    db = storage.open_db(tmp_path / "old.db")
    storage.save_sites(db, [SITE])
    storage.save_report(db, make_report(), site="shimen")
    db["figures_by_region"].drop()
    db.close()
    db = storage.open_db(tmp_path / "old.db")
    assert stored(db) == expected(db) and db["figures_by_region"].count == 1


def _bodies(db) -> list[tuple]:
    return sorted(db.execute("select * from reports_by_body").fetchall(), key=repr)


@pytest.mark.parametrize("seed", [1, 2])
def test_save_report_keeps_the_years_of_each_body_current(nianbao_db, seed):
    db, rng = nianbao_db, random.Random(seed)
    other = {**SITE, "id": "cili", "county": "慈利县", "city": "张家界市"}
    storage.save_sites(db, [SITE, other])
    for n in range(40):  # new reports, the same ones again (another year: a body loses a year)
        storage.save_report(db, random_report(rng, n % 25), site=rng.choice(["shimen", "cili"]))
    storage.save_sites(db, [{**other, "county": "永定区"}])  # its bodies move county
    for n in range(25):
        storage.save_report(db, random_report(rng, n), site="cili")
    kept = _bodies(db)
    refresh_bodies(db)  # the table rebuilt from every report
    assert kept == _bodies(db) and len(kept) > 4
    years = db.execute(
        "select group_concat(distinct year) from (select year from reports"
        " where agency like '石门县教育局' and county = '石门县' order by year)"
    ).fetchone()[0]
    stored_years = db.execute(
        "select years from reports_by_body where body = '石门县教育局' and county = '石门县'"
    ).fetchone()
    assert (stored_years[0] if stored_years else None) == years
