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


# --- details the round trips above do not pin down ---------------------------------------------


def test_a_path_without_extension_is_named_in_the_error():
    with pytest.raises(TaxonomyError) as info:
        output_format("labels")
    assert str(info.value) == "labels: unsupported output format (none) (use .csv, .xlsx, .jsonl, .parquet)"
    assert output_format("OUT.CSV") == ".csv"


def test_table_writer_refuses_an_existing_file_by_default(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text("keep", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="already exists"):
        TableWriter(path, ["doc"])
    assert path.read_text(encoding="utf-8") == "keep"


def test_csv_rows_are_exactly_the_declared_columns_without_an_index(tmp_path):
    path = tmp_path / "out.csv"
    table = pd.DataFrame({"p_x": [0.5], "extra": ["drop me"], "text": ["同志们："]}, index=[7])
    with TableWriter(path, ["doc", "text", "p_x"]) as writer:
        writer.write(table)
    assert writer.rows == 1
    assert path.read_bytes() == "\ufeffdoc,text,p_x\n,同志们：,0.5\n".encode("utf-8")


def test_jsonl_keeps_chinese_readable_and_writes_numpy_values(tmp_path):
    import numpy as np

    path = tmp_path / "out.jsonl"
    table = pd.DataFrame({"text": ["同志们："], "n": pd.Series([np.int64(3)], dtype=object)})
    write_table(table, path)
    assert path.read_text(encoding="utf-8") == '{"text": "同志们：", "n": 3}\n'


def test_json_default_turns_numpy_scalars_into_python_and_refuses_the_rest():
    import numpy as np

    from taxonomy.output import _json_default

    assert _json_default(np.float32(0.5)) == 0.5 and type(_json_default(np.int64(2))) is int
    with pytest.raises(TypeError, match="cannot write object as JSON"):
        _json_default(object())


def test_parquet_does_not_store_the_index(tmp_path):
    path = tmp_path / "out.parquet"
    write_table(TABLE.set_axis([5, 9]), path)
    import pyarrow.parquet as pq

    assert pq.read_schema(path).names == list(TABLE.columns)
    assert pd.read_parquet(path).index.tolist() == [0, 1]


def test_an_empty_parquet_file_still_has_its_columns(tmp_path):
    path = tmp_path / "out.parquet"
    with TableWriter(path, ["doc", "text"]) as writer:
        pass
    assert writer.rows == 0
    back = pd.read_parquet(path)
    assert list(back.columns) == ["doc", "text"] and len(back) == 0


def test_spreadsheet_warnings_name_the_file_and_have_their_own_class(tmp_path):
    from taxonomy.output import SpreadsheetWarning

    table = pd.DataFrame({"doc": ["a"], "text": ["=1+2"]})
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"out{suffix}"
        with pytest.warns(SpreadsheetWarning) as record:
            with TableWriter(path, ["doc", "text"]) as writer:
                writer.write(table)
        assert [str(w.message) for w in record] == writer.warnings
        assert len(record) == 1 and str(record[0].message).startswith(f"{path}: 1 cell(s)")


def test_csv_escaping_counts_over_columns_and_leaves_numbers_and_the_input_alone(tmp_path):
    from taxonomy.cells import EXCEL_CELL_LIMIT

    path = tmp_path / "out.csv"
    table = pd.DataFrame({
        "n": [1, 2],  # not text: skipped, and the text columns after it are still escaped
        "doc": ["=a", "b"],
        "text": ["-1", "x" * EXCEL_CELL_LIMIT],  # exactly at the limit: not long
        "mixed": pd.Series(["@x", 3.5], dtype=object),
    })
    before = table.copy()
    with pytest.warns(UserWarning):
        with TableWriter(path, list(table.columns)) as writer:
            writer.write(table)
    pd.testing.assert_frame_equal(table, before)
    assert writer.warnings == [f"{path}: 3 cell(s) that begin with = + - or @ were escaped with a leading apostrophe"]
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert back.values.tolist() == [["1", "'=a", "'-1", "'@x"], ["2", "b", "x" * EXCEL_CELL_LIMIT, "3.5"]]


def test_long_csv_cells_are_counted_once_per_cell(tmp_path):
    from taxonomy.cells import EXCEL_CELL_LIMIT

    path = tmp_path / "out.csv"
    table = pd.DataFrame({"a": ["x" * (EXCEL_CELL_LIMIT + 1)] * 2, "b": ["y" * (EXCEL_CELL_LIMIT + 1), "z"]})
    with pytest.warns(UserWarning):
        with TableWriter(path, ["a", "b"]) as writer:
            writer.write(table)
    assert writer.warnings == [f"{path}: 3 cell(s) are longer than Excel's 32,767 characters: Excel cuts them on opening"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx"])
def test_a_table_without_rows_writes_just_the_header(tmp_path, suffix):
    # e.g. a speech none of whose sentences carry the categories asked for
    empty = pd.DataFrame({"doc": ["a"], "text": ["同志们："]}).iloc[:0]
    path = write_table(empty, tmp_path / f"out{suffix}")
    if suffix == ".csv":
        assert path.read_text(encoding="utf-8-sig") == "doc,text\n"
    elif suffix == ".jsonl":
        assert path.read_text(encoding="utf-8") == ""
    else:
        assert list(pd.read_excel(path).columns) == ["doc", "text"]
