"""Operator errors: each is one line on the terminal and a documented exit status."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.fetcherrors import reason_for
from crawler.sites import check_start_url, load_sites, region_from_names
from nianbao.commands import crawl as crawl_command
from nianbao.commands.crawl import EXIT_BAD_INPUT, EXIT_NO_REPORT, summarize

ROOT = Path(__file__).resolve().parent.parent
GBK_SITES = (
    "name,province,city,county,start_url\n白水县人民政府,陕西省,渭南市,白水县,http://127.0.0.1:9/\n"
)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def only_line(text: str) -> str:
    assert "Traceback" not in text
    (line,) = text.strip().splitlines()
    return line


# --- nianbao crawl: checked before crawling (exit 2) ----------------------------------------


def test_crawl_refuses_a_word_that_is_no_url(capsys, tmp_path) -> None:
    assert crawl_command.main(["notaurl", "--db", str(tmp_path / "n.db")]) == EXIT_BAD_INPUT
    err = only_line(capsys.readouterr().err)
    assert err == (
        "nianbao crawl: not a URL: 'notaurl' (expected a portal address such as"
        " http://www.example.gov.cn/)"
    )
    assert not (tmp_path / "n.db").exists()  # nothing started


def test_crawl_refuses_another_scheme(capsys) -> None:
    assert crawl_command.main(["ftp://www.example.gov.cn/"]) == EXIT_BAD_INPUT
    assert only_line(capsys.readouterr().err) == (
        "nianbao crawl: not an http(s) URL: 'ftp://www.example.gov.cn/' (scheme ftp:)"
    )


def test_url_without_scheme_is_fixed_with_a_note() -> None:
    assert check_start_url("www.baishui.gov.cn/xxgk/") == (
        "http://www.baishui.gov.cn/xxgk/",
        "www.baishui.gov.cn/xxgk/ has no scheme: crawling http://www.baishui.gov.cn/xxgk/",
    )
    assert check_start_url(" https://a.gov.cn ") == ("https://a.gov.cn", None)


@pytest.mark.parametrize("db", ["/proc/nope/x.db", "DIR"])
def test_crawl_refuses_an_unwritable_database(capsys, tmp_path, db) -> None:
    path = str(tmp_path) if db == "DIR" else db
    assert crawl_command.main(["http://127.0.0.1:9/", "--db", path]) == EXIT_BAD_INPUT
    err = only_line(capsys.readouterr().err)
    assert err.startswith(f"nianbao crawl: cannot write the database {path}: ")
    if db != "DIR":
        assert err.endswith(": No such file or directory")


def test_gbk_sites_csv_is_read_as_gbk(tmp_path, caplog) -> None:
    path = tmp_path / "sites.csv"
    path.write_bytes(GBK_SITES.encode("gbk"))  # Excel / WPS "CSV" on Chinese Windows
    (site,) = load_sites(path)
    assert (site.name, site.province, site.city, site.county) == (
        "白水县人民政府", "陕西省", "渭南市", "白水县",
    )  # fmt: skip
    assert "is not UTF-8: read as gb18030" in caplog.text
    assert crawl_command.check_sites_file(str(path)) == [
        f"{path} is not UTF-8: read as GBK (GB18030)"
    ]


def test_sites_csv_neither_utf8_nor_gbk_is_refused(capsys, tmp_path) -> None:
    path = tmp_path / "sites.csv"
    path.write_bytes(b"name,start_url\n\xff\xfe\x81\x30,http://x.gov.cn/\n")
    assert crawl_command.main(["--sites", str(path)]) == EXIT_BAD_INPUT
    assert only_line(capsys.readouterr().err) == (
        f'nianbao crawl: {path} is neither UTF-8 nor GBK: save it as "CSV UTF-8" and try again'
    )


# --- nianbao crawl: why a site gave no report ------------------------------------------------


def test_refused_connection_is_named_and_schemeless_url_crawled(tmp_path) -> None:
    port = closed_port()
    db = tmp_path / "n.db"
    argv = [
        sys.executable, "-m", "nianbao.commands.crawl", f"127.0.0.1:{port}/",
        "--db", str(db), "--settings", "crawler.settings.test",
        "--httpcache", str(tmp_path / "cache"), "--files", str(tmp_path / "files"),
    ]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == EXIT_NO_REPORT
    assert (
        f"nianbao crawl: note: 127.0.0.1:{port}/ has no scheme: crawling http://127.0.0.1:{port}/"
        in proc.stderr
    )
    assert f"NO REPORT FOUND:  127.0.0.1:{port} (unreachable: connection refused ×1)" in (
        proc.stdout.splitlines()
    )
    import sqlite_utils

    (site,) = sqlite_utils.Database(db)["sites"].rows
    assert site["start_url"] == f"http://127.0.0.1:{port}/"


def test_dns_failure_and_timeout_are_named() -> None:
    from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError
    from twisted.internet.error import DNSLookupError, TCPTimedOutError

    assert reason_for(CannotResolveHostError("x")) == "DNS lookup failed (no such host)"
    assert reason_for(DNSLookupError("x")) == "DNS lookup failed (no such host)"
    assert reason_for(DownloadTimeoutError("x")) == reason_for(TCPTimedOutError()) == "timed out"
    stats = {
        "nianbao/fetch_error/a/DNS lookup failed (no such host)": 1,
        "nianbao/fetch_error/b/timed out": 2,
        "nianbao/fetch_error/c/HTTP 404": 3,
        "nianbao/answered/c": 5,
    }
    lines, empty = summarize(stats, ["a", "b", "c"])
    assert empty == ["a", "b", "c"]
    assert lines[-3:] == [
        "NO REPORT FOUND:  a (unreachable: DNS lookup failed (no such host) ×1)",
        "NO REPORT FOUND:  b (unreachable: timed out ×2)",
        "NO REPORT FOUND:  c (fetch errors: HTTP 404 ×3)",
    ]


# --- bare URL: the region read from the reports ----------------------------------------------


def test_region_of_a_bare_url_site_is_read_from_its_reports(nianbao_db) -> None:
    import storage
    from parsers.schema import Report
    from storage.regions import fill_site_region

    site = {"id": "www.baishui.gov.cn", "name": "www.baishui.gov.cn", "start_url": "http://x/"}
    for agency in ("白水县人民政府", "尧禾镇人民政府"):
        report = Report(
            title=f"{agency}2023年政府信息公开工作年度报告", agency=agency, year=2023,
            text="正文……\n主办：陕西省渭南市白水县人民政府办公室",
        )  # fmt: skip
        storage.save_report(nianbao_db, report, site=site)
    storage.refresh_analyses(nianbao_db)
    region = fill_site_region(nianbao_db, "www.baishui.gov.cn", region_from_names)
    assert region == {"province": "陕西省", "city": "渭南市", "county": "白水县"}
    rows = nianbao_db.execute("select distinct province, city, county from reports").fetchall()
    assert rows == [("陕西省", "渭南市", "白水县")]
    assert nianbao_db.execute("select province, county from sites").fetchall() == [
        ("陕西省", "白水县")
    ]
    assert nianbao_db.execute("select distinct county from coverage").fetchall() == [("白水县",)]
    # the summary rows follow: the figures' copy, the totals by region, each body's years
    assert nianbao_db.execute("select distinct province from report_figures").fetchall() == [
        ("陕西省",)
    ]
    assert nianbao_db.execute(
        "select province, county, reports from figures_by_region"
    ).fetchall() == [("陕西省", "白水县", 1), ("陕西省", "白水县", 1)]
    assert nianbao_db.execute(
        "select province, county, body from reports_by_body order by body"
    ).fetchall() == [("陕西省", "白水县", "尧禾镇"), ("陕西省", "白水县", "白水县")]


def test_region_from_names_keeps_unknowns_none() -> None:
    assert region_from_names(["石门县人民政府", "瓦屋镇人民政府"]) == {
        "province": None, "city": None, "county": "石门县",
    }  # fmt: skip
    assert region_from_names(["广西壮族自治区百色市隆林各族自治县人民政府"]) == {
        "province": "广西壮族自治区", "city": "百色市", "county": "隆林各族自治县",
    }  # fmt: skip


# --- nightly, serve, demo ---------------------------------------------------------------------


def test_nightly_refuses_a_database_it_cannot_write(capsys, tmp_path) -> None:
    from nianbao.cli import main

    sites = tmp_path / "sites.csv"
    sites.write_text("name,start_url\nA,http://127.0.0.1:9/\n", encoding="utf-8")
    assert main(["nightly", "--sites", str(sites), "--db", "/proc/nope/x.db"]) == 2
    out = only_line(capsys.readouterr().out)
    assert out == (
        "nianbao nightly: cannot create /proc/nope: No such file or directory (--db / --workdir)"
    )


@pytest.fixture
def taken_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_demo_checks_the_port_before_crawling(capsys, tmp_path, taken_port) -> None:
    from nianbao import demo

    db = tmp_path / "demo.db"
    assert demo.main(["--port", str(taken_port), "--db", str(db)]) == demo.EXIT_PORT_IN_USE
    err = only_line(capsys.readouterr().err)
    assert err == (
        f"nianbao demo: port {taken_port} on 127.0.0.1 is in use (another server?); choose"
        f" another: make demo PORT={taken_port + 1} (or python -m nianbao.demo --port"
        f" {taken_port + 1})"
    )
    assert not db.exists()


def test_make_demo_passes_port() -> None:
    out = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "demo", "PORT=8123"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    ).stdout  # fmt: skip
    assert "-m nianbao.demo --port 8123 --host 127.0.0.1" in out


def test_serve_refuses_a_taken_port_and_bad_settings(capsys, nianbao_db, taken_port) -> None:
    from nianbao.cli import main

    db = str(nianbao_db.conn.execute("pragma database_list").fetchone()[2])
    nianbao_db.conn.execute("pragma wal_checkpoint(truncate)")
    assert main(["serve", "--db", db, "--port", str(taken_port)]) == 2
    assert only_line(capsys.readouterr().err) == (
        f"nianbao serve: port {taken_port} on 127.0.0.1 is in use (another server?);"
        " choose another with --port"
    )
    assert main(["serve", "--db", db, "--setting", "sql_time_limit", "9"]) == 2
    assert only_line(capsys.readouterr().err).startswith(
        "nianbao serve: unknown Datasette setting 'sql_time_limit' (known: "
    )
    assert main(["serve", "--db", db, "--setting", "sql_time_limit_ms", "soon"]) == 2
    assert only_line(capsys.readouterr().err) == (
        "nianbao serve: setting sql_time_limit_ms: 'soon' is not int"
    )
    assert main(["serve", "--db", db, "--base-url", "nianbao"]) == 2
    assert "must start and end with /" in only_line(capsys.readouterr().err)


def test_serve_passes_datasette_settings_and_cors(nianbao_db) -> None:
    from nianbao.serving import make_datasette, parse_settings

    db = str(nianbao_db.conn.execute("pragma database_list").fetchone()[2])
    settings = parse_settings(
        [
            ("base_url", "/nianbao-site/"),
            ("sql_time_limit_ms", "2000"),
            ("default_allow_sql", "off"),
        ]
    )
    assert settings == {
        "base_url": "/nianbao-site/",
        "sql_time_limit_ms": 2000,
        "default_allow_sql": False,
    }
    ds = make_datasette(db, settings=settings, cors=True)
    assert ds.setting("base_url") == "/nianbao-site/" and ds.setting("sql_time_limit_ms") == 2000
    assert ds.setting("max_returned_rows") == 20000  # the project's own settings stay
    assert ds.cors is True
