"""The inference bundle: what labelling needs of a trained model, as plain arrays.

Training writes, beside ``model.skops``, ``model.bundle.npz``: the segmenter's compact
dictionary, the word and character vocabularies with their idf weights, the lexicon's
expressions, and the classifier's coefficients, intercepts, Platt calibration and
thresholds, plus a JSON header (``meta``) with the categories, the parameters of every
block and the SHA-256 of the skops file it was made from. It is read with
``numpy.load(allow_pickle=False)`` and ``json``, so loading it cannot run code and
needs neither scikit-learn, skops nor pandas (:mod:`taxonomy.fastmodel` labels with
it). Strings are stored as UTF-8 bytes with offsets, so no text is changed on the way.

A model without a bundle (older models, or a pipeline this module cannot export,
such as one with the full jieba dictionary) is labelled through scikit-learn as before.

Examples
--------
>>> bundle_path("models/taxonomy-default.skops").name
'taxonomy-default.bundle.npz'
>>> pack_strings(["推诿", "a b"])[1].tolist()
[0, 6, 9]
>>> unpack_strings(*pack_strings(["推诿", "a b"]))
['推诿', 'a b']
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np

from .errors import TaxonomyError

FORMAT = 1
SUFFIX = ".bundle.npz"


class NotExportable(Exception):
    """The pipeline has a part the bundle cannot represent exactly."""


def bundle_path(model_path: str | Path) -> Path:
    """The bundle that belongs to ``model_path`` (``x.skops`` → ``x.bundle.npz``)."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.stem + SUFFIX)


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pack_strings(strings) -> tuple[np.ndarray, np.ndarray]:
    """``strings`` as concatenated UTF-8 bytes and ``len + 1`` byte offsets."""
    encoded = [str(s).encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(e) for e in encoded])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets


def unpack_strings(data: np.ndarray, offsets: np.ndarray) -> list[str]:
    """The strings packed by :func:`pack_strings`."""
    raw = data.tobytes()
    bounds = offsets.tolist()
    return [raw[a:b].decode("utf-8") for a, b in zip(bounds[:-1], bounds[1:])]


def _terms(vectorizer) -> list[str]:
    """A fitted vectorizer's terms in column order (a vocabulary dict, or the stored array)."""
    if hasattr(vectorizer, "vocabulary_"):
        terms = [""] * len(vectorizer.vocabulary_)
        for term, index in vectorizer.vocabulary_.items():
            terms[index] = term
        return terms
    return [str(t) for t in vectorizer.vocabulary]


def _tfidf(vectorizer, analyzer: str) -> dict:
    p = vectorizer.get_params(deep=False)
    expected = {"analyzer": analyzer, "norm": "l2", "use_idf": True, "binary": False, "strip_accents": None,
                "preprocessor": None, "tokenizer": None, "stop_words": None, "input": "content"}
    for key, value in expected.items():
        if p[key] != value:
            raise NotExportable(f"vectorizer {key}={p[key]!r}")
    if analyzer == "word" and (p["lowercase"] or p["token_pattern"] != r"(?u)\S+"):
        raise NotExportable("word vectorizer lowercases or has another token pattern")
    return {"ngram_range": list(p["ngram_range"]), "sublinear_tf": bool(p["sublinear_tf"]),
            "lowercase": bool(p["lowercase"]), "dtype": np.dtype(p["dtype"]).name}


