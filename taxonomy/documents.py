"""From raw speech text to the table of sentences the model reads.

Examples
--------
>>> sentences_frame("同志们：\\n有的干部推诿扯皮。", "demo")[["doc", "sentence_id", "text"]].values.tolist()
[['demo', 0, '同志们：'], ['demo', 1, '有的干部推诿扯皮。']]
"""

from __future__ import annotations

import pandas as pd

from .normalise import normalise_text
from .split import split_sentences

SENTENCE_COLUMNS = ["doc", "sentence_id", "start", "end", "text"]


def sentences_frame(text: str, doc: str) -> pd.DataFrame:
    """Normalise and split raw ``text`` into a frame with :data:`SENTENCE_COLUMNS`.

    ``start``/``end`` are offsets into the normalised text.
    """
    sentences = split_sentences(normalise_text(text))
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
