import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from taxonomy.classifier import ProblemClassifier, best_f1_threshold


def toy():
    rng = np.random.default_rng(0)
    X = rng.random((60, 5))
    Y = pd.DataFrame({"a": (X[:, 0] > 0.6).astype(int), "b": (X[:, 1] > 0.7).astype(int), "c": 0})
    stance = np.where(X[:, 2] > 0.5, "remedy", "problem").astype(object)
    stance[~Y.to_numpy().any(axis=1)] = ""
    groups = np.repeat(np.arange(10), 6)
    return X, Y, stance, groups


def test_fit_learns_categories_thresholds_and_stance():
    X, Y, stance, groups = toy()
    clf = ProblemClassifier(C=10.0).fit(X, Y, groups=groups, stance=stance)
    assert list(clf.categories_) == ["a", "b", "c"]
    assert clf.thresholds_.shape == (3,) and clf.thresholds_[2] == 0.5
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 3) and np.all(proba[:, 2] == 0.0)  # never-seen category
    assert set(np.unique(clf.predict_stance(X))) <= {"problem", "remedy"}
    assert clf.predict(X)[:, 0].sum() > 0


def test_deterministic():
    X, Y, stance, groups = toy()
    a = ProblemClassifier().fit(X, Y, groups=groups, stance=stance).predict_proba(X)
    b = ProblemClassifier().fit(X, Y, groups=groups, stance=stance).predict_proba(X)
    assert np.array_equal(a, b)


def test_not_fitted_and_params():
    with pytest.raises(NotFittedError):
        ProblemClassifier().predict_proba(np.zeros((1, 2)))
    assert clone(ProblemClassifier(C=2.0)).get_params()["C"] == 2.0


def test_thresholds_can_be_fixed():
    X, Y, stance, groups = toy()
    clf = ProblemClassifier(tune_thresholds=False).fit(X, Y)
    assert np.all(clf.thresholds_ == 0.5)


@pytest.mark.parametrize(
    "y, scores, expected",
    [
        ([0, 0, 1, 1], [0.1, 0.3, 0.35, 0.8], 0.325),
        ([0, 0, 0], [0.1, 0.2, 0.3], 0.5),
        ([1, 1, 0], [0.9, 0.8, 0.1], 0.5),
        ([1, 1, 0, 0], [0.3, 0.35, 0.1, 0.2], 0.25),
    ],
    ids=["separable", "no-positives", "tie-goes-to-half", "best-below-half"],
)
def test_best_f1_threshold(y, scores, expected):
    assert best_f1_threshold(np.array(y), np.array(scores)) == pytest.approx(expected)


def test_thresholds_and_calibration_come_from_the_calibrate_on_rows():
    X, Y, stance, groups = toy()
    dense = np.zeros(len(Y), dtype=bool)
    dense[:30] = True
    a = ProblemClassifier(C=10.0).fit(X, Y, groups=groups, stance=stance)
    b = ProblemClassifier(C=10.0).fit(X, Y, groups=groups, stance=stance, calibrate_on=~dense)
    assert not np.allclose(a.calibration_[:2], b.calibration_[:2])
    # the same category models: only calibration and thresholds differ
    raw_a = a.estimator_.predict_proba(X)
    raw_b = b.estimator_.predict_proba(X)
    assert np.array_equal(raw_a, raw_b)


def test_calibrated_probabilities_sum_to_about_the_count():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 4))
    y = (X[:, 0] + rng.normal(scale=1.0, size=400) > 1.2).astype(int)
    Y = pd.DataFrame({"a": y, "b": (X[:, 1] > 1.0).astype(int)})
    groups = np.repeat(np.arange(40), 10)
    clf = ProblemClassifier(C=1.0).fit(X, Y, groups=groups)
    assert abs(clf.predict_proba(X)[:, 0].sum() - y.sum()) < 0.15 * y.sum()
    uncalibrated = ProblemClassifier(C=1.0, calibrate=False).fit(X, Y, groups=groups)
    # balanced class weights push raw probabilities up: calibration must bring the sum down
    assert uncalibrated.predict_proba(X)[:, 0].sum() > 1.3 * y.sum()
    assert np.array_equal(uncalibrated.calibration_[0], [1.0, 0.0])


