"""A benchmark corpus of distinct sentences, recombined from the labelled set.

Repeating the labelled sentences flatters any cache and any per-sentence memo; real
speeches do not repeat themselves. So every labelled sentence is cut into clauses
after ``，、：`` and new sentences are put together from the clauses of different
sources: a sentence keeps the number of clauses of a labelled sentence (so lengths
follow the labelled set), takes its first clause from one sentence's first clauses,
its middle ones from middle clauses and its last from last clauses (so it ends as a
sentence ends), and a heading keeps its numbering clause (一、, （二） …) so headings
keep their share. A sentence that already exists, in the corpus or in the labelled
set, is drawn again: none repeats and none is a labelled sentence.

    from benchmarks.corpus import distinct_sentences, write_corpus
    write_corpus(folder, 200_000, per_file=200)          # speech files of 200 sentences
    write_corpus(folder, 1_100_000, per_file=None)       # one big file
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_CLAUSE = re.compile(r"[^，、：]*[，、：]|[^，、：]+$")


def _labelled() -> list[str]:
    sys.path.insert(0, str(REPO))
    from taxonomy.dataset import read_labelled

    return [row.text for row in read_labelled(REPO / "data" / "labelled")]


def distinct_sentences(n: int, seed: int = 0) -> Iterator[tuple[str, bool]]:
    """``n`` new sentences as ``(text, is_heading)``, all different and none in the labelled set."""
    from taxonomy.split import is_heading

    sources = _labelled()
    seen = set(sources)
    firsts, middles, lasts = [], [], []
    for text in sources:
        clauses = _CLAUSE.findall(text)
        if len(clauses) >= 2:
            firsts.append(clauses[0])
            middles.extend(clauses[1:-1])
            lasts.append(clauses[-1])
    rng = random.Random(seed)
    made = 0
    while made < n:
        source = sources[rng.randrange(len(sources))]
        clauses = _CLAUSE.findall(source)
        heading = is_heading(source)
        for _ in range(20):
            if len(clauses) < 2:
                parts = [rng.choice(firsts).rstrip("，、："), rng.choice(lasts)]  # at least two sources
            else:
                first = clauses[0] if heading else rng.choice(firsts)
                parts = [first] + [rng.choice(middles) for _ in clauses[1:-1]] + [rng.choice(lasts)]
            text = "".join(parts)
            if text not in seen:
                seen.add(text)
                made += 1
                yield text, heading and is_heading(text)
                break


def write_corpus(directory: Path, n: int, *, per_file: int | None = 200, seed: int = 0) -> tuple[int, int]:
    """Write ``n`` distinct sentences as speech files of ``per_file`` sentences (``None``: one file).

    Headings start a new line; other sentences run on in paragraphs of up to eight.
    Returns ``(sentences, files)``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    files, count, lines, paragraph = 0, 0, [], []
    handle = None

    def flush_file():
        nonlocal files, lines, handle
        if paragraph:
            lines.append("".join(paragraph))
            paragraph.clear()
        if per_file is None:
            if handle is None:
                handle = (directory / "speech_000000.txt").open("w", encoding="utf-8")
            handle.write("\n".join(lines) + "\n")
        elif lines:
            (directory / f"speech_{files:06d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            files += 1
        lines = []

    for text, heading in distinct_sentences(n, seed):
        if heading or len(paragraph) >= 8:
            if paragraph:
                lines.append("".join(paragraph))
                paragraph.clear()
        paragraph.append(text)
        if heading:
            lines.append("".join(paragraph))
            paragraph.clear()
        count += 1
        if (per_file and count % per_file == 0) or (per_file is None and len(lines) >= 1000):
            flush_file()
    flush_file()
    if handle is not None:
        handle.close()
        files = 1
    return count, files
