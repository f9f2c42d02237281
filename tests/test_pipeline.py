import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_val_score

from taxonomy.fitting import load_training_data
from taxonomy.pipeline import ModelParams, build_features, build_pipeline


def test_one_character_words_are_features():
    features = build_features(ModelParams(chars=False, context=False, min_df=1))
    frame = pd.DataFrame({"doc": "a", "sentence_id": [0, 1], "text": ["要 管 好", "管好"]})
    features.fit(frame)
    vocabulary = features.named_transformers_["words"].named_steps["tfidf"].vocabulary_
    assert "管" in vocabulary


def test_feature_blocks_can_be_switched():
    with pytest.raises(ValueError, match="keep chars on"):
        build_features(ModelParams(chars=False))
    with pytest.raises(ValueError, match="at least one"):
        build_features(ModelParams(words=False, chars=False, context=False, lexicon=False))
    assert [name for name, _, _ in build_features(ModelParams(words=False)).transformers] == ["chars", "lexicon"]
    assert [name for name, _, _ in build_features(ModelParams(words=False, lexicon=False)).transformers] == ["chars"]


def test_params_reach_the_estimators():
    params = build_pipeline(C=8.0, class_weight=None, min_df=3, context_weight=0.25).get_params()
    assert params["classifier__C"] == 8.0 and params["classifier__class_weight"] is None
    assert params["features__chars__min_df"] == 3 and params["features__chars__context_weight"] == 0.25
    assert params["features__words__tfidf__min_df"] == 3


def test_unknown_params_are_refused():
    with pytest.raises(ValueError, match="unknown model parameter"):
        ModelParams.from_dict({"C": 1.0, "gamma": 2})


def test_scikit_learn_cross_validation_and_grid_search_drive_the_pipeline(tiny_corpus):
    data = load_training_data(tiny_corpus)
    pipeline = build_pipeline(min_df=1, tune_thresholds=False)
    params = data.fit_params()
    scores = cross_val_score(pipeline, data.X, data.Y, groups=data.groups, cv=GroupKFold(3), scoring="f1_micro", params=params)
    assert scores.shape == (3,) and np.all((0 <= scores) & (scores <= 1))
    search = GridSearchCV(pipeline, {"classifier__C": [1.0, 32.0]}, cv=GroupKFold(3), scoring="f1_micro")
    search.fit(data.X, data.Y, groups=data.groups, **params)
    assert search.best_params_["classifier__C"] in (1.0, 32.0)
    assert search.predict(data.X).shape == data.Y.shape


def test_predictions_on_a_row_subset_of_whole_sources_match_the_full_frame(tiny_model):
    data = load_training_data_from_model_corpus()
    full = tiny_model.pipeline.predict_proba(data.X)
    rows = np.flatnonzero(np.isin(data.groups, ["p2", "p5"]))[::-1]
    np.testing.assert_allclose(tiny_model.pipeline.predict_proba(data.X.iloc[rows]), full[rows])


def load_training_data_from_model_corpus():
    import tempfile
    from pathlib import Path

    from conftest import write_corpus

    folder = Path(tempfile.mkdtemp()) / "labelled"
    write_corpus(folder)
    return load_training_data(folder)
