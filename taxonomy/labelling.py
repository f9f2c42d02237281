"""Labelling speeches as a stream, in bounded memory, without one bad file costing the others.

Speeches are read, split and labelled in chunks of at most :data:`CHUNK_SENTENCES`
sentences (a long speech is cut into several chunks; each chunk carries its
neighbouring sentences and the current section heading along, so its labels are the
ones the whole speech would get), and written as they come. Several small speeches
share one chunk. With ``jobs > 1`` worker processes label files in parallel while
results are still yielded in input order.

A file that cannot be read is reported as a :class:`LabelledPart` with an ``error``
and skipped; with ``strict=True`` the first one raises instead.

Examples
--------
>>> import taxonomy
>>> from taxonomy.labelling import label_to_file
>>> from taxonomy.reading import expand_paths
>>> model = taxonomy.load_model()                                          # doctest: +SKIP
>>> run = label_to_file(model, expand_paths(["data/raw"]), "out/labels.csv")  # doctest: +SKIP
>>> run.sentences, run.skipped                                             # doctest: +SKIP
(542, [])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .documents import sentences_frame
from .errors import TaxonomyError
from .runs import LabelRun, checked_parts, resolve_jobs  # noqa: F401 - part of this module's API
from .limits import DEFAULT_LIMITS, Limits
from .output import TableWriter
from .readable import check_categories, filter_labels
from .reading import read_document
from .split import is_heading

CHUNK_SENTENCES = 4000
FILES_PER_TASK = 16
_WORKER_MODEL = None
_WORKER_LIMITS = DEFAULT_LIMITS


@dataclass
class LabelledPart:
    """Part of the labelled table of one speech (``final`` on its last part), or its read error."""

    doc: str
    path: str
    table: pd.DataFrame | None = None
    error: str | None = None
    final: bool = True


def _chunks(frame: pd.DataFrame, size: int) -> Iterator[tuple[pd.DataFrame, int, int]]:
    """Pieces of one speech's frame: ``(rows to label, first kept row, number kept)``.

    Each piece holds up to ``size`` sentences plus the sentence before and after it and
    the last heading before it, so that every kept sentence has its own context.
    """
    n = len(frame)
    heads = np.fromiter((is_heading(t) for t in frame["text"].astype(str)), dtype=bool, count=n)
    last_head = np.maximum.accumulate(np.where(heads, np.arange(n), -1))
    for a in range(0, n, size):
        b = min(a + size, n)
        rows = list(range(max(a - 1, 0), min(b + 1, n)))
        if a >= 2 and not heads[a - 1] and last_head[a - 2] >= 0:  # the heading of the first kept rows
            rows.insert(0, int(last_head[a - 2]))
        yield frame.iloc[rows], rows.index(a), b - a


def label_frame(model, frame: pd.DataFrame, *, chunk: int = CHUNK_SENTENCES) -> pd.DataFrame:
    """Label one speech's sentences (in speech order) in chunks of at most ``chunk`` sentences."""
    if len(frame) <= chunk:
        return model.label_sentences(frame)
    return pd.concat(list(_label_chunks(model, frame, chunk)), ignore_index=True)


def _label_chunks(model, frame: pd.DataFrame, chunk: int) -> Iterator[pd.DataFrame]:
    for rows, first, count in _chunks(frame, chunk):
        yield model.label_sentences(rows).iloc[first : first + count].reset_index(drop=True)


def _read(doc: str, path: str, limits: Limits) -> tuple[pd.DataFrame | None, str | None]:
    try:
        return sentences_frame(read_document(path, limits=limits), doc, max_chars=limits.max_sentence_chars), None
    except TaxonomyError as exc:
        return None, str(exc)
    except (OSError, ValueError, MemoryError) as exc:  # anything a reader let through
        return None, f"{path}: cannot read ({type(exc).__name__}: {exc})"


