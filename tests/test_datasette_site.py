"""The journalists' site (``nianbao/web``): search box, report page, downloads, parameters.

The database is the one of ``tests/test_datasette.py`` plus one report of 白水县 whose title,
agency, link and text are hostile (formula cells, ``<script>``, ``javascript:``) and whose
table has blank cells: every figure asserted is one put in here.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

import storage
from crawler.sites import Site
from nianbao.serving import make_datasette
from nianbao.web.excel import CsvGuard, neutralise
from parsers import schema
from parsers.schema import ApplicationCell, Finding, Report
from tests.test_datasette import sample_reports

BAISHUI = Site(
    id="www.baishui.gov.cn",
    name="白水县人民政府",
    start_url="http://www.baishui.gov.cn/zfxxgk/ndbg/",
    province="陕西省",
    city="渭南市",
    county="白水县",
    level="county",
)
HOSTILE_TITLE = "=1+1<script>alert(1)</script>白水县2023年政府信息公开工作年度报告"
HOSTILE_AGENCY = '白水县人民政府<img src=x onerror="alert(2)">'
HOSTILE_TEXT = "白水县本年度收取信息处理费0元。石门。@SUM(A1) 行政复议0件。"


def hostile_report() -> Report:
    """白水县 2023: 7 received (blank cells kept blank), a finding on the granted row."""
    cells = [
        ApplicationCell("new_received", "natural_person", 7, "7"),
        ApplicationCell("new_received", "total", 7, "7"),
        ApplicationCell("granted", "natural_person", None, ""),  # printed blank
        ApplicationCell("granted", "commercial_enterprise", None, "见附件"),  # text, no number
        ApplicationCell("granted", "total", 5, "5"),
        ApplicationCell("total_processed", "total", 5, "5"),
    ]
    return Report(
        title=HOSTILE_TITLE,
        agency=HOSTILE_AGENCY,
        year=2023,
        template="2021",
        published="2024-01-20",
        url="javascript:alert(3)",
        applications=cells,
        text=HOSTILE_TEXT,
        findings=[
            Finding(
                "unreadable_cell",
                "error",
                "<b>见附件</b> is not a number",
                ["applications.granted.commercial_enterprise"],
            ),
            Finding("missing_table", "warning", "section 四 not found"),
        ],
    )


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("site") / "nianbao.db"
    db = storage.open_db(path)
    for site, report in [*sample_reports(), (BAISHUI, hostile_report())]:
        storage.save_report(db, report, site=site, checked_at="2026-11-20T08:00:00+00:00")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return path


@pytest.fixture(scope="module")
def client(db_path: Path) -> Any:
    return make_datasette(db_path).client


def get(client: Any, path: str, status: int = 200) -> Any:
    response = asyncio.run(client.get(path))
    assert response.status_code == status, (path, response.status_code, response.text[:500])
    return response


def rows(client: Any, path: str) -> list[dict[str, Any]]:
    sep = "&" if "?" in path else "?"
    return get(client, f"{path}{sep}_shape=array").json()


def report_id(client: Any, agency_part: str) -> str:
    (row,) = [
        r for r in rows(client, "/nianbao/reports.json?_size=max") if agency_part in r["agency"]
    ]
    return row["id"]


def xiangning_2022(client: Any) -> str:
    """The id of 乡宁县人民政府's 2022 report (it does not balance)."""
    (row,) = rows(
        client, "/nianbao/report_summary.json?year=2022&agency=" + quote("乡宁县人民政府")
    )
    return row["id"]


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "agencies"),
    [
        ("复议", {"光山县教育局", HOSTILE_AGENCY}),
        ("公开", {"乡宁县人民政府", "管头镇人民政府", "光山县教育局", HOSTILE_AGENCY}),
        ("白水", {HOSTILE_AGENCY}),
        ("石门", {HOSTILE_AGENCY}),
        ("复", {"光山县教育局", HOSTILE_AGENCY}),
        ("行政复议 光山", {"光山县教育局"}),
        ("信息处理费 白水县", {HOSTILE_AGENCY}),
        ('"复议 诉讼', set()),  # a stray quote is text, not an FTS syntax error
    ],
)
def test_table_search_box_finds_short_words_and_all_words(
    client: Any, query: str, agencies: set[str]
) -> None:
    found = rows(client, f"/nianbao/reports.json?_search={quote(query)}")
    assert {r["agency"] for r in found} == agencies


