"""Inter-annotator agreement between the labelled data and an independent second pass.

A second pass is a CSV with ``id, labels, stance`` for a sample of labelled ids,
coded without seeing the first labels. Reported: Cohen's κ per category (binary
decision per sentence), Krippendorff's α over all sentence × category decisions
(nominal), α and κ for the three-way stance (problem / remedy / none), and the
share of sentences whose whole label set agrees.

Examples
--------
>>> from taxonomy.reliability import agreement
>>> result = agreement("data/labelled", "data/reliability/second_pass.csv")   # doctest: +SKIP
>>> result["overall"]["krippendorff_alpha"] > 0.7                             # doctest: +SKIP
True
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .categories import category_ids
from .dataset import read_labelled, split_labels
from .errors import TaxonomyError


def read_second_pass(path: str | Path) -> dict[str, tuple[tuple[str, ...], str]]:
    """``{id: (labels, stance)}`` from a second-pass CSV."""
    path = Path(path)
    if not path.is_file():
        raise TaxonomyError(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("id", "labels", "stance") if c not in (reader.fieldnames or [])]
        if missing:
            raise TaxonomyError(f"{path}: missing column(s) {', '.join(missing)}")
        return {r["id"].strip(): (split_labels(r["labels"]), (r["stance"] or "").strip()) for r in reader}


def _alpha(matrix: np.ndarray) -> float:
    import krippendorff

    if len(np.unique(matrix)) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def agreement(labelled_dir: str | Path, second_pass: str | Path) -> dict:
    """Agreement figures between ``labelled_dir`` and the second pass, as a dict."""
    from sklearn.metrics import cohen_kappa_score

    first = {r.id: (r.labels, r.stance if r.labels else "") for r in read_labelled(labelled_dir)}
    second = read_second_pass(second_pass)
    unknown = sorted(set(second) - set(first))
    if unknown:
        raise TaxonomyError(f"{second_pass}: ids not in the labelled data: {', '.join(unknown[:5])}")
    ids = list(second)
    cats = category_ids()
    A = np.array([[int(c in first[i][0]) for c in cats] for i in ids])
    B = np.array([[int(c in second[i][0]) for c in cats] for i in ids])
    per_category = {}
    for k, c in enumerate(cats):
        a, b = A[:, k], B[:, k]
        kappa = float(cohen_kappa_score(a, b)) if len(np.unique(np.concatenate([a, b]))) > 1 else float("nan")
        per_category[c] = {
            "kappa": kappa,
            "first_positive": int(a.sum()),
            "second_positive": int(b.sum()),
            "both_positive": int((a & b).sum()),
        }
    stance_a = [first[i][1] or "none" for i in ids]
    stance_b = [(second[i][1] if second[i][0] else "") or "none" for i in ids]
    codes = {"none": 0, "problem": 1, "remedy": 2}
    pooled = np.vstack([A.ravel(), B.ravel()])
    overall = {
        "n_sentences": len(ids),
        "krippendorff_alpha": _alpha(pooled),
        "mean_kappa": float(np.nanmean([v["kappa"] for v in per_category.values()])),
        "min_kappa": float(np.nanmin([v["kappa"] for v in per_category.values()])),
        "problem_detection_kappa": float(cohen_kappa_score(A.any(axis=1), B.any(axis=1))),
        "exact_label_set_agreement": float(np.mean([set(first[i][0]) == set(second[i][0]) for i in ids])),
        "stance_kappa": float(cohen_kappa_score(stance_a, stance_b)),
        "stance_alpha": _alpha(np.array([[codes[s] for s in stance_a], [codes[s] for s in stance_b]])),
    }
    disagreements = [
        {"id": i, "first": "|".join(first[i][0]), "second": "|".join(second[i][0])}
        for i in ids
        if set(first[i][0]) != set(second[i][0])
    ]
    return {"overall": overall, "per_category": per_category, "disagreements": disagreements}


def agreement_lines(result: dict) -> list[str]:
    """A plain-text table of the figures."""
    o = result["overall"]
    lines = [f"{'category':<22}{'kappa':>7}{'first+':>8}{'second+':>9}{'both+':>7}"]
    for c, v in result["per_category"].items():
        lines.append(f"{c:<22}{v['kappa']:>7.2f}{v['first_positive']:>8}{v['second_positive']:>9}{v['both_positive']:>7}")
    lines += [
        f"sentences double-coded: {o['n_sentences']}",
        f"Krippendorff's alpha (all sentence x category decisions): {o['krippendorff_alpha']:.3f}",
        f"mean / min per-category kappa: {o['mean_kappa']:.3f} / {o['min_kappa']:.3f}",
        f"problem detection kappa (any category vs none): {o['problem_detection_kappa']:.3f}",
        f"identical label sets: {o['exact_label_set_agreement']:.1%}",
        f"stance (problem/remedy/none) kappa {o['stance_kappa']:.3f}, alpha {o['stance_alpha']:.3f}",
    ]
    return lines