def test_thresholds_live_on_the_calibrated_scale():
    # calibration is monotone, so choosing thresholds on calibrated scores must cut at the same place
    rng = np.random.default_rng(2)
    X = rng.normal(size=(400, 4))
    Y = pd.DataFrame({"a": (X[:, 0] + rng.normal(size=400) > 1.2).astype(int), "b": (X[:, 1] > 1.0).astype(int)})
    groups = np.repeat(np.arange(40), 10)
    calibrated = ProblemClassifier(C=1.0).fit(X, Y, groups=groups)
    raw = ProblemClassifier(C=1.0, calibrate=False).fit(X, Y, groups=groups)
    assert not np.allclose(calibrated.thresholds_, raw.thresholds_)
    assert np.mean(calibrated.predict(X) == raw.predict(X)) > 0.98


def test_stance_head_tells_remedies_from_problems():
    X, Y, stance, groups = toy()
    clf = ProblemClassifier(C=10.0).fit(X, Y, groups=groups, stance=stance)
    labelled = stance != ""
    predicted = clf.predict_stance(X[labelled])
    assert set(predicted) == {"problem", "remedy"}
    assert np.mean(predicted == stance[labelled]) > 0.8


def test_stance_head_learns_only_from_sentences_with_a_category():
    rng = np.random.default_rng(3)
    labelled = rng.random((40, 2))
    stance = np.where(labelled[:, 0] > 0.5, "remedy", "problem").astype(object)
    # many unlabelled sentences where a remedy would be: if they counted as "problem" the head would flip
    unlabelled = np.column_stack([rng.uniform(0.6, 1.0, 400), rng.random(400)])
    X = np.vstack([labelled, unlabelled])
    Y = pd.DataFrame({"a": [1] * 40 + [0] * 400})
    all_stance = np.concatenate([stance, np.array([""] * 400, dtype=object)])
    clf = ProblemClassifier(C=10.0, tune_thresholds=False).fit(X, Y, stance=all_stance)
    assert np.mean(clf.predict_stance(labelled) == stance) > 0.8


def test_threshold_folds_keep_groups_whole():
    groups = np.repeat(np.arange(7), 5)
    folds = ProblemClassifier(cv=5)._folds(len(groups), groups)
    assert len(folds) == 5
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
    assert ProblemClassifier(cv=5)._folds(10, np.zeros(10)) == []  # one group: nothing to tune on


def test_C_and_class_weight_reach_the_regressions():
    X, Y, stance, groups = toy()
    coef = lambda **kw: ProblemClassifier(tune_thresholds=False, **kw).fit(X, Y).coefficients("a")  # noqa: E731
    assert not np.allclose(coef(C=0.01), coef(C=100.0))
    assert not np.allclose(coef(class_weight=None), coef(class_weight="balanced"))
    assert ProblemClassifier(tune_thresholds=False).fit(X, Y).coefficients("c") is None  # never seen


def test_predict_uses_the_tuned_thresholds():
    X, Y, stance, groups = toy()
    clf = ProblemClassifier(C=10.0).fit(X, Y, groups=groups, stance=stance)
    proba = clf.predict_proba(X)
    assert np.array_equal(clf.predict(X), (proba >= clf.thresholds_).astype(int))
    clf.thresholds_ = np.array([0.0, 0.0, 0.0])
    assert clf.predict(X).all()


def test_a_single_learnable_category_gets_its_positive_probability():
    X, Y, stance, groups = toy()
    one = Y[["a"]]
    clf = ProblemClassifier(C=10.0).fit(X, one, groups=groups)
    proba = clf.predict_proba(X)[:, 0]
    assert proba.shape == (60,) and proba[one["a"] == 1].mean() > proba[one["a"] == 0].mean()


