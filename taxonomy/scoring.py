"""Scoring a model against hand-labelled speeches: the real-text check.

An analyst labels the sentences of some speeches by hand (a CSV with the columns
``doc, text, labels, stance``, e.g. a corrected ``taxonomy label`` output) and asks
how the model does on them. Two ways to match the model's sentences to the gold
ones:

* with ``docs`` (the folder the speeches are in), the model reads, normalises and
  splits each speech itself, and every gold sentence is aligned to the model's
  sentences that cover it (character alignment of the texts without whitespace),
  so that differences in splitting count against the model as they would in use;
* without, the gold sentences are the units and are labelled in their order, with
  their neighbours as context.

:func:`score` returns problem detection, micro and macro F1, predicted ÷ true label
counts (at the thresholds and as the sum of probabilities), stance accuracy, and
95% bootstrap intervals over documents.

Examples
--------
>>> import pandas as pd
>>> gold = pd.DataFrame({"doc": ["a", "a"], "text": ["x", "y"], "labels": ["buck_passing", ""],
...                      "stance": ["problem", ""]})
>>> pred = gold.assign(labels=["buck_passing", "buck_passing"], stance=["problem", "remedy"])
>>> result = score_labels(gold, pred, categories=["buck_passing"], bootstrap=0)
>>> result["detect_precision"], result["detect_recall"], result["count_ratio"]
(0.5, 1.0, 2.0)
"""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from .categories import category_ids
from .categories import STANCES
from .dataset import split_labels
from .errors import TaxonomyError
from .reading import read_document

GOLD_COLUMNS = ("doc", "text", "labels", "stance")


