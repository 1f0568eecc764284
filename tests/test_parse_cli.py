"""``nianbao parse``: JSON and table output, stdin, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nianbao.cli import main
from nianbao.testing.pages import PAGES, expected_cells
from nianbao.testing.pages import PAGES_DIR as HERE

TRS = HERE / "trs_hezhang_2021.html"


def test_json_output(capsys):
    assert main(["parse", str(TRS)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data)[:5] == ["title", "agency", "year", "template", "published"]
    assert data["title"] == "赫章县2021年政府信息公开工作年度报告"
    assert (data["agency"], data["year"], data["template"]) == ("赫章县", 2021, "2021")
    assert data["published"] == "2022-01-21"
    assert "url" not in data
    cells = expected_cells(PAGES[0])
    first = data["applications"][0]
    assert first == {
        "row": "new_received",
        "applicant": "natural_person",
        "value": cells[("applications", "new_received", "natural_person")],
        "raw": str(cells[("applications", "new_received", "natural_person")]),
    }
    assert len(data["review_litigation"]) == 15
    assert data["findings"] == []


def test_json_is_readable_chinese(capsys):
    main(["parse", str(TRS), "--format", "json"])
    out = capsys.readouterr().out
    assert "赫章县" in out and "\\u" not in out
    assert out.startswith("{\n  ")


def test_extras_option(capsys):
    main(["parse", str(TRS), "--extras"])
    data = json.loads(capsys.readouterr().out)
    assert data["index_no"] == "11520527009480737X/2022-00012"
    assert data["publisher"] == "赫章县人民政府办公室"
    assert data["text"].startswith("一、总体情况")


def test_url_option(capsys):
    main(["parse", str(TRS), "--url", "https://www.gzhezhang.gov.cn/a.html"])
    assert json.loads(capsys.readouterr().out)["url"] == "https://www.gzhezhang.gov.cn/a.html"


def test_table_output(capsys):
    assert main(["parse", str(HERE / "trs_longtian_2021_form2019.html"), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "标题 title       龙田镇2021年政府信息公开工作年度报告" in out
    assert "年度 year        2021" in out
    assert "二、主动公开政府信息情况" in out and "三、收到和处理政府信息公开申请情况" in out
    assert "四、政府信息公开行政复议、行政诉讼情况" in out
    cells = expected_cells(PAGES[6])
    row = next(ln for ln in out.splitlines() if ln.strip().startswith("行政复议"))
    values = [cells[("review_litigation", "review", o)] for o in ("upheld", "corrected")]
    assert row.split()[1:3] == [str(v) for v in values]
    assert "[warning] template_year_mismatch" in out


def test_table_columns_are_aligned(capsys):
    main(["parse", str(TRS), "--format", "table"])
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("三、收到和处理政府信息公开申请情况 (applications)")
    header, first = lines[start + 1], lines[start + 2]
    from nianbao.commands.parse import _width

    # the 总计 column ends where the numbers of the first row end
    assert _width(header) == _width(first)


def test_table_shows_blank_cells_as_dashes_and_unreadable_ones_as_printed():
    from nianbao.commands.parse import _value

    assert [_value(None, raw) for raw in (None, "", " ", "-", "/", "—", "无", "空")] == ["—"] * 8
    assert [_value(None, raw) for raw in ("x", "见附件", "3.5")] == ["(x)", "(见附件)", "(3.5)"]
    assert _value(0, "0") == "0" and _value(12, "12件") == "12"


def test_not_a_report(capsys):
    assert main(["parse", str(HERE / "trs_work_report_not_annual.html")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["applications"] == [] and data["active_disclosure"] == []
    assert [f["rule"] for f in data["findings"]] == ["not_a_report"]
    main(["parse", str(HERE / "trs_work_report_not_annual.html"), "--format", "table"])
    out = capsys.readouterr().out
    assert "没有读到表格数据" in out and "not_a_report" in out


def test_plain_text_file(capsys):
    assert main(["parse", str(HERE / "sample_001_dandi_2020.txt")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["agency"], data["year"], data["template"]) == ("凼底乡人民政府", 2020, "2019")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.html", "no such file"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: _write(tmp / "empty.html", b""), "empty"),
        (lambda tmp: _write(tmp / "blank.txt", b" \n\t\n"), "empty"),
    ],
)
def test_unusable_files_exit_nonzero_with_one_line(tmp_path, capsys, make, message):
    path = make(tmp_path)
    assert main(["parse", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("nianbao parse: ") and message in captured.err


def test_unreadable_file(tmp_path, capsys, monkeypatch):
    """A file that exists but cannot be read (permissions; root reads any mode, so the
    refusal is simulated at the read) is a one-line error naming the reason."""
    path = _write(tmp_path / "secret.html", b"<html></html>")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "read_bytes", refuse)
    assert main(["parse", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == f"nianbao parse: {path}: cannot be read (Permission denied)\n"


def test_broken_pdf_is_a_one_line_error(tmp_path, capsys):
    path = _write(tmp_path / "broken.pdf", b"%PDF-1.7\nnot really a pdf")
    assert main(["parse", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("nianbao parse: ") and err.count("\n") == 1


def test_a_parser_bug_is_one_line_not_a_traceback(monkeypatch, capsys):
    import nianbao.commands.parse as command

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(command, "parse_report", broken)
    assert main(["parse", str(TRS)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "could not be parsed (KeyError" in err


def test_old_word_files_are_converted_first(monkeypatch, capsys):
    import nianbao.commands.parse as command

    seen = []

    def fake_prepare(data, filename):
        seen.append(filename)
        return b"<html><head><title>x</title></head><body><p>x</p></body></html>", "x.html"

    monkeypatch.setattr(command, "prepare", fake_prepare)
    doc = HERE.parent / "documents" / "filled-2021.doc"
    assert main(["parse", str(doc)]) == 0
    assert seen == ["filled-2021.doc"]
    assert json.loads(capsys.readouterr().out)["findings"][0]["rule"] == "not_a_report"


def test_conversion_failure_is_one_line(monkeypatch, capsys):
    import nianbao.commands.parse as command
    from convert.office import OfficeError

    def failing(data, filename):
        raise OfficeError("LibreOffice is not installed\n(soffice not found)")

    monkeypatch.setattr(command, "prepare", failing)
    assert main(["parse", str(TRS)]) == 1
    err = capsys.readouterr().err
    assert err == f"nianbao parse: {TRS}: LibreOffice is not installed (soffice not found)\n"


def test_stdin_in_a_subprocess():
    """The installed command, reading a GBK page from stdin."""
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", "parse", "-"],
        input=(HERE / "hanweb_jiangbei_2020_gbk.html").read_bytes(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.decode("utf-8"))
    assert (data["agency"], data["year"], data["template"]) == ("江北区教育局", 2020, "2019")


def test_missing_file_in_a_subprocess_has_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", "parse", "/nonexistent/report.html"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr == "nianbao parse: /nonexistent/report.html: no such file\n"


def _write(path, data: bytes):
    path.write_bytes(data)
    return path