@pytest.mark.parametrize(
    "y, scores, expected",
    [
        ([0, 1], [0.01, 0.03], 0.5),  # no threshold below ``low``: both scores are cut at 0.05
        ([0, 1], [0.96, 0.99], 0.5),  # above ``high`` everything is cut at 0.95 or lower
        ([1, 1], [0.2, 0.2], 0.2),  # a single distinct score is a candidate itself
        ([0, 1], [0.1, 0.3], 0.2),  # two scores: their midpoint, not the scores
        ([1, 0], [0.5, 0.2], 0.5),  # a score equal to the threshold counts as positive
        ([1, 0, 0], [0.95, 0.2, 0.1], 0.5),  # a tie above 0.5 also goes to the one nearest 0.5
        ([1, 1, 0, 0, 0], [0.9, 0.3, 0.35, 0.6, 0.1], 0.75),  # F1 2/3 at 0.2 and at 0.75: nearer 0.5 wins
    ],
)
def test_best_f1_threshold_edges(y, scores, expected):
    assert best_f1_threshold(np.array(y), np.array(scores)) == pytest.approx(expected)


def test_best_f1_threshold_custom_range():
    y, scores = np.array([0, 1]), np.array([0.96, 0.99])
    assert best_f1_threshold(y, scores, high=1.0) == pytest.approx(0.975)
    assert best_f1_threshold(np.array([0, 1]), np.array([0.01, 0.03]), low=0.0) == pytest.approx(0.02)


def test_platt_is_the_identity_for_one_class_and_nearly_unregularised_otherwise():
    from taxonomy.classifier import _apply_platt, _platt

    scores = np.array([0.2, 0.4, 0.6, 0.8, 0.3, 0.7])
    assert _platt(scores, np.ones(6)).tolist() == [1.0, 0.0]
    assert _platt(scores, np.zeros(6)).tolist() == [1.0, 0.0]
    assert _apply_platt(scores, np.array([1.0, 0.0])) is scores
    # C=100: within a hair of the maximum-likelihood fit (C=1 would pull the slope down by 8% here)
    from sklearn.linear_model import LogisticRegression

    from taxonomy.classifier import _logit

    rng = np.random.default_rng(0)
    scores = rng.uniform(0.05, 0.95, 40)
    y = (rng.random(40) < scores**2).astype(int)
    ml = LogisticRegression(C=np.inf).fit(_logit(scores).reshape(-1, 1), y)
    assert _platt(scores, y) == pytest.approx([ml.coef_[0, 0], ml.intercept_[0]], abs=2e-3)


