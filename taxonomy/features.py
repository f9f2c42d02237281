"""Turning sentences into features.

The model reads a table with one row per sentence: ``doc`` (the speech), ``sentence_id``
(its position in the speech) and ``text`` (:data:`INPUT_COLUMNS`). Rows may come in any
order and any subset of whole speeches: the context of a sentence (its previous and next
sentence in the same speech and the heading of the section it sits in) is worked out
inside ``transform`` from ``doc`` and ``sentence_id`` (:func:`context_positions`), so a
row subset gives exactly the features it gets inside the full table. The feature union
(:func:`taxonomy.pipeline.build_pipeline`) is

* words: :class:`taxonomy.segmentation.JiebaSegmenter`, then TF-IDF over word uni- and
  bigrams, one-character words kept (the token pattern is "anything between spaces");
* lexicon (:class:`taxonomy.lexicon.LexiconFeatures`): per category, hits of its stock
  expressions, plain, negated or in the scope of a remedy verb;
* characters and context (:class:`SentenceContextTfidf`): TF-IDF over character 1–3-grams
  of the sentence, followed by the same vectors of the previous and the next sentence
  and of the section heading, down-weighted.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"doc": ["a", "a", "a"], "sentence_id": [0, 1, 2],
...                       "text": ["一、作风问题。", "有的干部推诿扯皮。", "要坚决整改。"]})
>>> prev, nxt, heading = context_positions(frame)
>>> prev.tolist(), nxt.tolist(), heading.tolist()
([-1, 0, 1], [1, 2, -1], [-1, 0, 0])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from .split import is_heading

INPUT_COLUMNS = ("doc", "sentence_id", "text")
TOKEN_PATTERN = r"(?u)\S+"


def context_positions(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row positions of each sentence's previous and next sentence and section heading.

    ``frame`` has :data:`INPUT_COLUMNS`. Within each ``doc`` the rows are ordered by
    ``sentence_id``; the previous/next sentence is the neighbouring row in that order,
    the heading the last numbered heading before the sentence (a heading's own row
    points to the heading before it). -1 where there is none.
    """
    n = len(frame)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    docs = pd.factorize(frame["doc"].astype(str), sort=False)[0]
    order = np.lexsort((frame["sentence_id"].to_numpy(), docs))  # by doc, then sentence_id (stable)
    doc_sorted = docs[order]
    same_prev = np.zeros(n, dtype=bool)
    same_prev[1:] = doc_sorted[1:] == doc_sorted[:-1]
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = same_prev[1:]
    prev_sorted = np.where(same_prev, np.roll(order, 1), -1)
    next_sorted = np.where(same_next, np.roll(order, -1), -1)
    heads = np.fromiter((is_heading(t) for t in frame["text"].astype(str).to_numpy()[order]), dtype=bool, count=n)
    doc_start = np.maximum.accumulate(np.where(same_prev, 0, np.arange(n)))
    last = np.maximum.accumulate(np.where(heads, np.arange(n), -1))  # last heading at or before, in sorted order
    before = np.concatenate([[-1], last[:-1]])  # strictly before
    heading_sorted = np.where(same_prev & (before >= doc_start), order[np.maximum(before, 0)], -1)
    prev, nxt, heading = (np.empty(n, dtype=np.int64) for _ in range(3))
    prev[order], nxt[order], heading[order] = prev_sorted, next_sorted, heading_sorted
    return prev, nxt, heading


class SentenceContextTfidf(TransformerMixin, BaseEstimator):
    """Character n-gram TF-IDF of each sentence and of its context.

    Takes a frame with :data:`INPUT_COLUMNS` and returns the sentence's TF-IDF row
    followed, when ``context`` is on, by the rows of its previous sentence, its next
    sentence and its section heading (:func:`context_positions`), each multiplied by
    ``context_weight`` (zeros where there is none). Each sentence is vectorised once;
    its context blocks are rows of the same matrix.

    Parameters
    ----------
    ngram_range : tuple, default (1, 3)
    min_df : int, default 2
    max_features : int or None, default 20000
    context : bool, default True
    context_weight : float, default 0.5

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
        The fitted character vectorizer.
    """

    def __init__(self, *, ngram_range=(1, 3), min_df=2, max_features=20000, context=True, context_weight=0.5):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.context = context
        self.context_weight = context_weight

    def _vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer="char",
            ngram_range=tuple(self.ngram_range),
            min_df=self.min_df,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        )

    def fit(self, X, y=None):
        self.vectorizer_ = self._vectorizer().fit(X["text"].astype(str))
        return self

    def fit_transform(self, X, y=None):
        """As ``fit(X).transform(X)``, counting the n-grams once."""
        self.vectorizer_ = self._vectorizer()
        rows = self.vectorizer_.fit_transform(X["text"].astype(str)).tocsr()
        rows.sort_indices()  # as transform gives them
        return self._with_context(rows, X)

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        return self._with_context(self.vectorizer_.transform(X["text"].astype(str)).tocsr(), X)

    def _with_context(self, rows, X):
        if not self.context:
            return rows
        n = rows.shape[0]
        padded = sparse.vstack([rows, sparse.csr_matrix((1, rows.shape[1]), dtype=rows.dtype)]).tocsr()
        blocks = [rows]
        for index in context_positions(X):
            blocks.append(padded[np.where(index < 0, n, index)] * np.float32(self.context_weight))
        return sparse.hstack(blocks, format="csr")

    def get_feature_names_out(self, input_features=None):
        """The n-grams of the sentence, then of its previous and next sentence and heading."""
        check_is_fitted(self, "vectorizer_")
        own = self.vectorizer_.get_feature_names_out()
        if not self.context:
            return own
        return np.concatenate([own] + [np.char.add(prefix, own.astype(str)) for prefix in ("prev:", "next:", "heading:")])
