import json

import pandas as pd
import pytest

from taxonomy.errors import TaxonomyError
from taxonomy.output import TableWriter, output_format, write_table

TABLE = pd.DataFrame({"doc": ["a", "a"], "text": ["同志们：", "有的推诿扯皮。"], "p_x": [0.1, 0.9]})


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl", ".parquet"])
def test_every_format_round_trips(tmp_path, suffix):
    path = write_table(TABLE, tmp_path / f"out{suffix}")
    if suffix == ".csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
        back = pd.read_csv(path, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        back = pd.read_excel(path)
    elif suffix == ".jsonl":
        back = pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()])
    else:
        back = pd.read_parquet(path)
    assert back["text"].tolist() == TABLE["text"].tolist()
    assert back["p_x"].tolist() == [0.1, 0.9]
    assert not list(tmp_path.glob(".*.tmp"))


def test_appending_in_pieces(tmp_path):
    path = tmp_path / "out.parquet"
    with TableWriter(path, list(TABLE.columns)) as writer:
        writer.write(TABLE.iloc[:1])
        writer.write(TABLE.iloc[1:])
    assert pd.read_parquet(path)["text"].tolist() == TABLE["text"].tolist()


def test_existing_files_are_not_overwritten(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("keep", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="already exists"):
        write_table(TABLE, path)
    assert path.read_text(encoding="utf-8") == "keep"
    write_table(TABLE, path, overwrite=True)
    assert "同志们" in path.read_text(encoding="utf-8-sig")


def test_failure_leaves_nothing_half_written(tmp_path):
    path = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with TableWriter(path, ["doc"]) as writer:
            writer.write(TABLE[["doc"]])
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_unsupported_format_and_missing_folder(tmp_path):
    with pytest.raises(TaxonomyError, match="unsupported output format .txt"):
        output_format("x.txt")
    with pytest.raises(TaxonomyError, match="does not exist"):
        TableWriter(tmp_path / "no" / "x.csv", ["a"])


def test_written_files_get_ordinary_permissions(tmp_path):
    import os
    import stat

    from taxonomy.atomic import default_file_mode

    path = write_table(TABLE, tmp_path / "out.csv")
    assert stat.S_IMODE(os.stat(path).st_mode) == default_file_mode()


# --- safe, faithful spreadsheets -------------------------------------------------------------

HOSTILE = pd.DataFrame({
    "doc": ["=1+2.txt", "=1+2.txt", "=1+2.txt", "=1+2.txt"],
    "text": ['=HYPERLINK("http://x","click here")', "  +SUM(A1)", "推诿\x00扯皮\x1b现象", "长" * 40000],
    "labels": ["fraud", "", "buck_passing", ""],
})


def _xlsx_rows(path):
    from openpyxl import load_workbook

    return list(load_workbook(path)["labels"].iter_rows(min_row=2))


def test_xlsx_stores_formula_like_text_as_text(tmp_path):
    import zipfile

    with pytest.warns(UserWarning) as record:
        path = write_table(HOSTILE, tmp_path / "out.xlsx")
    assert any("6 cell(s) that begin with = + - or @ were written as text" in str(w.message) for w in record)
    rows = _xlsx_rows(path)
    assert rows[0][1].value == '=HYPERLINK("http://x","click here")' and rows[0][1].data_type == "s"
    assert rows[0][0].value == "=1+2.txt" and rows[0][0].data_type == "s"
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml


def test_xlsx_removes_control_characters_and_cuts_long_cells_visibly(tmp_path):
    from taxonomy.cells import CUT_MARKER, EXCEL_CELL_LIMIT

    with pytest.warns(UserWarning) as record:
        path = write_table(HOSTILE, tmp_path / "out.xlsx")
    messages = " ".join(str(w.message) for w in record)
    assert "1 cell(s) held control characters" in messages and "1 cell(s) longer than" in messages
    rows = _xlsx_rows(path)
    assert rows[2][1].value == "推诿扯皮现象"
    assert len(rows[3][1].value) == EXCEL_CELL_LIMIT and rows[3][1].value.endswith(CUT_MARKER)


def test_csv_escapes_formulas_and_warns_on_long_cells(tmp_path):
    with pytest.warns(UserWarning) as record:
        path = write_table(HOSTILE, tmp_path / "out.csv")
    assert any("longer than Excel's" in str(w.message) for w in record)
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["text"].tolist()[:2] == ["'=HYPERLINK(\"http://x\",\"click here\")", "'  +SUM(A1)"]
    assert back["doc"].eq("'=1+2.txt").all()
    assert len(back["text"].iloc[3]) == 40000  # kept whole in CSV


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_jsonl_and_parquet_stay_faithful(tmp_path, suffix):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = write_table(HOSTILE, tmp_path / f"out{suffix}")
    if suffix == ".jsonl":
        back = pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()])
    else:
        back = pd.read_parquet(path)
    assert back["text"].tolist() == HOSTILE["text"].tolist() and back["doc"].tolist() == HOSTILE["doc"].tolist()


def test_xlsx_is_formatted_with_a_legend(tmp_path):
    from openpyxl import load_workbook

    table = pd.DataFrame({"doc": ["a", "a"], "text": ["有的推诿扯皮。", "同志们："], "labels": ["buck_passing", ""],
                          "stance": ["problem", ""], "p_buck_passing": [0.9, 0.01]})
    path = write_table(table, tmp_path / "out.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["labels", "图例"]
    sheet = book["labels"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E3"
    assert sheet["A1"].font.b and sheet["B2"].alignment.wrap_text
    assert sheet.column_dimensions["B"].width == 80
    from taxonomy.readable import FAMILY_COLOURS

    assert sheet["B2"].fill.fgColor.rgb.endswith(FAMILY_COLOURS["为官不为"]) and sheet["B3"].fill.fill_type is None
    legend = [row[0].value for row in book["图例"].iter_rows(min_row=2, max_row=7)]
    assert legend == list(FAMILY_COLOURS)


def test_xlsx_chinese_header(tmp_path):
    from openpyxl import load_workbook

    table = pd.DataFrame({"text": ["有的推诿扯皮。"], "labels": ["buck_passing"], "stance": ["problem"], "p_buck_passing": [0.9]})
    path = tmp_path / "out.xlsx"
    with TableWriter(path, list(table.columns), chinese_header=True) as writer:
        writer.write(table)
    sheet = load_workbook(path)["labels"]
    assert [c.value for c in sheet[1]] == ["句子", "类别代码", "立场", "概率:推诿扯皮"]
    assert sheet["C2"].value == "问题"