def test_folds_without_groups_are_shuffled_with_the_seed():
    from sklearn.model_selection import KFold

    folds = ProblemClassifier(cv=5)._folds(10, None)
    expected = list(KFold(5, shuffle=True, random_state=0).split(np.zeros(10)))
    assert [t.tolist() for _, t in folds] == [t.tolist() for _, t in expected]
    assert [t.tolist() for _, t in folds] != [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
    other = ProblemClassifier(cv=5, random_state=1)._folds(10, None)
    assert [t.tolist() for _, t in other] != [t.tolist() for _, t in folds]
    assert len(ProblemClassifier(cv=5)._folds(3, None)) == 3  # no more folds than sentences
    assert len(ProblemClassifier(cv=5)._folds(2, None)) == 2
    assert ProblemClassifier(cv=5)._folds(1, None) == []


def test_two_groups_are_enough_for_grouped_folds():
    groups = np.repeat([0, 1], 5)
    assert len(ProblemClassifier(cv=5)._folds(10, groups)) == 2


def test_predictions_are_integers():
    X, Y, stance, groups = toy()
    clf = ProblemClassifier(tune_thresholds=False).fit(X, Y)
    assert clf.predict(X).dtype.kind == "i"


@pytest.mark.parametrize("only, expected", [("remedy", 1.0), ("problem", 0.0)])
def test_a_single_stance_in_training_is_the_answer_for_every_sentence(only, expected):
    X, Y, stance, groups = toy()
    clf = ProblemClassifier(tune_thresholds=False).fit(X, Y, stance=np.where(stance == "", "", only))
    assert clf.stance_estimator_ is None
    assert clf.predict_stance_proba(X[:7]).tolist() == [expected] * 7
    assert clf.predict_stance(X[:7]).tolist() == [only] * 7


def test_even_odds_count_as_a_remedy():
    X, Y, stance, groups = toy()
    clf = ProblemClassifier(tune_thresholds=False).fit(X, Y, stance=stance)

    class EvenOdds:
        def predict_proba(self, X):
            return np.full((len(X), 2), 0.5)

    clf.stance_estimator_ = EvenOdds()
    assert clf.predict_stance(X[:2]).tolist() == ["remedy", "remedy"]


def test_defaults_are_the_documented_ones():
    assert ProblemClassifier().get_params() == {
        "C": 32.0, "class_weight": "balanced", "stance_C": 4.0, "cv": 5, "tune_thresholds": True, "calibrate": True,
        "random_state": 0,
    }


def test_logit_is_finite_and_symmetric_at_the_edges():
    from taxonomy.classifier import _logit

    out = _logit(np.array([0.0, 0.25, 0.5, 0.75, 1.0]))
    assert out[2] == 0.0 and out[1] == pytest.approx(-np.log(3)) and out[3] == pytest.approx(np.log(3))
    assert out[0] == pytest.approx(np.log(1e-6 / (1 - 1e-6))) and out[4] == pytest.approx(-out[0])


def test_an_array_of_labels_gets_numbered_categories():
    X, Y, stance, groups = toy()
    clf = ProblemClassifier(tune_thresholds=False).fit(X, Y.to_numpy())
    assert clf.categories_.tolist() == ["0", "1", "2"] and clf.categories_.dtype == object
    assert clf.classes_.tolist() == [0, 1, 2]
    assert np.array_equal(clf.predict_proba(X), ProblemClassifier(tune_thresholds=False).fit(X, Y).predict_proba(X))


def test_categories_always_or_never_present_are_constant():
    X, Y, stance, groups = toy()
    Y = Y.assign(always=1)
    clf = ProblemClassifier().fit(X, Y, groups=groups)
    assert clf.predict_proba(X)[:, 3].tolist() == [1.0] * 60 and clf.coefficients("always") is None
    assert clf.constant_[2] == 0.0 and np.isnan(clf.constant_[:2]).all()
    constant = ProblemClassifier().fit(X, Y[["c", "always"]], groups=groups)
    assert constant.estimator_ is None and constant.predict(X).tolist() == [[0, 1]] * 60


def test_a_category_missing_from_a_training_fold_does_not_disturb_the_others():
    X, Y, stance, groups = toy()
    Y = Y[["a"]].assign(rare=(groups == 0).astype(int))  # positives only in source 0
    both = ProblemClassifier(C=10.0).fit(X, Y, groups=groups)
    alone = ProblemClassifier(C=10.0).fit(X, Y[["a"]], groups=groups)
    assert both.thresholds_[0] == alone.thresholds_[0]
    assert np.array_equal(both.calibration_[0], alone.calibration_[0])
    assert both.calibration_[1].tolist() != [1.0, 0.0]  # the rare one is calibrated on the folds that had it


def test_calibrating_on_no_sentence_means_calibrating_on_all():
    X, Y, stance, groups = toy()
    default = ProblemClassifier(C=10.0).fit(X, Y, groups=groups)
    none = ProblemClassifier(C=10.0).fit(X, Y, groups=groups, calibrate_on=np.zeros(60, dtype=bool))
    ints = ProblemClassifier(C=10.0).fit(X, Y, groups=groups, calibrate_on=np.r_[np.ones(30), np.zeros(30)].astype(int))
    assert np.array_equal(default.thresholds_, none.thresholds_)
    assert np.array_equal(default.calibration_, none.calibration_)
    assert not np.array_equal(default.calibration_, ints.calibration_)


def test_fit_passes_the_groups_and_the_seed_on(monkeypatch):
    import taxonomy.classifier as module

    X, Y, stance, groups = toy()
    seen = []
    original = ProblemClassifier._folds
    monkeypatch.setattr(ProblemClassifier, "_folds", lambda self, n, g: seen.append((n, g)) or original(self, n, g))
    platt = []
    original_platt = module._platt
    monkeypatch.setattr(module, "_platt", lambda s, y, r=0: platt.append(r) or original_platt(s, y, r))
    ProblemClassifier(random_state=7).fit(X, Y, groups=groups)
    assert seen[0][0] == 60 and seen[0][1] is groups
    assert platt == [7, 7]


def test_without_a_stance_sentences_are_problems():
    X, Y, stance, groups = toy()
    clf = ProblemClassifier(tune_thresholds=False).fit(X, Y)
    assert clf.stance_estimator_ is None and clf.stance_default_ == "problem"
    assert clf.predict_stance(X[:3]).tolist() == ["problem"] * 3


def test_one_labelled_stance_is_the_default_and_stances_without_a_category_do_not_count():
    X, Y, stance, groups = toy()
    only = np.full(60, "", dtype=object)
    first = int(np.flatnonzero(Y.to_numpy().any(axis=1))[0])
    only[first] = "remedy"
    only[~Y.to_numpy().any(axis=1)] = "problem"  # no category: ignored
    clf = ProblemClassifier(tune_thresholds=False).fit(X, Y, stance=only)
    assert clf.stance_estimator_ is None and clf.stance_default_ == "remedy"


def test_the_stance_head_uses_its_own_regularisation():
    X, Y, stance, groups = toy()
    strong = ProblemClassifier(tune_thresholds=False, stance_C=0.01).fit(X, Y, stance=stance)
    weak = ProblemClassifier(tune_thresholds=False, stance_C=100.0).fit(X, Y, stance=stance)
    assert np.ptp(strong.predict_stance_proba(X)) < np.ptp(weak.predict_stance_proba(X))
    assert strong.stance_estimator_.solver == "liblinear" and strong.stance_estimator_.random_state == 0


def test_fits_in_worker_processes_give_the_same_model():
    import joblib
    from scipy import sparse

    X, Y, stance, groups = toy()
    X = sparse.csr_matrix(X)
    one = ProblemClassifier().fit(X, Y, groups=groups, stance=stance)
    with joblib.parallel_config(n_jobs=2):
        two = ProblemClassifier().fit(X, Y, groups=groups, stance=stance)
    assert np.array_equal(one.thresholds_, two.thresholds_)
    assert np.array_equal(one.calibration_, two.calibration_)
    assert np.array_equal(one.coefficients("a"), two.coefficients("a"))
    assert np.array_equal(one.predict_proba(X), two.predict_proba(X))


def test_unsorted_sparse_input_is_sorted_on_a_copy():
    from scipy import sparse

    X, Y, stance, groups = toy()
    X = sparse.csr_matrix(X)
    # the same matrix with each row's entries stored in another order
    reversed_rows = sparse.csr_matrix(
        (np.concatenate([X.data[a:b][::-1] for a, b in zip(X.indptr[:-1], X.indptr[1:])]),
         np.concatenate([X.indices[a:b][::-1] for a, b in zip(X.indptr[:-1], X.indptr[1:])]), X.indptr.copy()),
        shape=X.shape)
    assert not reversed_rows.has_sorted_indices
    before = reversed_rows.indices.copy()
    a = ProblemClassifier().fit(reversed_rows, Y, groups=groups, stance=stance)
    b = ProblemClassifier().fit(X, Y, groups=groups, stance=stance)
    assert np.array_equal(reversed_rows.indices, before)  # the input is not changed
    assert np.allclose(a.predict_proba(X), b.predict_proba(X))
