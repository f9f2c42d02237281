import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from taxonomy.cli import app
from taxonomy.errors import TaxonomyError
from taxonomy.scoring import align, read_gold, score, score_labels

runner = CliRunner()


def gold_frame():
    return pd.DataFrame(
        {
            "doc": ["a.txt", "a.txt", "a.txt", "b.txt", "b.txt"],
            "text": ["一是推诿扯皮。", "有的科室让企业来回跑。", "今年新增市场主体一万户。", "坚决杜绝吃拿卡要。", "谢谢大家！"],
            "labels": ["buck_passing", "buck_passing", "", "petty_corruption", ""],
            "stance": ["problem", "problem", "", "remedy", ""],
        }
    )


def test_align_handles_joined_and_split_sentences():
    assert align(["甲乙。", "丙丁。"], ["甲乙。", "丙丁。"]) == [[0], [1]]
    assert align(["甲乙。", "丙丁。"], ["甲乙。丙丁。"]) == [[0], [0]]
    assert align(["甲乙，丙丁戊。"], ["甲乙，", "丙丁戊。"]) == [[0, 1]]
    assert align(["甲 乙。"], ["甲乙。"]) == [[0]]  # whitespace does not matter
    assert align(["甲乙。"], []) == [[]]


def test_score_labels_counts_by_hand():
    gold = gold_frame()
    pred = gold.assign(labels=["buck_passing", "", "buck_passing", "petty_corruption|hedonism", ""],
                       stance=["problem", "", "remedy", "problem", ""])
    r = score_labels(gold, pred, categories=["buck_passing", "petty_corruption", "hedonism"], min_support=1, bootstrap=0)
    # detection: predicted 3 (rows 0, 2, 3), true 3 (rows 0, 1, 3), 2 correct
    assert r["detect_precision"] == pytest.approx(2 / 3) and r["detect_recall"] == pytest.approx(2 / 3)
    # labels: tp 2 (bp row 0, pc row 3), fp 2 (bp row 2, hedonism row 3), fn 1 (bp row 1)
    assert r["micro_f1"] == pytest.approx(4 / 7)
    assert r["count_ratio"] == pytest.approx(4 / 3)
    # stance on rows both labelled: row 0 right, row 3 wrong
    assert r["stance_accuracy"] == pytest.approx(0.5)
    assert r["macro_categories"] == ["buck_passing", "petty_corruption"]
    assert r["per_category"]["buck_passing"]["count_ratio"] == pytest.approx(1.0)
    assert r["macro_f1"] == pytest.approx(np.mean([0.5, 1.0]))


def test_expected_counts_use_probabilities():
    gold = gold_frame()
    pred = gold.assign(**{"p_buck_passing": [0.9, 0.6, 0.1, 0.0, 0.0], "p_petty_corruption": [0, 0, 0, 0.5, 0.0]})
    r = score_labels(gold, pred, categories=["buck_passing", "petty_corruption"], bootstrap=0)
    assert r["expected_count_ratio"] == pytest.approx((1.6 + 0.5) / 3)


def test_bootstrap_intervals_contain_the_estimate():
    gold = pd.concat([gold_frame().assign(doc=lambda f, i=i: f["doc"] + str(i)) for i in range(6)], ignore_index=True)
    pred = gold.assign(labels=np.where(np.arange(len(gold)) % 4 == 0, "", gold["labels"]))
    r = score_labels(gold, pred, categories=["buck_passing", "petty_corruption"], bootstrap=200)
    low, high = r["ci95"]["detect_f1"]
    assert low <= r["detect_f1"] <= high and low < high


def write_gold(path, frame):
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def test_read_gold_names_the_row_of_a_bad_label(tmp_path):
    frame = gold_frame()
    frame.loc[1, "labels"] = "laziness"
    with pytest.raises(TaxonomyError, match=r"gold.csv:3: unknown category id 'laziness'"):
        read_gold(write_gold(tmp_path / "gold.csv", frame))
    frame = gold_frame()
    frame.loc[0, "stance"] = ""
    with pytest.raises(TaxonomyError, match="gold.csv:2"):
        read_gold(write_gold(tmp_path / "gold.csv", frame))
    with pytest.raises(TaxonomyError, match="needs the columns"):
        read_gold(write_gold(tmp_path / "gold.csv", frame.drop(columns="stance")))


def test_score_model_on_units_and_on_files_agree(tiny_model, tmp_path):
    gold = gold_frame()
    for doc, rows in gold.groupby("doc"):
        (tmp_path / doc).write_text("\n".join(rows["text"]), encoding="utf-8")
    path = write_gold(tmp_path / "gold.csv", gold)
    on_units, table = score(tiny_model, path, bootstrap=0)
    on_files, _ = score(tiny_model, path, docs=tmp_path, bootstrap=0)
    assert on_units["sentences"] == 5 and on_units["documents"] == 2
    for key in ("detect_f1", "micro_f1", "count_ratio", "stance_accuracy"):
        assert on_units[key] == pytest.approx(on_files[key]), key
    assert {"pred_labels", "pred_stance"} <= set(table.columns)


def test_score_command(tiny_model_path, tmp_path):
    path = write_gold(tmp_path / "gold.csv", gold_frame())
    out = tmp_path / "score.json"
    result = runner.invoke(app, ["score", str(path), "--model", str(tiny_model_path), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "detect_f1" in result.output and "buck_passing" in result.output
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["sentences"] == 5 and 0 <= figures["detect_f1"] <= 1
    again = runner.invoke(app, ["score", str(path), "--model", str(tiny_model_path), "--json", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_score_command_reports_a_missing_document(tiny_model_path, tmp_path):
    path = write_gold(tmp_path / "gold.csv", gold_frame())
    result = runner.invoke(app, ["score", str(path), "--docs", str(tmp_path / "nowhere"), "--model", str(tiny_model_path)])
    assert result.exit_code == 2 and "no file for the gold documents" in result.output
