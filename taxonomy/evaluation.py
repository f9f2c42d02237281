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
        features = pipeline.named_steps["features"].transform(data.subset(test).X)
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
    labelled = truth_any & np.isin(truth_stance, ("problem", "remedy"))
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


# --------------------------------------------------------------------------- baselines

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

    from .features import segment

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
                    if Y[i].any() and data.stance[i] in ("problem", "remedy"):
                        handle.write(f"__label__{data.stance[i]} {segmented[i]}\n")
            stance_model = fasttext.train_supervised(input=path, **params)
            for i in test:
                scores = fasttext_scores(model, segmented[i])
                proba[i] = [scores.get(f"__label__{c}", 0.0) for c in cats]
                stance_scores = fasttext_scores(stance_model, segmented[i])
                stance[i] = max(stance_scores, key=stance_scores.get).replace("__label__", "")
    return CVResult("fastText (jieba words)", data, proba, (proba >= 0.5).astype(int), stance, folds)


# --------------------------------------------------------------------------- analyses


def calibration_error(result: CVResult, bins: int = 10) -> float:
    """Expected calibration error of all ``p_<id>`` probabilities (equal-width bins)."""
    p = result.proba.ravel()
    y = result.data.Y.to_numpy().ravel()
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            error += mask.mean() * abs(p[mask].mean() - y[mask].mean())
    return float(error)


def confused_pairs(result: CVResult, top: int = 10) -> list[dict]:
    """Pairs (true category, predicted category) most often swapped within a sentence."""
    Y = result.data.Y.to_numpy().astype(bool)
    P = result.pred.astype(bool)
    cats = list(result.data.Y.columns)
    missed = Y & ~P
    extra = P & ~Y
    counts = missed.T.astype(int) @ extra.astype(int)
    pairs = [
        {"true": cats[a], "predicted": cats[b], "sentences": int(counts[a, b])}
        for a in range(len(cats))
        for b in range(len(cats))
        if counts[a, b] > 0
    ]
    return sorted(pairs, key=lambda d: (-d["sentences"], d["true"], d["predicted"]))[:top]


def count_error(result: CVResult, sources=None, *, expected: bool = False) -> dict:
    """Per source: mean absolute error of the number of sentences per category.

    This is what an analyst reading ``taxonomy summary`` sees. ``sources`` limits it
    to some sources (e.g. the real speeches). ``expected`` scores the summed
    probabilities (``expected`` in the summary) instead of the thresholded counts.
    """
    Y = result.data.Y.to_numpy()
    groups = result.data.groups
    names = [g for g in dict.fromkeys(groups) if sources is None or g in sources]
    errors, relative = [], []
    for g in names:
        mask = groups == g
        true_counts = Y[mask].sum(axis=0)
        pred_counts = (result.proba if expected else result.pred)[mask].sum(axis=0)
        errors.append(np.abs(true_counts - pred_counts).mean())
        relative.append(np.abs(true_counts - pred_counts).sum() / max(true_counts.sum(), 1))
    return {
        "sources": len(names),
        "mean_abs_error_per_category": float(np.mean(errors)) if errors else float("nan"),
        "relative_error": float(np.mean(relative)) if relative else float("nan"),
    }


def learning_curve(data: TrainingData, folds, fractions=(0.25, 0.5, 0.75, 1.0), seed: int = 0, **params) -> list[dict]:
    """Scores when each fold trains on a fraction of its training sources."""
    rng = np.random.default_rng(seed)
    points = []
    for fraction in fractions:
        reduced = []
        for train, test in folds:
            sources = np.array(list(dict.fromkeys(data.groups[train])), dtype=object)
            keep = rng.permutation(len(sources))[: max(1, int(round(fraction * len(sources))))]
            reduced.append((train[np.isin(data.groups[train], sources[keep])], test))
        result = cross_validate(data, folds=reduced, name=f"{fraction:.0%}", **params)
        scores = summarise_scores(result)
        points.append({"fraction": fraction, "train_sentences": int(np.mean([len(t) for t, _ in reduced])), **scores})
    return points


# --------------------------------------------------------------------------- the report

MODEL_VARIANTS = {
    "ours (words + chars + context)": {},
    "ours without context": {"context": False},
    "ours, characters only": {"words": False, "context": False},
    "ours, words only": {"chars": False, "context": False},
}
TUNING_VARIANTS = {
    "fixed 0.5 thresholds": {"tune_thresholds": False},
    "no class weights": {"class_weight": None},
    "C=8": {"C": 8.0},
    "C=128": {"C": 128.0},
    "context weight 1.0": {"context_weight": 1.0},
    "full jieba dictionary": {"dictionary": "full"},
    "no expression lexicon": {"lexicon": False},
    "thresholds on whole documents only": {"prevalence": "documents"},
    "3x larger vocabularies": {"max_word_features": 30000, "max_char_features": 60000},
    "2x smaller vocabularies": {"max_word_features": 5000, "max_char_features": 10000},
}


