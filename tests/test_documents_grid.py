"""Table grids of documents: spans, HTML, and joining the pieces a page break cut apart."""

from __future__ import annotations

from lxml import html

from parsers.documents.grid import Grid, GridCell, is_value, join_continued


def grid(rows: list[list[str | tuple[str, int, int] | None]]) -> Grid:
    """A grid from rows: str = a 1×1 cell, (text, rowspan, colspan) = merged, None = covered."""
    g = Grid(n_rows=len(rows), n_cols=max(len(r) for r in rows))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            text, rowspan, colspan = (cell, 1, 1) if isinstance(cell, str) else cell
            g.cells.append(GridCell(text, r, c, rowspan, colspan))
    return g


HEADER = [("申请人情况", 1, 2), None, "总计"]


def test_values_are_numbers_units_and_signs_not_enumerated_labels() -> None:
    assert all(is_value(t) for t in ("12", "4.5", "-3", "251000元", "1,234", "１２"))
    assert not any(is_value(t) for t in ("2.重复申请", "3、其他", "（七）总计", "", None))


def test_to_html_keeps_rowspan_and_colspan() -> None:
    g = grid([[("（三）不予公开", 2, 1), "1.属于国家秘密", "1"], [None, "2.其他", "0"]])
    table = html.fromstring(g.to_html())
    first = table.xpath("//tr[1]/td[1]")[0]
    assert first.get("rowspan") == "2" and first.text == "（三）不予公开"
    assert [td.text for td in table.xpath("//tr[2]/td")] == ["2.其他", "0"]


def test_to_html_escapes_text() -> None:
    assert "<td>a&lt;b&amp;c</td>" in grid([["a<b&c", "1"]]).to_html()


def test_join_appends_rows_after_the_first_piece() -> None:
    first = grid([["一、本年新收", "3", "3"]])
    second = grid([["二、上年结转", "1", "1"]])
    joined = join_continued(first, second)
    assert joined.rows() == [["一、本年新收", "3", "3"], ["二、上年结转", "1", "1"]]


def test_join_drops_a_repeated_header() -> None:
    first = grid([HEADER, ["一、本年新收", "3", "3"]])
    second = grid([HEADER, ["二、上年结转", "1", "1"]])
    assert join_continued(first, second).rows() == [
        ["申请人情况", None, "总计"],
        ["一、本年新收", "3", "3"],
        ["二、上年结转", "1", "1"],
    ]


def test_join_merges_a_row_continued_with_empty_values() -> None:
    """The label of the last row runs over the page break; its values stand on the first page."""
    first = grid([["5.要求行政机关确认或重新出", "1", "1"]])
    second = grid([["具已获取信息", "", ""], ["（七）总计", "9", "9"]])
    assert join_continued(first, second).rows() == [
        ["5.要求行政机关确认或重新出具已获取信息", "1", "1"],
        ["（七）总计", "9", "9"],
    ]


def test_join_continues_a_merged_group_label_split_by_the_page_break() -> None:
    """huaian-2024: ``（四）无`` on page 4, ``法提供`` (spanning 2 rows) on page 5."""
    first = grid([[("三、本年度办理结果", 1, 1), "（四）无", "1.本机关不掌握相关政府信息", "746"]])
    second = grid(
        [
            [("", 2, 1), ("法提供", 2, 1), "2.没有现成信息需要另行制作", "11"],
            [None, None, "3.补正后申请内容仍不明确", "1"],
        ]
    )
    joined = join_continued(first, second)
    group = joined.anchor_at(2, 1)
    assert group is not None and (group.text, group.row, group.rowspan) == ("（四）无法提供", 0, 3)
    outer = joined.anchor_at(2, 0)
    assert outer is not None and (outer.text, outer.rowspan) == ("三、本年度办理结果", 3)
    assert [r[2:] for r in joined.rows()] == [
        ["1.本机关不掌握相关政府信息", "746"],
        ["2.没有现成信息需要另行制作", "11"],
        ["3.补正后申请内容仍不明确", "1"],
    ]


def test_join_does_not_glue_a_new_group_onto_the_last_one() -> None:
    first = grid([["（四）无法提供", "3.补正后申请内容仍不明确", "1"]])
    second = grid([["（五）不予处理", "1.信访举报投诉类申请", "2"]])
    joined = join_continued(first, second)
    assert joined.rows() == [
        ["（四）无法提供", "3.补正后申请内容仍不明确", "1"],
        ["（五）不予处理", "1.信访举报投诉类申请", "2"],
    ]


def test_join_keeps_a_blank_first_row_that_opens_a_new_item() -> None:
    """Blank values are "not reported", not a continuation, when the label is enumerated."""
    first = grid([["1.信访举报投诉类申请", "2", "2"]])
    second = grid([["2.重复申请", "", ""]])
    assert join_continued(first, second).rows() == [
        ["1.信访举报投诉类申请", "2", "2"],
        ["2.重复申请", "", ""],
    ]


def test_join_continues_a_header_row_cut_in_two() -> None:
    first = grid([[("行政复议", 1, 2), None], ["结果", "其他"]])
    second = grid([["维持", "结果"], ["3", "1"]])
    assert join_continued(first, second).rows() == [
        ["行政复议", None],
        ["结果维持", "其他结果"],
        ["3", "1"],
    ]


def test_join_keeps_a_header_row_that_does_not_line_up_with_the_row_above() -> None:
    """``第二十条第（六）项`` spans 2 columns; ``信息内容 | 本年处理决定数量`` is its own row."""
    first = grid([["行政许可", "447"], [("第二十条第（六）项", 1, 2), None]])
    second = grid([["信息内容", "本年处理决定数量"], ["行政处罚", "39"]])
    assert join_continued(first, second).rows() == [
        ["行政许可", "447"],
        ["第二十条第（六）项", None],
        ["信息内容", "本年处理决定数量"],
        ["行政处罚", "39"],
    ]


def test_join_gives_a_label_cut_before_its_values_the_values_on_the_next_page() -> None:
    first = grid([["4.无正当理由大量反复申请", "0", "0"], ["5.要求行政机关确认或重新出", "", ""]])
    second = grid([["具已获取信息", "1", "1"], ["（七）总计", "9", "9"]])
    assert join_continued(first, second).rows() == [
        ["4.无正当理由大量反复申请", "0", "0"],
        ["5.要求行政机关确认或重新出具已获取信息", "1", "1"],
        ["（七）总计", "9", "9"],
    ]


def test_join_does_not_mutate_its_arguments() -> None:
    first = grid([[("（四）无", 1, 1), "1.本机关不掌握", "7"]])
    second = grid([["法提供", "2.没有现成信息", "1"]])
    join_continued(first, second)
    assert first.cells[0].text == "（四）无" and second.n_rows == 1
