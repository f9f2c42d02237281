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

from .model import TaxonomyModel
from .output import TableWriter
from .reading import read_document

_WORKER_MODEL: TaxonomyModel | None = None


def _init_worker(model: TaxonomyModel) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _label_one(item: tuple[str, str]) -> pd.DataFrame:
    doc, path = item
    return _WORKER_MODEL.label_text(read_document(path), doc=doc)


def label_stream(
    model: TaxonomyModel,
    files: Iterable[tuple[str, Path]],
    *,
    jobs: int = 1,
    on_document: Callable[[], None] | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield the labelled table of each ``(doc, path)`` in order.

    ``jobs`` is the number of worker processes (``0`` means one per core); the
    first unreadable file stops the stream with its error.
    """
    files = [(doc, str(path)) for doc, path in files]
    jobs = os.cpu_count() or 1 if jobs == 0 else jobs
    if jobs <= 1 or len(files) <= 1:
        for doc, path in files:
            table = model.label_text(read_document(path), doc=doc)
            if on_document:
                on_document()
            yield table
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(processes=min(jobs, len(files)), initializer=_init_worker, initargs=(model,)) as pool:
        for table in pool.imap(_label_one, files, chunksize=4):
            if on_document:
                on_document()
            yield table


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
