"""Labelling corpora too large for one machine on a Dask cluster.

:func:`label_dask` spreads the speech files over a cluster's workers with ``dask.bag``
(one partition per :data:`FILES_PER_PARTITION` files); each worker labels its files
with the same stream as ``taxonomy label`` (:func:`taxonomy.fastlabel.label_parts`, or
the scikit-learn pipeline for a model without an inference bundle) and writes its rows
as one Parquet file, ``part-00000.parquet`` …, in partition order. The folder is
ordinary partitioned Parquet: ``pandas.read_parquet(folder)``,
``dask.dataframe.read_parquet(folder)``, DuckDB or Spark read it, and its rows are
those of a local run, in the same order. It is written under a temporary name beside
the target and renamed into place when every partition is done.

The workers read the model and the speeches by path, so on a real cluster both must
be on storage every worker sees (a shared or network file system) under the same path.
Install ``taxonomy[dask]`` on the client and on every worker.

Examples
--------
>>> from distributed import Client, LocalCluster                             # doctest: +SKIP
>>> with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:  # doctest: +SKIP
...     run = label_dask(["data/raw"], client, "out/labels")
>>> run.sentences                                                           # doctest: +SKIP
542
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import TaxonomyError

FILES_PER_PARTITION = 64


@dataclass
class DaskRun:
    """What :func:`label_dask` did: rows and speeches written, Parquet parts, files skipped with why."""

    sentences: int = 0
    documents: int = 0
    partitions: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _load(model_path: str):
    from .fastlabel import fast_model

    model = fast_model(model_path)
    if model is None:
        from .model import load_model

        model = load_model(model_path)
    return model


_MODELS: dict = {}


def label_partition(model_path: str, files: list[tuple[str, str]], target: str, *, only_labelled: bool = False,
                    categories: tuple[str, ...] = ()) -> dict:
    """Label ``files`` with the model at ``model_path`` and write them to the Parquet file ``target``.

    Runs on a worker; the model is loaded once per worker process. ``only_labelled`` and
    ``categories`` keep the rows :func:`taxonomy.readable.filter_labels` keeps. Returns
    the counts and the skipped files.
    """
    from .readable import filter_labels

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    key = (model_path, Path(model_path).stat().st_mtime_ns)
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = _load(model_path)
    model = _MODELS[key]
    if hasattr(model, "predict"):
        from .fastlabel import label_parts
    else:
        from .labelling import label_parts
    tables, skipped, documents = [], [], 0
    for part in label_parts(model, files):
        if part.error is not None:
            skipped.append((part.path, part.error))
            continue
        table = part.table.to_frame() if hasattr(part.table, "to_frame") else part.table
        tables.append(filter_labels(table, only_labelled=only_labelled, categories=categories))
        documents += int(part.final)
    frame = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=model.output_columns)
    frame = frame.reindex(columns=model.output_columns)
    pq.write_table(pa.Table.from_pandas(frame, schema=_schema(model.output_columns), preserve_index=False), target)
    return {"sentences": len(frame), "documents": documents, "skipped": skipped}


def _schema(columns: list[str]):
    import pyarrow as pa

    types = {"sentence_id": pa.int64(), "start": pa.int64(), "end": pa.int64(), "check": pa.bool_()}
    return pa.schema([(c, pa.float64() if c.startswith("p_") else types.get(c, pa.string())) for c in columns])


def label_dask(paths, client, output: str | Path, *, model_path: str | Path | None = None,
               overwrite: bool = False, files_per_partition: int = FILES_PER_PARTITION, strict: bool = False,
               only_labelled: bool = False, categories=()) -> DaskRun:
    """Label every speech under ``paths`` on the Dask cluster of ``client`` into the Parquet folder ``output``.

    Parameters
    ----------
    paths : list of path
        Speech files or folders (as for ``taxonomy label``).
    client : distributed.Client, optional
        The cluster to run on. ``None`` starts a ``LocalCluster`` on this machine for
        the run (one single-threaded worker process per core).
    output : path
        The folder to write; an existing one is replaced only with ``overwrite``.
    model_path : path, optional
        The model (default: the default model); workers must see it at this path.
    files_per_partition : int
        Files labelled and written together by one task.
    strict : bool
        Fail (and write nothing) when a file cannot be read, instead of skipping it.
    only_labelled, categories
        Keep only sentences with a label, or with one of these categories.

    Raises
    ------
    TaxonomyError
        No speech file under ``paths``, an existing ``output`` without ``overwrite``,
        or no file readable at all.
    """
    from . import config
    from .reading import expand_paths

    output = Path(output)
    if output.exists() and not overwrite:
        raise TaxonomyError(f"{output}: already exists (use --force to replace it)")
    if not output.parent.is_dir():
        raise TaxonomyError(f"{output}: folder {output.parent} does not exist")
    files = [(doc, str(Path(path).resolve())) for doc, path in expand_paths(paths)]
    if not files:
        raise TaxonomyError(f"{', '.join(map(str, paths))}: no supported speech files found")
    model = Path(model_path) if model_path is not None else config.default_model_path()
    if not model.is_file():
        raise TaxonomyError(f"{model}: no such model file")
    if client is None:
        from distributed import Client, LocalCluster

        with LocalCluster(threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as own:
            return label_dask(paths, own, output, model_path=model, overwrite=overwrite,
                              files_per_partition=files_per_partition, strict=strict, only_labelled=only_labelled,
                              categories=categories)
    import dask.bag as db

    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp"))
    try:
        groups = [files[i : i + files_per_partition] for i in range(0, len(files), files_per_partition)]
        tasks = [(str(model.resolve()), group, str(staging.resolve() / f"part-{i:05d}.parquet"))
                 for i, group in enumerate(groups)]
        options = {"only_labelled": only_labelled, "categories": tuple(categories)}
        bag = db.from_sequence(tasks, npartitions=len(tasks)).map(lambda task: label_partition(*task, **options))
        results = client.compute(bag).result()
        run = DaskRun(partitions=len(tasks))
        for result in results:
            run.sentences += result["sentences"]
            run.documents += result["documents"]
            run.skipped += [tuple(s) for s in result["skipped"]]
        if run.skipped and strict:
            raise TaxonomyError(run.skipped[0][1])
        if run.skipped and not run.documents:
            raise TaxonomyError(f"no file could be read: {run.skipped[0][1]}")
        if output.exists():
            shutil.rmtree(output) if output.is_dir() else output.unlink()
        staging.rename(output)
        return run
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def label_dask_at(paths, output, address: str, **options) -> DaskRun:
    """:func:`label_dask` on the scheduler at ``address`` (``tcp://host:8786``), or on a new LocalCluster for ``local``."""
    if address == "local":
        return label_dask(paths, None, output, **options)
    from distributed import Client

    try:
        client = Client(address, timeout="20s")
    except OSError as exc:
        raise TaxonomyError(f"--dask {address}: cannot reach the Dask scheduler ({exc})") from None
    with client:
        return label_dask(paths, client, output, **options)