def _row(result: CVResult) -> dict:
    scores = summarise_scores(result)
    scores["calibration_error"] = calibration_error(result) if result.name != "keyword dictionary" else float("nan")
    return scores


def run_evaluation(
    data_dir=None,
    out_dir=None,
    *,
    n_splits: int = 5,
    baselines: bool = True,
    tuning: bool = True,
    learning_curve_points: bool = True,
    log=print,
):
    """Run the whole evaluation and write ``evaluation.md`` and ``evaluation.json``.

    Returns the paths of the Markdown and JSON reports.
    """
    import json
    import time
    from pathlib import Path

    from . import config
    from .training import load_training_data

    out_dir = Path(out_dir) if out_dir is not None else config.reports_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    data = load_training_data(data_dir)
    folds = grouped_folds(data.groups, data.Y.to_numpy(), n_splits)
    speeches = sorted(g for g in set(data.groups) if str(g).startswith("speech-"))
    documents = sorted(set(data.groups[data.documents]))
    results: dict[str, CVResult] = {}
    timings: dict[str, float] = {}

    def timed(name, make):
        log(f"evaluating: {name}")
        start = time.perf_counter()
        results[name] = make()
        timings[name] = time.perf_counter() - start

    variants = MODEL_VARIANTS if baselines else {k: v for k, v in MODEL_VARIANTS.items() if not v}
    for name, params in variants.items():
        timed(name, lambda params=params, name=name: cross_validate(data, folds=folds, name=name, **params))
    if baselines:
        timed("keyword dictionary", lambda: keyword_baseline(data, folds))
        try:
            timed("fastText (jieba words)", lambda: fasttext_baseline(data, folds))
        except ImportError:
            log("fastText is not installed (pip install '.[eval]'); its baseline is left out")
    if tuning:
        for name, params in TUNING_VARIANTS.items():
            timed(name, lambda params=params, name=name: cross_validate(data, folds=folds, name=name, **params))
    main = results["ours (words + chars + context)"]
    report = {
        "data": {
            "sentences": int(len(data.Y)),
            "sources": int(len(set(data.groups))),
            "speeches": speeches,
            "folds": n_splits,
            "training_data_sha256": data.data_hash,
        },
        "models": {name: {**_row(r), "seconds": round(timings[name], 1)} for name, r in results.items()},
        "per_category": {name: per_category_scores(r) for name, r in results.items() if name not in TUNING_VARIANTS},
        "confused_pairs": confused_pairs(main),
        "by_kind": {
            name: {"whole documents": summarise_scores(r, data.documents), "short passages": summarise_scores(r, ~data.documents)}
            for name, r in results.items()
            if name not in TUNING_VARIANTS
        },
        "count_error": {
            name: {
                "all sources": count_error(r),
                "whole documents": count_error(r, documents),
                "whole documents, expected": count_error(r, documents, expected=True),
                "real speeches": count_error(r, speeches),
                "real speeches, expected": count_error(r, speeches, expected=True),
            }
            for name, r in results.items()
            if name not in TUNING_VARIANTS
        },
    }
    real_text = out_dir / "real-text.json"
    if real_text.is_file():
        report["real_text"] = json.loads(real_text.read_text(encoding="utf-8"))
    if learning_curve_points:
        log("evaluating: learning curve")
        report["learning_curve"] = learning_curve(data, folds)
    json_path = out_dir / "evaluation.json"
    md_path = out_dir / "evaluation.md"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return md_path, json_path


def _fmt(value) -> str:
    return "–" if value is None or (isinstance(value, float) and np.isnan(value)) else f"{value:.3f}"


def _real_text_lines(real: dict) -> list[str]:
    """The latest real-text figures (reports/real-text.json) as a short table."""
    latest = real.get("latest", real)
    keys = ("detect_f1", "micro_f1", "macro_f1", "count_ratio", "expected_count_ratio", "stance_accuracy")
    return [
        "## On real text (reports/real-text.md)", "",
        f"The model scored on {latest.get('documents')} real documents ({latest.get('sentences')} sentences) labelled by "
        f"hand before their predictions were seen (second coder κ {_fmt(latest.get('kappa'))}), on {latest.get('date')}:", "",
        "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys),
        "| " + " | ".join(_fmt(latest.get(k)) for k in keys) + " |", "",
    ]


