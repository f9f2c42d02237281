"""How often each speech (or any group of speeches) talks about each problem, in figures that compare.

For every group (a speech, or a value of a metadata column such as ``date`` or
``speaker``) and every category and family:

``count``
    sentences labelled with it at the model's thresholds (a sentence with several
    categories of one family counts once for the family), split into ``problem`` and
    ``remedy`` by the sentence's stance;
``share``
    ``count`` ÷ the group's sentences: the part of the speech spent on it;
``per_1000_chars``
    ``count`` per 1,000 characters of the group's sentences (long and short speeches compare);
``expected``
    the sum of the sentences' calibrated probabilities (for a family, of the probability
    of any of its categories): a count that does not inherit the thresholds' bias, the
    better estimate for totals over many speeches.

Rows are ranked by ``count`` (then ``expected``) within each group and kind; the
groups keep the order of the table (speeches) or sort (other columns). With
``zeros=False`` the rows whose ``count`` is 0 are left out for categories and families alike.

Examples
--------
>>> import pandas as pd
>>> labels = pd.DataFrame({"doc": ["a", "a", "a"], "text": ["推诿扯皮。", "坚决杜绝推诿扯皮。", "谢谢。"],
...                        "labels": ["buck_passing|inaction", "buck_passing", ""],
...                        "stance": ["problem", "remedy", ""]})
>>> f = frequencies(labels, zeros=False)
>>> f[["kind", "name_zh", "count", "problem", "remedy", "rank"]].values.tolist()
[['category', '推诿扯皮', 2, 1, 1, 1], ['category', '不作为慢作为', 1, 1, 0, 2], ['family', '为官不为', 2, 1, 1, 1]]
>>> round(float(f["share"].iloc[0]), 3), round(float(f["per_1000_chars"].iloc[0]), 1)   # 2 of 3 sentences, 17 characters
(0.667, 117.6)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .categories import STANCES, Category, load_categories

VALUES = ("count", "problem", "remedy", "share", "per_1000_chars", "expected")
COLUMNS = ["group", "kind", "id", "name_zh", "family", *VALUES, "rank", "n_sentences", "n_chars"]
KINDS = ("category", "family")
UNKNOWN = "(unknown)"


def frequencies(
    labels: pd.DataFrame,
    by: str = "doc",
    *,
    metadata: pd.DataFrame | None = None,
    kind: str = "both",
    zeros: bool = True,
    rank: bool = True,
    categories: list[Category] | None = None,
) -> pd.DataFrame:
    """Counts, shares and rates per group × category and family, split by stance.

    Parameters
    ----------
    labels : DataFrame
        The label table (``doc``, ``text``, ``labels``, ``stance``; ``p_<id>`` for ``expected``).
    by : str, default "doc"
        ``"doc"`` for one group per speech, or a metadata column (``title``, ``date``,
        ``place``, ``speaker``, ``level``, or any column of ``labels``/``metadata``).
    metadata : DataFrame, optional
        One row per speech with ``doc`` (from :func:`taxonomy.metadata.speech_metadata`).
        With it, speeches are shown by their ``name`` (title, else file name).
    kind : {"both", "category", "family"}
        Category rows, family rows or both (column ``kind``).
    zeros : bool, default True
        Keep rows with a count of 0 (every category and family for every group).
    rank : bool, default True
        Order rows by count within each group and kind (else codebook order).

    Returns
    -------
    DataFrame
        The columns :data:`COLUMNS`; ``group`` is the speech's name or the group's value.
    """
    categories = categories or load_categories()
    if kind not in ("both", *KINDS):
        raise ValueError(f"kind must be 'both', 'category' or 'family', not {kind!r}")
    table = _with_groups(labels, by, metadata)
    records = []
    for group, rows in table.groupby("_group", sort=by != "doc", dropna=False):
        records += _group_rows(group, rows, categories)
    out = pd.DataFrame(records, columns=[c for c in COLUMNS if c != "rank"] + ["_order", "_kind", "_codebook"])
    if kind != "both":
        out = out[out["kind"] == kind]
    if not zeros:
        out = out[out["count"] > 0]
    if rank:
        out = out.sort_values(["_order", "_kind", "count", "expected", "_codebook"],
                              ascending=[True, True, False, False, True], kind="stable")
    out.insert(COLUMNS.index("rank"), "rank", out.groupby(["_order", "_kind"]).cumcount() + 1)
    return out.drop(columns=["_order", "_kind", "_codebook"], errors="ignore").reset_index(drop=True)[COLUMNS]


def wide(freq: pd.DataFrame, value: str = "count", *, zeros: bool = True) -> pd.DataFrame:
    """Groups side by side: one row per category/family, one column per group (in order).

    Rows are ranked by their total over all groups within each kind; with
    ``zeros=False`` rows that are 0 in every group are left out.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"group": ["a", "a", "b", "b"], "kind": ["category"] * 4, "name_zh": ["甲", "乙", "甲", "乙"],
    ...                   "count": [1, 0, 2, 0]})
    >>> wide(f, zeros=False).to_dict("index")
    {('category', '甲'): {'a': 1, 'b': 2}}
    """
    if value not in VALUES:
        raise ValueError(f"value must be one of {', '.join(VALUES)}, not {value!r}")
    groups = list(dict.fromkeys(freq["group"]))
    out = freq.pivot_table(index=["kind", "name_zh"], columns="group", values=value, aggfunc="sum", sort=False,
                           fill_value=0)[groups]
    out.columns.name = None
    total = out.sum(axis=1)
    if not zeros:
        out, total = out[total > 0], total[total > 0]
    kinds = [k for k in KINDS if k in out.index.get_level_values(0)]
    order = pd.Series(range(len(out)), index=out.index)
    frame = pd.DataFrame({"lvl": [kinds.index(i[0]) for i in out.index], "total": -total.to_numpy(), "pos": order})
    return out.iloc[np.lexsort((frame["pos"], frame["total"], frame["lvl"]))]


def _with_groups(labels: pd.DataFrame, by: str, metadata: pd.DataFrame | None) -> pd.DataFrame:
    from .errors import TaxonomyError

    table = labels.copy()
    if metadata is not None and len(metadata):
        extra = [c for c in metadata.columns if c == "doc" or c not in table.columns]
        table = table.merge(metadata[extra], on="doc", how="left")
    if by == "doc":
        names = table["name"] if "name" in table.columns else table["doc"]
        table["_group"] = names.where(names.notna() & (names.astype(str) != ""), table["doc"])
        first = {doc: k for k, doc in enumerate(dict.fromkeys(table["doc"]))}
        table["_order"] = table["doc"].map(first)
    else:
        if by not in table.columns:
            raise TaxonomyError(f"no column {by!r} to group by (known: doc, title, date, place, speaker, level)")
        values = table[by].astype("string").fillna(UNKNOWN).replace("", UNKNOWN)
        table["_group"] = values
        order = {v: k for k, v in enumerate(sorted(set(values), key=lambda v: (v == UNKNOWN, v)))}
        table["_order"] = values.map(order)
    return table


def _group_rows(group, rows: pd.DataFrame, categories: list[Category]) -> list[dict]:
    family_of = {c.id: c.family for c in categories}
    families = list(dict.fromkeys(c.family for c in categories))
    counts = {key: {"problem": 0, "remedy": 0} for key in [c.id for c in categories] + families}
    for ids, stance in zip(rows["labels"].fillna("").astype(str).str.split("|"), rows["stance"].fillna("").astype(str)):
        ids = [i for i in ids if i in family_of]
        if not ids or stance not in STANCES:
            continue
        for key in set(ids) | {family_of[i] for i in ids}:
            counts[key][stance] += 1
    n = len(rows)
    chars = int(rows["text"].fillna("").astype(str).str.len().sum()) if "text" in rows.columns else 0
    expected = _expected(rows, categories, families, family_of)
    order = int(rows["_order"].iloc[0])
    out = []
    keys = [("category", c.id, c.name_zh, c.family, k) for k, c in enumerate(categories)]
    keys += [("family", f, f, f, k) for k, f in enumerate(families)]
    for lvl, key, name, family, pos in keys:
        p, r = counts[key]["problem"], counts[key]["remedy"]
        out.append({
            "group": group, "kind": lvl, "id": key, "name_zh": name, "family": family,
            "count": p + r, "problem": p, "remedy": r,
            "share": (p + r) / n if n else 0.0,
            "per_1000_chars": 1000 * (p + r) / chars if chars else float("nan"),
            "expected": expected[key], "n_sentences": n, "n_chars": chars,
            "_order": order, "_kind": KINDS.index(lvl), "_codebook": pos,
        })
    return out


def _expected(rows: pd.DataFrame, categories, families, family_of) -> dict:
    """Summed probabilities per category and family (NaN without ``p_<id>`` columns)."""
    columns = [f"p_{c.id}" for c in categories]
    if not all(col in rows.columns for col in columns):
        return {key: float("nan") for key in [c.id for c in categories] + families}
    proba = rows[columns].astype(float).to_numpy()
    out = {c.id: round(float(proba[:, k].sum()), 2) for k, c in enumerate(categories)}
    for fam in families:
        members = [k for k, c in enumerate(categories) if family_of[c.id] == fam]
        out[fam] = round(float((1 - np.prod(1 - proba[:, members], axis=1)).sum()), 2)
    return out


def frequency_table(labels: pd.DataFrame, metadata: pd.DataFrame | None = None, by: str = "doc", *,
                    wide_value: str | None = None, **options) -> pd.DataFrame:
    """The table ``taxonomy summary`` writes: :func:`frequencies`, with each speech's metadata
    (``doc``, date, place …) beside its name when ``by="doc"``, or :func:`wide` when ``wide_value``.

    >>> labels = pd.DataFrame({"doc": ["a.txt"], "text": ["推诿扯皮。"], "labels": ["buck_passing"], "stance": ["problem"]})
    >>> meta = pd.DataFrame({"doc": ["a.txt"], "name": ["讲话"], "date": ["2022-11-19"]})
    >>> frequency_table(labels, meta, zeros=False).columns.tolist()[:4]
    ['group', 'doc', 'date', 'kind']
    """
    freq = frequencies(labels, by, metadata=metadata, **options)
    if wide_value is not None:
        return wide(freq, wide_value, zeros=options.get("zeros", True)).reset_index()
    if by != "doc" or metadata is None or "name" not in metadata.columns:
        return freq
    extra = metadata.drop(columns=[c for c in ("title",) if c in metadata.columns]).rename(columns={"name": "group"})
    out = freq.merge(extra, on="group", how="left")
    front = ["group", *[c for c in extra.columns if c != "group"]]
    return out[front + [c for c in COLUMNS if c not in front]]
