"""The inference bundle: written beside the model, read without unpickling, tied to its model file."""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxonomy.bundle import bundle_path, pack_strings, read_bundle, unpack_strings
from taxonomy.errors import TaxonomyError


@given(st.lists(st.text(max_size=12), max_size=30))
def test_strings_round_trip(strings):
    assert unpack_strings(*pack_strings(strings)) == strings


def test_training_writes_the_bundle_beside_the_model(tiny_model_path):
    path = bundle_path(tiny_model_path)
    assert path.is_file() and path.name == "model.bundle.npz"
    meta, arrays = read_bundle(path, model_path=tiny_model_path)
    assert len(meta["categories"]) == 15 and "buck_passing" in meta["categories"]
    assert [b["name"] for b in meta["blocks"]] == ["words", "chars", "lexicon"]
    assert int(arrays["learnable"].sum()) == 3  # the tiny corpus has three categories
    assert arrays["coef"].shape == (meta["n_features"], 4)  # their heads and the stance head
    assert not any(a.dtype == object for a in arrays.values())


def test_a_bundle_of_another_model_is_refused(tiny_model_path, tmp_path):
    other = tmp_path / "model.skops"
    other.write_bytes(tiny_model_path.read_bytes() + b"\0")
    shutil.copy(bundle_path(tiny_model_path), bundle_path(other))
    with pytest.raises(TaxonomyError, match="made from another model"):
        read_bundle(bundle_path(other), model_path=other)


def test_a_bundle_holding_pickled_objects_is_refused(tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array([{"format": 1}], dtype=object))
    path = tmp_path / "m.bundle.npz"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(TaxonomyError, match="not an inference bundle"):
        read_bundle(path)


def test_a_bundle_of_another_format_is_refused(tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.frombuffer(b'{"format": 99}', dtype=np.uint8))
    path = tmp_path / "m.bundle.npz"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(TaxonomyError, match="format 99"):
        read_bundle(path)


def test_a_model_the_bundle_cannot_hold_gets_none_and_loses_a_stale_one(tiny_corpus, tmp_path):
    from taxonomy.training import train

    out = tmp_path / "m.skops"
    bundle_path(out).write_bytes(b"stale")
    train(tiny_corpus, out, cv=False, dictionary="full")
    assert out.is_file() and not bundle_path(out).exists()
