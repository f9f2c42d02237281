"""The trained model: one scikit-learn Pipeline plus the metadata that describes it.

:func:`load_model` returns a :class:`TaxonomyModel`, which labels raw text, files and
folders. Every prediction goes through the pipeline: its feature step, then the
classifier's probabilities and stance. Saving and loading (and why a model file cannot
run code) are in :mod:`taxonomy.persistence`.

Examples
--------
>>> import taxonomy
>>> model = taxonomy.load_model()                           # doctest: +SKIP
>>> table = model.label_text("有的干部遇到矛盾绕道走。", doc="demo")  # doctest: +SKIP
>>> table.loc[0, "labels"]                                 # doctest: +SKIP
'buck_passing'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from . import config
from .documents import SENTENCE_COLUMNS, sentences_frame
from .errors import TaxonomyError
from .labelling import label_frame, label_stream
from .limits import DEFAULT_LIMITS
from .persistence import load_pipeline, metadata_path, save_pipeline
from .readable import chinese_labels, near_threshold
from .reading import expand_paths

OUTPUT_COLUMNS = SENTENCE_COLUMNS + ["labels", "labels_zh", "stance", "check"]
EXPLAIN_COLUMNS = ["sentence_id", "text", "category", "probability", "feature", "contribution"]

__all__ = ["TaxonomyModel", "load_model", "metadata_path", "OUTPUT_COLUMNS", "SENTENCE_COLUMNS", "sentences_frame"]


@dataclass
class TaxonomyModel:
    """A fitted pipeline with its category list and metadata.

    Use :func:`load_model` to get one, or :func:`taxonomy.train` to make one.
    """

    pipeline: Pipeline
    metadata: dict = field(default_factory=dict)

    @property
    def classifier(self):
        """The pipeline's last step (:class:`taxonomy.classifier.ProblemClassifier`)."""
        return self.pipeline[-1]

    @property
    def categories(self) -> list[str]:
        """Category ids in output order."""
        return [str(c) for c in self.classifier.categories_]

    @property
    def probability_columns(self) -> list[str]:
        return [f"p_{c}" for c in self.categories]

    @property
    def output_columns(self) -> list[str]:
        """The columns of every labelled table, in order."""
        return OUTPUT_COLUMNS + self.probability_columns

    @property
    def thresholds(self) -> dict[str, float]:
        return dict(zip(self.categories, map(float, self.classifier.thresholds_)))

    def predict_frame(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Category probabilities and stance for a frame with ``doc``, ``sentence_id`` and ``text``.

        Rows may be any subset of whole speeches in any order: context comes from
        ``doc`` and ``sentence_id``.
        """
        if frame.empty:
            return np.zeros((0, len(self.categories))), np.zeros(0, dtype=object)
        features = self.pipeline[:-1].transform(frame)
        return self.classifier.predict_proba(features), self.classifier.predict_stance(features)

    def label_sentences(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Label a frame of sentences (:data:`SENTENCE_COLUMNS`) and return the output table."""
        proba, stance = self.predict_frame(frame)
        out = frame[SENTENCE_COLUMNS].reset_index(drop=True).copy()
        chosen = proba >= self.classifier.thresholds_
        cats = np.array(self.categories, dtype=object)
        out["labels"] = ["|".join(cats[row]) for row in chosen]
        out["labels_zh"] = chinese_labels(out["labels"])
        out["stance"] = np.where(chosen.any(axis=1), stance, "")
        out["check"] = near_threshold(proba, self.classifier.thresholds_)
        probs = pd.DataFrame(np.round(proba, 4), columns=self.probability_columns)
        return pd.concat([out, probs], axis=1)

    def explain(self, text: str, *, top: int = 5, doc: str = "text") -> pd.DataFrame:
        """Why each sentence of ``text`` got its labels: the features that pushed most.

        Returns one row per (sentence, predicted category, feature) with the columns
        :data:`EXPLAIN_COLUMNS`, where ``feature`` is ``word:…``, ``char:…`` (n-grams of
        the sentence), ``prev:…``, ``next:…``, ``heading:…`` (of its context) or
        ``lex:<id>``, ``lex_negated:<id>``, ``lex_remedy:<id>`` (a stock expression of
        that category) and ``contribution`` is the feature's value times the category's
        coefficient (log-odds).

        >>> model.explain("有的科室让企业来回跑。").iloc[0]["category"]   # doctest: +SKIP
        'buck_passing'
        """
        from .pipeline import feature_names

        frame = sentences_frame(text, doc)
        if frame.empty:
            return pd.DataFrame(columns=EXPLAIN_COLUMNS)
        labelled = self.label_sentences(frame)
        X = self.pipeline[:-1].transform(frame).tocsr()
        names = feature_names(self.pipeline.named_steps["features"])
        clf = self.classifier
        rows = []
        for i, record in labelled.iterrows():
            start, end = X.indptr[i], X.indptr[i + 1]
            columns, values = X.indices[start:end], X.data[start:end]
            for category in filter(None, record["labels"].split("|")):
                coef = clf.coefficients(category)
                if coef is None:
                    continue
                contributions = values * coef[columns]
                for j in np.argsort(-contributions)[:top]:
                    if contributions[j] <= 0:
                        break
                    rows.append((record["sentence_id"], record["text"], category, record[f"p_{category}"],
                                 names[columns[j]], round(float(contributions[j]), 4)))
        return pd.DataFrame(rows, columns=EXPLAIN_COLUMNS)

    def label_text(self, text: str, doc: str = "text") -> pd.DataFrame:
        """Normalise, split and label one speech given as a string.

        Returns one row per sentence with the columns :attr:`output_columns`;
        ``start``/``end`` are offsets into the normalised text.
        """
        return label_frame(self, sentences_frame(text, doc))

    def label_files(self, paths: Iterable[str | Path], *, strict: bool = True, limits=None) -> pd.DataFrame:
        """Label every speech under ``paths`` (files or folders) and return one table.

        With ``strict`` (the default) an unreadable file raises; otherwise it is skipped
        (see :func:`taxonomy.labelling.label_stream`); ``limits`` bounds what reading one
        file may cost (:class:`taxonomy.limits.Limits`). For corpora too large to hold in
        memory, write to a file with :func:`taxonomy.labelling.label_to_file`.
        """
        parts = label_stream(self, expand_paths(paths), strict=strict, limits=limits or DEFAULT_LIMITS)
        tables = [part.table for part in parts if part.table is not None]
        if not tables:
            return pd.DataFrame(columns=self.output_columns)
        return pd.concat(tables, ignore_index=True)

    def save(self, path: str | Path, *, overwrite: bool = True) -> Path:
        """Write the model with skops and its metadata as JSON beside it (``.json``), atomically."""
        return save_pipeline(self.pipeline, self.metadata, path, overwrite=overwrite)


def load_model(path: str | Path | None = None) -> TaxonomyModel:
    """Load a model saved by :meth:`TaxonomyModel.save` (default: the default model).

    Raises
    ------
    TaxonomyError
        When the file is missing, holds a type that is not trusted, or parameters this
        version does not write (:mod:`taxonomy.persistence`).
    """
    path = Path(path) if path is not None else config.default_model_path()
    if not path.is_file():
        raise TaxonomyError(f"{path}: no such model file")
    pipeline, metadata = load_pipeline(path)
    return TaxonomyModel(pipeline=pipeline, metadata=metadata)