def test_search_query_ranks_and_shows_context(client: Any) -> None:
    found = rows(client, "/nianbao/search.json?q=" + quote("复议"))
    assert [r["agency"] for r in found] == [HOSTILE_AGENCY, "光山县教育局"]  # shorter text first
    assert "【复议】" in found[0]["context"]
    assert rows(client, "/nianbao/search.json?q=" + quote("信息处理费 白水县"))[0]["year"] == 2023
    assert rows(client, "/nianbao/search.json?q=" + quote("行政复议 诉讼")) == []
    assert rows(client, "/nianbao/search.json?q=") == []


def test_search_box_keeps_what_was_typed(client: Any) -> None:
    html = get(client, "/nianbao/reports?_search=" + quote("行政复议 光山")).text
    assert 'value="行政复议 光山"' in html and "1 row" in html


# --- readable tables ------------------------------------------------------------------------


def test_table_headers_carry_chinese_labels_and_wide_columns_are_hidden(client: Any) -> None:
    html = get(client, "/nianbao/report_summary").text
    assert re.search(r'<span class="label-zh">本年新收申请</span>\s*<a class="column-key"', html)
    assert "nianbao.css" in html and "nianbao.js" in html
    reports = get(client, "/nianbao/reports").text
    assert 'data-column="title"' in reports and 'data-column="text"' not in reports
    shown = get(client, "/nianbao/reports?_col=text&_col=agency").text
    assert 'data-column="text"' in shown
    data = get(client, "/nianbao/reports.json").json()
    assert "text" in data["columns"]  # JSON and CSV keep every column
    for ext in ("csv", "json"):  # also when reached from the page's own links
        href = re.search(rf'href="(/nianbao/reports\.{ext}\?[^"]*)"', reports).group(1)
        assert "_nocol=text" in href
        body = get(client, href.replace("&amp;", "&")).content.decode("utf-8-sig")
        assert '"text"' in body if ext == "json" else "text" in body.splitlines()[0].split(",")
    advanced = get(client, "/nianbao/reports.csv?_nocol=url&_nianbao_cols=on&_nocol=text")
    header = advanced.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert "text" in header and "url" in header  # the advanced export form: every column
    everything = get(client, "/nianbao/reports?_nianbao_cols=on").text  # "show all columns"
    assert 'data-column="text"' in everything


def test_report_ids_link_to_the_report_page(client: Any) -> None:
    rid = report_id(client, "光山县教育局")
    html = get(client, "/nianbao/report_summary?agency=" + quote("光山县教育局")).text
    assert f'<a href="/nianbao/reports/{rid}">{rid}</a>' in html
    query = get(client, "/nianbao/most_applications?year=2022").text
    assert f'<a href="/nianbao/reports/{rid}">{rid}</a>' in query


# --- the report as printed ----------------------------------------------------------------


def test_report_page_reads_like_the_printed_report(client: Any) -> None:
    rid = xiangning_2022(client)
    html = get(client, f"/nianbao/reports/{rid}").text
    sections = [
        html.index(h)
        for h in ("二、主动公开政府信息情况", "三、收到和处理", "四、政府信息公开行政复议")
    ]
    assert sections == sorted(sections)
    labels = [schema.APPLICATION_ROWS[r] for r in schema.APPLICATION_ROWS_BY_TEMPLATE["2021"]]
    positions = [html.index(f">{label}<") for label in labels]
    assert positions == sorted(positions)  # rows in the official order
    new_received = re.search(r"一、本年新收政府信息公开申请数量</th>(.*?)</tr>", html, re.S).group(
        1
    )
    assert re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', new_received) == [
        "14", "0", "0", "0", "0", "0", "14",
    ]  # fmt: skip
    assert "自然人: 新收 14 + 结转 0 ≠ 总计 12 + 结转下年 1" in new_received  # beside its row
    assert 'href="http://www.xiangning.gov.cn/zfxxgk/ndbg/2023/t1.html"' in html
    assert f"applications_wide?report_id={rid}&amp;_sort=row_order" in html


