import pytest
import pandas as pd

from taxonomy.categories import load_categories
from taxonomy.report import SUMMARY_COLUMNS, summarise


def test_counts_per_category_and_family_by_stance():
    table = pd.DataFrame(
        {
            "doc": ["a", "a", "a", "b"],
            "labels": ["buck_passing|departmentalism", "buck_passing|inaction", "", "hedonism"],
            "stance": ["problem", "remedy", "", "problem"],
        }
    )
    s = summarise(table)
    assert list(s.columns) == SUMMARY_COLUMNS
    a = s[s["doc"] == "a"].set_index("id")
    assert a.loc["buck_passing", ["problem", "remedy", "total"]].tolist() == [1, 1, 2]
    assert a.loc["inaction", "remedy"] == 1
    # buck_passing and inaction are one family: the remedy sentence counts once there
    assert a.loc["为官不为", ["problem", "remedy"]].tolist() == [1, 1]
    assert a.loc["能力观念", "problem"] == 1
    assert a.loc["廉洁", "total"] == 0
    assert a["n_sentences"].iloc[0] == 3
    b = s[s["doc"] == "b"].set_index("id")
    assert b.loc["hedonism", "problem"] == 1 and b.loc["廉洁", "problem"] == 1
    n_levels = len(load_categories()) + len({c.family for c in load_categories()})
    assert len(s) == 2 * n_levels


def test_expected_counts_sum_probabilities_and_families_count_once():
    import numpy as np

    from taxonomy.categories import load_categories

    cats = load_categories()
    table = pd.DataFrame({"doc": ["a", "a"], "labels": ["buck_passing|inaction", ""], "stance": ["problem", ""]})
    for c in cats:
        table[f"p_{c.id}"] = 0.0
    table["p_buck_passing"] = [0.9, 0.2]
    table["p_inaction"] = [0.5, 0.0]
    s = summarise(table, cats)
    assert s.query("id == 'buck_passing'")["expected"].item() == pytest.approx(1.1)
    # 为官不为: 1 - (0.1 * 0.5) for the first sentence, 0.2 for the second
    assert s.query("id == '为官不为'")["expected"].item() == pytest.approx(0.95 + 0.2)
    no_proba = summarise(table[["doc", "labels", "stance"]], cats)
    assert np.isnan(no_proba["expected"]).all()


def test_labelled_sentences_without_a_stance_are_not_counted():
    table = pd.DataFrame({"doc": ["a", "a"], "labels": ["buck_passing", "buck_passing"], "stance": ["", "remedy"]})
    row = summarise(table).query("id == 'buck_passing'").iloc[0]
    assert (row["problem"], row["remedy"], row["total"]) == (0, 1, 1)


def test_speeches_stay_in_input_order_and_repeated_labels_add_up():
    table = pd.DataFrame({
        "doc": ["b", "b", "b", "b", "a"],
        "labels": ["buck_passing", "buck_passing|inaction", "inaction", "buck_passing", float("nan")],
        "stance": ["problem", "problem", "remedy", "remedy", float("nan")],
    })
    s = summarise(table)
    assert s["doc"].unique().tolist() == ["b", "a"]
    cats, fams = load_categories(), {c.family for c in load_categories()}
    assert s.groupby("level")["id"].count().to_dict() == {"category": 2 * len(cats), "family": 2 * len(fams)}
    b = s[s["doc"] == "b"].set_index(["level", "id"])
    assert b.loc[("category", "buck_passing"), ["problem", "remedy", "total"]].tolist() == [2, 1, 3]
    assert b.loc[("category", "inaction"), ["problem", "remedy", "total"]].tolist() == [1, 1, 2]
    # one family: each sentence once, whatever number of its categories it carries
    assert b.loc[("family", "为官不为"), ["problem", "remedy", "total"]].tolist() == [2, 2, 4]
    assert b.loc[("family", "为官不为"), ["name_zh", "family"]].tolist() == ["为官不为", "为官不为"]
    a = s[s["doc"] == "a"]
    assert (a["total"] == 0).all() and (a["n_sentences"] == 1).all()


def test_expected_counts_are_rounded_to_two_decimals():
    cats = load_categories()
    table = pd.DataFrame({"doc": ["a"], "labels": [""], "stance": [""]})
    for c in cats:
        table[f"p_{c.id}"] = 0.0
    table["p_buck_passing"] = 0.123
    s = summarise(table, cats).set_index("id")
    assert s.loc["buck_passing", "expected"] == 0.12 and s.loc["为官不为", "expected"] == 0.12
