"""Choosing the sentences of new speeches that would teach the model most.

A batch mixes two kinds of rows:

* ``sample=suggested`` — chosen by uncertainty: a sentence's *margin* for a
  category is ``|logit(p) - logit(threshold)|``, small when the model hesitates.
  Categories take turns (round-robin), each taking the candidate closest to its
  own threshold, so rare categories get their share of the batch;
* ``sample=random`` — an optional, uniformly drawn (seeded) share, so that the
  model can later be scored on labels nobody chose for it
  (``taxonomy evaluate --random-share``).

Candidates already in the labelled set (same normalised text, or a near-duplicate
by the data check's own measure, :func:`taxonomy.dataset.char_trigrams` Jaccard
above 0.8) are dropped, and so is every candidate that is a near-duplicate of an
earlier one, so a batch never holds two near-duplicates.

Examples
--------
>>> import numpy as np
>>> proba = np.array([[0.50, 0.01], [0.90, 0.02], [0.05, 0.30]])
>>> picked = select_rows(proba, np.array([0.5, 0.3]), ["甲乙丙丁", "戊己庚辛", "壬癸子丑"], n=2)
>>> [(p.index, p.focus) for p in picked]
[(0, 0), (2, 1)]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import NEAR_DUPLICATE_JACCARD, char_trigrams, read_labelled
from .errors import TaxonomyError

SAMPLES = ("suggested", "random")
TITLE_CHARS = 60


@dataclass(frozen=True)
class Pick:
    """One chosen candidate: its index, the category that chose it (-1 for random) and its kind."""

    index: int
    focus: int
    sample: str


def margins(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """``|logit(p) - logit(t)|`` for every sentence and category (small = uncertain).

    >>> margins(np.array([[0.5, 0.9]]), np.array([0.5, 0.5])).round(2).tolist()
    [[0.0, 2.2]]
    """
    eps = 1e-6
    p = np.clip(np.asarray(proba, dtype=float), eps, 1 - eps)
    t = np.clip(np.asarray(thresholds, dtype=float), eps, 1 - eps)
    return np.abs(np.log(p / (1 - p)) - np.log(t / (1 - t)))


class NearDuplicateIndex:
    """Texts seen so far, queried for near-duplicates (character-trigram Jaccard above a threshold).

    >>> index = NearDuplicateIndex(["今年全市新增市场主体一万二千户。"])
    >>> index.has_near_duplicate("今年全市新增市场主体一万二千户！"), index.has_near_duplicate("谢谢大家！")
    (True, False)
    """

    def __init__(self, texts=(), threshold: float = NEAR_DUPLICATE_JACCARD):
        self.threshold = threshold
        self.grams: list[frozenset] = []
        self.index: dict[str, list[int]] = defaultdict(list)
        for text in texts:
            self.add(text)

    def add(self, text: str) -> None:
        grams = char_trigrams(text)
        for gram in grams:
            self.index[gram].append(len(self.grams))
        self.grams.append(grams)

    def find(self, text: str) -> int | None:
        """The position (order of adding) of the first near-duplicate of ``text``, or None."""
        grams = char_trigrams(text)
        shared: Counter = Counter()
        for gram in grams:
            for j in self.index.get(gram, ()):
                shared[j] += 1
        for j in sorted(shared):
            union = len(grams) + len(self.grams[j]) - shared[j]
            if (shared[j] / union if union else 1.0) > self.threshold:
                return j
        return None

    def has_near_duplicate(self, text: str) -> bool:
        """True when a near-duplicate of ``text`` was added."""
        return self.find(text) is not None


def distinct_candidates(texts: list[str], known: list[str] = ()) -> np.ndarray:
    """Indices of ``texts`` that are new: no near-duplicate among ``known`` or earlier texts.

    >>> distinct_candidates(["甲乙丙丁。", "甲乙丙丁。", "戊己庚辛。", "谢谢大家！"], known=["谢谢大家！"]).tolist()
    [0, 2]
    """
    seen = NearDuplicateIndex(known)
    exact = set(known)
    keep = []
    for i, text in enumerate(texts):
        if not text.strip() or text in exact or seen.has_near_duplicate(text):
            continue
        keep.append(i)
        seen.add(text)
        exact.add(text)
    return np.array(keep, dtype=int)


def select_rows(
    proba: np.ndarray,
    thresholds: np.ndarray,
    texts: list[str],
    n: int,
    *,
    random_share: float = 0.0,
    seed: int = 0,
    known: list[str] = (),
) -> list[Pick]:
    """Choose up to ``n`` rows: a seeded random share, then a round-robin over categories by margin.

    Parameters
    ----------
    proba : array (sentences × categories)
        The model's calibrated probabilities.
    thresholds : array (categories,)
        Its decision thresholds.
    texts : list of str
        The sentences (normalised as the model sees them).
    n : int
        Batch size.
    random_share : float, default 0
        Share of the batch drawn uniformly at random (``sample=random``).
    seed : int
        Seed of the random share and of tie-breaking; the result is deterministic.
    known : list of str
        Texts already labelled; candidates near-duplicating them are never chosen.

    Returns
    -------
    list of Pick
        Random picks first (in draw order), then suggested ones in the order chosen.
    """
    if not 0.0 <= random_share <= 1.0:
        raise TaxonomyError(f"random share must be between 0 and 1, not {random_share}")
    if n < 0:
        raise TaxonomyError(f"batch size must be positive, not {n}")
    pool = distinct_candidates(list(texts), list(known))
    rng = np.random.default_rng(seed)
    n_random = min(int(round(n * random_share)), len(pool))
    drawn = rng.choice(pool, size=n_random, replace=False) if n_random else np.array([], dtype=int)
    picks = [Pick(int(i), -1, "random") for i in drawn]
    rest = np.setdiff1d(pool, drawn)
    if len(rest) == 0 or n - n_random <= 0:
        return picks
    margin = margins(np.asarray(proba)[rest], thresholds)
    tiebreak = rng.random(len(rest))
    # each category's queue: candidates by its margin, ties broken by the seeded draw
    queues = [list(np.lexsort((tiebreak, margin[:, k]))) for k in range(margin.shape[1])]
    heads = [0] * len(queues)
    taken: set[int] = set()
    while len(picks) < n and len(taken) < len(rest):
        for k, queue in enumerate(queues):
            while heads[k] < len(queue) and queue[heads[k]] in taken:
                heads[k] += 1
            if heads[k] == len(queue):
                continue
            j = queue[heads[k]]
            taken.add(j)
            picks.append(Pick(int(rest[j]), k, "suggested"))
            if len(picks) == n:
                break
    return picks


def model_version(model) -> str:
    """A short name of the model that made the suggestions: version and training-data hash.

    >>> class M: metadata = {"taxonomy_version": "0.1.0", "training_data_sha256": "5dd8c08def534898"}
    >>> model_version(M())
    'taxonomy-0.1.0-5dd8c08def53'
    """
    meta = getattr(model, "metadata", {}) or {}
    sha = str(meta.get("training_data_sha256", "unknown"))[:12]
    return f"taxonomy-{meta.get('taxonomy_version', '?')}-{sha}"


def with_context(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``title`` (first sentence of the speech), ``before`` and ``after`` to a labelled table."""
    table = table.reset_index(drop=True).copy()
    by_doc = table.groupby("doc", sort=False)["text"]
    table["title"] = by_doc.transform(lambda s: s.iloc[0][:TITLE_CHARS])
    table["before"] = by_doc.shift(1).fillna("")
    table["after"] = by_doc.shift(-1).fillna("")
    return table


