"""Splitting normalised text into sentence units.

The unit rules of the category contract: a unit ends after 。！？； (and their
ASCII forms) and at every line break; closing quotation marks and brackets stay
with the sentence they close; a heading line ("一、……", "（一）……") is its own unit,
and so is "一是……。" because it ends in 。.

A unit longer than ``max_chars`` (1,000 by default, :class:`~taxonomy.limits.Limits`)
is cut into pieces of at most ``max_chars`` characters: after the last clause mark
(，、：,:) before the limit, or at the limit when there is none. So no later step
(segmentation, features) ever sees a run longer than the limit, however long an
unpunctuated line is.

Every sentence carries ``start`` and ``end``, offsets into the normalised text such
that ``text[start:end] == sentence``; nothing but whitespace lies between two
consecutive sentences.

Examples
--------
>>> from taxonomy.split import split_sentences
>>> [s.text for s in split_sentences("二是进取不积极。有的安于现状；有的“小进即满”。")]
['二是进取不积极。', '有的安于现状；', '有的“小进即满”。']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import TaxonomyError
from .limits import DEFAULT_LIMITS

_END = "。！？；!?;"
_CLOSERS = "”’」』）)】》\"'〉"
# A unit: anything up to and including a run of enders plus closing marks, or up to
# the end of the line.
_UNIT = re.compile(rf"[^\n{_END}]*(?:[{_END}]+[{_CLOSERS}]*|(?=\n)|$)")

_CLAUSE_MARKS = "，、：,:"

_NUM = "一二三四五六七八九十百零〇"
HEADING = re.compile(
    rf"^(?:[{_NUM}]+、|[(（][{_NUM}\d]+[)）]|第[{_NUM}\d]+[、，,：:部分章节项条]|[{_NUM}]+是|[{_NUM}]+要|\d+[、.．](?!\d))"
)


@dataclass(frozen=True)
class Sentence:
    """A sentence unit and its place in the normalised text."""

    sentence_id: int
    start: int
    end: int
    text: str


def split_sentences(text: str, *, max_chars: int = DEFAULT_LIMITS.max_sentence_chars) -> list[Sentence]:
    """Split normalised ``text`` into sentence units with character offsets.

    Parameters
    ----------
    text:
        Normalised text (:func:`taxonomy.normalise.normalise_text`).
    max_chars:
        The longest unit; longer ones are cut at clause marks or at this length.

    Examples
    --------
    >>> [s.text for s in split_sentences("有的推诿扯皮，有的敷衍塞责，有的不作为", max_chars=8)]
    ['有的推诿扯皮，', '有的敷衍塞责，', '有的不作为']
    """
    if max_chars < 1:
        raise TaxonomyError(f"the longest sentence must be at least 1 character, not {max_chars}")
    sentences: list[Sentence] = []
    for match in _UNIT.finditer(text):
        start, end = match.span()
        for start, end in _pieces(text, start, end, max_chars):
            sentences.append(Sentence(len(sentences), start, end, text[start:end]))
    return sentences


def _pieces(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """The non-empty, whitespace-trimmed pieces of ``text[start:end]``, none over ``max_chars``."""
    while True:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start <= max_chars:
            if end > start:
                yield start, end
            return
        limit = start + max_chars
        cut = max(text.rfind(mark, start, limit) for mark in _CLAUSE_MARKS) + 1
        if cut <= start:
            cut = limit
        piece_end = cut
        while text[piece_end - 1].isspace():
            piece_end -= 1
        yield start, piece_end
        start = cut


def is_heading(sentence: str) -> bool:
    """True for a numbered heading such as "一、……", "（二）……", "三是……", "第一，……"."""
    return bool(HEADING.match(sentence.strip()))
