"""Label tables people read: Chinese names, the ``check`` flag, filters and family colours.

Every labelled table carries, beside the machine-readable ``labels`` (``|``-joined ids):

* ``labels_zh`` — the Chinese names of the labels joined with ``、`` (the Chinese
  enumeration comma, as a reader writes a list; no name contains it), in the order of
  ``labels``;
* ``check`` — True when, for some category, the sentence's probability lies within
  :data:`CHECK_MARGIN` of the category's threshold on the log-odds scale, i.e. within a
  factor of e^1.5 ≈ 4.5 in odds. For a threshold of 0.25 that is a probability between
  0.07 and 0.6. These are the decisions a small change of wording would flip: they
  deserve a human look. (A margin of 0.1 in probability would flag almost nothing: the
  default model's calibrated probabilities are nearly all below 0.2 or above 0.9, so on
  the 542 sentences of ``data/raw`` it flags none, the log-odds margin flags 10.)

Examples
--------
>>> chinese_labels(["buck_passing|petty_corruption", ""])
['推诿扯皮、吃拿卡要', '']
>>> near_threshold([[0.12, 0.001], [0.99, 0.0]], [0.25, 0.3]).tolist()
[True, False]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .categories import FAMILIES, load_categories
from .errors import TaxonomyError

if TYPE_CHECKING:
    import pandas as pd

CHECK_MARGIN = 1.5
ZH_SEPARATOR = "、"
STANCE_ZH = {"problem": "问题", "remedy": "整治"}
# One pale colour per family (RGB hex), in the order of FAMILIES; the same in the
# workbook and the HTML report.
FAMILY_COLOURS = dict(zip(FAMILIES, ("FCE4D6", "DDEBF7", "FFF2CC", "E2EFDA", "EDE2F6", "F8D7DA")))
# Stronger shades of the same hues, for bars and borders.
FAMILY_STRONG = dict(zip(FAMILIES, ("E07B39", "4472C4", "C9A100", "5B9A3C", "8E63B8", "C0392B")))
COLUMN_ZH = {
    "doc": "文件", "sentence_id": "句号", "start": "起", "end": "止", "text": "句子", "labels": "类别代码",
    "labels_zh": "类别", "stance": "立场", "check": "需复核",
}


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return {c.id: c.name_zh for c in load_categories()}


@lru_cache(maxsize=1)
def _families() -> dict[str, str]:
    return {c.id: c.family for c in load_categories()}


def chinese_labels(labels: Iterable[str]) -> list[str]:
    """The ``labels_zh`` cells for ``labels`` cells (``|``-joined ids; unknown ids kept as they are)."""
    names = _names()
    return [ZH_SEPARATOR.join(names.get(i, i) for i in str(cell or "").split("|") if i) for cell in labels]


def family_of(labels: str, probabilities: dict[str, float] | None = None) -> str:
    """The family a row is coloured by: that of its most probable label ('' for none).

    >>> family_of("petty_corruption|buck_passing", {"buck_passing": 0.9, "petty_corruption": 0.8})
    '为官不为'
    """
    ids = [i for i in str(labels or "").split("|") if i in _families()]
    if not ids:
        return ""
    if probabilities:
        ids.sort(key=lambda i: -probabilities.get(i, 0.0))
    return _families()[ids[0]]


def near_threshold(proba, thresholds: Sequence[float], margin: float = CHECK_MARGIN) -> np.ndarray:
    """Per row: is some probability within ``margin`` (log-odds) of its threshold?"""
    p = np.clip(np.asarray(proba, dtype=float), 1e-6, 1 - 1e-6)
    t = np.clip(np.asarray(thresholds, dtype=float), 1e-6, 1 - 1e-6)
    if p.size == 0:
        return np.zeros(len(p), dtype=bool)
    distance = np.abs(np.log(p / (1 - p)) - np.log(t / (1 - t)))
    return (distance < margin).any(axis=1)


def check_categories(ids: Iterable[str], known: Sequence[str]) -> list[str]:
    """``ids`` validated against ``known``; an unknown id is an error listing the valid ones."""
    ids = list(ids)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise TaxonomyError(f"--category: unknown category id {', '.join(unknown)} (valid: {', '.join(known)})")
    return ids


def filter_labels(table: pd.DataFrame, *, only_labelled: bool = False, categories: Sequence[str] = ()) -> pd.DataFrame:
    """The rows of a labelled table with a label (``only_labelled``) or with one of ``categories``.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"labels": ["", "fraud", "formalism|fraud", "formalism"]})
    >>> filter_labels(t, categories=["fraud"]).index.tolist()
    [1, 2]
    """
    import pandas as pd

    labels = table["labels"].fillna("").astype(str)
    keep = pd.Series(True, index=table.index)
    if only_labelled:
        keep &= labels != ""
    if categories:
        wanted = set(categories)
        keep &= labels.map(lambda cell: bool(wanted & set(cell.split("|"))))
    return table[keep]


def terminal_table(table: pd.DataFrame, *, title: str | None = None, width: int = 80):
    """A rich Table of a labelled speech that fits ``width`` cells: one line per sentence.

    Columns: sentence id, Chinese category names, stance (问题/整治), ``?`` for a
    sentence to check, and the text cut with ``…`` to the room that is left.
    """
    import pandas as pd
    from rich.table import Table

    names_width = 14
    text_width = max(10, width - (5 + names_width + 4 + 1) - 2 * 4)  # four gaps of two cells
    view = Table(title=title, show_lines=False, box=None, pad_edge=False, padding=(0, 2, 0, 0), expand=False)
    view.add_column("#", justify="right", no_wrap=True, min_width=3, max_width=5)
    view.add_column("类别", no_wrap=True, overflow="ellipsis", min_width=4, max_width=names_width)
    view.add_column("立场", no_wrap=True, min_width=4)
    view.add_column("?", no_wrap=True, min_width=1)
    view.add_column("句子", no_wrap=True, overflow="ellipsis", max_width=text_width)
    zh = table["labels_zh"] if "labels_zh" in table.columns else pd.Series(chinese_labels(table["labels"]), index=table.index)
    checks = table["check"] if "check" in table.columns else pd.Series(False, index=table.index)
    for row, names, flag in zip(table.itertuples(index=False), zh, checks):
        view.add_row(str(row.sentence_id), names or "-", STANCE_ZH.get(row.stance or "", ""), "?" if flag else "",
                     str(row.text))
    return view
