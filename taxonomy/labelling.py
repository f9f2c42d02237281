"""Labelling many speeches as a stream.

Speeches are read, labelled and written one at a time, so memory does not grow
with the size of the corpus; with ``jobs > 1`` worker processes label speeches in
parallel while results are still written in input order.

Examples
--------
>>> import taxonomy
>>> from taxonomy.labelling import label_to_file
>>> from taxonomy.reading import expand_paths
>>> model = taxonomy.load_model()                                              # doctest: +SKIP
>>> label_to_file(model, expand_paths(["data/raw"]), "labels.csv")             # doctest: +SKIP
542
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd

from .model import TaxonomyModel, sentences_frame
from .output import TableWriter
from .reading import read_document

_WORKER_MODEL: TaxonomyModel | None = None
BATCH_SENTENCES = 4000
FILES_PER_TASK = 16


def label_batches(model: TaxonomyModel, files: list[tuple[str, str]], *, batch_sentences: int = BATCH_SENTENCES) -> Iterator[pd.DataFrame]:
    """Label ``files`` in order, predicting several speeches at once.

    Speeches are gathered until about ``batch_sentences`` sentences, labelled in one
    call (fewer, larger matrix operations) and yielded one table per speech. Memory
    is bounded by the batch, not by the number of files.
    """
    pending: list[pd.DataFrame] = []
    size = 0
    for doc, path in files:
        frame = sentences_frame(read_document(path), doc)
        pending.append(frame)
        size += len(frame)
        if size >= batch_sentences:
            yield from _label_pending(model, pending)
            pending, size = [], 0
    if pending:
        yield from _label_pending(model, pending)


def _label_pending(model: TaxonomyModel, frames: list[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    table = model.label_sentences(pd.concat(frames, ignore_index=True))
    start = 0
    for frame in frames:
        yield table.iloc[start : start + len(frame)].reset_index(drop=True)
        start += len(frame)


def _init_worker(model: TaxonomyModel) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _label_task(files: list[tuple[str, str]]) -> list[pd.DataFrame]:
    return list(label_batches(_WORKER_MODEL, files))


def label_stream(
    model: TaxonomyModel,
    files: Iterable[tuple[str, Path]],
    *,
    jobs: int = 1,
    on_document: Callable[[], None] | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield the labelled table of each ``(doc, path)`` in order.

    ``jobs`` is the number of worker processes (``0`` means one per core); each
    worker labels a few files at a time. The first unreadable file stops the stream
    with its error.
    """
    files = [(doc, str(path)) for doc, path in files]
    jobs = (os.cpu_count() or 1) if jobs == 0 else jobs
    if jobs <= 1 or len(files) <= 1:
        tables = label_batches(model, files)
    else:
        tables = _parallel(model, files, jobs)
    for table in tables:
        if on_document:
            on_document()
        yield table


def _parallel(model: TaxonomyModel, files: list[tuple[str, str]], jobs: int) -> Iterator[pd.DataFrame]:
    import multiprocessing

    tasks = [files[i : i + FILES_PER_TASK] for i in range(0, len(files), FILES_PER_TASK)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(processes=min(jobs, len(tasks)), initializer=_init_worker, initargs=(model,)) as pool:
        for tables in pool.imap(_label_task, tasks):
            yield from tables


def label_to_file(
    model: TaxonomyModel,
    files: Iterable[tuple[str, Path]],
    output: str | Path,
    *,
    overwrite: bool = False,
    jobs: int = 1,
    on_document: Callable[[], None] | None = None,
) -> int:
    """Label ``files`` into ``output`` (format by extension); return the number of sentences.

    The output appears only when every speech was labelled: it is written to a
    temporary file beside it and renamed into place.
    """
    with TableWriter(output, model.output_columns, overwrite=overwrite) as writer:
        for table in label_stream(model, files, jobs=jobs, on_document=on_document):
            writer.write(table)
        return writer.rows
