import pytest

from taxonomy.atomic import check_target, temporary_beside, write_atomic
from taxonomy.errors import TaxonomyError


def test_a_failed_write_leaves_neither_output_nor_temporary_file(tmp_path):
    out = tmp_path / "x.json"
    with pytest.raises(KeyboardInterrupt):
        with temporary_beside(out) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_existing_files_are_kept_unless_overwrite(tmp_path):
    out = tmp_path / "x.txt"
    out.write_text("old")
    with pytest.raises(TaxonomyError, match="already exists"):
        write_atomic(out, "new")
    assert out.read_text() == "old"
    write_atomic(out, b"new", overwrite=True)
    assert out.read_bytes() == b"new"


def test_a_folder_or_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(TaxonomyError, match="is a folder"):
        check_target(tmp_path, overwrite=True)
    with pytest.raises(TaxonomyError, match="does not exist"):
        check_target(tmp_path / "no" / "x.csv")
