"""Training the model on the labelled sentences and saving it with its metadata.

Examples
--------
>>> import taxonomy
>>> model, scores = taxonomy.train(out="models/my-model.skops")   # doctest: +SKIP
>>> round(scores["micro_f1"], 2)                                  # doctest: +SKIP
0.8
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from importlib import metadata as importlib_metadata
from pathlib import Path

import joblib
import numpy as np

from . import __version__
from .atomic import check_target
from .fitting import TrainingData, data_hash, fit_pipeline, load_training_data, training_text
from .model import TaxonomyModel
from .pipeline import ModelParams
from .runs import resolve_jobs
from .validation import cross_validate, summarise_scores

__all__ = ["train", "library_versions", "TrainingData", "data_hash", "fit_pipeline", "load_training_data", "training_text"]


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape the model."""
    versions = {"python": platform.python_version()}
    for name in ("scikit-learn", "jieba", "rjieba", "numpy", "scipy", "pandas", "skops", "opencc"):
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def train(
    data_dir: str | Path | None = None,
    out: str | Path | None = None,
    *,
    cv: bool = True,
    n_splits: int = 5,
    params: ModelParams | None = None,
    prevalence: str = "all",
    overwrite: bool = True,
    progress: Callable[[str], None] | None = None,
    jobs: int = -1,
    **overrides,
) -> tuple[TaxonomyModel, dict]:
    """Train on the labelled data, optionally score it by grouped cross-validation, and save.

    Parameters
    ----------
    data_dir : path, optional
        Folder of labelled CSV files (default: ``data/labelled`` of the project).
    out : path, optional
        Where to write the model; its metadata goes beside it as ``.json``.
        ``None`` does not write anything.
    cv : bool, default True
        Report cross-validated scores, grouped by source, before the final fit.
    params, **overrides
        The model's parameters (:class:`taxonomy.pipeline.ModelParams`, default the
        shipped model's) and single changes to them.
    overwrite : bool, default True
        Replace an existing ``out``; ``False`` refuses before any work is done.
    progress : callable, optional
        Called with the name of each stage as it starts.
    jobs : int, default -1
        Worker processes for the per-category fits: 1 to the number of cores, -1 for
        all cores. The model is the same whatever the number.

    Returns
    -------
    (TaxonomyModel, dict)
        The fitted model and its cross-validated scores (empty when ``cv`` is off).
    """
    say = progress or (lambda stage: None)
    if out is not None and Path(out).exists():
        check_target(out, overwrite=overwrite)  # refuse before any work is done
    params = ModelParams(**{**(params or ModelParams()).to_dict(), **overrides})
    jobs = resolve_jobs(jobs)
    say("reading the labelled data")
    data = load_training_data(data_dir)
    scores: dict = {}
    # scikit-learn's one-vs-rest fits (n_jobs=None) take their worker count from joblib's config
    with joblib.parallel_config(n_jobs=jobs):
        if cv:
            say(f"cross-validating ({n_splits} folds grouped by source)")
            scores = summarise_scores(cross_validate(data, params, n_splits=n_splits, prevalence=prevalence))
        say(f"fitting on {len(data.Y)} sentences")
        model = TaxonomyModel(pipeline=fit_pipeline(data, params, prevalence=prevalence))
    model.metadata = {
        "taxonomy_version": __version__,
        "categories": model.categories,
        "training_data_sha256": data.data_hash,
        "n_sentences": int(len(data.Y)),
        "n_sources": int(len(np.unique(data.groups))),
        "params": params.to_dict(),
        "prevalence": prevalence,
        "thresholds": model.thresholds,
        "cv_scores": scores,
        "libraries": library_versions(),
    }
    if out is not None:
        say(f"writing {out}")
        model.save(out, overwrite=overwrite)
    return model, scores
