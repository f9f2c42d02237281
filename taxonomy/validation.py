"""Cross-validation grouped by source, driven by scikit-learn, and the scores analysts read.

Folds never split a source (a speech or a written passage) between training and test,
and are stratified over the categories by iterative stratification applied to whole
sources (:func:`grouped_folds`). :func:`cross_validate` hands the pipeline and the folds
to :func:`sklearn.model_selection.cross_validate` and keeps each fold's fitted pipeline
to collect out-of-fold probabilities, labels and stances. Any other scikit-learn tool
works the same way, e.g. ``GridSearchCV(build_pipeline(), grid, cv=folds)`` with
``fit(data.X, data.Y, **data.fit_params())``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

from .categories import STANCES
from .errors import TaxonomyError
from .fitting import TrainingData
from .pipeline import ModelParams, build_pipeline


def grouped_folds(groups, Y, n_splits: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test index pairs that keep every group whole, stratified over labels.

    Groups are stratified by which categories they contain (iterative
    stratification, ``iterative-stratification``'s ``MultilabelStratifiedKFold``
    applied to groups), then expanded back to sentence indices.
    """
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

    groups = np.asarray(groups, dtype=object)
    Y = np.asarray(Y)
    names, first = np.unique(groups, return_index=True)
    names = names[np.argsort(first)]
    if len(names) < max(n_splits, 2):
        raise TaxonomyError(
            f"cross-validation needs at least {max(n_splits, 2)} sources for {n_splits} folds, found {len(names)} "
            "(label more speeches, or train with --no-cv)"
        )
    position = {name: i for i, name in enumerate(names)}
    group_index = np.array([position[g] for g in groups])
    presence = np.zeros((len(names), Y.shape[1] + 1), dtype=int)
    np.maximum.at(presence, group_index, np.column_stack([Y, ~Y.any(axis=1)]).astype(int))
    splitter = MultilabelStratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    folds = []
    for _, test_groups in splitter.split(np.zeros(len(names)), presence):
        test = np.isin(group_index, test_groups)
        folds.append((np.flatnonzero(~test), np.flatnonzero(test)))
    return folds


@dataclass
class CVResult:
    """Out-of-fold predictions of one model over the same data and folds."""

    name: str
    data: TrainingData
    proba: np.ndarray
    pred: np.ndarray
    stance: np.ndarray
    folds: list


def cross_validate(
    data: TrainingData,
    params: ModelParams | None = None,
    *,
    n_splits: int = 5,
    folds=None,
    name: str = "model",
    prevalence: str = "all",
    **overrides,
) -> CVResult:
    """Out-of-fold category probabilities, predictions and stances of the pipeline.

    The fitting is scikit-learn's (:func:`sklearn.model_selection.cross_validate`
    with the grouped ``folds``); the returned fold pipelines give the out-of-fold
    predictions.
    """
    from sklearn.model_selection import cross_validate as sk_cross_validate

    folds = folds if folds is not None else grouped_folds(data.groups, data.Y.to_numpy(), n_splits)
    result = sk_cross_validate(
        build_pipeline(params, **overrides), data.X, data.Y, cv=folds, scoring="f1_macro",
        params=data.fit_params(prevalence), return_estimator=True, return_indices=True,
    )
    n, k = data.Y.shape
    proba = np.zeros((n, k))
    pred = np.zeros((n, k), dtype=int)
    stance = np.empty(n, dtype=object)
    for pipeline, test in zip(result["estimator"], result["indices"]["test"]):
        features = pipeline[:-1].transform(data.X.iloc[test])
        proba[test] = pipeline[-1].predict_proba(features)
        pred[test] = (proba[test] >= pipeline[-1].thresholds_).astype(int)
        stance[test] = pipeline[-1].predict_stance(features)
    return CVResult(name=name, data=data, proba=proba, pred=pred, stance=stance, folds=list(folds))


def per_category_scores(result: CVResult) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of every category."""
    Y = result.data.Y.to_numpy()
    p, r, f, s = precision_recall_fscore_support(Y, result.pred, average=None, zero_division=0)
    return {
        c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, c in enumerate(result.data.Y.columns)
    }


def summarise_scores(result: CVResult, mask=None) -> dict:
    """Headline scores: micro/macro F1, problem detection F1, stance accuracy.

    ``mask`` limits them to some sentences (e.g. those of whole documents).
    """
    mask = np.ones(len(result.data.Y), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if not mask.any():
        keys = ("micro_f1", "macro_f1", "problem_detection_f1", "none_precision", "stance_accuracy")
        return {**{k: float("nan") for k in keys}, "n_sentences": 0, "n_folds": len(result.folds)}
    Y = result.data.Y.to_numpy()[mask]
    pred = result.pred[mask]
    truth_stance, stance = result.data.stance[mask], result.stance[mask]
    truth_any = Y.any(axis=1)
    pred_any = pred.any(axis=1)
    labelled = truth_any & np.isin(truth_stance, STANCES)
    stance_acc = float(np.mean(stance[labelled] == truth_stance[labelled])) if labelled.any() else float("nan")
    return {
        "micro_f1": float(f1_score(Y, pred, average="micro", zero_division=0)),
        "macro_f1": float(f1_score(Y, pred, average="macro", zero_division=0)),
        "problem_detection_f1": float(f1_score(truth_any, pred_any, zero_division=0)),
        "none_precision": float(np.mean(~truth_any[~pred_any])) if (~pred_any).any() else float("nan"),
        "stance_accuracy": stance_acc,
        "n_sentences": int(len(Y)),
        "n_folds": len(result.folds),
    }
