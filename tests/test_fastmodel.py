"""The bundle gives the pipeline's probabilities and labels, without scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxonomy.fastmodel import FastModel, context_positions

from conftest import REPO, SPEECHES

TOLERANCE = 1e-9


def _raw_frame() -> pd.DataFrame:
    from taxonomy.documents import sentences_frame
    from taxonomy.reading import read_document

    return pd.concat([sentences_frame(read_document(p), p.name) for p in SPEECHES], ignore_index=True)


def _labelled_frame() -> pd.DataFrame:
    from taxonomy.dataset import read_labelled

    rows = read_labelled(REPO / "data" / "labelled")
    frame = pd.DataFrame({"doc": [r.source for r in rows], "text": [r.text for r in rows]})
    frame["sentence_id"] = frame.groupby("doc").cumcount()
    return frame


def _compare(pipeline_model, fast: FastModel, frame: pd.DataFrame) -> None:
    proba, stance = pipeline_model.predict_frame(frame)
    fast_proba, fast_stance = fast.predict(frame["doc"].tolist(), frame["sentence_id"].to_numpy(), frame["text"].tolist())
    assert np.abs(proba - fast_proba).max() <= TOLERANCE
    thresholds = pipeline_model.classifier.thresholds_
    assert ((proba >= thresholds) == (fast_proba >= thresholds)).all()
    has_label = (proba >= thresholds).any(axis=1)
    assert (stance[has_label] == fast_stance[has_label]).all()
    assert (stance == fast_stance).all()


@pytest.fixture(scope="module")
def fast_tiny(tiny_model_path) -> FastModel:
    return FastModel.load(tiny_model_path)


def test_same_probabilities_on_the_raw_speeches(tiny_model, fast_tiny):
    _compare(tiny_model, fast_tiny, _raw_frame())


def test_same_probabilities_on_the_labelled_set(tiny_model, fast_tiny):
    _compare(tiny_model, fast_tiny, _labelled_frame())


def test_same_probabilities_with_the_default_model():
    """The shipped model, when it has a bundle (written by `taxonomy train`), on both corpora."""
    from taxonomy import config
    from taxonomy.fastlabel import fast_model
    from taxonomy.model import load_model

    fast = fast_model(config.default_model_path())
    if fast is None:
        pytest.skip("the default model has no inference bundle beside it")
    model = load_model(config.default_model_path())
    _compare(model, fast, _raw_frame())
    _compare(model, fast, _labelled_frame())


def test_rows_in_any_order_get_their_context(tiny_model, fast_tiny):
    frame = _raw_frame()
    shuffled = frame.sample(frac=1.0, random_state=0).reset_index(drop=True)
    proba, _ = fast_tiny.predict(frame["doc"].tolist(), frame["sentence_id"].to_numpy(), frame["text"].tolist())
    again, _ = fast_tiny.predict(shuffled["doc"].tolist(), shuffled["sentence_id"].to_numpy(), shuffled["text"].tolist())
    by_key = dict(zip(zip(shuffled["doc"], shuffled["sentence_id"]), again))
    assert np.array_equal(proba, np.array([by_key[k] for k in zip(frame["doc"], frame["sentence_id"])]))
    _compare(tiny_model, fast_tiny, shuffled)


def test_context_positions_match_the_pipeline():
    from taxonomy.features import context_positions as pipeline_positions

    frame = _raw_frame().sample(frac=1.0, random_state=1).reset_index(drop=True)
    ours = context_positions(frame["doc"].tolist(), frame["sentence_id"].to_numpy(), frame["text"].tolist())
    for a, b in zip(ours, pipeline_positions(frame)):
        assert np.array_equal(a, b)


sentence = st.text(alphabet=st.sampled_from(list("一二、是推诿扯皮干部群众坚决杜绝吃拿卡要没有的，。；") + list("aZ9.-% \t") + ["Σ", "İ", "\0", "\n"]),
                   min_size=0, max_size=30)


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(sentence, min_size=1, max_size=6))
def test_same_probabilities_on_any_text(tiny_model, fast_tiny, texts):
    frame = pd.DataFrame({"doc": "d", "sentence_id": range(len(texts)), "text": texts})
    _compare(tiny_model, fast_tiny, frame)


def test_pickles_as_its_path(fast_tiny, tiny_model_path):
    import pickle

    again = pickle.loads(pickle.dumps(fast_tiny))
    assert again.path == tiny_model_path and again.categories == fast_tiny.categories


def test_numpy_and_scipy_products_are_the_same(fast_tiny, monkeypatch):
    import taxonomy.fastmodel as fastmodel

    frame = _raw_frame()
    args = (frame["doc"].tolist(), frame["sentence_id"].to_numpy(), frame["text"].tolist())
    monkeypatch.setattr(fastmodel, "SCIPY_FROM", 10**9)
    with_numpy = fast_tiny.decision(*args)
    monkeypatch.setattr(fastmodel, "SCIPY_FROM", 1)
    assert np.array_equal(with_numpy, fast_tiny.decision(*args))


@given(texts=st.lists(st.text(alphabet=st.sampled_from(["Σ", "σ", "A", "İ", "a", " ", "\t", "\n", "\0", "推"]), max_size=8),
                      max_size=5))
def test_texts_prepared_together_as_one_by_one(texts):
    import re

    from taxonomy.sparserows import prepare_chars

    folded = [re.sub(r"\s\s+", " ", t.lower()) for t in texts]
    assert prepare_chars(texts, True) == folded
