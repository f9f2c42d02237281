"""Turning sentences into features.

The model reads a table with one row per sentence in speech order: ``text`` and
the row positions of its neighbours within the same speech and of the heading of
the section it sits in (:func:`add_context`, columns :data:`CONTEXT_COLUMNS`).
The feature union is

* words: jieba segmentation with the domain's user dictionary
  (:class:`JiebaSegmenter`), then TF-IDF over word uni- and bigrams, one-character
  words kept (the token pattern is "anything between spaces");
* lexicon (:class:`taxonomy.lexicon.LexiconFeatures`): per category, hits of its
  stock expressions, plain, negated or in the scope of a remedy verb;
* characters and context (:class:`SentenceContextTfidf`): TF-IDF over character
  1–3-grams of the sentence, followed by the same vectors of the previous and the
  next sentence and of the section heading, down-weighted. Each sentence is
  vectorised once; its context blocks are rows of the same matrix.

Everything here is a scikit-learn estimator or a plain function, so the fitted
pipeline persists safely with skops.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from . import config
from .lexicon import LexiconFeatures, packaged_expressions
from .split import is_heading

CONTEXT_COLUMNS = ("text", "prev_index", "next_index", "heading_index")
TOKEN_PATTERN = r"(?u)\S+"


USER_WORD_FREQ = 1000
_WORD = re.compile(r"^[\u4e00-\u9fff]{3,8}$")
# lexicon forms such as 推诿扯皮问题 stay two words for jieba: the expression and the generic noun
_GENERIC_ENDINGS = ("问题", "现象", "行为", "情况", "作风")


@lru_cache(maxsize=1)
def packaged_user_words() -> tuple[tuple[str, int], ...]:
    """The domain's fixed expressions as ``(word, freq)`` for jieba.

    ``resources/userdict.txt`` first, then every expression and variant of the
    expression lexicon (``resources/expressions.csv``) that is a plain run of three to
    eight Chinese characters (shorter ones are left to jieba's own dictionary), except
    forms that only add a generic noun (推诿扯皮问题, 形式主义作风).
    """
    text = (resources.files("taxonomy") / "resources" / "userdict.txt").read_text(encoding="utf-8")
    words: dict[str, int] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        words.setdefault(parts[0], int(parts[1]) if len(parts) > 1 else USER_WORD_FREQ)
    for expression, _ in packaged_expressions():
        if _WORD.match(expression) and not expression.endswith(_GENERIC_ENDINGS):
            words.setdefault(expression, USER_WORD_FREQ)
    return tuple(words.items())


_TOKENIZERS: dict = {}


def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _register_full(user_words: tuple[tuple[str, int], ...]) -> str:
    """jieba with its full dictionary (about 350,000 words) plus ``user_words``, built once."""
    key = "full-" + hashlib.sha1(repr(user_words).encode()).hexdigest()
    if key not in _TOKENIZERS:
        tokenizer = _jieba().Tokenizer()
        tokenizer.initialize()
        for word, freq in user_words:
            tokenizer.add_word(word, freq)
        _TOKENIZERS[key] = tokenizer
    return key


def _register_compact(key: str, words, freqs, total: int) -> str:
    """A jieba tokenizer over a small dictionary, built without reading jieba's own."""
    if key not in _TOKENIZERS:
        tokenizer = _jieba().Tokenizer()
        frequencies = dict(zip(words.tolist(), freqs.tolist()))
        for word in list(frequencies):
            for end in range(1, len(word)):
                frequencies.setdefault(word[:end], 0)
        tokenizer.FREQ = frequencies
        tokenizer.total = int(total)  # the full dictionary's total: word scores stay the same
        tokenizer.initialized = True
        _TOKENIZERS[key] = tokenizer
    return key


@lru_cache(maxsize=8)
def _cutter(key: str, hmm: bool, cache_size: int):
    """A function text -> segmented text; repeated sentences come from an LRU cache."""
    tokenizer = _TOKENIZERS[key]

    def cut(text: str) -> str:
        return " ".join(t for t in tokenizer.cut(text, HMM=hmm) if not t.isspace())

    return lru_cache(maxsize=cache_size)(cut) if cache_size else cut


def segment(text: str, user_words: tuple[tuple[str, int], ...] | None = None) -> str:
    """Segment ``text`` with jieba's full dictionary and the domain's fixed expressions.

    >>> segment("坚决杜绝推诿扯皮和吃拿卡要")
    '坚决 杜绝 推诿扯皮 和 吃拿卡要'
    """
    words = packaged_user_words() if user_words is None else user_words
    return _cutter(_register_full(words), True, 0)(text)


class JiebaSegmenter(TransformerMixin, BaseEstimator):
    """Segment Chinese sentences into space-separated words with jieba.

    Parameters
    ----------
    user_words : tuple of (str, int), optional
        Fixed expressions with their jieba frequencies. ``None`` uses the packaged
        domain dictionary.
    hmm : bool, default True
        Let jieba guess words that are not in its dictionaries.
    dictionary : {"compact", "full"}, default "compact"
        ``"full"`` loads jieba's whole dictionary at every start (about a second).
        ``"compact"`` learns in ``fit`` the part of it that matters: every word of
        the full dictionary that occurs in the training sentences, the ``n_common_words``
        most frequent words and the user words, scored as in the full dictionary,
        so the training sentences are segmented exactly as with the full one. The
        compact dictionary travels with the fitted model as arrays and loads in a
        few milliseconds.
    n_common_words : int, default 20000
        How many of jieba's most frequent words the compact dictionary keeps.

    Attributes
    ----------
    user_words_ : tuple of (str, int)
    dictionary_words_, dictionary_freqs_ : ndarray
        The compact dictionary (only with ``dictionary="compact"``).
    dictionary_total_ : int
    dictionary_key_ : str
        Digest of the compact dictionary.
    """

    def __init__(self, *, user_words=None, hmm=True, dictionary="compact", n_common_words=20000):
        self.user_words = user_words
        self.hmm = hmm
        self.dictionary = dictionary
        self.n_common_words = n_common_words

    def fit(self, X, y=None):
        if self.dictionary not in ("compact", "full"):
            raise ValueError(f"dictionary must be 'compact' or 'full', not {self.dictionary!r}")
        self.user_words_ = tuple(
            (str(w), int(f)) for w, f in (packaged_user_words() if self.user_words is None else self.user_words)
        )
        if self.dictionary == "compact":
            full = _TOKENIZERS[_register_full(self.user_words_)]
            seen = set()  # every dictionary word occurring in the text: jieba's DAG edges
            for x in X:
                text = str(x)
                for start, ends in full.get_DAG(text).items():
                    seen.update(text[start : end + 1] for end in ends)
            common = sorted((-f, w) for w, f in full.FREQ.items() if f > 0)[: self.n_common_words]
            keep = {w for w in seen if full.FREQ.get(w)} | {w for _, w in common} | {w for w, _ in self.user_words_}
            words = sorted(keep)
            self.dictionary_words_ = np.array(words, dtype=str)
            self.dictionary_freqs_ = np.array([full.FREQ[w] for w in words], dtype=np.int64)
            self.dictionary_total_ = int(full.total)
            digest = hashlib.sha1("\n".join(words).encode())
            digest.update(self.dictionary_freqs_.tobytes())
            self.dictionary_key_ = "compact-" + digest.hexdigest()
        return self

    def _key(self) -> str:
        if self.dictionary == "compact":
            return _register_compact(
                self.dictionary_key_, self.dictionary_words_, self.dictionary_freqs_, self.dictionary_total_
            )
        return _register_full(self.user_words_)

    def transform(self, X):
        check_is_fitted(self, "user_words_")
        cut = _cutter(self._key(), bool(self.hmm), config.segment_cache_size())
        return [cut(str(x)) for x in X]


def add_context(frame: pd.DataFrame, *, by: str = "doc") -> pd.DataFrame:
    """Add ``prev_index``, ``next_index`` and ``heading_index`` to a frame of sentences.

    Rows must be in speech order within each value of ``by``. The values are row
    positions in the frame (-1 where there is none): the previous and next sentence
    of the same speech, and the last numbered heading before the sentence in the
    same speech (a heading's own row points to the heading before it).
    """
    out = frame.reset_index(drop=True).copy()
    groups = out[by].to_numpy()
    n = len(out)
    positions = np.arange(n)
    same_prev = np.zeros(n, dtype=bool)
    same_prev[1:] = groups[1:] == groups[:-1]
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = groups[:-1] == groups[1:]
    out["prev_index"] = np.where(same_prev, positions - 1, -1)
    out["next_index"] = np.where(same_next, positions + 1, -1)
    headings = np.full(n, -1)
    current = -1
    for i, text in enumerate(out["text"].astype(str)):
        if not same_prev[i]:
            current = -1
        headings[i] = current
        if is_heading(text):
            current = i
    out["heading_index"] = headings
    return out


class SentenceContextTfidf(TransformerMixin, BaseEstimator):
    """Character n-gram TF-IDF of each sentence and of its context.

    Takes a frame with the columns of :data:`CONTEXT_COLUMNS` and returns the
    sentence's TF-IDF row followed, when ``context`` is on, by the rows of its
    previous sentence, its next sentence and its section heading, each multiplied
    by ``context_weight`` (zeros where there is none).

    Parameters
    ----------
    ngram_range : tuple, default (1, 3)
    min_df : int, default 2
    max_features : int or None, default 20000
    context : bool, default True
    context_weight : float, default 0.5
    """

    def __init__(self, *, ngram_range=(1, 3), min_df=2, max_features=20000, context=True, context_weight=0.5):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.context = context
        self.context_weight = context_weight

    def fit(self, X, y=None):
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char",
            ngram_range=tuple(self.ngram_range),
            min_df=self.min_df,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        ).fit(X["text"].astype(str))
        return self

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        rows = self.vectorizer_.transform(X["text"].astype(str)).tocsr()
        if not self.context:
            return rows
        n = rows.shape[0]
        padded = sparse.vstack([rows, sparse.csr_matrix((1, rows.shape[1]), dtype=rows.dtype)]).tocsr()
        blocks = [rows]
        for column in ("prev_index", "next_index", "heading_index"):
            index = X[column].to_numpy()
            blocks.append(padded[np.where(index < 0, n, index)] * np.float32(self.context_weight))
        return sparse.hstack(blocks, format="csr")

    def get_feature_names_out(self, input_features=None):
        """The n-grams of the sentence, then of its previous and next sentence and heading."""
        check_is_fitted(self, "vectorizer_")
        own = self.vectorizer_.get_feature_names_out()
        if not self.context:
            return own
        return np.concatenate([own] + [np.char.add(prefix, own.astype(str)) for prefix in ("prev:", "next:", "heading:")])


