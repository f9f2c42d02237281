"""jieba's segmentation at rjieba's speed, for labelling with a trained model.

:class:`FastSegmenter` loads a model's compact dictionary (the words, frequencies and
frequency total that :class:`taxonomy.segmentation.JiebaSegmenter` learnt in ``fit``)
into ``rjieba``, the Python binding of jieba-rs, and segments like the model's own
jieba tokenizer, about fifteen times faster. The two agree on every sentence of the
labelled set and of the raw speeches (``tests/test_fastsegment.py``) except in one
place: a run of ASCII letters and digits joined by ``. - + # & _ %`` (``5.APP``,
``COVID-19``, ``v2.0.1``), which jieba cuts at the punctuation and jieba-rs keeps
whole. Sentences with such a run (:data:`ASCII_JOINED`) are segmented by jieba itself,
with the same dictionary, so the result is always jieba's.

Examples
--------
>>> seg = FastSegmenter(["推诿扯皮", "坚决", "杜绝"], [1000, 5000, 800], 60_000_000)
>>> seg.cut("坚决杜绝推诿扯皮")
'坚决 杜绝 推诿扯皮'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

# jieba's HMM step cuts non-Chinese runs with [a-zA-Z0-9]+(?:\.\d+)?%? and yields any other
# character alone; jieba-rs keeps runs such as 5.APP together. A run of these characters with a
# joiner between two letters or digits that is not a plain number such as 3.5% goes to jieba
# (a numbered item such as "1.加强" does not: both cut it alike).
_RUN = re.compile(r"[a-zA-Z0-9+#&._%\-]+")
_JOINER = re.compile(r"[a-zA-Z0-9][+#&._%\-]+[a-zA-Z0-9]")  # a joiner between letters or digits
_PLAIN = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?")
# A character jieba's dictionary never matches, to pad rjieba's frequency total to jieba's.
PAD_WORD = "\U000f0000\U000f0001"


def ascii_joined(text: str) -> bool:
    """Whether ``text`` has a run that jieba and jieba-rs cut differently (see the module doc).

    >>> ascii_joined("下载5.APP软件"), ascii_joined("增长3.5%，COVID"), ascii_joined("COVID-19")
    (True, False, True)
    """
    if not _JOINER.search(text):
        return False
    for match in _RUN.finditer(text):
        run = match.group()
        if _JOINER.search(run) and not _PLAIN.fullmatch(run):
            return True
    return False


def rjieba_class():
    """rjieba's ``Jieba`` class, loaded without running the package's ``__init__``.

    ``import rjieba`` builds a default tokenizer over jieba-rs's own 350,000-word
    dictionary (about 0.2 s), which labelling never uses: the extension module is
    loaded by itself and registered as ``rjieba.rjieba``, so a later ``import rjieba``
    reuses it. Falls back to the plain import when the layout is not the expected one.
    """
    import importlib.machinery
    import importlib.util
    import sys

    if "rjieba.rjieba" not in sys.modules:
        spec = importlib.util.find_spec("rjieba")
        folder = Path(spec.submodule_search_locations[0]) if spec and spec.submodule_search_locations else None
        binaries = [folder / f"rjieba{s}" for s in importlib.machinery.EXTENSION_SUFFIXES] if folder else []
        binary = next((b for b in binaries if b.is_file()), None)
        if binary is None:
            import rjieba

            return rjieba.Jieba
        loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(binary))
        module = importlib.util.module_from_spec(importlib.util.spec_from_loader("rjieba.rjieba", loader))
        loader.exec_module(module)
        sys.modules["rjieba.rjieba"] = module
    return sys.modules["rjieba.rjieba"].Jieba


class FastSegmenter:
    """Segment sentences into space-separated words as the model's jieba tokenizer does.

    Parameters
    ----------
    words, freqs : sequences
        The dictionary: words with their jieba frequencies.
    total : int
        The frequency total jieba scores words against (that of its full dictionary).
    hmm : bool, default True
        Let jieba guess words that are not in the dictionary (as the model does).
    """

    def __init__(self, words: Sequence[str], freqs: Sequence[int], total: int, *, hmm: bool = True):
        self.words, self.freqs, self.total, self.hmm = list(words), [int(f) for f in freqs], int(total), bool(hmm)
        self._rust = rjieba_class().empty()
        for word, freq in zip(self.words, self.freqs):
            if freq > 0:
                self._rust.add_word(word, freq, None)
        padding = self.total - sum(f for f in self.freqs if f > 0)
        if padding > 0:
            self._rust.add_word(PAD_WORD, padding, None)
        self._jieba = None

    def _python_tokenizer(self):
        """jieba itself over the same dictionary, for the sentences jieba-rs cuts differently.

        Filled as :func:`taxonomy.segmentation.compact_tokenizer` fills it (every word with
        its frequency, every prefix with 0, the full dictionary's total), without importing
        scikit-learn.
        """
        if self._jieba is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            frequencies = dict(zip(self.words, self.freqs))
            for word in self.words:
                for end in range(1, len(word)):
                    frequencies.setdefault(word[:end], 0)
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = frequencies, self.total, True
            self._jieba = tokenizer
        return self._jieba

    def raw_tokens(self, text: str) -> list[str]:
        """jieba's tokens of ``text``, whitespace tokens included."""
        if ascii_joined(text):
            return list(self._python_tokenizer().cut(text, HMM=self.hmm))
        return self._rust.cut(text, self.hmm)

    def tokens(self, text: str) -> list[str]:
        """The words of ``text``, whitespace dropped."""
        return [t for t in self.raw_tokens(text) if not t.isspace()]

    def cut(self, text: str) -> str:
        """``text`` as space-separated words, exactly as :func:`taxonomy.segmentation.cut` gives it."""
        return " ".join(self.tokens(text))

    def token_rows(self, texts: Sequence[str]) -> list[list[str]]:
        """The words of every text (whitespace dropped, as ``cut(text).split()``), in one call to jieba-rs.

        The texts are joined by line breaks: jieba cuts a text into blocks at every
        character that is not a Chinese character, letter or digit and segments each
        block alone, so a line break between two texts keeps their words apart. Texts
        that hold a line break themselves or an ASCII-joined run go one by one.
        """
        alone = [("\n" in t or ascii_joined(t)) for t in texts]
        together = "\n".join(t for t, a in zip(texts, alone) if not a)
        pieces = iter(" ".join(self._rust.cut(together, self.hmm)).split("\n") if not all(alone) else ())
        return [" ".join(self.raw_tokens(t)).split() if a else next(pieces).split() for t, a in zip(texts, alone)]

    def cut_many(self, texts: Sequence[str]) -> list[str]:
        """:meth:`cut` for every text."""
        return [self.cut(t) for t in texts]
