"""Splitting normalised text into sentence units.

The unit rules of the category contract: a unit ends after 。！？； (and their
ASCII forms) and at every line break; closing quotation marks and brackets stay
with the sentence they close; a heading line ("一、……", "（一）……") is its own unit,
and so is "一是……。" because it ends in 。.

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
from dataclasses import dataclass

_END = "。！？；!?;"
_CLOSERS = "”’」』）)】》\"'〉"
# A unit: anything up to and including a run of enders plus closing marks, or up to
# the end of the line.
_UNIT = re.compile(rf"[^\n{_END}]*(?:[{_END}]+[{_CLOSERS}]*|(?=\n)|$)")

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


def split_sentences(text: str) -> list[Sentence]:
    """Split normalised ``text`` into sentence units with character offsets."""
    sentences: list[Sentence] = []
    for match in _UNIT.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            sentences.append(Sentence(len(sentences), start, end, text[start:end]))
    return sentences


def is_heading(sentence: str) -> bool:
    """True for a numbered heading such as "一、……", "（二）……", "三是……", "第一，……"."""
    return bool(HEADING.match(sentence.strip()))
