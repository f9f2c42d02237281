"""The classifier at the end of the pipeline: categories with tuned thresholds, and stance.

:class:`ProblemClassifier` fits one logistic regression per category
(one-vs-rest), chooses a decision threshold for each category from out-of-fold
probabilities (grouped by source when groups are given), and fits a second
logistic regression that tells a problem description from a remedy on the
sentences that carry a category.

The probabilities are recalibrated (Platt scaling of the out-of-fold scores)
before the thresholds are chosen, so that ``p_<id>`` means what it says and the
sum of a speech's ``p_<id>`` estimates its number of ``<id>`` sentences without
the thresholds' bias. ``fit`` takes ``calibrate_on``, a mask of the sentences to
calibrate and choose thresholds on (e.g. only those of whole documents, whose
prevalence is nearer a real speech's than short passages').
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from .categories import STANCES


def best_f1_threshold(y_true: np.ndarray, scores: np.ndarray, *, low: float = 0.05, high: float = 0.95) -> float:
    """The threshold in ``[low, high]`` that maximises F1 of ``scores >= t``.

    Ties go to the threshold nearest 0.5; with no positives the answer is 0.5.

    >>> best_f1_threshold(np.array([0, 0, 1, 1]), np.array([0.1, 0.3, 0.35, 0.8]))
    0.325
    """
    y_true = np.asarray(y_true).astype(bool)
    if not y_true.any():
        return 0.5
    candidates = np.unique(np.clip(scores, low, high))
    # midpoints between neighbouring scores generalise better than the scores themselves
    mids = (candidates[:-1] + candidates[1:]) / 2 if len(candidates) > 1 else candidates
    grid = np.unique(np.concatenate([mids, [0.5]]))
    best, best_key = 0.5, (-1.0, 0.0)  # pragma: no mutate (equivalent: the first grid point always replaces both)
    for t in grid:
        pred = scores >= t
        tp = np.sum(pred & y_true)
        f1 = 2 * tp / (pred.sum() + y_true.sum())
        key = (round(float(f1), 12), -abs(t - 0.5))
        if key > best_key:
            best, best_key = float(t), key
    return round(best, 6)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _platt(scores: np.ndarray, y: np.ndarray, random_state: int = 0) -> np.ndarray:
    """Slope and intercept of a logistic fit of ``y`` on the log-odds of ``scores``.

    Identity (1, 0) when ``y`` has a single class.
    """
    y = np.asarray(y).astype(int)
    if y.min() == y.max():
        return np.array([1.0, 0.0])
    fit = LogisticRegression(C=100.0, solver="lbfgs", max_iter=1000, random_state=random_state)
    fit.fit(_logit(scores).reshape(-1, 1), y)
    return np.array([float(fit.coef_[0, 0]), float(fit.intercept_[0])])


def _apply_platt(scores: np.ndarray, slope_intercept: np.ndarray) -> np.ndarray:
    """Recalibrated probabilities; the identity for slope 1 and intercept 0."""
    slope, intercept = slope_intercept
    if slope == 1.0 and intercept == 0.0:
        return scores
    return 1.0 / (1.0 + np.exp(-(slope * _logit(scores) + intercept)))


def _fit_categories(model, X, Y: np.ndarray, rows: np.ndarray | None, columns: np.ndarray):
    """``model`` fitted on the ``rows`` of ``X`` (``None``: all) for the categories ``columns`` of ``Y`` (one task of a fit)."""
    if rows is None:
        return model.fit(X, Y[:, columns])
    return model.fit(X[rows], Y[rows][:, columns])


def _positive_proba(model, X, k: int) -> np.ndarray:
    """Probability of each of ``k`` labels; a one-label one-vs-rest model answers as binary, (n, 2)."""
    proba = model.predict_proba(X)
    return proba[:, 1:] if k == 1 and proba.shape[1] == 2 else proba


class ProblemClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label category classifier with per-category thresholds and a stance head.

    Parameters
    ----------
    C : float, default 32.0
        Inverse regularisation strength of the category classifiers.
    class_weight : {"balanced", None}, default "balanced"
        Class weights of the category classifiers. Chosen by grouped
        cross-validation: with the tuned thresholds, "balanced" gives the best
        macro F1 and the best-calibrated probabilities (see reports/evaluation.md).
    stance_C : float, default 4.0
        Inverse regularisation strength of the stance classifier.
    cv : int, default 5
        Folds used to choose thresholds from out-of-fold probabilities.
    tune_thresholds : bool, default True
        Choose thresholds by cross-validation; ``False`` uses 0.5 everywhere.
    calibrate : bool, default True
        Recalibrate the category probabilities on out-of-fold scores (needs
        ``tune_thresholds``).
    random_state : int, default 0
        Seed for fold shuffling when no groups are given, and of the solvers.

    Notes
    -----
    ``fit(X, Y, groups=None, stance=None, calibrate_on=None)`` takes ``Y`` as a
    binary indicator DataFrame whose columns are the category ids, ``groups``
    (source of each sentence) for grouped threshold selection, ``stance``
    (``problem`` / ``remedy`` / empty per sentence) for the stance head, and
    ``calibrate_on`` (boolean per sentence, default all) for the sentences on which
    probabilities are calibrated and thresholds chosen.

    The category regressions are solved in liblinear's dual form (faster when there
    are more features than sentences) to a tolerance of 1e-2: against the primal
    solver at 1e-4 the log-odds move by at most 0.023 on the labelled set, and the
    cross-validated and real-text figures are unchanged. The final model and the
    models of the threshold folds are fitted side by side in as many worker processes
    as joblib's configuration gives (``joblib.parallel_config(n_jobs=...)``,
    ``taxonomy train --jobs``); the result does not depend on their number.
    """

    def __init__(
        self, *, C=32.0, class_weight="balanced", stance_C=4.0, cv=5, tune_thresholds=True, calibrate=True,
        random_state=0,
    ):
        self.C = C
        self.class_weight = class_weight
        self.stance_C = stance_C
        self.cv = cv
        self.tune_thresholds = tune_thresholds
        self.calibrate = calibrate
        self.random_state = random_state

    def _category_model(self):
        return OneVsRestClassifier(
            LogisticRegression(
                C=self.C, class_weight=self.class_weight, solver="liblinear", dual=True, tol=1e-2, max_iter=1000,
                random_state=self.random_state,
            )
        )

    def _folds(self, n, groups):
        """Folds for out-of-fold scores: grouped when groups are given; none when there are fewer than two."""
        if groups is not None:
            k = min(self.cv, len(np.unique(groups)))
            return list(GroupKFold(n_splits=k).split(np.zeros(n), groups=groups)) if k >= 2 else []
        k = min(self.cv, n)
        return list(KFold(n_splits=k, shuffle=True, random_state=self.random_state).split(np.zeros(n))) if k >= 2 else []

    def fit(self, X, Y, groups=None, stance=None, calibrate_on=None):
        if isinstance(Y, pd.DataFrame):
            self.categories_ = np.array([str(c) for c in Y.columns], dtype=object)
            Y = Y.to_numpy()
        else:
            Y = np.asarray(Y)
            self.categories_ = np.array([str(i) for i in range(Y.shape[1])], dtype=object)
        Y = Y.astype(int)
        if sparse.issparse(X):  # sorted once here, not in each (possibly read-only, shared) worker copy
            X = sparse.csr_matrix(X)
            X = X if X.has_sorted_indices else X.sorted_indices()
        self.classes_ = np.arange(Y.shape[1])
        # a category without positives (or without negatives) cannot be learnt
        self.constant_ = np.where(Y.all(axis=0), 1.0, np.where(Y.any(axis=0), np.nan, 0.0))
        learnable = np.isnan(self.constant_)
        self.learnable_ = learnable

        thresholds = np.full(Y.shape[1], 0.5)
        self.calibration_ = np.tile([1.0, 0.0], (Y.shape[1], 1))  # (slope, intercept) on the log-odds
        on = np.ones(Y.shape[0], dtype=bool) if calibrate_on is None else np.asarray(calibrate_on, dtype=bool)
        if not on.any():
            on = np.ones(Y.shape[0], dtype=bool)
        folds = self._folds(Y.shape[0], groups) if self.tune_thresholds and learnable.any() else []
        # the final model and one per fold, fitted side by side (workers from joblib's config)
        tasks = [(None, learnable)] if learnable.any() else []
        for train, _ in folds:
            Yt = Y[train]
            tasks.append((train, learnable & Yt.any(axis=0) & ~Yt.all(axis=0)))  # a fold may lack a category's positives
        fitted = Parallel()(
            delayed(_fit_categories)(self._category_model(), X, Y, rows, columns)
            for rows, columns in tasks if columns.any()
        )
        fitted = iter(fitted)
        self.estimator_ = next(fitted) if learnable.any() else None
        if folds:
            oof = np.zeros((Y.shape[0], int(learnable.sum())))
            positions = np.cumsum(learnable) - 1  # column of each learnable category in oof
            for (_, columns), (_, test) in zip(tasks[1:], folds):
                if columns.any():
                    oof[np.ix_(test, positions[columns])] = _positive_proba(next(fitted), X[test], int(columns.sum()))
            for j, k in enumerate(np.flatnonzero(learnable)):
                scores = oof[on, j]
                if self.calibrate:
                    self.calibration_[k] = _platt(scores, Y[on, k], self.random_state)
                    scores = _apply_platt(scores, self.calibration_[k])
                thresholds[k] = best_f1_threshold(Y[on, k], scores)
        self.thresholds_ = thresholds

        self.stance_estimator_ = None
        self.stance_default_ = "problem"
        if stance is not None:
            stance = np.asarray(stance, dtype=object)
            has = Y.any(axis=1) & np.isin(stance, STANCES)
            values = stance[has]
            if len(np.unique(values)) == 2:
                self.stance_estimator_ = LogisticRegression(
                    C=self.stance_C, solver="liblinear", max_iter=1000, random_state=self.random_state
                ).fit(X[has], (values == "remedy").astype(int))
            elif len(values):
                self.stance_default_ = str(values[0])
        return self

    def predict_proba(self, X):
        """Probability of every category, shape ``(n_sentences, n_categories)``."""
        check_is_fitted(self, "thresholds_")
        n = X.shape[0]
        proba = np.tile(np.nan_to_num(self.constant_, nan=0.0), (n, 1))
        if self.estimator_ is not None:
            raw = _positive_proba(self.estimator_, X, int(self.learnable_.sum()))
            for j, k in enumerate(np.flatnonzero(self.learnable_)):
                proba[:, k] = _apply_platt(raw[:, j], self.calibration_[k])
        return proba

    def predict(self, X):
        """Binary indicator of the categories at the tuned thresholds."""
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def predict_stance_proba(self, X):
        """Probability that each sentence is a remedy rather than a problem description."""
        check_is_fitted(self, "thresholds_")
        if self.stance_estimator_ is None:
            return np.full(X.shape[0], 1.0 if self.stance_default_ == "remedy" else 0.0)
        return self.stance_estimator_.predict_proba(X)[:, 1]

    def predict_stance(self, X):
        """``problem`` or ``remedy`` for every sentence (meaningful where a category is predicted)."""
        problem, remedy = STANCES
        return np.where(self.predict_stance_proba(X) >= 0.5, remedy, problem)

    def coefficients(self, category: str):
        """The log-odds coefficients of ``category`` over the features, or ``None`` when it is constant."""
        check_is_fitted(self, "thresholds_")
        k = [str(c) for c in self.categories_].index(str(category))
        if not self.learnable_[k]:
            return None
        j = int(np.flatnonzero(self.learnable_).tolist().index(k))
        return self.estimator_.estimators_[j].coef_.ravel()
