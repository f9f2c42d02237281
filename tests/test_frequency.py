import math

import pandas as pd
import pytest

from taxonomy.categories import load_categories
from taxonomy.frequency import COLUMNS, frequencies, wide

CATS = load_categories()
N_ROWS = len(CATS) + len({c.family for c in CATS})


@pytest.fixture
def labels():
    return pd.DataFrame({
        "doc": ["a.txt"] * 4 + ["b.txt"] * 2,
        "text": ["一" * 10, "二" * 20, "三" * 30, "四" * 40, "五" * 50, "六" * 50],
        "labels": ["buck_passing|inaction", "buck_passing", "", "hedonism", "formalism", ""],
        "stance": ["problem", "remedy", "", "problem", "remedy", ""],
    })


def test_counts_shares_rates_and_stance(labels):
    f = frequencies(labels).set_index(["group", "id"])
    assert list(frequencies(labels).columns) == COLUMNS
    row = f.loc[("a.txt", "buck_passing")]
    assert (row["count"], row["problem"], row["remedy"]) == (2, 1, 1)
    assert row["share"] == pytest.approx(2 / 4)
    assert row["per_1000_chars"] == pytest.approx(1000 * 2 / 100)
    assert (row["n_sentences"], row["n_chars"]) == (4, 100)
    assert f.loc[("b.txt", "formalism"), "remedy"] == 1
    assert f.loc[("b.txt", "formalism"), "per_1000_chars"] == pytest.approx(10)


def test_a_family_counts_each_sentence_once(labels):
    f = frequencies(labels).set_index(["group", "id"])
    # buck_passing + inaction in one sentence: two category hits, one 为官不为 sentence
    assert f.loc[("a.txt", "inaction"), "count"] == 1
    assert f.loc[("a.txt", "为官不为"), "count"] == 2
    assert f.loc[("a.txt", "为官不为"), "share"] == pytest.approx(0.5)
    assert f.loc[("a.txt", "廉洁"), ["count", "problem"]].tolist() == [1, 1]


def test_rows_are_ranked_by_count_within_each_group_and_level(labels):
    f = frequencies(labels)
    a = f[(f["group"] == "a.txt") & (f["kind"] == "category")]
    assert a["id"].iloc[0] == "buck_passing" and a["rank"].tolist() == list(range(1, len(CATS) + 1))
    assert a["count"].is_monotonic_decreasing
    unranked = frequencies(labels, rank=False)
    assert unranked.query("group == 'a.txt' and kind == 'category'")["id"].tolist() == [c.id for c in CATS]


def test_zero_rows_are_kept_or_dropped_alike_at_both_levels(labels):
    kept = frequencies(labels)
    assert len(kept) == 2 * N_ROWS
    dropped = frequencies(labels, zeros=False)
    assert (dropped["count"] > 0).all()
    assert set(dropped.query("group == 'b.txt'")["id"]) == {"formalism", "形式主义"}
    assert len(frequencies(labels, kind="family", zeros=False).query("group == 'a.txt'")) == 2


def test_speeches_are_shown_by_title_and_grouped_by_metadata(labels):
    meta = pd.DataFrame({"doc": ["a.txt", "b.txt"], "name": ["在全市大会上的讲话", "b.txt"],
                         "date": ["2022-11-19", None]})
    f = frequencies(labels, metadata=meta)
    assert list(dict.fromkeys(f["group"])) == ["在全市大会上的讲话", "b.txt"]
    by_date = frequencies(labels, by="date", metadata=meta, kind="family")
    assert list(dict.fromkeys(by_date["group"])) == ["2022-11-19", "(unknown)"]
    with pytest.raises(ValueError, match="speaker"):
        frequencies(labels, by="speaker")


def test_expected_sums_probabilities(labels):
    for c in CATS:
        labels[f"p_{c.id}"] = 0.0
    labels["p_buck_passing"] = [0.9, 0.6, 0.1, 0.0, 0.0, 0.0]
    f = frequencies(labels).set_index(["group", "id"])
    assert f.loc[("a.txt", "buck_passing"), "expected"] == pytest.approx(1.6)
    assert math.isnan(frequencies(labels[["doc", "text", "labels", "stance"]])["expected"].iloc[0])


def test_wide_puts_speeches_side_by_side(labels):
    w = wide(frequencies(labels), "count", zeros=False)
    assert list(w.columns) == ["a.txt", "b.txt"]
    assert w.loc[("category", "推诿扯皮")].tolist() == [2, 0]
    assert w.index[0] == ("category", "推诿扯皮")          # ranked by the total over speeches
    assert w.index.get_level_values(0).tolist()[-1] == "family"
    assert len(wide(frequencies(labels), "share")) == N_ROWS
    with pytest.raises(ValueError):
        wide(frequencies(labels), "total")
