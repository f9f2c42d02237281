"""Saving and loading models so that a model file cannot run code or hang labelling.

A model is stored with ``skops.io`` and loaded only when every type in the file is on
:data:`TRUSTED_TYPES` (checked by skops before anything is built). Types are not
enough: a file made only of trusted types can still carry, say, a catastrophic regular
expression as a vectorizer's ``token_pattern``. So a loaded pipeline is also compared
with the pipeline this version builds for the same parameters (:func:`check_pipeline`):
the same steps with the same parameters, and every text vectorizer inside it, fitted
ones included, with the analyzers, token pattern and n-gram ranges this version writes.

Examples
--------
>>> from taxonomy.pipeline import build_pipeline
>>> check_pipeline(build_pipeline(), build_pipeline())
>>> tampered = build_pipeline()
>>> _ = tampered.set_params(features__words__tfidf__token_pattern=r"(a+)+$")
>>> check_pipeline(tampered, build_pipeline())
Traceback (most recent call last):
...
taxonomy.errors.TaxonomyError: model parameter pipeline.features.words.tfidf.token_pattern is '(a+)+$', not '(?u)\\\\S+' as this version writes
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from .atomic import write_atomic
from .errors import TaxonomyError
from .features import TOKEN_PATTERN

TRUSTED_TYPES = [
    "taxonomy.segmentation.JiebaSegmenter",
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
# scikit-learn versions on which vocabulary compaction was checked (tests/test_persistence.py)
COMPACTION_CHECKED = ((1, 4), (1, 9))
MAX_NGRAM = 3


def metadata_path(model_path: str | Path) -> Path:
    """The metadata file that belongs to ``model_path``."""
    return Path(model_path).with_suffix(".json")


# --------------------------------------------------------------------------- compaction


def _sklearn_version() -> tuple[int, int]:
    import sklearn

    major, minor = sklearn.__version__.split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


def compact_for_storage(pipeline: Pipeline) -> Pipeline:
    """Store every fitted vocabulary as an array instead of a dict, in place.

    skops stores a ``TfidfVectorizer``'s ``vocabulary_`` dict entry by entry and takes
    seconds to rebuild tens of thousands of terms. Here the terms go, in index order,
    into the vectorizer's own ``vocabulary`` parameter as a NumPy array and
    ``vocabulary_`` is dropped; scikit-learn rebuilds it from the parameter with the
    same indices on the first ``transform``. That rebuild is scikit-learn behaviour
    that is not part of its documented API, so this adapter runs only on the versions
    in :data:`COMPACTION_CHECKED` (a test compares features before and after); on any
    other version the dict is stored as it is (slower to load, same predictions).
    """
    low, high = COMPACTION_CHECKED
    if not low <= _sklearn_version() <= high:
        return pipeline
    for vectorizer in _estimators(pipeline):
        if not isinstance(vectorizer, TfidfVectorizer) or not hasattr(vectorizer, "vocabulary_"):
            continue
        if getattr(vectorizer, "vocabulary", None) is None:
            terms = [""] * len(vectorizer.vocabulary_)
            for term, index in vectorizer.vocabulary_.items():
                terms[index] = term
            vectorizer.vocabulary = np.array(terms, dtype=str)
            vectorizer.fixed_vocabulary_ = True
        del vectorizer.vocabulary_
    return pipeline


# --------------------------------------------------------------------------- checks


def _estimators(root):
    """Every estimator reachable from ``root``: parameters and fitted attributes."""
    seen, stack = set(), [root]
    while stack:
        est = stack.pop()
        if id(est) in seen:
            continue
        seen.add(id(est))
        yield est
        for value in vars(est).values():
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                parts = item if isinstance(item, tuple) else (item,)
                stack.extend(p for p in parts if isinstance(p, BaseEstimator))


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and bool(np.all(a == b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b if not isinstance(a, float) else a == b


def _fail(where: str, key: str, value, expected) -> None:
    raise TaxonomyError(f"model parameter {where}.{key} is {value!r}, not {expected!r} as this version writes")


def _compare(loaded, fresh, where: str) -> None:
    if type(loaded) is not type(fresh):
        raise TaxonomyError(f"model step {where} is a {type(loaded).__name__}, not a {type(fresh).__name__}")
    ours, theirs = loaded.get_params(deep=False), fresh.get_params(deep=False)
    if set(ours) != set(theirs):
        raise TaxonomyError(f"model step {where} has parameters {sorted(ours)}, not {sorted(theirs)}")
    for key, value in ours.items():
        expected = theirs[key]
        if key in ("steps", "transformers"):
            if len(value) != len(expected):
                _fail(where, key, [t[0] for t in value], [t[0] for t in expected])
            for got, want in zip(value, expected):
                if got[0] != want[0] or not _same(list(got[2:]), list(want[2:])):
                    _fail(where, key, got[:1] + got[2:], want[:1] + want[2:])
                _compare(got[1], want[1], f"{where}.{got[0]}")
        elif isinstance(expected, BaseEstimator):
            _compare(value, expected, f"{where}.{key}")
        elif key == "vocabulary" and isinstance(loaded, TfidfVectorizer):
            if value is not None and not (isinstance(value, np.ndarray) and value.dtype.kind == "U"):
                _fail(where, key, type(value).__name__, "an array of terms")
        elif not _same(value, expected):
            _fail(where, key, value, expected)


def _check_vectorizer(vectorizer: TfidfVectorizer) -> None:
    p = vectorizer.get_params(deep=False)
    low, high = p["ngram_range"]
    if p["analyzer"] not in ("word", "char") or p["tokenizer"] is not None or p["preprocessor"] is not None:
        raise TaxonomyError(f"model holds a vectorizer with analyzer {p['analyzer']!r} this version does not write")
    if p["analyzer"] == "word" and p["token_pattern"] != TOKEN_PATTERN:
        _fail("vectorizer", "token_pattern", p["token_pattern"], TOKEN_PATTERN)
    if not (1 <= low <= high <= MAX_NGRAM):
        _fail("vectorizer", "ngram_range", p["ngram_range"], f"within (1, {MAX_NGRAM})")


def check_pipeline(pipeline: Pipeline, fresh: Pipeline) -> None:
    """Raise :class:`TaxonomyError` unless ``pipeline`` has the structure and parameters of ``fresh``."""
    _compare(pipeline, fresh, "pipeline")
    for est in _estimators(pipeline):
        if isinstance(est, TfidfVectorizer):
            _check_vectorizer(est)
    for est in _estimators(pipeline):
        if isinstance(est, BaseEstimator) and type(est).__name__ == "SentenceContextTfidf" and hasattr(est, "vectorizer_"):
            if est.vectorizer_.analyzer != "char":
                _fail("chars.vectorizer_", "analyzer", est.vectorizer_.analyzer, "char")


# --------------------------------------------------------------------------- save and load


def save_pipeline(pipeline: Pipeline, metadata: dict, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write ``pipeline`` with skops, ``metadata`` as JSON and the inference bundle beside it, atomically.

    The bundle (:mod:`taxonomy.bundle`, ``<name>.bundle.npz``) holds what labelling needs
    as plain arrays; a pipeline it cannot represent gets none (and an old one is removed).
    """
    import skops.io as sio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = sio.dumps(compact_for_storage(pipeline), compression=zipfile.ZIP_DEFLATED)
    untrusted = set(sio.get_untrusted_types(data=payload)) - set(TRUSTED_TYPES)
    if untrusted:
        raise TaxonomyError(f"{path}: the model holds types not on the trusted list: {sorted(untrusted)}")
    write_atomic(path, payload, overwrite=overwrite)
    write_atomic(metadata_path(path), json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", overwrite=True)
    from .bundle import write_bundle

    write_bundle(pipeline, path)  # the inference bundle labelling loads without scikit-learn
    return path


def load_pipeline(path: str | Path) -> tuple[Pipeline, dict]:
    """Load a pipeline saved by :func:`save_pipeline` and its metadata, after every check.

    Raises
    ------
    TaxonomyError
        When the file is missing, is not a skops model, holds an untrusted type, or its
        structure or parameters differ from what this version writes.
    """
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    from .pipeline import ModelParams, build_pipeline

    path = Path(path)
    if not path.is_file():
        raise TaxonomyError(f"{path}: no such model file")
    try:
        pipeline = sio.load(path, trusted=TRUSTED_TYPES)  # refuses any type not on the list
    except UntrustedTypesFoundException as exc:
        raise TaxonomyError(f"{path}: refuses to load untrusted types ({exc})") from None
    except Exception as exc:  # not a zip, no schema, unreadable content
        raise TaxonomyError(f"{path}: not a skops model file ({type(exc).__name__})") from None
    meta_file = metadata_path(path)
    try:
        metadata = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
        fresh = build_pipeline(ModelParams.from_dict(metadata.get("params")))
    except (ValueError, TypeError, AttributeError) as exc:
        raise TaxonomyError(f"{meta_file}: unreadable model metadata ({exc})") from None
    try:
        check_pipeline(pipeline, fresh)
    except TaxonomyError as exc:
        raise TaxonomyError(f"{path}: {exc}") from None
    return pipeline, metadata
