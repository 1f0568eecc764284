"""Analysis tables on a generated county: bodies across years, coverage, 内容雷同, versions."""

from __future__ import annotations

import json
import random

import pytest

import storage
from parsers.schema import ApplicationCell, Report
from storage.bodies import body_name, org_code
from storage.similarity import prose

SITE = {"id": "baishui", "name": "白水县人民政府", "province": "陕西省", "city": "渭南市",
        "county": "白水县", "level": "county", "start_url": "http://example.test/"}  # fmt: skip
CHARS = "政府信息公开工作年度报告本机关坚持以人民为中心深化主动推进重点领域决策透明度服务群众"
CHARS += "规范依申请办理加强平台建设监督保障培训考核制度完善存在问题改进措施落实责任明确"


def paragraph(rng: random.Random, sentences: int = 8) -> str:
    """Seeded prose: lines of 20-40 characters, each ending with a figure."""
    lines = []
    for _ in range(sentences):
        body = "".join(rng.choice(CHARS) for _ in range(rng.randint(20, 40)))
        lines.append(f"{body}{rng.randint(1, 999)}件。")
    return "\n".join(lines)


def report(agency: str, year: int, text: str, index_no: str | None = None, **kw) -> Report:
    table = "一、本年新收政府信息公开申请数量\t3\t\t\t\t\t\t3"  # a table line: not prose
    return Report(
        title=f"{agency}{year}年政府信息公开工作年度报告",
        agency=agency,
        year=year,
        template="2021",
        url=f"http://example.test/{agency}/{year}.html",
        index_no=index_no,
        text=f"{agency}{year}年政府信息公开工作年度报告\n发布日期：{year + 1}-01-20\n"
        f"{text}\n{table}",
        applications=[ApplicationCell("new_received", "total", kw.get("received", 3), "3")],
    )


@pytest.fixture
def county_db(nianbao_db):
    """白水县 2021–2023: the county, two townships (one renamed), a bureau; copies and gaps."""
    rng = random.Random(13)
    texts = {key: paragraph(rng) for key in ("gov21", "gov22", "gov23", "a21", "a22", "b21",
                                              "b22", "edu21", "edu22", "edu23")}  # fmt: skip
    copied = texts["a22"].replace("件", "项")  # 2023 copies 2022, words kept, figures changed
    copied = "".join(ch if not ch.isdigit() else str((int(ch) + 3) % 10) for ch in copied)
    reports = [
        report("白水县人民政府", 2021, texts["gov21"], "11610527016130358X/2022-00001"),
        report("白水县人民政府", 2022, texts["gov22"], "11610527016130358X/2023-00001"),
        report("白水县人民政府", 2023, texts["gov23"], "11610527016130358X/2024-00001"),
        # 尧禾镇 was 尧禾乡 until 2021: the same organisation code holds its series
        report("尧禾乡人民政府", 2021, texts["a21"], "116105270161303AAA/2022-00002"),
        report("尧禾镇人民政府", 2022, texts["a22"], "116105270161303AAA/2023-00002"),
        report("尧禾镇人民政府", 2023, copied, "116105270161303AAA/2024-00002"),
        # 杜康镇: 2022 shares 尧禾镇's text; nothing for 2023
        report("杜康镇人民政府", 2021, texts["b21"], "116105270161303BBB-2022-3"),
        report("杜康镇人民政府", 2022, texts["a22"], "116105270161303BBB-2023-3"),
        # the bureau: stamped with the county's code in 2021 (beside the county's own report)
        report("白水县教育局", 2021, texts["edu21"], "11610527016130358X/2022-00009"),
        report("白水县教育局", 2022, texts["edu22"], None),
        report("白水县教育局", 2023, texts["edu23"], "2024-00010"),
    ]
    for r in reports:
        storage.save_report(nianbao_db, r, site=SITE)
    built = storage.refresh_analyses(nianbao_db)
    return nianbao_db, built


