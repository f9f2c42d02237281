"""From raw speech text to the table of sentences the model reads.

Examples
--------
>>> sentences_frame("同志们：\\n有的干部推诿扯皮。", "demo")[["doc", "sentence_id", "text"]].values.tolist()
[['demo', 0, '同志们：'], ['demo', 1, '有的干部推诿扯皮。']]
"""

from __future__ import annotations

import pandas as pd

from .limits import DEFAULT_LIMITS
from .normalise import normalise_text
from .split import split_sentences

SENTENCE_COLUMNS = ["doc", "sentence_id", "start", "end", "text"]


def sentences_frame(text: str, doc: str, *, max_chars: int = DEFAULT_LIMITS.max_sentence_chars) -> pd.DataFrame:
    """Normalise and split raw ``text`` into a frame with :data:`SENTENCE_COLUMNS`.

    ``start``/``end`` are offsets into the normalised text; a run longer than
    ``max_chars`` without a sentence end is cut (:func:`taxonomy.split.split_sentences`).
    """
    sentences = split_sentences(normalise_text(text), max_chars=max_chars)
    return pd.DataFrame(
        {
            "doc": [doc] * len(sentences),
            "sentence_id": [s.sentence_id for s in sentences],
            "start": [s.start for s in sentences],
            "end": [s.end for s in sentences],
            "text": [s.text for s in sentences],
        },
        columns=SENTENCE_COLUMNS,
    )
