"""Cross-validation grouped by source and the scores analysts read.

Folds never split a source (a speech or a written passage) between training and
test, and are stratified over the categories by iterative stratification applied
to whole sources. Every model compared in one run uses the same folds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

from .training import TrainingData, fit_pipeline


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
    if len(names) < n_splits:
        raise ValueError(f"need at least {n_splits} sources for {n_splits}-fold grouped CV, found {len(names)}")
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


def cross_validate(data: TrainingData, *, n_splits: int = 5, folds=None, name: str = "model", **params) -> CVResult:
    """Out-of-fold category probabilities, predictions and stances of the pipeline."""
    folds = folds if folds is not None else grouped_folds(data.groups, data.Y.to_numpy(), n_splits)
    n, k = data.Y.shape
    proba = np.zeros((n, k))
    pred = np.zeros((n, k), dtype=int)
    stance = np.empty(n, dtype=object)
    for train, test in folds:
        pipeline = fit_pipeline(data.subset(train), **params)
        features = pipeline.named_steps["features"].transform(data.X.iloc[test])
        clf = pipeline.named_steps["classifier"]
        proba[test] = clf.predict_proba(features)
        pred[test] = clf.predict(features)
        stance[test] = clf.predict_stance(features)
    return CVResult(name=name, data=data, proba=proba, pred=pred, stance=stance, folds=folds)


def per_category_scores(result: CVResult) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of every category."""
    Y = result.data.Y.to_numpy()
    p, r, f, s = precision_recall_fscore_support(Y, result.pred, average=None, zero_division=0)
    return {
        c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, c in enumerate(result.data.Y.columns)
    }


def summarise_scores(result: CVResult) -> dict:
    """Headline scores: micro/macro F1, problem detection F1, stance accuracy."""
    Y = result.data.Y.to_numpy()
    truth_any = Y.any(axis=1)
    pred_any = result.pred.any(axis=1)
    labelled = truth_any & np.isin(result.data.stance, ("problem", "remedy"))
    stance_acc = float(np.mean(result.stance[labelled] == result.data.stance[labelled])) if labelled.any() else float("nan")
    return {
        "micro_f1": float(f1_score(Y, result.pred, average="micro", zero_division=0)),
        "macro_f1": float(f1_score(Y, result.pred, average="macro", zero_division=0)),
        "problem_detection_f1": float(f1_score(truth_any, pred_any, zero_division=0)),
        "none_precision": float(np.mean(~truth_any[~pred_any])) if (~pred_any).any() else float("nan"),
        "stance_accuracy": stance_acc,
        "n_sentences": int(len(Y)),
        "n_folds": len(result.folds),
    }