def test_org_code_and_body_name() -> None:
    assert org_code("11610527016130358X/2023-00012") == "11610527016130358X"
    assert org_code("000014349-2023-00045") == "000014349"
    assert org_code("2023-00045") is None  # a year is no organisation code
    assert org_code("ＳＭ／2022", "统一社会信用代码：11430726MB1234567K") == "11430726MB1234567K"
    assert body_name(None, "关于瓦屋镇2021年度政府信息公开工作年度报告") == "瓦屋镇"
    assert body_name("瓦 屋 镇人民政府", None) == "瓦屋镇"


def test_bodies_hold_series_across_a_rename(county_db) -> None:
    db, built = county_db
    assert built["bodies"] == 4
    bodies = {r["name"]: r for r in db.query("select * from bodies order by id")}
    assert set(bodies) == {"白水县人民政府", "尧禾镇人民政府", "杜康镇人民政府", "白水县教育局"}
    yaohe = bodies["尧禾镇人民政府"]
    assert (yaohe["id"], yaohe["renamed"], yaohe["reports"]) == ("baishui:116105270161303AAA", 1, 3)
    assert json.loads(yaohe["names"]) == {"尧禾乡人民政府": [2021], "尧禾镇人民政府": [2022, 2023]}
    # the county's code, stamped on the bureau's 2021 report too, joins no two bodies
    assert bodies["白水县教育局"]["reports"] == 3
    assert bodies["白水县人民政府"]["reports"] == 3
    series = db.execute(
        "select year, name from report_bodies where body_id = ? order by year", [yaohe["id"]]
    ).fetchall()
    assert series == [(2021, "尧禾乡人民政府"), (2022, "尧禾镇人民政府"), (2023, "尧禾镇人民政府")]


def test_coverage_marks_who_published_nothing(county_db) -> None:
    db, built = county_db
    assert built["coverage"] == 4 * 3
    missing = db.execute(
        "select name, year, within_span from coverage where published = 0 order by name"
    ).fetchall()
    assert missing == [("杜康镇人民政府", 2023, 0)]
    townships = db.execute(
        _query("bodies_without_report"), {"year": "2023", "level": "township", "county": "白水"}
    ).fetchall()
    assert [(t[3], t[5], t[7], t[8]) for t in townships] == [
        ("杜康镇人民政府", 2023, "2021,2022", None)
    ]


def test_coverage_notes_a_report_page_that_was_found_but_not_read(county_db) -> None:
    db, _ = county_db
    url = "http://example.test/dkz/2023.html"
    db["pages"].insert(
        {"url": url, "site": "baishui", "classification": "report", "report_id": None,
         "title": "杜康镇2023年度政府信息公开工作年度报告", "parse_error": "image_only"}
    )  # fmt: skip
    db["pages"].insert(  # another body's failed page: no note on 杜康镇
        {"url": "http://example.test/x.html", "site": "baishui",
         "classification": "rejected:fetch_failed:TimeoutError", "report_id": None,
         "link_text": "尧禾镇2023年政府信息公开工作年度报告"}
    )  # fmt: skip
    storage.refresh_analyses(db)
    notes = db.execute("select name, year, note from coverage where published = 0").fetchall()
    assert notes == [("杜康镇人民政府", 2023, f"page not read (image_only): {url}")]


def test_similar_texts_across_years_and_bodies(county_db) -> None:
    db, built = county_db
    rows = db.execute(
        "select relation, name, year, other_name, other_year, similarity from text_similarity"
        " order by relation"
    ).fetchall()
    assert {r[0]: (r[1] == r[3], {(r[1], r[2]), (r[3], r[4])}) for r in rows} == {
        "other_body": (False, {("尧禾镇人民政府", 2023), ("杜康镇人民政府", 2022)}),
        "other_body_same_year": (False, {("尧禾镇人民政府", 2022), ("杜康镇人民政府", 2022)}),
        "same_body_next_year": (True, {("尧禾镇人民政府", 2023), ("尧禾镇人民政府", 2022)}),
    }
    similarity = {r[0]: r[5] for r in rows}
    assert similarity["other_body_same_year"] >= 0.95  # the same prose (titles differ)
    assert 0.6 <= similarity["same_body_next_year"] < 1.0  # figures and 件→项 differ
    assert built["text_similarity"] == 3
    copies = db.execute(
        _query("copies_last_year"), {"year": "", "min_similarity": "0.6"}
    ).fetchall()
    assert [(c[2], c[3], c[4]) for c in copies] == [("尧禾镇人民政府", 2023, 2022)]
    shared = db.execute(
        _query("shared_texts"),
        {"year": "2022", "level": "township", "county": "白水", "min_similarity": ""},
    ).fetchall()
    assert [sorted(c[3:5]) for c in shared] == [["尧禾镇人民政府", "杜康镇人民政府"]]


