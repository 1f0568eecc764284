"""parsers.classify (report titles, look-alikes), crawler.scoring (link scores) and
parsers.verdict (page verdicts)."""

from __future__ import annotations

import pytest

from crawler.scoring import AREA, COLUMN, STRONG, is_attachment_url, is_next_page_link, link_score
from parsers.classify import REPORT, body_markers, classify_title
from parsers.page import Page
from parsers.verdict import Kind, judge, page_year
from tests.paths import SAMPLES as SAMPLE_DIR


def classify_page(title: str | None, text: str, *, has_attachment: bool = False) -> str:
    """The stored classification of a page with this title and body text."""
    return judge(Page(title=title, text=text), has_attachment=has_attachment).classification


def report_year(*texts: str | None) -> int | None:
    return page_year(Page(title=texts[0], text=texts[1] if len(texts) > 1 else ""))


SAMPLES = SAMPLE_DIR


@pytest.mark.parametrize(
    "title",
    [
        "赫章县人民政府2021年政府信息公开工作年度报告",
        "瓦屋镇2021年政府信息公开工作年度报告",
        "城关镇人民政府2022年政府信息公开工作年度报告",
        "青山县教育局2022年度政府信息公开工作报告",
        "2020年政府信息公开年报",
        "宁波市江北区2023年政务信息公开工作年度报告",
    ],
)
def test_report_titles(title):
    assert classify_title(title) == REPORT


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("青山县2023年政府工作报告", "政府工作报告"),
        ("关于印发《2023年政务公开工作要点》的通知", "政务公开工作要点"),
        ("青山县2022年法治政府建设年度报告", "法治政府建设年度报告"),
        ("青山县人民政府政府信息公开指南", "政府信息公开指南"),
        ("青山县2022年部门决算公开", "决算公开"),
        ("《青山县2022年政府信息公开工作年度报告》解读", "解读"),
        ("一图读懂青山县2022年政府信息公开工作年度报告", "解读"),
        (
            "国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作"
            "年度报告格式》的通知",
            "格式通知",
        ),
        ("关于做好2022年政府信息公开工作年度报告编制发布工作的通知", "格式通知"),
        ("我县2022年政府信息公开工作年度报告发布", "新闻"),
        ("我县召开2022年政府信息公开工作年度报告编制会议", "新闻"),
    ],
)
def test_lookalike_titles(title, reason):
    assert classify_title(title) == f"rejected:{reason}"


def test_unrelated_title_is_none():
    assert classify_title("全县经济运行情况分析会召开") is None
    assert classify_title("") is None


@pytest.mark.parametrize(
    ("text", "url", "score"),
    [
        ("青山县2022年政府信息公开工作年度报告", "/zwgk/2023/t20230118_1.html", STRONG),
        ("青山县2022年政府信息公开工作年度报告.pdf", "/files/a.pdf", STRONG),
        ("政府信息公开年报", "/zwgk/zfxxgk/zfxxgknb/index.html", COLUMN),
        ("2022年", "/zfxxgknb/2022n/index.html", COLUMN),
        ("更多", "/xxgk/gknb/index.html", COLUMN),
        ("政府信息公开", "/zwgk/zfxxgk/index.html", AREA),
        ("乡镇", "/zfxxgk/xzxxgk/index.html", AREA),
        ("2023年政府工作报告", "/zwgk/zfgzbg.html", 0),
        ("县政务公开办组织开展政务公开业务培训", "/xwzx/art_1.html", 0),
        ("走进青山", "/zjqs/index.html", 0),
    ],
)
def test_link_score(text, url, score):
    assert link_score(text, url) == score


def test_township_and_department_names_count_inside_the_disclosure_area():
    assert link_score("城关镇", "/xz/cgz/index.html") == 0
    assert link_score("城关镇", "/xz/cgz/index.html", in_area=True) == AREA
    assert link_score("县教育局", "/bm/jyj/index.html", in_area=True) == AREA
    assert link_score("联系我们", "/lxwm/", in_area=True) == 0


def test_helpers():
    assert report_year("城关镇人民政府2022年政府信息公开工作年度报告") == 2022
    assert report_year("政府信息公开年报", "2019年1月") == 2019
    assert report_year("无年份") is None
    assert is_attachment_url("/module/download/downfile.jsp?filename=jb2022.docx")
    assert is_attachment_url("/files/a.WPS")
    assert not is_attachment_url("/art/2023/1/1/art_1.html")
    assert is_next_page_link(" 下一页 ") and not is_next_page_link("上一页")


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name[:3])
def test_real_reports_are_reports(sample):
    text = sample.read_text(encoding="utf-8")
    title = next(
        (line.strip() for line in text.splitlines() if "年度报告" in line),
        "2020年政府信息公开工作年度报告",
    )
    assert len(body_markers(text)) >= 4
    assert classify_page(title, text) == REPORT


def test_page_verdicts():
    body = "一、总体情况 …… 二、主动公开政府信息情况 …… 三、收到和处理政府信息公开申请情况"
    title = "青山县2022年政府信息公开工作年度报告"
    assert classify_page(title, body) == REPORT
    assert classify_page(title, "近日，我县公开了年度报告。") == "rejected:仅提及年报"
    assert classify_page(title, "附件下载", has_attachment=True) == REPORT
    assert classify_page("政府信息公开年报", "附件下载", has_attachment=True) == "rejected:无年份"
    assert classify_page("青山县2022年法治政府建设年度报告", body) == (
        "rejected:法治政府建设年度报告"
    )
    assert classify_page("新闻中心", body) == "rejected:标题不符"
    assert judge(Page(title="新闻中心", text=body)).kind is Kind.UNRELATED
    notice = "国办公开办函〔2021〕30号 现将《年度报告格式》印发给你们 一、总体情况"
    assert classify_page("政府信息公开工作年度报告（新版）", notice) == "rejected:格式通知"


@pytest.mark.parametrize(
    "title",
    [
        "某县人民政府关于2019年度政府信息公开工作情况的报告",
        "某县2022年政府信息公开年度工作报告",
        "某镇2023年度政府信息公开工作的报告",
        "北河县人民政府政府信息公开工作2021年度报告",
        "某县人民政府信息公开工作二〇二二年度报告",
    ],
)
def test_other_phrasings_of_the_report_name(title):
    assert classify_title(title) == REPORT
    assert link_score(title, "/art/1.html") == STRONG


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("2023年屏金区人民政府政府信息…", STRONG),
        ("桃屏乡人民政府关于2022年度政…", STRONG),
        ("2023年屏金区生态环境分局政府…", STRONG),  # fetched and judged: maybe 政府工作报告
        ("2023年屏金区人民政府政府信息公开工作年度报告", STRONG),
        ("2023年屏金区人民政府工作…", 0),
        ("屏金区人民政府2023年度…", 0),
        ("屏金区人民政府政府信息…", 0),  # no year
    ],
)
def test_titles_cut_short_inside_a_report_name(text, score):
    assert link_score(text, "/zwgk/c1/2024/0109/1.html", in_area=True) == score
