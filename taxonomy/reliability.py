"""Inter-annotator agreement between the labelled data and an independent second pass.

A second pass is a CSV with ``id, labels, stance`` for a sample of labelled ids,
coded without seeing the first labels. Reported: Cohen's κ per category (binary
decision per sentence), Krippendorff's α over all sentence × category decisions
(nominal), α and κ for the three-way stance (problem / remedy / none), and the
share of sentences whose whole label set agrees.

What the second pass is compared with matters, and the output says it:

* by default, the labelled data **as it is today**. Rows that were adjudicated or
  corrected after the round was coded now agree more than they did then, so for
  rounds 1–3 this is higher than the figure the data card reports (round 2: α 0.935
  today against 0.810 when coded).
* with ``as_coded=True``, the first labels **as they stood when the round was coded**,
  rebuilt from the round's adjudication file (``roundN_adjudication.csv`` beside the
  second pass: ``first_labels`` for every disagreement; where there is none, the two
  coders agreed). This reproduces the data card's figures for the category
  decisions; the first coder's stance was not recorded, so stance figures are left out.

When the figures recorded at the time (``roundN_agreement.json``) lie beside the second
pass, they are reported too.

Examples
--------
>>> from taxonomy.reliability import agreement
>>> result = agreement("data/labelled", "data/reliability/second_pass.csv")   # doctest: +SKIP
>>> result["overall"]["krippendorff_alpha"] > 0.7                             # doctest: +SKIP
True
"""

from __future__ import annotations

import csv
import json
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


def sibling(second_pass: str | Path, kind: str, suffix: str) -> Path:
    """The round's other file: ``round2_second_pass.csv`` → ``round2_<kind><suffix>``."""
    path = Path(second_pass)
    stem = path.stem[: -len("_second_pass")] if path.stem.endswith("_second_pass") else path.stem
    return path.with_name(f"{stem}_{kind}{suffix}")


def first_pass_as_coded(second_pass: str | Path) -> dict[str, tuple[tuple[str, ...], str]]:
    """The first labels as they stood when the round was coded, rebuilt from its adjudication file."""
    adjudication = sibling(second_pass, "adjudication", ".csv")
    if not adjudication.is_file():
        raise TaxonomyError(f"{second_pass}: no {adjudication.name} beside it, so the labels as coded cannot be "
                            "rebuilt (a round never adjudicated is compared with today's labels)")
    with adjudication.open(encoding="utf-8-sig", newline="") as handle:
        disagreed = {r["id"].strip(): split_labels(r["first_labels"]) for r in csv.DictReader(handle)}
    second = read_second_pass(second_pass)
    return {i: (disagreed.get(i, labels), "") for i, (labels, _) in second.items()}


def agreement(labelled_dir: str | Path, second_pass: str | Path, *, as_coded: bool = False) -> dict:
    """Agreement figures between the first labels and the second pass, as a dict.

    Parameters
    ----------
    labelled_dir : path
        The labelled data (the first labels as they are today).
    second_pass : path
        ``id, labels, stance`` from the second coder.
    as_coded : bool, default False
        Compare with the first labels as they were when the round was coded (see the module).

    Returns
    -------
    dict
        ``compared_with`` (a sentence), ``overall``, ``per_category``, ``disagreements``
        and, when ``roundN_agreement.json`` lies beside the second pass, ``recorded``.
    """
    from sklearn.metrics import cohen_kappa_score

    if as_coded:
        first = first_pass_as_coded(second_pass)
        compared_with = (f"the first labels as coded, rebuilt from {sibling(second_pass, 'adjudication', '.csv').name}"
                         " (stance not recorded)")
    else:
        first = {r.id: (r.labels, r.stance if r.labels else "") for r in read_labelled(labelled_dir)}
        compared_with = (f"the labelled data as it is today ({labelled_dir}); rows corrected since the round was "
                         "coded agree more than they did then")
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
        "stance_kappa": float("nan") if as_coded else float(cohen_kappa_score(stance_a, stance_b)),
        "stance_alpha": float("nan") if as_coded else _alpha(np.array([[codes[s] for s in stance_a],
                                                                         [codes[s] for s in stance_b]])),
    }
    disagreements = [
        {"id": i, "first": "|".join(first[i][0]), "second": "|".join(second[i][0])}
        for i in ids
        if set(first[i][0]) != set(second[i][0])
    ]
    result = {"compared_with": compared_with, "overall": overall, "per_category": per_category,
              "disagreements": disagreements}
    recorded = sibling(second_pass, "agreement", ".json")
    if recorded.is_file():
        result["recorded"] = {"file": recorded.name, "overall": json.loads(recorded.read_text(encoding="utf-8"))["overall"]}
    return result


def agreement_lines(result: dict) -> list[str]:
    """A plain-text table of the figures."""
    o = result["overall"]
    lines = [f"compared with: {result['compared_with']}", f"{'category':<22}{'kappa':>7}{'first+':>8}{'second+':>9}{'both+':>7}"]
    for c, v in result["per_category"].items():
        lines.append(f"{c:<22}{v['kappa']:>7.2f}{v['first_positive']:>8}{v['second_positive']:>9}{v['both_positive']:>7}")
    lines += [
        f"sentences double-coded: {o['n_sentences']}",
        f"Krippendorff's alpha (all sentence x category decisions): {o['krippendorff_alpha']:.3f}",
        f"mean / min per-category kappa: {o['mean_kappa']:.3f} / {o['min_kappa']:.3f}",
        f"problem detection kappa (any category vs none): {o['problem_detection_kappa']:.3f}",
        f"identical label sets: {o['exact_label_set_agreement']:.1%}",
        f"stance (problem/remedy/none) kappa {o['stance_kappa']:.3f}, alpha {o['stance_alpha']:.3f}"
        if o["stance_kappa"] == o["stance_kappa"] else "stance: the first coder's stance was not recorded",
    ]
    if "recorded" in result:
        r = result["recorded"]["overall"]
        lines.append(f"recorded when the round was coded ({result['recorded']['file']}): alpha "
                     f"{r['krippendorff_alpha']:.3f}, mean kappa {r['mean_kappa']:.3f}, stance kappa {r['stance_kappa']:.3f}")
    return lines