def build_features(
    *,
    words: bool = True,
    chars: bool = True,
    context: bool = True,
    context_weight: float = 0.5,
    dictionary: str = "compact",
    min_df: int = 2,
    max_word_features: int | None = 10000,
    max_char_features: int = 20000,
    lexicon: bool = True,
    lexicon_weight: float = 1.0,
) -> ColumnTransformer:
    """The feature union over the columns of :data:`CONTEXT_COLUMNS`.

    Terms seen in fewer than ``min_df`` sentences are dropped and the vocabularies
    are capped at the most frequent terms, which keeps the model small and quick to
    load. Context needs the character block (it is made of its rows).
    """
    parts = []
    if words:
        parts.append(
            (
                "words",
                Pipeline(
                    [
                        ("segment", JiebaSegmenter(dictionary=dictionary)),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                token_pattern=TOKEN_PATTERN,
                                lowercase=False,
                                ngram_range=(1, 2),
                                sublinear_tf=True,
                                min_df=min_df,
                                max_features=max_word_features,
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
                SentenceContextTfidf(
                    min_df=min_df, max_features=max_char_features, context=context, context_weight=context_weight
                ),
                list(CONTEXT_COLUMNS),
            )
        )
    elif context:
        raise ValueError("context features are built from the character block: keep chars on")
    if lexicon and packaged_expressions():
        parts.append(("lexicon", LexiconFeatures(weight=lexicon_weight), "text"))
    if not parts:
        raise ValueError("at least one of words, chars or lexicon must be on")
    return ColumnTransformer(parts, sparse_threshold=1.0)


def feature_names(features: ColumnTransformer) -> np.ndarray:
    """Names of the columns a fitted feature union produces, as ``block:term``."""
    names = []
    for name, transformer, _ in features.transformers_:
        if name == "words":
            terms = transformer.named_steps["tfidf"].get_feature_names_out().astype(str)
            names.append(np.char.add("word:", terms))
        elif name == "chars":
            terms = transformer.get_feature_names_out().astype(str)
            names.append(np.array([t if ":" in t[:8] else f"char:{t}" for t in terms], dtype=object))
        elif name == "lexicon":
            names.append(transformer.get_feature_names_out().astype(object))
    return np.concatenate(names).astype(object)
