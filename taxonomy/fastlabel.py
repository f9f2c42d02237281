"""Labelling files with an inference bundle: the fast path of ``taxonomy label``.

The same stream as :mod:`taxonomy.labelling` (files read one at a time, chunks of at
most :data:`CHUNK_SENTENCES` sentences with the neighbouring sentences and the current
heading carried across chunk edges, small speeches gathered into one chunk, unreadable
files reported and skipped, ``jobs`` worker processes), with a
:class:`taxonomy.fastmodel.FastModel` instead of the scikit-learn pipeline and rows
kept as plain columns, so that nothing on the way imports scikit-learn, skops or
pandas. The output file is byte for byte the one :func:`taxonomy.labelling.label_to_file`
writes (``tests/test_fastlabel.py``).

Examples
--------
>>> from taxonomy.fastlabel import fast_model, label_to_file
>>> from taxonomy.reading import expand_paths
>>> model = fast_model()                                                   # doctest: +SKIP
>>> label_to_file(model, expand_paths(["data/raw"]), "out/labels.csv").sentences  # doctest: +SKIP
542
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import TaxonomyError
from .runs import LabelRun, checked_parts, resolve_jobs  # noqa: F401 - part of this module's API
from .normalise import normalise_text
from .readable import check_categories, chinese_labels, near_threshold
from .limits import DEFAULT_LIMITS, Limits
from .reading import read_document
from .split import is_heading, split_sentences

CHUNK_SENTENCES = 4000
FILES_PER_TASK = 16
_WORKER_MODEL = None
_WORKER_LIMITS = DEFAULT_LIMITS
_WORKER_CSV = None  # (columns, only_labelled, categories) when the workers format CSV rows themselves


@dataclass
class Rows:
    """A labelled table as columns (the model's ``output_columns``), without pandas."""

    columns: dict

    def __len__(self) -> int:
        return len(self.columns["doc"])

    def take(self, keep) -> "Rows":
        """The rows at the positions (or boolean mask) ``keep``."""
        index = np.flatnonzero(keep) if np.asarray(keep).dtype == bool else np.asarray(keep, dtype=np.int64)
        return Rows({k: [v[i] for i in index.tolist()] if isinstance(v, list) else v[index] for k, v in self.columns.items()})

    def filter(self, *, only_labelled: bool = False, categories: Sequence[str] = ()) -> "Rows":
        """As :func:`taxonomy.readable.filter_labels`."""
        if not only_labelled and not categories:
            return self
        wanted = set(categories)
        keep = [(not only_labelled or cell != "") and (not wanted or bool(wanted & set(cell.split("|"))))
                for cell in self.columns["labels"]]
        return self.take(np.array(keep, dtype=bool))

    def to_frame(self):
        """The rows as a pandas DataFrame, as :meth:`taxonomy.model.TaxonomyModel.label_sentences` gives them."""
        import pandas as pd

        frame = pd.DataFrame(self.columns)
        for name in frame.columns:
            if name.startswith("p_"):
                frame[name] = frame[name].astype(float)
        return frame


@dataclass
class Part:
    """Part of the labelled rows of one speech (``final`` on its last part), or its read error."""

    doc: str
    path: str
    table: Rows | None = None
    error: str | None = None
    final: bool = True
    csv: tuple[str, int, dict] | None = None  # the rows as CSV text, formatted by a worker: text, rows, escaped cells


def fast_model(model_path: str | Path | None = None):
    """The :class:`taxonomy.fastmodel.FastModel` of ``model_path`` (default model), or ``None`` without a usable bundle.

    ``None`` when the model has no bundle beside it or the bundle belongs to another
    model file: label through :func:`taxonomy.load_model` then.
    """
    from . import config
    from .bundle import bundle_path
    from .fastmodel import FastModel

    path = Path(model_path) if model_path is not None else config.default_model_path()
    if not path.is_file() or not bundle_path(path).is_file():
        return None
    try:
        return FastModel.load(path)
    except TaxonomyError:
        return None


def _read(doc: str, path: str, limits: Limits = DEFAULT_LIMITS):
    try:
        sentences = split_sentences(normalise_text(read_document(path, limits=limits)), max_chars=limits.max_sentence_chars)
    except TaxonomyError as exc:
        return None, str(exc)
    except (OSError, ValueError, MemoryError) as exc:
        return None, f"{path}: cannot read ({type(exc).__name__}: {exc})"
    return {"doc": [doc] * len(sentences), "sentence_id": [s.sentence_id for s in sentences],
            "start": [s.start for s in sentences], "end": [s.end for s in sentences],
            "text": [s.text for s in sentences]}, None


def label_columns(model, sentences: dict) -> Rows:
    """Label sentences given as columns ``doc, sentence_id, start, end, text`` (whole speeches)."""
    proba, stance = model.predict(sentences["doc"], np.asarray(sentences["sentence_id"]), sentences["text"])
    thresholds = np.asarray([model.thresholds[c] for c in model.categories])
    chosen = proba >= thresholds
    codes = chosen.astype(np.int64) @ (1 << np.arange(chosen.shape[1], dtype=np.int64)) if chosen.size else np.zeros(len(proba), np.int64)
    names = {}
    for code, row in zip(codes.tolist(), chosen):
        if code not in names:
            names[code] = "|".join(c for c, on in zip(model.categories, row) if on)
    labels = [names[c] for c in codes.tolist()]
    zh = dict(zip(names.values(), chinese_labels(names.values())))
    columns = {k: list(sentences[k]) for k in ("doc", "sentence_id", "start", "end", "text")}
    columns.update(labels=labels, labels_zh=[zh[x] for x in labels],
                   stance=np.where(chosen.any(axis=1), stance, "").tolist(),
                   check=near_threshold(proba, thresholds).tolist())
    rounded = np.round(proba, 4)
    for j, category in enumerate(model.categories):
        columns[f"p_{category}"] = rounded[:, j]
    return Rows(columns)


def _chunks(sentences: dict, size: int) -> Iterator[tuple[dict, int, int]]:
    """As :func:`taxonomy.labelling._chunks`: up to ``size`` sentences plus their context rows."""
    n = len(sentences["text"])
    heads = np.fromiter((is_heading(t) for t in sentences["text"]), dtype=bool, count=n)
    last_head = np.maximum.accumulate(np.where(heads, np.arange(n), -1))
    for a in range(0, n, size):
        b = min(a + size, n)
        rows = list(range(max(a - 1, 0), min(b + 1, n)))
        if a >= 2 and not heads[a - 1] and last_head[a - 2] >= 0:
            rows.insert(0, int(last_head[a - 2]))
        yield {k: [v[i] for i in rows] for k, v in sentences.items()}, rows.index(a), b - a


def label_parts(model, files: list[tuple[str, str]], *, chunk: int = CHUNK_SENTENCES,
                limits: Limits = DEFAULT_LIMITS) -> Iterator[Part]:
    """Label ``files`` in order, as :func:`taxonomy.labelling.label_parts` does."""
    pending: list[tuple[str, str, dict]] = []

    def flush():
        merged = {k: [x for _, _, s in pending for x in s[k]] for k in ("doc", "sentence_id", "start", "end", "text")}
        table, start = label_columns(model, merged), 0
        for doc, path, s in pending:
            yield Part(doc, path, table.take(np.arange(start, start + len(s["text"]))))
            start += len(s["text"])

    size = 0
    for doc, path in files:
        sentences, error = _read(doc, path, limits)
        if error is not None or len(sentences["text"]) > chunk:
            if pending:
                yield from flush()
                pending, size = [], 0
            if error is not None:
                yield Part(doc, path, error=error)
                continue
            n = len(sentences["text"])
            for rows, first, count in _chunks(sentences, chunk):  # one chunk at a time: bounded memory
                table = label_columns(model, rows).take(np.arange(first, first + count))
                yield Part(doc, path, table, final=rows["sentence_id"][first + count - 1] == sentences["sentence_id"][n - 1])
            continue
        pending.append((doc, path, sentences))
        size += len(sentences["text"])
        if size >= chunk:
            yield from flush()
            pending, size = [], 0
    if pending:
        yield from flush()


def _init_worker(model, limits: Limits = DEFAULT_LIMITS, csv_format: tuple | None = None) -> None:
    global _WORKER_MODEL, _WORKER_LIMITS, _WORKER_CSV
    _WORKER_MODEL, _WORKER_LIMITS, _WORKER_CSV = model, limits, csv_format


def _label_task(files: list[tuple[str, str]]) -> list[Part]:
    parts = list(label_parts(_WORKER_MODEL, files, limits=_WORKER_LIMITS))
    if _WORKER_CSV is not None:
        from collections import Counter

        from .output import csv_rows

        columns, only_labelled, categories = _WORKER_CSV
        for part in parts:
            if part.table is not None:
                changes: Counter = Counter()
                text, rows = csv_rows(part.table.filter(only_labelled=only_labelled, categories=categories).columns,
                                      columns, changes)
                part.table, part.csv = None, (text, rows, dict(changes))
    return parts


def _parallel(model, files: list[tuple[str, str]], jobs: int, limits: Limits = DEFAULT_LIMITS,
              csv_format: tuple | None = None) -> Iterator[Part]:
    import multiprocessing

    tasks = [files[i : i + FILES_PER_TASK] for i in range(0, len(files), FILES_PER_TASK)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(min(jobs, len(tasks)), _init_worker, (model, limits, csv_format)) as pool:
        for batch in pool.imap(_label_task, tasks):
            yield from batch


def label_stream(model, files: Iterable[tuple[str, Path]], *, jobs: int = 1, strict: bool = False,
                 on_document: Callable[[Part], None] | None = None, limits: Limits = DEFAULT_LIMITS,
                 csv_format: tuple | None = None) -> Iterator[Part]:
    """As :func:`taxonomy.labelling.label_stream`, with a :class:`taxonomy.fastmodel.FastModel`.

    With ``csv_format`` (``(columns, only_labelled, categories)``) and more than one job,
    the workers also filter the rows and format them as CSV (:func:`taxonomy.output.csv_rows`):
    the parts then carry ``csv`` instead of ``table``, and the parent only writes text.
    """
    files = [(doc, str(path)) for doc, path in files]
    jobs = resolve_jobs(jobs)
    if jobs == 1 or len(files) <= 1:
        parts = label_parts(model, files, limits=limits)
    else:
        parts = _parallel(model, files, jobs, limits, csv_format)
    yield from checked_parts(parts, strict=strict, on_document=on_document)


def label_to_file(model, files: Iterable[tuple[str, Path]], output: str | Path, *, overwrite: bool = False,
                  jobs: int = 1, strict: bool = False, on_document: Callable[[Part], None] | None = None,
                  only_labelled: bool = False, categories: Sequence[str] = (), chinese_header: bool = False,
                  limits: Limits = DEFAULT_LIMITS) -> LabelRun:
    """As :func:`taxonomy.labelling.label_to_file` (same file, same errors), with a FastModel."""
    from .output import TableWriter

    categories = check_categories(categories, model.categories)
    run = LabelRun()
    with TableWriter(output, model.output_columns, overwrite=overwrite, chinese_header=chinese_header) as writer:
        # with worker processes, rows bound for a .csv are formatted where they are labelled
        csv_format = (writer.columns, only_labelled, tuple(categories)) if writer.format == ".csv" else None
        for part in label_stream(model, files, jobs=jobs, strict=strict, on_document=on_document, limits=limits,
                                 csv_format=csv_format):
            if part.error is not None:
                run.skipped.append((part.path, part.error))
                continue
            if part.csv is not None:
                writer.write_csv_rows(*part.csv)
            else:
                writer.write_columns(part.table.filter(only_labelled=only_labelled, categories=categories).columns)
            run.documents += int(part.final)
        if run.skipped and not run.documents:
            raise TaxonomyError(f"no file could be read: {run.skipped[0][1]}")
        run.sentences = writer.rows
    return run
