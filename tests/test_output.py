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

    from taxonomy.output import default_file_mode

    path = write_table(TABLE, tmp_path / "out.csv")
    assert stat.S_IMODE(os.stat(path).st_mode) == default_file_mode()
