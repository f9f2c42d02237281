"""Per-speech summaries of labelled sentences: counts per category and family, by stance.

``total`` counts the sentences labelled with a category at the model's thresholds.
``expected`` is the sum of the sentences' calibrated probabilities ``p_<id>`` (for a
family: of the probability that the sentence carries any of its categories): an
estimate of the count that does not inherit the thresholds' bias. On real text it is
the less biased of the two (reports/real-text.md) but the noisier for a single speech
(reports/evaluation.md): read ``total`` for one speech, ``expected`` for totals over many.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"doc": ["a", "a", "a"], "labels": ["buck_passing", "buck_passing|departmentalism", ""],
...                       "stance": ["problem", "remedy", ""]})
>>> s = summarise(table)
>>> s.query("id == 'buck_passing'")[["problem", "remedy", "total"]].values.tolist()
[[1, 1, 2]]
>>> s.query("id == '为官不为'")[["problem", "remedy"]].values.tolist()
[[1, 1]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .categories import STANCES, Category, load_categories

SUMMARY_COLUMNS = ["doc", "level", "id", "name_zh", "family", "problem", "remedy", "total", "expected", "n_sentences"]


def summarise(labelled: pd.DataFrame, categories: list[Category] | None = None) -> pd.DataFrame:
    """Count sentences per speech, category and family, split by stance.

    Parameters
    ----------
    labelled : DataFrame
        Output of ``model.label_text``/``label_files`` (needs ``doc``, ``labels``, ``stance``).

    Returns
    -------
    DataFrame
        One row per speech and category (``level == "category"``) and per speech
        and family (``level == "family"``, a sentence counted once per family)
        with the columns :data:`SUMMARY_COLUMNS`; speeches in input order.
    """
    categories = categories or load_categories()
    family_of = {c.id: c.family for c in categories}
    families = list(dict.fromkeys(c.family for c in categories))
    records = []
    for doc, table in labelled.groupby("doc", sort=False):
        labels = table["labels"].fillna("").astype(str).str.split("|")
        stance = table["stance"].fillna("").astype(str)
        cat_counts = {c.id: {"problem": 0, "remedy": 0} for c in categories}
        fam_counts = {f: {"problem": 0, "remedy": 0} for f in families}
        for ids, st in zip(labels, stance):
            ids = [i for i in ids if i in cat_counts]
            if not ids or st not in STANCES:
                continue
            for i in ids:
                cat_counts[i][st] += 1
            for fam in {family_of[i] for i in ids}:
                fam_counts[fam][st] += 1
        n = len(table)
        expected = _expected(table, categories, families, family_of)
        for c in categories:
            p, r = cat_counts[c.id]["problem"], cat_counts[c.id]["remedy"]
            records.append((doc, "category", c.id, c.name_zh, c.family, p, r, p + r, expected[c.id], n))
        for fam in families:
            p, r = fam_counts[fam]["problem"], fam_counts[fam]["remedy"]
            records.append((doc, "family", fam, fam, fam, p, r, p + r, expected[fam], n))
    return pd.DataFrame(records, columns=SUMMARY_COLUMNS)


def _expected(table: pd.DataFrame, categories, families, family_of) -> dict:
    """Summed probabilities per category and family (NaN without ``p_<id>`` columns)."""
    columns = [f"p_{c.id}" for c in categories]
    if not all(col in table.columns for col in columns):
        return {key: float("nan") for key in [c.id for c in categories] + families}
    proba = table[columns].astype(float).to_numpy()
    out = {c.id: round(float(proba[:, k].sum()), 2) for k, c in enumerate(categories)}
    for fam in families:
        members = [k for k, c in enumerate(categories) if family_of[c.id] == fam]
        out[fam] = round(float((1 - np.prod(1 - proba[:, members], axis=1)).sum()), 2)
    return out