def render_markdown(report: dict) -> str:
    """The evaluation report as Markdown."""
    d = report["data"]
    models = report["models"]
    lines = [
        "# Evaluation",
        "",
        f"{d['folds']}-fold cross-validation grouped by source ({d['sentences']} sentences, {d['sources']} sources: "
        f"{len(d['speeches'])} real speeches and written passages); no source is split between training and test, "
        "folds are stratified over the categories by iterative stratification of whole sources, and every model "
        "below is scored on the same folds. Generated by `taxonomy evaluate`.",
        "",
        "## Models and baselines side by side",
        "",
        "| model | micro F1 | macro F1 | problem detection F1 | none precision | stance accuracy | calibration error | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, m in models.items():
        lines.append(
            f"| {name} | {_fmt(m['micro_f1'])} | {_fmt(m['macro_f1'])} | {_fmt(m['problem_detection_f1'])} | "
            f"{_fmt(m['none_precision'])} | {_fmt(m['stance_accuracy'])} | {_fmt(m['calibration_error'])} | {m['seconds']} |"
        )
    lines += [
        "",
        "*problem detection*: any category vs none; *none precision*: share of sentences predicted none that are none; "
        "*stance accuracy*: on sentences that truly carry a category; *calibration error*: expected calibration error "
        "of all `p_<id>` (0 = probabilities mean what they say).",
        "",
    ]
    if "real_text" in report:
        lines += _real_text_lines(report["real_text"])
    if "by_kind" in report:
        lines += ["## Whole documents and short passages", "",
                  "The same out-of-fold predictions, scored separately on the sentences of whole documents (real "
                  "speeches and whole written speeches, circulars, reports, commentaries: about one sentence in four "
                  "carries a category) and of short written passages (about one in two).", "",
                  "| model | sentences | micro F1 | macro F1 | problem detection F1 | stance accuracy |", "|---|---|---|---|---|---|"]
        for name, kinds in report["by_kind"].items():
            for kind, m in kinds.items():
                lines.append(f"| {name}, {kind} | {m['n_sentences']} | {_fmt(m['micro_f1'])} | {_fmt(m['macro_f1'])} | "
                             f"{_fmt(m['problem_detection_f1'])} | {_fmt(m['stance_accuracy'])} |")
        lines.append("")
    base = models.get("ours (words + chars + context)")
    if base and "ours without context" in models:
        gain = base["macro_f1"] - models["ours without context"]["macro_f1"]
        lines += [
            "## Context",
            "",
            f"Features from the section heading and the neighbouring sentences change macro F1 by {gain:+.3f} "
            f"(micro F1 {base['micro_f1'] - models['ours without context']['micro_f1']:+.3f}) on the same folds.",
            "",
        ]
    tuning = [name for name in models if name in TUNING_VARIANTS]
    if base and tuning:
        lines += ["## What each choice buys", "", "Each row changes one choice of the default model.", "",
                  "| change | micro F1 | macro F1 | Δ macro F1 | calibration error |", "|---|---|---|---|---|"]
        for name in tuning:
            m = models[name]
            lines.append(f"| {name} | {_fmt(m['micro_f1'])} | {_fmt(m['macro_f1'])} | {m['macro_f1'] - base['macro_f1']:+.3f} | {_fmt(m['calibration_error'])} |")
        lines.append("")
    per = report["per_category"]
    names = [n for n in per if n in models and n not in TUNING_VARIANTS]
    lines += ["## Per category (F1)", "", "| category | support | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    main = per["ours (words + chars + context)"]
    for cat in main:
        lines.append(f"| {cat} | {main[cat]['support']} | " + " | ".join(_fmt(per[n][cat]["f1"]) for n in names) + " |")
    lines += ["", "Precision and recall of the default model:", "", "| category | precision | recall | F1 |", "|---|---|---|---|"]
    for cat, s in main.items():
        lines.append(f"| {cat} | {_fmt(s['precision'])} | {_fmt(s['recall'])} | {_fmt(s['f1'])} |")
    lines += ["", "## Per-speech category counts", "",
              "Mean absolute error of the number of sentences per category and source (what `taxonomy summary` reports), "
              "and the total count error relative to the true number of labels; *thresholded* counts the labelled "
              "sentences (`total`), *expected* sums the probabilities (`expected`).", "",
              "| model | sources | MAE, thresholded | relative, thresholded | MAE, expected | relative, expected |",
              "|---|---|---|---|---|---|"]
    for name, c in report["count_error"].items():
        for kind in ("whole documents", "real speeches"):
            if kind not in c:
                continue
            a, e = c[kind], c.get(f"{kind}, expected", {})
            lines.append(f"| {name} | {kind} ({a['sources']}) | {_fmt(a['mean_abs_error_per_category'])} | "
                         f"{_fmt(a['relative_error'])} | {_fmt(e.get('mean_abs_error_per_category'))} | "
                         f"{_fmt(e.get('relative_error'))} |")
    lines += ["", "## Most confused pairs (default model)", "",
              "A sentence that truly has the first category but got the second instead.", "",
              "| true | predicted | sentences |", "|---|---|---|"]
    for p in report["confused_pairs"]:
        lines.append(f"| {p['true']} | {p['predicted']} | {p['sentences']} |")
    if "learning_curve" in report:
        lines += ["", "## Learning curve", "", "Each fold trains on a share of its training sources.", "",
                  "| share | training sentences | micro F1 | macro F1 | problem detection F1 |", "|---|---|---|---|---|"]
        for p in report["learning_curve"]:
            lines.append(f"| {p['fraction']:.0%} | {p['train_sentences']} | {_fmt(p['micro_f1'])} | {_fmt(p['macro_f1'])} | {_fmt(p['problem_detection_f1'])} |")
    return "\n".join(lines) + "\n"