def suggest(
    paths,
    n: int = 200,
    *,
    model=None,
    labelled_dir: str | Path | None = None,
    random_share: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """The batch of sentences from the speeches under ``paths`` to label next.

    Parameters
    ----------
    paths : list of path
        Speech files or folders (as for ``taxonomy label``).
    n : int, default 200
        Batch size.
    model : TaxonomyModel, optional
        Default: :func:`taxonomy.load_model`.
    labelled_dir : path, optional
        The labelled set whose sentences are never suggested again (default ``data/labelled``).
    random_share, seed
        See :func:`select_rows`.

    Returns
    -------
    DataFrame
        One row per chosen sentence: ``sample, doc, sentence_id, title, before, text,
        after, labels, stance, uncertainty, focus, model_version`` and ``p_<id>``.

    Examples
    --------
    >>> batch = suggest(["data/raw"], n=20, random_share=0.2, seed=1)   # doctest: +SKIP
    >>> batch["sample"].value_counts().to_dict()                        # doctest: +SKIP
    {'suggested': 16, 'random': 4}
    """
    from . import config
    from .model import load_model
    from .reading import expand_paths
    from .training import training_text

    if not expand_paths(paths):
        raise TaxonomyError(f"{', '.join(map(str, paths))}: no supported speech files found")
    model = model if model is not None else load_model()
    directory = Path(labelled_dir) if labelled_dir is not None else config.labelled_dir()
    try:
        known = [training_text(r.text) for r in read_labelled(directory)] if directory.is_dir() else []
    except ValueError as exc:
        raise TaxonomyError(str(exc)) from None
    table = with_context(model.label_files(paths))
    cats = model.categories
    proba = table[[f"p_{c}" for c in cats]].to_numpy(dtype=float)
    thresholds = np.array([model.thresholds[c] for c in cats])
    picks = select_rows(proba, thresholds, table["text"].tolist(), n, random_share=random_share, seed=seed, known=known)
    chosen = table.iloc[[p.index for p in picks]].reset_index(drop=True)
    chosen.insert(0, "sample", [p.sample for p in picks])
    chosen["uncertainty"] = np.round(margins(proba[[p.index for p in picks]], thresholds).min(axis=1), 4) if picks else []
    chosen["focus"] = [cats[p.focus] if p.focus >= 0 else "" for p in picks]
    chosen["model_version"] = model_version(model)
    columns = ["sample", "doc", "sentence_id", "title", "before", "text", "after", "labels", "stance",
               "uncertainty", "focus", "model_version"] + [f"p_{c}" for c in cats]
    return chosen[columns]
