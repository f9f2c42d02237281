import pytest
from hypothesis import given
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from hypothesis import strategies as st

from taxonomy.cells import (CUT_MARKER, EXCEL_CELL_LIMIT, csv_safe, cut_to_limit, has_control, looks_like_formula,
                            sheet_title, strip_control)


@pytest.mark.parametrize("text", ["=1+2", " =A1", "\t+1", "-x", "@SUM(A1)", '=HYPERLINK("http://x","click here")'])
def test_formula_like_text(text):
    assert looks_like_formula(text) and csv_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["同志们：", "1+2=3", "a-b", "", "'=1"])
def test_ordinary_text_is_left_alone(text):
    assert not looks_like_formula(text) and csv_safe(text) == text


@given(st.text())
def test_strip_control_leaves_only_storable_text(text):
    clean = strip_control(text)
    assert not ILLEGAL_CHARACTERS_RE.search(clean) and not has_control(clean)
    assert clean == "".join(ch for ch in text if not ILLEGAL_CHARACTERS_RE.match(ch))


@given(st.text(min_size=0, max_size=50), st.integers(min_value=len(CUT_MARKER), max_value=40))
def test_cut_to_limit(text, limit):
    out = cut_to_limit(text, limit)
    assert len(out) <= max(limit, len(text) if len(text) <= limit else 0) or out.endswith(CUT_MARKER)
    assert out == text if len(text) <= limit else (len(out) == limit and out.endswith(CUT_MARKER))
    assert text.startswith(out[: -len(CUT_MARKER)] if out != text else out)


def test_excel_limit_is_excels():
    assert EXCEL_CELL_LIMIT == 32767 and len(cut_to_limit("长" * 40000)) == 32767


@given(st.lists(st.text(max_size=60), min_size=1, max_size=8))
def test_sheet_titles_are_valid_and_unique(names):
    taken: set[str] = set()
    titles = [sheet_title(n, taken) for n in names]
    assert len({t.lower() for t in titles}) == len(titles)
    for t in titles:
        assert 1 <= len(t) <= 31 and not set(t) & set("[]:*?/\\") and not t.startswith("'") and not t.endswith("'") and not has_control(t)
