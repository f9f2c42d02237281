"""Word segmentation with jieba and the domain's fixed expressions.

:class:`JiebaSegmenter` turns sentences into space-separated words. Its compact
dictionary (learnt in ``fit``) travels with the fitted model as arrays, so a loaded
model segments without reading jieba's own 350,000-word dictionary, with rjieba (the
same words as jieba, see :mod:`taxonomy.fastsegment`). Tokenizers are
built once per dictionary and kept in a small registry bounded at
:data:`MAX_TOKENIZERS` (cross-validation builds one per fold).

Examples
--------
>>> segment("坚决杜绝推诿扯皮和吃拿卡要")
'坚决 杜绝 推诿扯皮 和 吃拿卡要'
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from functools import lru_cache
from importlib import resources

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .lexicon import packaged_expressions

USER_WORD_FREQ = 1000
MAX_TOKENIZERS = 4
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


_TOKENIZERS: OrderedDict = OrderedDict()


def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _remember(key: str, tokenizer) -> None:
    _TOKENIZERS[key] = tokenizer
    while len(_TOKENIZERS) > MAX_TOKENIZERS:
        _TOKENIZERS.popitem(last=False)


def full_tokenizer(user_words: tuple[tuple[str, int], ...]):
    """jieba with its full dictionary (about 350,000 words) plus ``user_words``."""
    key = "full-" + hashlib.sha1(repr(user_words).encode()).hexdigest()
    if key in _TOKENIZERS:
        _TOKENIZERS.move_to_end(key)
        return _TOKENIZERS[key]
    tokenizer = _jieba().Tokenizer()
    tokenizer.initialize()
    for word, freq in user_words:
        tokenizer.add_word(word, freq)
    _remember(key, tokenizer)
    return tokenizer


def compact_tokenizer(key: str, words: np.ndarray, freqs: np.ndarray, total: int):
    """A jieba tokenizer over a small dictionary, built without reading jieba's own.

    jieba has no public call that takes a dictionary from memory, so this is the one
    place that fills a tokenizer's prefix dictionary (``FREQ``, ``total``) itself, as
    ``Tokenizer.gen_pfdict`` would from a file: every word with its frequency and
    every prefix with 0. ``total`` is the full dictionary's, so word scores are those
    of the full dictionary. ``tests/test_segmentation.py`` checks that it segments
    exactly like the full dictionary on the training sentences.
    """
    if key in _TOKENIZERS:
        _TOKENIZERS.move_to_end(key)
        return _TOKENIZERS[key]
    tokenizer = _jieba().Tokenizer()
    frequencies = dict(zip(words.tolist(), freqs.tolist()))
    for word in list(frequencies):
        for end in range(1, len(word)):
            frequencies.setdefault(word[:end], 0)
    tokenizer.FREQ = frequencies
    tokenizer.total = int(total)
    tokenizer.initialized = True
    _remember(key, tokenizer)
    return tokenizer


def fast_segmenter(key: str, words: np.ndarray, freqs: np.ndarray, total: int, *, hmm: bool = True):
    """rjieba over a compact dictionary (:class:`taxonomy.fastsegment.FastSegmenter`), from the registry.

    It segments exactly as :func:`compact_tokenizer` over the same dictionary
    (``tests/test_fastsegment.py``), about fifteen times faster.
    """
    from .fastsegment import FastSegmenter

    key = f"fast-{key}-{bool(hmm)}"
    if key in _TOKENIZERS:
        _TOKENIZERS.move_to_end(key)
        return _TOKENIZERS[key]
    segmenter = FastSegmenter(words.tolist(), freqs.tolist(), int(total), hmm=hmm)
    _remember(key, segmenter)
    return segmenter


def cut(tokenizer, text: str, *, hmm: bool = True) -> str:
    """``text`` as space-separated words (whitespace tokens dropped)."""
    return " ".join(t for t in tokenizer.cut(text, HMM=hmm) if not t.isspace())


def segment(text: str, user_words: tuple[tuple[str, int], ...] | None = None) -> str:
    """Segment ``text`` with jieba's full dictionary and the domain's fixed expressions."""
    words = packaged_user_words() if user_words is None else user_words
    return cut(full_tokenizer(words), text)


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
        so the training sentences are segmented exactly as with the full one.
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
            full = full_tokenizer(self.user_words_)
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

    def tokenizer(self):
        """The fitted jieba tokenizer (from the registry)."""
        check_is_fitted(self, "user_words_")
        if self.dictionary == "compact":
            return compact_tokenizer(
                self.dictionary_key_, self.dictionary_words_, self.dictionary_freqs_, self.dictionary_total_
            )
        return full_tokenizer(self.user_words_)

    def transform(self, X):
        """Every sentence as space-separated words (a compact dictionary segments with rjieba: the same words)."""
        check_is_fitted(self, "user_words_")
        hmm = bool(self.hmm)
        if self.dictionary == "compact":
            segmenter = fast_segmenter(self.dictionary_key_, self.dictionary_words_, self.dictionary_freqs_,
                                       self.dictionary_total_, hmm=hmm)
            return segmenter.cut_many([str(x) for x in X])
        tokenizer = self.tokenizer()
        return [cut(tokenizer, str(x), hmm=hmm) for x in X]
