"""Turning sentences into features.

The model reads a table with one row per sentence and the columns of
:data:`CONTEXT_COLUMNS`: the sentence, its neighbours within the speech and the
heading of the section it sits in (:func:`add_context`). The feature union is

* words: jieba segmentation with the domain's user dictionary
  (:class:`JiebaSegmenter`), then TF-IDF over word uni- and bigrams, one-character
  words kept (the token pattern is "anything between spaces");
* characters: TF-IDF over character 1–3-grams of the sentence;
* context: character 2–3-grams of the section heading and of the previous and next
  sentences, down-weighted.

Everything here is a scikit-learn estimator or a plain function, so the fitted
pipeline persists safely with skops.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .split import is_heading

CONTEXT_COLUMNS = ("text", "prev_text", "next_text", "heading")
TOKEN_PATTERN = r"(?u)\S+"


def packaged_user_words() -> tuple[tuple[str, int], ...]:
    """The domain's fixed expressions from ``resources/userdict.txt`` as ``(word, freq)``."""
    text = (resources.files("taxonomy") / "resources" / "userdict.txt").read_text(encoding="utf-8")
    words = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        words.append((parts[0], int(parts[1]) if len(parts) > 1 else 1000))
    return tuple(words)


@lru_cache(maxsize=4)
def _tokenizer(user_words: tuple[tuple[str, int], ...]):
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq in user_words:
        tokenizer.add_word(word, freq)
    return tokenizer


def segment(text: str, user_words: tuple[tuple[str, int], ...] | None = None) -> str:
    """Segment ``text`` with jieba and the user dictionary; tokens joined by spaces.

    >>> segment("坚决杜绝推诿扯皮和吃拿卡要")
    '坚决 杜绝 推诿扯皮 和 吃拿卡要'
    """
    words = packaged_user_words() if user_words is None else user_words
    return " ".join(t for t in _tokenizer(words).cut(text, HMM=True) if not t.isspace())


class JiebaSegmenter(TransformerMixin, BaseEstimator):
    """Segment Chinese sentences into space-separated words with jieba.

    Parameters
    ----------
    user_words : tuple of (str, int), optional
        Extra fixed expressions with their jieba frequencies. ``None`` uses the
        packaged domain dictionary. The dictionary in force is learnt in ``fit``
        as ``user_words_`` and travels with the fitted model.
    hmm : bool, default True
        Let jieba guess words that are not in its dictionaries.
    """

    def __init__(self, *, user_words=None, hmm=True):
        self.user_words = user_words
        self.hmm = hmm

    def fit(self, X, y=None):
        self.user_words_ = tuple(
            (str(w), int(f)) for w, f in (packaged_user_words() if self.user_words is None else self.user_words)
        )
        return self

    def transform(self, X):
        check_is_fitted(self, "user_words_")
        tokenizer = _tokenizer(self.user_words_)
        return [
            " ".join(t for t in tokenizer.cut(str(x), HMM=self.hmm) if not t.isspace())
            for x in X
        ]


def add_context(frame: pd.DataFrame, *, by: str = "doc") -> pd.DataFrame:
    """Add ``prev_text``, ``next_text`` and ``heading`` to a frame of sentences.

    Rows must be in speech order within each value of ``by``. ``heading`` is the
    last numbered heading before the sentence in the same speech (empty when none);
    a heading's own row carries the heading before it.
    """
    out = frame.copy()
    texts = out["text"].astype(str)
    groups = out[by]
    same_prev = groups.eq(groups.shift(1))
    same_next = groups.eq(groups.shift(-1))
    out["prev_text"] = texts.shift(1).where(same_prev, "").fillna("")
    out["next_text"] = texts.shift(-1).where(same_next, "").fillna("")
    headings = []
    current, current_group = "", object()
    for group, text in zip(groups, texts):
        if group != current_group:
            current, current_group = "", group
        headings.append(current)
        if is_heading(text):
            current = text
    out["heading"] = np.array(headings, dtype=object)
    return out


def build_features(
    *,
    words: bool = True,
    chars: bool = True,
    context: bool = True,
    context_weight: float = 0.5,
    min_df: int = 2,
    max_char_features: int = 60000,
    max_context_features: int = 4000,
) -> ColumnTransformer:
    """The feature union over the columns of :data:`CONTEXT_COLUMNS`.

    Terms seen in fewer than ``min_df`` sentences are dropped, and the character
    and context vocabularies are capped at the most frequent terms, which keeps the
    model file small and quick to load.
    """
    parts = []
    weights = {}
    if words:
        parts.append(
            (
                "words",
                Pipeline(
                    [
                        ("segment", JiebaSegmenter()),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                token_pattern=TOKEN_PATTERN,
                                lowercase=False,
                                ngram_range=(1, 2),
                                sublinear_tf=True,
                                min_df=min_df,
                                dtype=np.float32,
                            ),
                        ),
                    ]
                ),
                "text",
            )
        )
    if chars:
        parts.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char",
                    ngram_range=(1, 3),
                    sublinear_tf=True,
                    min_df=min_df,
                    max_features=max_char_features,
                    dtype=np.float32,
                ),
                "text",
            )
        )
    if context:
        for column in ("heading", "prev_text", "next_text"):
            parts.append(
                (
                    column,
                    TfidfVectorizer(
                        analyzer="char",
                        ngram_range=(2, 3),
                        sublinear_tf=True,
                        min_df=max(min_df, 2),
                        max_features=max_context_features,
                        dtype=np.float32,
                    ),
                    column,
                )
            )
            weights[column] = context_weight
    if not parts:
        raise ValueError("at least one of words, chars or context must be on")
    return ColumnTransformer(parts, transformer_weights=weights or None, sparse_threshold=1.0)