def export_arrays(pipeline) -> tuple[dict, dict[str, np.ndarray]]:
    """``(meta, arrays)`` of a fitted taxonomy pipeline; raises :class:`NotExportable`."""
    features, clf = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
    meta: dict = {"format": FORMAT, "blocks": []}
    arrays: dict[str, np.ndarray] = {}
    for name, transformer, _ in features.transformers_:
        if name == "remainder":
            continue
        if name == "words":
            segment, tfidf = transformer.named_steps["segment"], transformer.named_steps["tfidf"]
            if segment.dictionary != "compact":
                raise NotExportable("the bundle needs the compact dictionary")
            block = {"name": "words", "hmm": bool(segment.hmm), "total": int(segment.dictionary_total_),
                     **_tfidf(tfidf, "word")}
            arrays["dictionary_words"], arrays["dictionary_words_offsets"] = pack_strings(segment.dictionary_words_)
            arrays["dictionary_freqs"] = np.asarray(segment.dictionary_freqs_, dtype=np.int64)
            terms, idf = _terms(tfidf), tfidf.idf_
        elif name == "chars":
            block = {"name": "chars", "context": bool(transformer.context),
                     "context_weight": float(transformer.context_weight), **_tfidf(transformer.vectorizer_, "char")}
            terms, idf = _terms(transformer.vectorizer_), transformer.vectorizer_.idf_
        elif name == "lexicon":
            block = {"name": "lexicon", "weight": float(transformer.weight),
                     "categories": [str(c) for c in transformer.categories_]}
            arrays["lexicon_terms"], arrays["lexicon_terms_offsets"] = pack_strings(transformer.terms_)
            arrays["lexicon_term_categories"], arrays["lexicon_term_categories_offsets"] = pack_strings(
                transformer.term_categories_)
            meta["blocks"].append(block)
            continue
        else:
            raise NotExportable(f"unknown feature block {name!r}")
        arrays[f"{name}_terms"], arrays[f"{name}_terms_offsets"] = pack_strings(terms)
        arrays[f"{name}_idf"] = np.asarray(idf)
        meta["blocks"].append(block)
    learnable = np.asarray(clf.learnable_, dtype=bool)
    heads = [est.coef_.ravel() for est in (clf.estimator_.estimators_ if clf.estimator_ is not None else [])]
    intercepts = [float(est.intercept_.ravel()[0]) for est in (clf.estimator_.estimators_ if clf.estimator_ is not None else [])]
    if len(heads) != int(learnable.sum()):
        raise NotExportable("classifier heads do not match the learnable categories")
    stance = clf.stance_estimator_
    if stance is not None:
        heads.append(stance.coef_.ravel())
        intercepts.append(float(stance.intercept_.ravel()[0]))
    n_features = int(heads[0].shape[0]) if heads else 0
    arrays["coef"] = np.ascontiguousarray(np.column_stack(heads) if heads else np.zeros((0, 0)), dtype=np.float64)
    arrays["intercept"] = np.asarray(intercepts, dtype=np.float64)
    arrays["learnable"] = learnable
    arrays["constant"] = np.asarray(clf.constant_, dtype=np.float64)
    arrays["calibration"] = np.asarray(clf.calibration_, dtype=np.float64)
    arrays["thresholds"] = np.asarray(clf.thresholds_, dtype=np.float64)
    meta.update(categories=[str(c) for c in clf.categories_], n_features=n_features,
                stance_head=stance is not None, stance_default=str(clf.stance_default_))
    return meta, arrays


def write_bundle(pipeline, model_path: str | Path, *, overwrite: bool = True) -> Path | None:
    """Write the bundle of ``pipeline`` beside ``model_path`` (already written); ``None`` if not exportable.

    The bundle records the SHA-256 of the model file, so a bundle left beside another
    model is recognised and not used (:func:`read_bundle`).
    """
    from .atomic import write_atomic

    try:
        meta, arrays = export_arrays(pipeline)
    except (NotExportable, AttributeError, KeyError):
        bundle_path(model_path).unlink(missing_ok=True)  # never leave a stale bundle beside a new model
        return None
    meta["model_sha256"] = file_digest(model_path)
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8).copy()
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # uncompressed: inflating the coefficients would cost a tenth of a second at every start
    target = bundle_path(model_path)
    write_atomic(target, buffer.getvalue(), overwrite=overwrite)
    return target


def read_bundle(path: str | Path, *, model_path: str | Path | None = None) -> tuple[dict, dict[str, np.ndarray]]:
    """``(meta, arrays)`` of a bundle, read without unpickling anything.

    With ``model_path`` the bundle must have been made from that very file (same
    SHA-256). Raises :class:`TaxonomyError` naming the file when it is unreadable,
    of another format, or of another model.
    """
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{path}: not an inference bundle ({type(exc).__name__})") from None
    if meta.get("format") != FORMAT:
        raise TaxonomyError(f"{path}: bundle format {meta.get('format')!r}, this version reads {FORMAT}")
    if model_path is not None and meta.get("model_sha256") != file_digest(model_path):
        raise TaxonomyError(f"{path}: made from another model than {model_path}")
    return meta, arrays