def read_gold(path: str | Path) -> pd.DataFrame:
    """Read a gold CSV (``doc, text, labels, stance``; other columns are kept) and check it.

    Raises :class:`TaxonomyError` naming the file and row for unknown category ids and
    stance errors.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            frame = pd.DataFrame(list(csv.DictReader(handle)), dtype=str)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TaxonomyError(f"{path}: cannot read the gold file ({exc})") from None
    missing = [c for c in GOLD_COLUMNS if c not in frame.columns]
    if missing:
        raise TaxonomyError(f"{path}: the gold file needs the columns {', '.join(GOLD_COLUMNS)} (missing {', '.join(missing)})")
    frame = frame.fillna("")
    known = set(category_ids())
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        labels = split_labels(row.labels)
        unknown = [x for x in labels if x not in known]
        if unknown:
            raise TaxonomyError(f"{path}:{i}: unknown category id {unknown[0]!r}")
        if labels and row.stance not in STANCES:
            raise TaxonomyError(f"{path}:{i}: a labelled sentence needs the stance problem or remedy")
        if not labels and row.stance:
            raise TaxonomyError(f"{path}:{i}: stance {row.stance!r} on a sentence without labels")
    return frame


def _squeeze(text: str) -> str:
    return "".join(str(text).split())


def align(gold_texts: list[str], model_texts: list[str]) -> list[list[int]]:
    """For every gold sentence, the indices of the model sentences that cover it.

    A model sentence covers a gold sentence when at least half of the shorter of
    the two is aligned to the other (difflib over the texts without whitespace).

    >>> align(["甲乙丙。", "丁戊。"], ["甲乙丙。丁戊。"])
    [[0], [0]]
    >>> align(["甲乙丙，丁戊。"], ["甲乙丙，", "丁戊。"])
    [[0, 1]]
    """
    gold = [_squeeze(t) for t in gold_texts]
    model = [_squeeze(t) for t in model_texts]
    g_owner = np.repeat(np.arange(len(gold)), [len(t) for t in gold])
    m_owner = np.repeat(np.arange(len(model)), [len(t) for t in model])
    overlap: dict[tuple[int, int], int] = {}
    matcher = difflib.SequenceMatcher(None, "".join(gold), "".join(model), autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for g, m in zip(g_owner[a : a + size], m_owner[b : b + size]):
            overlap[(int(g), int(m))] = overlap.get((int(g), int(m)), 0) + 1
    covers: list[list[int]] = [[] for _ in gold]
    for (g, m), n in sorted(overlap.items()):
        if n >= 0.5 * min(len(gold[g]), len(model[m])):
            covers[g].append(m)
    return covers


def _indicator(labels: pd.Series, categories: list[str]) -> np.ndarray:
    sets = [set(split_labels(x)) for x in labels.fillna("").astype(str)]
    return np.array([[c in s for c in categories] for s in sets], dtype=bool).reshape(len(sets), len(categories))


def _f1(tp: float, fp: float, fn: float) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")


def _figures(true: np.ndarray, pred: np.ndarray, stance_true, stance_pred, pred_counts, expected_counts, scored):
    """The headline figures for one (re)sample of sentences."""
    t_any, p_any = true.any(axis=1), pred.any(axis=1)
    tp = (true & pred).sum(axis=0)
    fp = (~true & pred).sum(axis=0)
    fn = (true & ~pred).sum(axis=0)
    both = t_any & p_any
    return {
        "detect_precision": float((t_any & p_any).sum() / p_any.sum()) if p_any.any() else float("nan"),
        "detect_recall": float((t_any & p_any).sum() / t_any.sum()) if t_any.any() else float("nan"),
        "detect_f1": _f1((t_any & p_any).sum(), (~t_any & p_any).sum(), (t_any & ~p_any).sum()),
        "micro_f1": _f1(tp.sum(), fp.sum(), fn.sum()),
        "macro_f1": float(np.nanmean([_f1(tp[k], fp[k], fn[k]) for k in scored])) if len(scored) else float("nan"),
        "count_ratio": float(pred_counts.sum() / true.sum()) if true.any() else float("nan"),
        "expected_count_ratio": float(expected_counts.sum() / true.sum()) if true.any() else float("nan"),
        "stance_accuracy": float(np.mean(stance_true[both] == stance_pred[both])) if both.any() else float("nan"),
    }


def score_labels(
    gold: pd.DataFrame,
    predicted: pd.DataFrame,
    *,
    categories: list[str] | None = None,
    doc_counts: pd.DataFrame | None = None,
    min_support: int = 10,
    bootstrap: int = 1000,
    seed: int = 0,
) -> dict:
    """Score ``predicted`` against ``gold``, row by row (same rows, same order).

    ``predicted`` has ``labels``, ``stance`` and, when present, ``p_<id>`` columns.
    ``doc_counts`` (one row per document with ``<id>`` predicted counts and
    ``e_<id>`` summed probabilities) replaces the row-wise counts for the count
    ratios; by default they are counted on the rows of ``predicted``.
    Macro F1 is over categories with at least ``min_support`` gold positives.
    Intervals are percentiles of ``bootstrap`` resamples of whole documents.
    """
    categories = categories or category_ids()
    true = _indicator(gold["labels"], categories)
    pred = _indicator(predicted["labels"], categories)
    docs = gold["doc"].astype(str).to_numpy()
    stance_true = gold["stance"].fillna("").astype(str).to_numpy()
    stance_pred = predicted["stance"].fillna("").astype(str).to_numpy()
    names = list(dict.fromkeys(docs))
    if doc_counts is None:
        counts = pd.DataFrame(pred.astype(int), columns=categories).assign(doc=docs).groupby("doc", sort=False).sum()
        p_cols = [f"p_{c}" for c in categories]
        if all(c in predicted.columns for c in p_cols):
            expected = predicted[p_cols].astype(float).to_numpy()
        else:
            expected = pred.astype(float)
        expected = pd.DataFrame(expected, columns=[f"e_{c}" for c in categories]).assign(doc=docs)
        doc_counts = counts.join(expected.groupby("doc", sort=False).sum())
    doc_counts = doc_counts.reindex(names).fillna(0.0)
    support = true.sum(axis=0)
    scored = [k for k in range(len(categories)) if support[k] >= min_support]

    def figures(rows: np.ndarray, doc_rows: np.ndarray) -> dict:
        block = doc_counts.iloc[doc_rows]
        return _figures(
            true[rows], pred[rows], stance_true[rows], stance_pred[rows],
            block[categories].to_numpy().sum(axis=0), block[[f"e_{c}" for c in categories]].to_numpy().sum(axis=0),
            scored,
        )

    result = {"documents": len(names), "sentences": int(len(gold)), "gold_labels": int(true.sum())}
    result.update(figures(np.arange(len(gold)), np.arange(len(names))))
    if bootstrap and len(names) > 1:
        rng = np.random.default_rng(seed)
        rows_of = [np.flatnonzero(docs == name) for name in names]
        samples = []
        for _ in range(bootstrap):
            pick = rng.integers(0, len(names), len(names))
            samples.append(figures(np.concatenate([rows_of[i] for i in pick]), pick))
        result["ci95"] = {
            key: [float(np.nanpercentile([s[key] for s in samples], 2.5)), float(np.nanpercentile([s[key] for s in samples], 97.5))]
            for key in samples[0]
        }
    per_category = {}
    for k, c in enumerate(categories):
        tp = int((true[:, k] & pred[:, k]).sum())
        n_pred, n_true = int(pred[:, k].sum()), int(support[k])
        predicted_count = float(doc_counts[c].sum())
        per_category[c] = {
            "gold": n_true,
            "predicted": n_pred,
            "precision": tp / n_pred if n_pred else float("nan"),
            "recall": tp / n_true if n_true else float("nan"),
            "f1": _f1(tp, n_pred - tp, n_true - tp),
            "count_ratio": predicted_count / n_true if n_true else float("nan"),
            "expected_count_ratio": float(doc_counts[f"e_{c}"].sum()) / n_true if n_true else float("nan"),
        }
    result["macro_categories"] = [categories[k] for k in scored]
    result["per_category"] = per_category
    true_docs = pd.DataFrame(true.any(axis=1).astype(int), columns=["n"]).assign(doc=docs).groupby("doc", sort=False)["n"].sum()
    pred_docs = pd.DataFrame(pred.any(axis=1).astype(int), columns=["n"]).assign(doc=docs).groupby("doc", sort=False)["n"].sum()
    if len(names) > 2 and true_docs.nunique() > 1 and pred_docs.nunique() > 1:
        result["doc_rank_correlation"] = float(true_docs.rank().corr(pred_docs.rank()))
    return result


def predict_for_gold(model, gold: pd.DataFrame, docs: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The model's labels for every gold row, and its per-document counts.

    With ``docs``, each gold ``doc`` is a file under that folder (its path relative to
    it, as ``taxonomy label`` writes it); the model labels the file and each gold
    sentence takes the labels of the model sentences that cover it. Without, the
    gold sentences are labelled as they are, in order, document by document.
    """
    categories = model.categories
    p_cols = [f"p_{c}" for c in categories]
    if docs is None:
        frame = gold[["doc", "text"]].copy()
        frame["sentence_id"] = frame.groupby("doc", sort=False).cumcount()
        frame["start"] = 0
        frame["end"] = frame["text"].str.len()
        labelled = model.label_sentences(frame[["doc", "sentence_id", "start", "end", "text"]])
        return labelled, _doc_counts(labelled, categories)
    folder = Path(docs)
    names = list(dict.fromkeys(gold["doc"].astype(str)))
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise TaxonomyError(f"{folder}: no file for the gold documents {', '.join(missing[:3])}")
    labelled = pd.concat([model.label_text(read_document(folder / n), doc=n) for n in names], ignore_index=True)
    rows = []
    for name in names:
        g = gold[gold["doc"].astype(str) == name]
        m = labelled[labelled["doc"] == name].reset_index(drop=True)
        for covers in align(g["text"].tolist(), m["text"].tolist()):
            part = m.iloc[covers]
            with_labels = part[part["labels"] != ""]
            labels = sorted({x for value in part["labels"] for x in split_labels(value)}, key=categories.index)
            probabilities = part[p_cols].max(axis=0) if len(part) else pd.Series(0.0, index=p_cols)
            rows.append(
                {"labels": "|".join(labels), "stance": with_labels["stance"].iloc[0] if len(with_labels) else "",
                 **probabilities.to_dict(), "model_sentences": ",".join(map(str, part["sentence_id"].tolist()))}
            )
    predicted = pd.DataFrame(rows, index=gold.index)
    return predicted, _doc_counts(labelled, categories)


def _doc_counts(labelled: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    pred = _indicator(labelled["labels"], categories).astype(int)
    counts = pd.DataFrame(pred, columns=categories).assign(doc=labelled["doc"].to_numpy())
    expected = labelled[[f"p_{c}" for c in categories]].astype(float)
    expected.columns = [f"e_{c}" for c in categories]
    expected = expected.reset_index(drop=True).assign(doc=labelled["doc"].to_numpy())
    return counts.groupby("doc", sort=False).sum().join(expected.groupby("doc", sort=False).sum())


def score(model, gold_path: str | Path, docs: str | Path | None = None, **options) -> tuple[dict, pd.DataFrame]:
    """Score ``model`` on the gold CSV at ``gold_path``; see :func:`score_labels` for ``options``.

    Returns the figures and the gold table with the model's ``pred_labels`` and
    ``pred_stance`` beside each row, for reading the errors.
    """
    gold = read_gold(gold_path)
    predicted, doc_counts = predict_for_gold(model, gold, docs)
    figures = score_labels(gold, predicted, categories=model.categories, doc_counts=doc_counts, **options)
    table = gold.assign(pred_labels=predicted["labels"].to_numpy(), pred_stance=predicted["stance"].to_numpy())
    return figures, table
