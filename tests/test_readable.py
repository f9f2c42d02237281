import io

import numpy as np
import pandas as pd
import pytest
from rich.cells import cell_len
from rich.console import Console

from taxonomy.errors import TaxonomyError
from taxonomy.readable import (CHECK_MARGIN, chinese_labels, check_categories, family_of, filter_labels,
                               near_threshold, terminal_table)


def test_chinese_labels_follow_the_ids():
    assert chinese_labels(["formalism|fraud", "", "abuse_of_power"]) == ["形式主义、弄虚作假", "", "乱作为"]


def test_near_threshold_uses_a_log_odds_margin():
    thresholds = [0.25, 0.5]
    low, high = 0.25 / (0.25 + 0.75 * np.exp(CHECK_MARGIN)), 0.25 * np.exp(CHECK_MARGIN) / (0.75 + 0.25 * np.exp(CHECK_MARGIN))
    rows = [[low + 0.005, 0.0], [low - 0.005, 0.0], [high - 0.005, 0.99], [high + 0.005, 0.99], [0.0, 0.49]]
    assert near_threshold(rows, thresholds).tolist() == [True, False, True, False, True]
    assert near_threshold(np.zeros((0, 2)), thresholds).tolist() == []


def test_family_of_takes_the_most_probable_label():
    assert family_of("formalism|petty_corruption", {"formalism": 0.6, "petty_corruption": 0.9}) == "廉洁"
    assert family_of("formalism|petty_corruption") == "形式主义" and family_of("") == ""


def test_filters():
    table = pd.DataFrame({"labels": ["", "fraud", "formalism|fraud", "hedonism"]})
    assert filter_labels(table, only_labelled=True).index.tolist() == [1, 2, 3]
    assert filter_labels(table, categories=["formalism", "hedonism"]).index.tolist() == [2, 3]
    assert filter_labels(table).index.tolist() == [0, 1, 2, 3]


def test_unknown_category_lists_the_valid_ids():
    with pytest.raises(TaxonomyError, match=r"unknown category id nope \(valid: a, b\)"):
        check_categories(["a", "nope"], ["a", "b"])


def test_terminal_table_fits_80_columns():
    table = pd.DataFrame({
        "sentence_id": [0, 1, 1234],
        "text": ["有的干部" * 40, "同志们：", "机关门难进、脸难看现象明显少了，但只微笑不办事的问题增多了；" * 3],
        "labels": ["formalism|fraud|bureaucratism|inaction", "", "bureaucratism"],
        "labels_zh": ["形式主义、弄虚作假、官僚主义、不作为慢作为", "", "官僚主义"],
        "stance": ["problem", "", "remedy"], "check": [True, False, False],
    })
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(terminal_table(table, title="a.txt", width=80))
    lines = console.export_text().splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert len(lines) == 2 + 3  # title, header, one line per sentence
    assert "…" in lines[2] and "整治" in lines[4] and "?" in lines[2]
