"""The untrained model: one scikit-learn Pipeline built from one parameters object.

:class:`ModelParams` holds every choice of the model; :func:`build_pipeline` turns it
into ``Pipeline([("features", ColumnTransformer), ("classifier", ProblemClassifier)])``.
The pipeline takes a frame with the columns :data:`taxonomy.features.INPUT_COLUMNS`
(``doc``, ``sentence_id``, ``text``) and works with scikit-learn's own tools::

    from sklearn.model_selection import GroupKFold, cross_val_score
    cross_val_score(build_pipeline(), X, Y, groups=groups, cv=GroupKFold(5),
                    scoring="f1_macro", params={"classifier__groups": groups})

Examples
--------
>>> params = ModelParams(C=8.0)
>>> [name for name, _ in build_pipeline(params).steps]
['features', 'classifier']
>>> build_pipeline(params).get_params()["classifier__C"]
8.0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from .classifier import ProblemClassifier
from .features import INPUT_COLUMNS, TOKEN_PATTERN, SentenceContextTfidf
from .lexicon import LexiconFeatures, packaged_expressions
from .segmentation import JiebaSegmenter


@dataclass(frozen=True)
class ModelParams:
    """Every choice of the model, with the defaults of the shipped model.

    Features: ``words`` (jieba word uni/bigrams), ``chars`` (character 1–3-grams),
    ``context`` (the character vectors of the previous/next sentence and the section
    heading, times ``context_weight``; needs ``chars``), ``lexicon`` (stock-expression
    hits, times ``lexicon_weight``); ``dictionary`` is the segmenter's ("compact" or
    "full"); terms in fewer than ``min_df`` sentences are dropped and vocabularies are
    capped at ``max_word_features`` / ``max_char_features``. Classifier: ``C`` and
    ``class_weight`` of the per-category logistic regressions, ``tune_thresholds``
    and ``calibrate`` (see :class:`taxonomy.classifier.ProblemClassifier`).
    """

    words: bool = True
    chars: bool = True
    context: bool = True
    context_weight: float = 0.5
    dictionary: str = "compact"
    min_df: int = 2
    max_word_features: int | None = 10000
    max_char_features: int = 20000
    lexicon: bool = True
    lexicon_weight: float = 1.0
    C: float = 32.0
    class_weight: str | None = "balanced"
    tune_thresholds: bool = True
    calibrate: bool = True

    @classmethod
    def from_dict(cls, values: dict | None) -> "ModelParams":
        """Parameters from a dict such as a model's metadata ``params`` (unknown keys are an error)."""
        values = dict(values or {})
        unknown = sorted(set(values) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown model parameter(s): {', '.join(unknown)}")
        return cls(**values)

    def to_dict(self) -> dict:
        return asdict(self)


def build_features(params: ModelParams) -> ColumnTransformer:
    """The feature union over the columns of :data:`taxonomy.features.INPUT_COLUMNS`."""
    parts = []
    if params.words:
        words = Pipeline([
            ("segment", JiebaSegmenter(dictionary=params.dictionary)),
            ("tfidf", TfidfVectorizer(
                token_pattern=TOKEN_PATTERN, lowercase=False, ngram_range=(1, 2), sublinear_tf=True,
                min_df=params.min_df, max_features=params.max_word_features, dtype=np.float32,
            )),
        ])
        parts.append(("words", words, "text"))
    if params.chars:
        chars = SentenceContextTfidf(
            min_df=params.min_df, max_features=params.max_char_features, context=params.context,
            context_weight=params.context_weight,
        )
        parts.append(("chars", chars, list(INPUT_COLUMNS)))
    elif params.context:
        raise ValueError("context features are built from the character block: keep chars on")
    if params.lexicon and packaged_expressions():
        parts.append(("lexicon", LexiconFeatures(weight=params.lexicon_weight), "text"))
    if not parts:
        raise ValueError("at least one of words, chars or lexicon must be on")
    return ColumnTransformer(parts, sparse_threshold=1.0)


def build_pipeline(params: ModelParams | None = None, **overrides) -> Pipeline:
    """The untrained model for ``params`` (default: the shipped model's), with ``overrides`` applied.

    >>> build_pipeline(words=False, context=False).named_steps["features"].transformers[0][0]
    'chars'
    """
    params = params or ModelParams()
    if overrides:
        params = ModelParams(**{**params.to_dict(), **overrides})
    classifier = ProblemClassifier(
        C=params.C, class_weight=params.class_weight, tune_thresholds=params.tune_thresholds,
        calibrate=params.calibrate,
    )
    return Pipeline([("features", build_features(params)), ("classifier", classifier)])


def feature_names(features: ColumnTransformer) -> np.ndarray:
    """Names of the columns a fitted feature union produces, as ``block:term``."""
    names = []
    for name, transformer, _ in features.transformers_:
        if name == "words":
            terms = transformer.named_steps["tfidf"].get_feature_names_out().astype(str)
            names.append(np.char.add("word:", terms))
        elif name == "chars":
            terms = transformer.get_feature_names_out().astype(str)
            names.append(np.array([t if ":" in t[:8] else f"char:{t}" for t in terms], dtype=object))
        elif name == "lexicon":
            names.append(transformer.get_feature_names_out().astype(object))
    return np.concatenate(names).astype(object)
