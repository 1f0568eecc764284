"""parsers.grid: HTML tables with spans, and text layouts, as rows of cells."""

from lxml import html

from parsers.grid import html_rows, table_rows, text_rows


def _texts(row, *, real_only=False):
    return [c.text for c in row.cells if not (real_only and c.span)]


def test_rowspan_and_colspan_copies_are_marked():
    table = html.fromstring(
        "<table><tr><td rowspan='2'>(三)不予公开</td><td>1.属于国家秘密</td>"
        "<td colspan='2'>5</td></tr>"
        "<tr><td>2.其他</td><td>1</td><td>2</td></tr></table>"
    )
    first, second = table_rows(table)
    assert [(c.text, c.col, c.span) for c in first.cells] == [
        ("(三)不予公开", 0, False),
        ("1.属于国家秘密", 1, False),
        ("5", 2, False),
        ("5", 3, True),
    ]
    assert [(c.text, c.col, c.span) for c in second.cells] == [
        ("(三)不予公开", 0, True),
        ("2.其他", 1, False),
        ("1", 2, False),
        ("2", 3, False),
    ]


def test_word_cell_markup_and_breaks():
    table = html.fromstring(
        "<table><tr><td><p class=MsoNormal><span style='mso-bidi-font-size:10.5pt'>结<br>果<br>"
        "维<br>持<o:p></o:p></span></p></td><td><p><span>&nbsp;<o:p></o:p></span></p></td></tr>"
        "</table>"
    )
    (row,) = table_rows(table)
    assert _texts(row) == ["结果维持", ""]


def test_layout_tables_are_skipped():
    page = html.fromstring(
        "<html><body><table><tr><td><table><tr><td>导航</td></tr></table>"
        "<table><tr><td>规章</td><td>1</td></tr></table></td></tr></table></body></html>"
    )
    assert len({r.table for r in html_rows(page)}) == 2  # the two leaf tables, not the layout
    assert [_texts(r) for r in html_rows(page)] == [["导航"], ["规章", "1"]]


def test_bad_span_values_do_not_crash():
    table = html.fromstring(
        "<table><tr><td colspan='x'>a</td><td rowspan='999'>b</td></tr></table>"
    )
    (row,) = table_rows(table)
    assert _texts(row) == ["a", "b"]


def test_tab_lines_keep_empty_cells():
    rows = text_rows("规章\t0\t\t3\n行政许可\t5\t\t\n")
    assert [_texts(r) for r in rows] == [["规章", "0", "", "3"], ["行政许可", "5", "", ""]]


def test_markdown_rows():
    rows = text_rows("| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 |\n")
    assert [_texts(r) for r in rows] == [["信息内容", "本年制发件数"], ["规章", "0"]]


def test_pipe_cells_one_per_line():
    rows = text_rows("规章 |\n2 |\n0 |\n|\n规范性文件 |\n0 |\n||\n")
    assert [_texts(r) for r in rows] == [["规章", "2", "0"], ["规范性文件", "0"]]


def test_one_cell_per_line_is_regrouped():
    rows = text_rows("信息内容\n本年制发件数\n规章\n0\n3\n行政规范性文件\n1\n")
    assert [_texts(r) for r in rows] == [
        ["信息内容", "本年制发件数", "规章", "0", "3"],
        ["行政规范性文件", "1"],
    ]


def test_space_separated_numbers_split_labels_stay_whole():
    (row,) = text_rows("1. 属于国家秘密 0 0 3 0 0 0 3")
    assert _texts(row) == ["1.属于国家秘密", "0", "0", "3", "0", "0", "0", "3"]
