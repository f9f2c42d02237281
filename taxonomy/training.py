"""Training the model on the labelled sentences.

Examples
--------
>>> import taxonomy
>>> model, scores = taxonomy.train(out="models/my-model.skops")   # doctest: +SKIP
>>> round(scores["micro_f1"], 2)                                  # doctest: +SKIP
0.8
"""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__, config
from .categories import load_categories
from .dataset import check_labelled, is_whole_document, labelled_files
from .errors import TaxonomyError
from .features import add_context
from .model import TaxonomyModel, build_pipeline, compact_for_storage
from .normalise import normalise_text


@dataclass
class TrainingData:
    """Labelled sentences ready for the pipeline.

    ``X`` has the context columns, ``Y`` one indicator column per category,
    ``groups`` the source of each sentence, ``stance`` its stance (or "") and
    ``documents`` whether its source is a whole document (not a short passage).
    """

    X: pd.DataFrame
    Y: pd.DataFrame
    groups: np.ndarray
    stance: np.ndarray
    data_hash: str
    documents: np.ndarray | None = None

    def __post_init__(self):
        if self.documents is None:
            self.documents = np.array([is_whole_document(str(g)) for g in self.groups], dtype=bool)

    def subset(self, index) -> "TrainingData":
        """The rows ``index`` (whole sources), with their context recomputed."""
        index = np.asarray(index)
        return TrainingData(
            add_context(self.X.iloc[index][["doc", "text"]], by="doc"),
            self.Y.iloc[index].reset_index(drop=True),
            self.groups[index],
            self.stance[index],
            self.data_hash,
            self.documents[index],
        )


def data_hash(directory: str | Path) -> str:
    """SHA-256 over the names and bytes of the labelled files, in sorted order."""
    digest = hashlib.sha256()
    for path in labelled_files(directory):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_training_data(directory: str | Path | None = None, *, strict: bool = True) -> TrainingData:
    """Read and check the labelled data; raise if the data check finds problems."""
    directory = Path(directory) if directory is not None else config.labelled_dir()
    report = check_labelled(directory)
    if report.problems and (strict or not report.rows):
        shown = "; ".join(report.problems[:3])
        more = f" (and {len(report.problems) - 3} more; run `taxonomy data check`)" if len(report.problems) > 3 else ""
        raise TaxonomyError(f"{directory}: labelled data has problems: {shown}{more}")
    rows = report.rows
    categories = [c.id for c in load_categories()]
    # the model sees training text exactly as it will see a speech's sentences
    frame = pd.DataFrame({"doc": [r.source for r in rows], "text": [training_text(r.text) for r in rows]})
    X = add_context(frame, by="doc")
    Y = pd.DataFrame(
        [[int(c in r.labels) for c in categories] for r in rows], columns=categories, dtype=int
    )
    return TrainingData(
        X=X,
        Y=Y,
        groups=np.array([r.source for r in rows], dtype=object),
        stance=np.array([r.stance if r.labels else "" for r in rows], dtype=object),
        data_hash=data_hash(directory),
    )


def training_text(text: str) -> str:
    """A labelled sentence as the labelling path presents it: normalised, on one line.

    >>> training_text("６．某局干部违规吃喝、收受购物卡问题。")
    '6.某局干部违规吃喝、收受购物卡问题。'
    """
    return normalise_text(text).replace("\n", "") or text


PREVALENCES = ("documents", "all")


def fit_pipeline(data: TrainingData, *, prevalence: str = "all", **params):
    """Fit a fresh pipeline (:func:`taxonomy.model.build_pipeline` parameters) on ``data``.

    ``prevalence="all"`` calibrates probabilities and chooses thresholds on the
    out-of-fold scores of every sentence; ``"documents"`` only on the sentences of
    whole documents (not short passages). On the real-text sample
    (reports/real-text.md) "documents" gave fewer labels than the truth (count ratio
    0.67 against 0.75) and lower F1, so "all" is the default.
    """
    if prevalence not in PREVALENCES:
        raise ValueError(f"prevalence must be one of {PREVALENCES}, not {prevalence!r}")
    pipeline = build_pipeline(**params)
    calibrate_on = data.documents if prevalence == "documents" else None
    pipeline.fit(
        data.X, data.Y, classifier__groups=data.groups, classifier__stance=data.stance,
        classifier__calibrate_on=calibrate_on,
    )
    return compact_for_storage(pipeline)


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape the model."""
    versions = {"python": platform.python_version()}
    for name in ("scikit-learn", "jieba", "numpy", "scipy", "pandas", "skops", "opencc"):
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
    **params,
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
    **params
        Passed to :func:`taxonomy.model.build_pipeline`.

    Returns
    -------
    (TaxonomyModel, dict)
        The fitted model and its cross-validated scores (empty when ``cv`` is off).
    """
    from .evaluation import cross_validate, summarise_scores

    data = load_training_data(data_dir)
    scores: dict = {}
    if cv:
        result = cross_validate(data, n_splits=n_splits, **params)
        scores = summarise_scores(result)
    pipeline = fit_pipeline(data, **params)
    model = TaxonomyModel(pipeline=pipeline)
    model.metadata = {
        "taxonomy_version": __version__,
        "categories": model.categories,
        "training_data_sha256": data.data_hash,
        "n_sentences": int(len(data.Y)),
        "n_sources": int(len(np.unique(data.groups))),
        "params": params,
        "thresholds": model.thresholds,
        "cv_scores": scores,
        "libraries": library_versions(),
    }
    if out is not None:
        model.save(out)
    return model, scores
