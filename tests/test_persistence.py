import copy
import json
import shutil
import time

import numpy as np
import pytest
import skops.io as sio

from taxonomy.errors import TaxonomyError
from taxonomy.fitting import load_training_data
from taxonomy.model import TaxonomyModel, load_model
from taxonomy.persistence import TRUSTED_TYPES, check_pipeline, compact_for_storage, metadata_path
from taxonomy.pipeline import build_pipeline


def _resave(model, tmp_path, name, change):
    """Save a copy of ``model`` with ``change`` applied to its pipeline, bypassing every check but skops' own."""
    pipeline = copy.deepcopy(model.pipeline)
    change(pipeline)
    path = tmp_path / name
    path.write_bytes(sio.dumps(pipeline))
    shutil.copy(metadata_path(model_path_of(model, tmp_path)), metadata_path(path))
    return path


def model_path_of(model, tmp_path):
    path = tmp_path / "original.skops"
    if not path.exists():
        model.save(path)
    return path


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p.set_params(features__words__tfidf__token_pattern=r"(a|aa)+$"), "token_pattern"),
        (lambda p: setattr(p.named_steps["features"].named_transformers_["words"].named_steps["tfidf"],
                           "token_pattern", r"(x+x+)+y"), "token_pattern"),
        (lambda p: setattr(p.named_steps["features"].named_transformers_["chars"].vectorizer_, "ngram_range", (1, 5000)),
         "ngram_range"),
        (lambda p: setattr(p.named_steps["features"].named_transformers_["chars"].vectorizer_, "analyzer", "word"),
         "token_pattern|analyzer"),
        (lambda p: p.set_params(classifier__C=0.001), "classifier.C"),
    ],
    ids=["token-pattern-param", "token-pattern-fitted", "ngram-range", "analyzer", "other-param"],
)
def test_trusted_types_with_parameters_this_version_does_not_write_are_refused(tiny_model, tmp_path, change, message):
    path = _resave(tiny_model, tmp_path, "tampered.skops", change)
    start = time.perf_counter()
    with pytest.raises(TaxonomyError, match=message):
        load_model(path)
    assert time.perf_counter() - start < 10


def test_an_unchanged_model_passes_the_checks(tiny_model, tmp_path):
    path = _resave(tiny_model, tmp_path, "same.skops", lambda p: None)
    assert load_model(path).categories == tiny_model.categories


def test_pipeline_structure_must_match_the_metadata(tiny_model, tmp_path):
    path = model_path_of(tiny_model, tmp_path)
    meta = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    meta["params"]["lexicon"] = False
    metadata_path(path).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(TaxonomyError, match="transformers"):
        load_model(path)


def test_compaction_keeps_the_features_identical(tiny_corpus):
    data = load_training_data(tiny_corpus)
    pipeline = build_pipeline(min_df=1).fit(data.X, data.Y, **data.fit_params())
    before = pipeline[:-1].transform(data.X).toarray()
    compact_for_storage(pipeline)
    vectorizer = pipeline.named_steps["features"].named_transformers_["chars"].vectorizer_
    assert isinstance(vectorizer.vocabulary, np.ndarray) and not hasattr(vectorizer, "vocabulary_")
    np.testing.assert_array_equal(pipeline[:-1].transform(data.X).toarray(), before)
    check_pipeline(pipeline, build_pipeline(min_df=1))


def test_the_trusted_list_is_exactly_what_a_model_holds(tiny_model):
    held = set(sio.get_untrusted_types(data=sio.dumps(tiny_model.pipeline)))
    assert held <= set(TRUSTED_TYPES)
    assert {"taxonomy.segmentation.JiebaSegmenter", "taxonomy.classifier.ProblemClassifier"} <= held


def test_saving_refuses_to_overwrite_unless_asked(tiny_model, tmp_path):
    path = tmp_path / "m.skops"
    TaxonomyModel(tiny_model.pipeline, tiny_model.metadata).save(path)
    with pytest.raises(TaxonomyError, match="already exists"):
        tiny_model.save(path, overwrite=False)
    assert not list(tmp_path.glob(".*.tmp"))
