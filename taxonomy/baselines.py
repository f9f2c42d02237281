"""Baselines scored on the same folds as the model: a keyword dictionary and fastText.

Examples
--------
>>> "杜绝" in REMEDY_CUES
True
"""

from __future__ import annotations

import numpy as np

from .categories import STANCES
from .fitting import TrainingData
from .validation import CVResult

REMEDY_CUES = ("杜绝", "整治", "纠正", "防止", "严查", "查处", "问责", "克服", "坚决", "严禁", "不得", "必须", "要", "力戒", "整改", "治理", "破除", "反对")


def keyword_baseline(data: TrainingData, folds, categories=None) -> CVResult:
    """Substring match of each category's typical expressions (the codebook's cue list).

    Needs no training, so the folds only matter for reporting on the same sentences;
    stance is ``remedy`` when the sentence contains a remedy cue such as 杜绝 or 整治.
    """
    from .categories import load_categories

    categories = categories or load_categories()
    texts = data.X["text"].tolist()
    pred = np.array([[int(any(k in t for k in c.keywords)) for c in categories] for t in texts])
    stance = np.array(["remedy" if any(cue in t for cue in REMEDY_CUES) else "problem" for t in texts], dtype=object)
    return CVResult("keyword dictionary", data, pred.astype(float), pred, stance, folds)


def fasttext_scores(model, text: str) -> dict[str, float]:
    """``{label: probability}`` for one segmented line, every label.

    Goes through the binding's per-line ``predict``: in fasttext-wheel 0.9.2 the
    Python ``predict`` breaks under NumPy 2 for a string and repeats the top
    probability for every label for a list.
    """
    return {label: prob for prob, label in model.f.predict(text + "\n", -1, 0.0, "strict")}


def fasttext_baseline(data: TrainingData, folds, *, epoch: int = 30, seed: int = 0) -> CVResult:
    """fastText supervised (one-vs-all loss) on the same jieba segmentation, same folds.

    Thresholds are 0.5; stance comes from a second fastText model trained on the
    sentences that carry a category.
    """
    import tempfile

    import fasttext

    from .segmentation import segment

    segmented = [segment(t) for t in data.X["text"]]
    Y = data.Y.to_numpy()
    cats = list(data.Y.columns)
    n, k = Y.shape
    proba = np.zeros((n, k))
    stance = np.empty(n, dtype=object)
    params = dict(epoch=epoch, lr=0.5, wordNgrams=2, dim=50, minCount=1, thread=1, seed=seed, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        for train, test in folds:
            path = f"{tmp}/train.txt"
            with open(path, "w", encoding="utf-8") as handle:
                for i in train:
                    tags = " ".join(f"__label__{cats[j]}" for j in np.flatnonzero(Y[i])) or "__label__none"
                    handle.write(f"{tags} {segmented[i]}\n")
            model = fasttext.train_supervised(input=path, loss="ova", **params)
            with open(path, "w", encoding="utf-8") as handle:
                for i in train:
                    if Y[i].any() and data.stance[i] in STANCES:
                        handle.write(f"__label__{data.stance[i]} {segmented[i]}\n")
            stance_model = fasttext.train_supervised(input=path, **params)
            for i in test:
                scores = fasttext_scores(model, segmented[i])
                proba[i] = [scores.get(f"__label__{c}", 0.0) for c in cats]
                stance_scores = fasttext_scores(stance_model, segmented[i])
                stance[i] = max(stance_scores, key=stance_scores.get).replace("__label__", "")
    return CVResult("fastText (jieba words)", data, proba, (proba >= 0.5).astype(int), stance, folds)
