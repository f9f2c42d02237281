"""The trained model: one scikit-learn Pipeline plus the metadata that describes it.

:func:`load_model` returns a :class:`TaxonomyModel`, which labels raw text, files
and folders. Models are stored with ``skops.io`` and loaded only when every type in
the file is on :data:`TRUSTED_TYPES`, so a model file cannot run code when loaded;
a JSON metadata file sits beside it.

Examples
--------
>>> import taxonomy
>>> model = taxonomy.load_model()                           # doctest: +SKIP
>>> table = model.label_text("有的干部遇到矛盾绕道走。", doc="demo")  # doctest: +SKIP
>>> table.loc[0, "labels"]                                 # doctest: +SKIP
'buck_passing'
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from . import config
from .classifier import ProblemClassifier
from .errors import TaxonomyError
from .features import add_context, build_features
from .normalise import normalise_text
from .output import default_file_mode
from .readable import chinese_labels, near_threshold
from .reading import expand_paths
from .split import split_sentences

SENTENCE_COLUMNS = ["doc", "sentence_id", "start", "end", "text"]
OUTPUT_COLUMNS = SENTENCE_COLUMNS + ["labels", "labels_zh", "stance", "check"]

TRUSTED_TYPES = [
    "taxonomy.features.JiebaSegmenter",
    "taxonomy.features.SentenceContextTfidf",
    "taxonomy.classifier.ProblemClassifier",
    "taxonomy.lexicon.LexiconFeatures",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
    "numpy.float32",
    "numpy.float64",
    "numpy.int32",
    "numpy.int64",
    "numpy.dtype",
    "builtins.slice",
]


def build_pipeline(
    *,
    words: bool = True,
    chars: bool = True,
    context: bool = True,
    context_weight: float = 0.5,
    dictionary: str = "compact",
    min_df: int = 2,
    max_word_features: int | None = 10000,
    max_char_features: int = 20000,
    lexicon: bool = True,
    lexicon_weight: float = 1.0,
    C: float = 32.0,
    class_weight="balanced",
    tune_thresholds: bool = True,
    calibrate: bool = True,
) -> Pipeline:
    """The untrained model: feature union followed by :class:`ProblemClassifier`.

    The feature parameters are those of :func:`taxonomy.features.build_features`,
    the others those of :class:`taxonomy.classifier.ProblemClassifier`.
    """
    features = build_features(
        words=words, chars=chars, context=context, context_weight=context_weight, dictionary=dictionary, min_df=min_df,
        max_word_features=max_word_features, max_char_features=max_char_features, lexicon=lexicon,
        lexicon_weight=lexicon_weight,
    )
    return Pipeline(
        [
            ("features", features),
            ("classifier", ProblemClassifier(
                C=C, class_weight=class_weight, tune_thresholds=tune_thresholds, calibrate=calibrate
            )),
        ]
    )


def compact_for_storage(pipeline: Pipeline) -> Pipeline:
    """Turn every fitted vocabulary into a fixed vocabulary held as an array, in place.

    A fitted ``TfidfVectorizer`` keeps ``vocabulary_``, a dict that skops stores and
    rebuilds entry by entry (seconds for tens of thousands of terms). Here the terms
    go into the vectorizer's own ``vocabulary`` parameter as a NumPy array, in index
    order, and ``vocabulary_`` is dropped: scikit-learn rebuilds it from that
    parameter on the first ``transform``, with the same indices, so predictions are
    unchanged and the model loads in milliseconds. A clone of a compacted pipeline
    keeps the learnt vocabulary fixed; train new models with :func:`build_pipeline`.
    """
    for vectorizer in _vectorizers(pipeline):
        vocabulary = getattr(vectorizer, "vocabulary_", None)
        if vocabulary is None:
            continue
        if getattr(vectorizer, "vocabulary", None) is not None:  # already fixed: the dict is derivable
            del vectorizer.vocabulary_
            continue
        terms = [""] * len(vocabulary)
        for term, index in vocabulary.items():
            terms[index] = term
        vectorizer.vocabulary = np.array(terms, dtype=str)
        vectorizer.fixed_vocabulary_ = True
        del vectorizer.vocabulary_
    return pipeline


def _vectorizers(pipeline: Pipeline):
    """Every fitted text vectorizer inside the feature union."""
    for _, transformer, _ in pipeline.named_steps["features"].transformers_:
        steps = transformer.named_steps.values() if isinstance(transformer, Pipeline) else [transformer]
        for step in steps:
            yield getattr(step, "vectorizer_", step)


def sentences_frame(text: str, doc: str) -> pd.DataFrame:
    """Normalise and split raw ``text`` into a frame with :data:`SENTENCE_COLUMNS`."""
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


@dataclass
class TaxonomyModel:
    """A fitted pipeline with its category list and metadata.

    Use :func:`load_model` to get one, or :func:`taxonomy.train` to make one.
    """

    pipeline: Pipeline
    metadata: dict = field(default_factory=dict)

    @property
    def categories(self) -> list[str]:
        """Category ids in output order."""
        return [str(c) for c in self.pipeline.named_steps["classifier"].categories_]

    @property
    def probability_columns(self) -> list[str]:
        return [f"p_{c}" for c in self.categories]

    @property
    def output_columns(self) -> list[str]:
        """The columns of every labelled table, in order."""
        return OUTPUT_COLUMNS + self.probability_columns

    @property
    def thresholds(self) -> dict[str, float]:
        clf = self.pipeline.named_steps["classifier"]
        return dict(zip(self.categories, map(float, clf.thresholds_)))

    def predict_frame(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Category probabilities and stance for a frame with ``doc`` and ``text`` in speech order."""
        if frame.empty:
            return np.zeros((0, len(self.categories))), np.zeros(0, dtype=object)
        X = add_context(frame, by="doc")
        features = self.pipeline.named_steps["features"].transform(X)
        clf = self.pipeline.named_steps["classifier"]
        return clf.predict_proba(features), clf.predict_stance(features)

    def label_sentences(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Label a frame of sentences (:data:`SENTENCE_COLUMNS`) and return the output table."""
        proba, stance = self.predict_frame(frame)
        out = frame[SENTENCE_COLUMNS].reset_index(drop=True).copy()
        chosen = proba >= self.pipeline.named_steps["classifier"].thresholds_
        cats = np.array(self.categories, dtype=object)
        out["labels"] = ["|".join(cats[row]) for row in chosen]
        out["labels_zh"] = chinese_labels(out["labels"])
        out["stance"] = np.where(chosen.any(axis=1), stance, "")
        out["check"] = near_threshold(proba, self.pipeline.named_steps["classifier"].thresholds_)
        probs = pd.DataFrame(np.round(proba, 4), columns=self.probability_columns)
        return pd.concat([out, probs], axis=1)

    def explain(self, text: str, *, top: int = 5, doc: str = "text") -> pd.DataFrame:
        """Why each sentence of ``text`` got its labels: the features that pushed most.

        Returns one row per (sentence, predicted category, feature) with the columns
        ``sentence_id, text, category, probability, feature, contribution``, where
        ``feature`` is ``word:…``, ``char:…`` (n-grams of the sentence), ``prev:…``,
        ``next:…``, ``heading:…`` (of its context) or ``lex:<id>``, ``lex_negated:<id>``,
        ``lex_remedy:<id>`` (a stock expression of that category) and ``contribution`` is the
        feature's TF-IDF value times the category's coefficient (log-odds).

        >>> model.explain("有的科室让企业来回跑。").iloc[0]["category"]   # doctest: +SKIP
        'buck_passing'
        """
        from .features import feature_names

        frame = sentences_frame(text, doc)
        labelled = self.label_sentences(frame)
        if frame.empty:
            return pd.DataFrame(columns=["sentence_id", "text", "category", "probability", "feature", "contribution"])
        features = self.pipeline.named_steps["features"]
        X = features.transform(add_context(frame, by="doc")).tocsr()
        names = feature_names(features)
        clf = self.pipeline.named_steps["classifier"]
        learnable = list(np.flatnonzero(clf.learnable_))
        rows = []
        for i, record in labelled.iterrows():
            for category in filter(None, record["labels"].split("|")):
                k = self.categories.index(category)
                if k not in learnable:
                    continue
                coef = clf.estimator_.estimators_[learnable.index(k)].coef_.ravel()
                start, end = X.indptr[i], X.indptr[i + 1]
                columns, values = X.indices[start:end], X.data[start:end]
                contributions = values * coef[columns]
                for j in np.argsort(-contributions)[:top]:
                    if contributions[j] <= 0:
                        break
                    rows.append((record["sentence_id"], record["text"], category, record[f"p_{category}"],
                                 names[columns[j]], round(float(contributions[j]), 4)))
        return pd.DataFrame(rows, columns=["sentence_id", "text", "category", "probability", "feature", "contribution"])

    def label_text(self, text: str, doc: str = "text") -> pd.DataFrame:
        """Normalise, split and label one speech given as a string.

        Returns one row per sentence with the columns :attr:`output_columns`;
        ``start``/``end`` are offsets into the normalised text.
        """
        return self.label_sentences(sentences_frame(text, doc))

    def label_files(self, paths: Iterable[str | Path]) -> pd.DataFrame:
        """Label every speech under ``paths`` (files or folders) and return one table.

        For corpora too large to hold in memory, write to a file with
        :func:`taxonomy.labelling.label_to_file` instead.
        """
        from .labelling import label_batches

        tables = list(label_batches(self, [(doc, str(path)) for doc, path in expand_paths(paths)]))
        if not tables:
            return pd.DataFrame(columns=self.output_columns)
        return pd.concat(tables, ignore_index=True)

    def save(self, path: str | Path) -> Path:
        """Write the model with skops and its metadata as JSON beside it (``.json``).

        Both are written to temporary files first and renamed into place.
        """
        import skops.io as sio

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = sio.dumps(compact_for_storage(self.pipeline), compression=zipfile.ZIP_DEFLATED)
        untrusted = set(sio.get_untrusted_types(data=payload)) - set(TRUSTED_TYPES)
        if untrusted:
            raise TaxonomyError(f"{path}: the model holds types not on the trusted list: {sorted(untrusted)}")
        _atomic_write(path, lambda handle: handle.write(payload), binary=True)
        meta = metadata_path(path)
        _atomic_write(meta, lambda handle: handle.write(json.dumps(self.metadata, ensure_ascii=False, indent=2) + "\n"))
        return path


def metadata_path(model_path: str | Path) -> Path:
    """The metadata file that belongs to ``model_path``."""
    return Path(model_path).with_suffix(".json")


def _atomic_write(path: Path, write, *, binary: bool = False) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as handle:
            write(handle)
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_model(path: str | Path | None = None) -> TaxonomyModel:
    """Load a model saved by :meth:`TaxonomyModel.save` (default: the project's default model).

    Raises
    ------
    TaxonomyError
        When the file is missing or holds a type that is not trusted.
    """
    import skops.io as sio

    path = Path(path) if path is not None else config.default_model_path()
    if not path.is_file():
        raise TaxonomyError(f"{path}: no model file (train one with `taxonomy train`)")
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        # one pass: skops refuses the file if it holds any type not on the list
        pipeline = sio.load(path, trusted=TRUSTED_TYPES)
    except UntrustedTypesFoundException as exc:
        raise TaxonomyError(f"{path}: refuses to load untrusted types ({exc})") from None
    except Exception as exc:  # not a zip, no schema, unreadable content
        raise TaxonomyError(f"{path}: not a skops model file ({type(exc).__name__})") from None
    meta_file = metadata_path(path)
    metadata = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    return TaxonomyModel(pipeline=pipeline, metadata=metadata)