def test_report_page_blank_cells_findings_and_hostile_text(client: Any) -> None:
    rid = report_id(client, "白水县")
    html = get(client, f"/nianbao/reports/{rid}").text
    granted = re.search(r"三、本年度办理结果 \(一\)予以公开</th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', granted)
    assert cells[:2] == ["", "见附件"] and cells[-1] == "5"  # blank stays blank, never 0
    assert "&lt;b&gt;见附件&lt;/b&gt; is not a number" in granted  # the finding beside its row
    assert "section 四 not found" in html  # a finding of the whole report
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert 'href="javascript:' not in html
    summary = get(client, "/nianbao/report_summary?county=" + quote("白水县")).text
    assert "<script>alert(1)" not in summary and "<img src=x" not in summary


def test_applications_wide_sorts_rows_in_printed_order(client: Any) -> None:
    rid = xiangning_2022(client)
    data = rows(client, f"/nianbao/applications_wide.json?report_id={rid}")
    assert [r["row"] for r in data] == list(schema.APPLICATION_ROWS_BY_TEMPLATE["2021"])


# --- downloads ------------------------------------------------------------------------------


def test_csv_is_a_download_with_bom_and_neutralised_cells(client: Any) -> None:
    response = get(client, "/nianbao/reports.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    assert "瀹" not in response.content.decode("utf-8-sig")
    data = list(csv.DictReader(io.StringIO(text)))
    titles = {r["title"] for r in data}
    assert "'" + HOSTILE_TITLE in titles and HOSTILE_TITLE not in titles
    assert len(data) == 5 and "text" in data[0]
    gbk_reader = response.content[:3].decode("utf-8")  # what a BOM-aware reader sees first
    assert gbk_reader == "\ufeff"


def test_table_csv_holds_every_row_without_asking(client: Any) -> None:
    data = list(
        csv.DictReader(
            io.StringIO(get(client, "/nianbao/applications.csv").content.decode("utf-8-sig"))
        )
    )
    assert len(data) == 4 * len(schema.APPLICATION_ROWS_BY_TEMPLATE["2021"]) * 7 + 6  # > a page
    assert {r["value"] for r in data if r["raw"] == "见附件"} == {""}  # blank stays blank


def test_query_csv_says_when_the_row_limit_cut_it(db_path: Path) -> None:
    small = make_datasette(db_path, settings={"max_returned_rows": 10}).client
    sql = urlencode({"sql": "select report_id, row, value from applications"})
    text = get(small, f"/nianbao.csv?{sql}").content.decode("utf-8-sig")
    lines = text.splitlines()
    assert len(lines) == 1 + 10 + 1 and lines[-1].startswith('"⚠ 只含前 10 行')
    whole = get(small, f"/nianbao.csv?{urlencode({'sql': 'select 1 as x'})}").content
    assert whole.decode("utf-8-sig").splitlines() == ["x", "1"]  # not cut: no notice


def test_xlsx_keeps_ids_has_chinese_sheets_and_an_attribution_sheet(db_path: Path) -> None:
    from openpyxl import load_workbook

    small = make_datasette(db_path, settings={"max_returned_rows": 10}).client
    response = get(small, "/nianbao/report_summary.xlsx?_labels=on&_size=2")
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["年报摘要", "说明"]
    sheet = list(book["年报摘要"].iter_rows(values_only=True))
    header, body = sheet[0], sheet[1:]
    assert len(body) == 5  # every row, not the page of 2
    ids = {r[header.index("id")] for r in body}
    assert ids == {r["id"] for r in rows(small, "/nianbao/report_summary.json?_size=10")}
    received = {r[header.index("agency")]: r[header.index("applications_received")] for r in body}
    assert received["光山县教育局"] == 30 and isinstance(received["光山县教育局"], int)
    assert "'" + HOSTILE_TITLE in {r[header.index("title")] for r in body}
    about = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True) if r and r[0]}
    assert about["许可 licence"].startswith("CC BY 4.0") and about["行数 rows"] == 5
    assert about["applications_received"] == "本年新收申请"
    words = " ".join(str(c) for s in book for r in s.iter_rows(values_only=True) for c in r if c)
    assert "Om uttaget" not in words and "Antal" not in words and "rader" not in words
    query = urlencode({"sql": "select report_id, row, value from applications"})
    many = load_workbook(io.BytesIO(get(small, f"/nianbao.xlsx?{query}").content))
    assert many.sheetnames == ["查询结果", "说明"]
    assert (
        many["查询结果"].max_row == 1 + 4 * len(schema.APPLICATION_ROWS_BY_TEMPLATE["2021"]) * 7 + 6
    )