def _query(name: str) -> str:
    from nianbao.serving import load_metadata

    return load_metadata()["databases"]["nianbao"]["queries"][name]["sql"]


def test_prose_leaves_out_tables_headings_and_figures() -> None:
    text = "一、总体情况\n本机关全年主动公开政府信息123条，比上年增加4条。\n规章\t13\t13\t524"
    assert prose(text) == "本机关全年主动公开政府信息0条,比上年增加0条。"  # NFKC


def test_edited_report_keeps_its_old_version(nianbao_db) -> None:
    rng = random.Random(7)
    first = report("杜康镇人民政府", 2022, paragraph(rng), received=3)
    storage.save_report(nianbao_db, first, site=SITE, checked_at="2026-01-01T00:00:00+00:00")
    edited = report("杜康镇人民政府", 2022, paragraph(rng), received=5)
    edited.applications = [ApplicationCell("new_received", "total", 5, "5")]
    status = storage.save_report(
        nianbao_db, edited, site=SITE, checked_at="2026-02-01T00:00:00+00:00"
    )
    assert status == "changed"
    versions = list(nianbao_db.query("select * from report_versions"))
    assert len(versions) == 1
    assert json.loads(versions[0]["cells"]) == {"applications.new_received.total": 3}
    assert versions[0]["text"] == first.text and versions[0]["replaced_at"].startswith("2026-02")
    # the canned query shows the old and the new cell and text side by side
    cursor = nianbao_db.execute(_query("edited_reports"), {"report_id": ""})
    columns, rows = [d[0] for d in cursor.description], cursor.fetchall()
    got = [dict(zip(columns, r, strict=True)) for r in rows]
    assert [(g["what"], g["before"], g["after"]) for g in got if g["what"] != "正文 text"] == [
        ("applications.new_received.total", 3, 5)
    ]
    text_row = next(g for g in got if g["what"] == "正文 text")
    assert (text_row["before"], text_row["after"]) == (first.text, edited.text)


def test_text_only_edit_is_a_version_but_a_counter_is_not(nianbao_db) -> None:
    rng = random.Random(8)
    body = paragraph(rng)
    first = report("尧禾镇人民政府", 2023, body + "\n访问次数：12")
    storage.save_report(nianbao_db, first, site=SITE)
    counter = report("尧禾镇人民政府", 2023, body + "\n访问次数：13")
    assert storage.save_report(nianbao_db, counter, site=SITE) == "unchanged"
    assert nianbao_db["report_versions"].count == 0
    edited = report("尧禾镇人民政府", 2023, body + "\n本机关另补充说明了年度工作中的其他重要事项。")
    assert storage.save_report(nianbao_db, edited, site=SITE) == "unchanged"  # cells the same
    assert nianbao_db["report_versions"].count == 1
    change = next(nianbao_db.query("select reason, summary from report_changes"))
    assert change["reason"] == "text edited at its source"
    assert nianbao_db.execute("select text from reports").fetchone()[0] == edited.text


def test_signatures_are_computed_only_for_new_or_edited_texts(county_db) -> None:
    from storage.similarity import update_signatures

    db, _ = county_db
    signatures, computed = update_signatures(db)
    assert computed == 0 and len(signatures) == 11  # all cached by the first rebuild
    rid = db.execute(
        "select id from reports where agency = '白水县教育局' and year = 2023"
    ).fetchone()[0]
    db.execute("update reports set text = text || ? where id = ?", ["\n" + "新增段落文字" * 5, rid])
    db.execute("delete from reports where agency = '白水县人民政府' and year = 2021")
    signatures, computed = update_signatures(db)
    assert computed == 1 and len(signatures) == 10
    assert db["prose_signatures"].count == 10
