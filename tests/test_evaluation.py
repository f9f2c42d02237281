import json

import numpy as np
import pytest

from conftest import PASSAGES, write_corpus
from taxonomy.evaluation import (
    calibration_error,
    confused_pairs,
    count_error,
    cross_validate,
    fasttext_baseline,
    grouped_folds,
    keyword_baseline,
    run_evaluation,
    summarise_scores,
)
from taxonomy.errors import TaxonomyError
from taxonomy.training import load_training_data


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("eval")
    write_corpus(root, halves())
    return load_training_data(root)


def halves():
    """The tiny corpus as twelve sources (each passage split in two), so 3-fold CV has room."""
    return {f"{k}{part}": v[i : i + 3] for k, v in PASSAGES.items() for part, i in (("a", 0), ("b", 3))}


def test_folds_keep_sources_whole_and_cover_everything(data):
    folds = grouped_folds(data.groups, data.Y.to_numpy(), n_splits=3)
    seen = np.concatenate([test for _, test in folds])
    assert sorted(seen) == list(range(len(data.groups)))
    for train, test in folds:
        assert not set(data.groups[train]) & set(data.groups[test])
    again = grouped_folds(data.groups, data.Y.to_numpy(), n_splits=3)  # deterministic
    assert all(np.array_equal(a, c) and np.array_equal(b, d) for (a, b), (c, d) in zip(folds, again))


def test_too_few_sources_is_an_error(data):
    with pytest.raises(TaxonomyError, match="at least 50 sources"):
        grouped_folds(data.groups, data.Y.to_numpy(), n_splits=50)


def test_cross_validation_scores(data):
    folds = grouped_folds(data.groups, data.Y.to_numpy(), n_splits=3)
    result = cross_validate(data, folds=folds)
    scores = summarise_scores(result)
    assert result.proba.shape == data.Y.shape
    assert 0 <= scores["macro_f1"] <= 1 and 0 <= scores["stance_accuracy"] <= 1
    assert scores["problem_detection_f1"] > 0.3  # far from random on this easy corpus
    assert 0 <= calibration_error(result) <= 1
    assert count_error(result)["sources"] == 12


def test_keyword_baseline_matches_keywords(data):
    folds = grouped_folds(data.groups, data.Y.to_numpy(), n_splits=3)
    result = keyword_baseline(data, folds)
    k = list(data.Y.columns).index("petty_corruption")
    row = list(data.X["text"]).index("对吃拿卡要的一律严肃查处。")
    assert result.pred[row, k] == 1 and result.stance[row] == "remedy"


def test_fasttext_baseline_gives_distinct_probabilities(data):
    pytest.importorskip("fasttext")
    folds = grouped_folds(data.groups, data.Y.to_numpy(), n_splits=3)
    result = fasttext_baseline(data, folds, epoch=20)
    assert result.proba.shape == data.Y.shape
    # the probabilities of one sentence differ between categories (a wrapper bug repeats one value)
    assert np.mean([len(set(np.round(row, 4))) > 2 for row in result.proba]) > 0.5
    truth = data.Y.to_numpy().astype(bool)
    assert result.proba[truth].mean() > result.proba[~truth].mean()  # it learnt something


def test_confused_pairs_counts_swaps(data):
    folds = grouped_folds(data.groups, data.Y.to_numpy(), n_splits=3)
    result = cross_validate(data, folds=folds)
    result.pred = result.data.Y.to_numpy().copy()
    i = int(np.flatnonzero(result.data.Y["buck_passing"].to_numpy())[0])
    cats = list(result.data.Y.columns)
    result.pred[i, cats.index("buck_passing")] = 0
    result.pred[i, cats.index("departmentalism")] = 1
    assert confused_pairs(result) == [{"true": "buck_passing", "predicted": "departmentalism", "sentences": 1}]


def test_run_evaluation_writes_both_reports(data, tmp_path):
    directory = tmp_path / "labelled"
    write_corpus(directory, halves())
    md, js = run_evaluation(directory, tmp_path / "reports", n_splits=3, baselines=False, tuning=False,
                            learning_curve_points=False, log=lambda m: None)
    report = json.loads(js.read_text(encoding="utf-8"))
    assert "ours (words + chars + context)" in report["models"]
    assert "## Models and baselines side by side" in md.read_text(encoding="utf-8")


def test_run_evaluation_gives_the_same_figures_with_worker_processes(tmp_path):
    import os

    from taxonomy.errors import TaxonomyError

    directory = tmp_path / "labelled"
    write_corpus(directory, halves())
    figures = []
    for jobs in (1, -1):
        _, js = run_evaluation(directory, tmp_path / f"reports{jobs}", n_splits=3, baselines=False, tuning=False,
                               learning_curve_points=False, log=lambda m: None, jobs=jobs)
        models = json.loads(js.read_text(encoding="utf-8"))["models"]
        figures.append({name: {k: v for k, v in row.items() if k != "seconds"} for name, row in models.items()})
    assert figures[0] == figures[1]
    with pytest.raises(TaxonomyError, match="--jobs must be between"):
        run_evaluation(directory, tmp_path / "r", jobs=(os.cpu_count() or 1) + 1, log=lambda m: None)


def test_scores_on_a_subset_and_expected_counts(data):
    folds = grouped_folds(data.groups, data.Y.to_numpy(), n_splits=3)
    result = cross_validate(data, folds=folds)
    result.pred = result.data.Y.to_numpy().copy()
    result.proba = result.pred.astype(float) * 0.5  # expected counts are half the truth
    first = data.groups == data.groups[0]
    assert summarise_scores(result, first)["n_sentences"] == first.sum()
    assert summarise_scores(result, first)["micro_f1"] == 1.0
    assert count_error(result)["relative_error"] == 0.0
    assert count_error(result, expected=True)["relative_error"] == pytest.approx(0.5)


def test_report_has_whole_documents_and_passages(data, tmp_path):
    directory = tmp_path / "labelled"
    names = {"p1a": "speech-000", "p2a": "ra-speech-01"}
    passages = {names.get(k, f"w1-p{i:02d}"): rows for i, (k, rows) in enumerate(halves().items())}
    write_corpus(directory, passages)
    md, js = run_evaluation(directory, tmp_path / "reports", n_splits=3, baselines=False, tuning=False,
                            learning_curve_points=False, log=lambda m: None)
    report = json.loads(js.read_text(encoding="utf-8"))
    kinds = report["by_kind"]["ours (words + chars + context)"]
    assert kinds["whole documents"]["n_sentences"] == 6 and kinds["short passages"]["n_sentences"] == 30
    assert report["count_error"]["ours (words + chars + context)"]["whole documents"]["sources"] == 2
    assert "## Whole documents and short passages" in md.read_text(encoding="utf-8")