def test_neutralise_leaves_numbers_and_text_alone() -> None:
    assert [neutralise(v) for v in ("=1+1", "+x", "-3", "-2.5", "@x", "\tx", "a=b", 7, None)] == [
        "'=1+1", "'+x", "-3", "-2.5", "'@x", "'\tx", "a=b", 7, None,
    ]  # fmt: skip


def test_csv_guard_rewrites_records_split_across_chunks() -> None:
    source = 'a,b\r\n"=x\r\nline two ""q""",-1\r\n=2,+3\r\n'
    guard = CsvGuard()
    out = "".join(guard.feed(source[i : i + 3]) for i in range(0, len(source), 3))
    out += guard.feed("", final=True)
    assert list(csv.reader(io.StringIO(out))) == [
        ["a", "b"], ["'=x\r\nline two \"q\"", "-1"], ["'=2", "+3"],
    ]  # fmt: skip
    assert guard.records == 3


# --- questions with friendly parameters --------------------------------------------------


def test_parameters_match_the_start_of_a_name_and_a_year_with_nian(client: Any) -> None:
    found = rows(
        client,
        "/nianbao/most_applications.json?" + urlencode({"year": "2022年", "province": "山西"}),
    )
    assert [(r["agency"], r["applications_received"]) for r in found] == [("乡宁县人民政府", 14)]
    missing = rows(
        client, "/nianbao/missing_reports.json?" + urlencode({"county": "乡宁", "year": "2022"})
    )
    assert [r["agency"] for r in missing] == ["管头镇人民政府"]


def test_counties_most_applications_counts_county_governments_only(client: Any) -> None:
    found = rows(client, "/nianbao/counties_most_applications.json?year=2022")
    assert [(r["county"], r["agency"], r["applications_received"]) for r in found] == [
        ("乡宁县", "乡宁县人民政府", 14)
    ]  # 光山县教育局 (30, a department) is not a county government
    page = get(client, "/nianbao/counties_most_applications").text
    assert "county government&#39;s own report" in page or "county government's own report" in page


def test_applications_per_year_gives_reports_and_the_rate_per_report(client: Any) -> None:
    data = rows(client, "/nianbao/applications_per_year.json?province=" + quote("山西"))
    assert [
        (r["year"], r["reports"], r["applications_received"], r["received_per_report"])
        for r in data
    ] == [
        (2021, 2, 10, 5.0),
        (2022, 1, 14, 14.0),
    ]


def test_query_inputs_offer_the_values_in_the_data(client: Any) -> None:
    html = get(client, "/nianbao/counties_most_applications").text
    script = html[html.index("(function (choices)") :]
    assert '"province": ["山西省", "河南省", "陕西省"]' in script
    assert '"year": ["2023", "2022", "2021"]' in script


def test_report_page_of_the_2019_format(tmp_path: Path) -> None:
    from parsers.schema import ActiveCell

    report = Report(
        title="花园乡2019年政府信息公开工作年度报告",
        agency="花园乡人民政府",
        year=2019,
        template="2019",
        active_disclosure=[ActiveCell("administrative_license", "change", -2, "-2")],
        applications=[ApplicationCell("other_processing", "total", 3, "3")],
    )
    db = storage.open_db(tmp_path / "nianbao.db")
    storage.save_report(db, report, site=BAISHUI)
    db.close()
    client = make_datasette(tmp_path / "nianbao.db").client
    (row,) = rows(client, "/nianbao/reports.json")
    html = get(client, f"/nianbao/reports/{row['id']}").text
    assert "本年增/减" in html and "本年制发件数" not in html  # section 二 of 2019
    other = re.search(r"\(六\)其他处理</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', other)[-1] == "3"
    assert ">(六)其他处理 1." not in html  # the three rows of 2021 are not printed
    assert 'class="findings-col"' not in html  # no findings: no empty column


def test_a_feed_without_rows_is_an_empty_feed(tmp_path):
    """datasette-atom alone answered 500 when a feed query had no row (nothing changed yet)."""
    import asyncio

    import storage
    from nianbao.serving import make_datasette

    path = tmp_path / "nianbao.db"
    storage.open_db(path).close()
    response = asyncio.run(make_datasette(path).client.get("/nianbao/changed_reports_feed.atom"))
    assert response.status_code == 200
    assert response.text.count("<feed") == 1 and "<entry>" not in response.text
    assert "发布后被修改的年报" in response.text
