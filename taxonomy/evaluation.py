"""The evaluation report: the model, its variants and the baselines on the same grouped folds.

Cross-validation itself is in :mod:`taxonomy.validation`; :func:`run_evaluation`
runs every model on the same folds and writes ``reports/evaluation.md`` and ``.json``.
"""

from __future__ import annotations

import numpy as np

from .atomic import write_atomic
from .baselines import fasttext_baseline, keyword_baseline
from .fitting import TrainingData
from .validation import CVResult, cross_validate, grouped_folds, per_category_scores, summarise_scores

__all__ = ["run_evaluation", "render_markdown", "cross_validate", "grouped_folds", "summarise_scores", "CVResult"]


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
    jobs: int = -1,
):
    """Run the whole evaluation and write ``evaluation.md`` and ``evaluation.json``.

    ``jobs`` worker processes fit each model's per-category regressions (1 to the
    number of cores, -1 for all; the figures do not depend on it). Returns the paths
    of the Markdown and JSON reports.
    """
    import joblib

    from .runs import resolve_jobs

    with joblib.parallel_config(n_jobs=resolve_jobs(jobs)):
        return _run_evaluation(data_dir, out_dir, n_splits=n_splits, baselines=baselines, tuning=tuning,
                               learning_curve_points=learning_curve_points, log=log)


def _run_evaluation(data_dir, out_dir, *, n_splits, baselines, tuning, learning_curve_points, log):
    import json
    import time
    from pathlib import Path

    from . import config
    from .fitting import load_training_data

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
    write_atomic(json_path, json.dumps(report, ensure_ascii=False, indent=2) + "\n", overwrite=True)
    write_atomic(md_path, render_markdown(report), overwrite=True)
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