def label_parts(
    model, files: list[tuple[str, str]], *, chunk: int = CHUNK_SENTENCES, limits: Limits = DEFAULT_LIMITS
) -> Iterator[LabelledPart]:
    """Label ``files`` in order; small speeches are gathered into one prediction of about ``chunk`` sentences.

    ``limits`` bounds what reading one file may cost (:class:`taxonomy.limits.Limits`).
    """
    pending: list[tuple[str, str, pd.DataFrame]] = []
    size = 0

    def flush():
        table = model.label_sentences(pd.concat([f for _, _, f in pending], ignore_index=True))
        start = 0
        for doc, path, frame in pending:
            yield LabelledPart(doc, path, table.iloc[start : start + len(frame)].reset_index(drop=True))
            start += len(frame)

    for doc, path in files:
        frame, error = _read(doc, path, limits)
        if error is not None or len(frame) > chunk:
            if pending:
                yield from flush()
                pending, size = [], 0
            if error is not None:
                yield LabelledPart(doc, path, error=error)
            else:
                parts = list(_chunks(frame, chunk))
                for i, (rows, first, count) in enumerate(parts):
                    table = model.label_sentences(rows).iloc[first : first + count].reset_index(drop=True)
                    yield LabelledPart(doc, path, table, final=i == len(parts) - 1)
            continue
        pending.append((doc, path, frame))
        size += len(frame)
        if size >= chunk:
            yield from flush()
            pending, size = [], 0
    if pending:
        yield from flush()


def _init_worker(model, limits: Limits) -> None:
    global _WORKER_MODEL, _WORKER_LIMITS
    _WORKER_MODEL, _WORKER_LIMITS = model, limits


def _label_task(files: list[tuple[str, str]]) -> list[LabelledPart]:
    return list(label_parts(_WORKER_MODEL, files, limits=_WORKER_LIMITS))


def _parallel(model, files: list[tuple[str, str]], jobs: int, limits: Limits) -> Iterator[LabelledPart]:
    import multiprocessing

    tasks = [files[i : i + FILES_PER_TASK] for i in range(0, len(files), FILES_PER_TASK)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(processes=min(jobs, len(tasks)), initializer=_init_worker, initargs=(model, limits)) as pool:
        for parts in pool.imap(_label_task, tasks):
            yield from parts


def label_stream(
    model,
    files: Iterable[tuple[str, Path]],
    *,
    jobs: int = 1,
    strict: bool = False,
    on_document: Callable[[LabelledPart], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[LabelledPart]:
    """Yield the labelled parts of each ``(doc, path)`` in order, and a part with ``error`` for each unreadable file.

    ``jobs`` is checked by :func:`resolve_jobs`. With ``strict`` the first unreadable
    file raises :class:`TaxonomyError`. ``on_document`` is called with the last part of
    every speech (or its error).
    """
    files = [(doc, str(path)) for doc, path in files]
    jobs = resolve_jobs(jobs)
    if jobs == 1 or len(files) <= 1:
        parts = label_parts(model, files, limits=limits)
    else:
        parts = _parallel(model, files, jobs, limits)
    yield from checked_parts(parts, strict=strict, on_document=on_document)


def label_to_file(
    model,
    files: Iterable[tuple[str, Path]],
    output: str | Path,
    *,
    overwrite: bool = False,
    jobs: int = 1,
    strict: bool = False,
    on_document: Callable[[LabelledPart], None] | None = None,
    only_labelled: bool = False,
    categories: Sequence[str] = (),
    chinese_header: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> LabelRun:
    """Label ``files`` into ``output`` (format by extension) and say what was done.

    ``only_labelled`` and ``categories`` keep only the rows they select
    (:func:`taxonomy.readable.filter_labels`); ``chinese_header`` gives an ``.xlsx``
    Chinese column labels.

    The output appears only when the run finishes: it is written to a temporary file
    beside it and renamed into place. Unreadable files are skipped and listed in
    :attr:`LabelRun.skipped` (with ``strict``, the first one raises and nothing is written);
    when no file at all can be read, that is an error and nothing is written.
    """
    categories = check_categories(categories, model.categories)
    run = LabelRun()
    with TableWriter(output, model.output_columns, overwrite=overwrite, chinese_header=chinese_header) as writer:
        for part in label_stream(model, files, jobs=jobs, strict=strict, on_document=on_document, limits=limits):
            if part.error is not None:
                run.skipped.append((part.path, part.error))
                continue
            writer.write(filter_labels(part.table, only_labelled=only_labelled, categories=categories))
            run.documents += int(part.final)
        if run.skipped and not run.documents:
            raise TaxonomyError(f"no file could be read: {run.skipped[0][1]}")  # nothing is written
        run.sentences = writer.rows
    return run
