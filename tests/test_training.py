import json

import numpy as np
import pytest

from conftest import PASSAGES, write_corpus
from taxonomy.errors import TaxonomyError
from taxonomy.model import load_model
from taxonomy.training import data_hash, load_training_data, train


def test_training_data_has_document_order_and_labels(tiny_corpus):
    data = load_training_data(tiny_corpus)
    assert list(data.X.columns) == ["doc", "sentence_id", "text"]
    assert data.Y.shape == (36, 15)
    assert data.Y["buck_passing"].sum() == 9
    assert data.X["sentence_id"].tolist()[:8] == [0, 1, 2, 3, 4, 5, 0, 1]  # position within each source
    assert set(data.stance) == {"", "problem", "remedy"}
    assert data.fit_params()["classifier__calibrate_on"] is None
    assert data.fit_params("documents")["classifier__calibrate_on"].tolist() == data.documents.tolist()


def test_training_refuses_to_overwrite_before_any_work(tiny_corpus, tmp_path):
    out = tmp_path / "m.skops"
    out.write_bytes(b"keep me")
    with pytest.raises(TaxonomyError, match="already exists"):
        train(tiny_corpus, out, cv=False, overwrite=False)
    assert out.read_bytes() == b"keep me"


def test_tiny_data_with_cv_is_a_clear_error(tmp_path):
    write_corpus(tmp_path, {k: v for k, v in PASSAGES.items() if k in ("p1", "p2")})
    with pytest.raises(TaxonomyError, match="at least 5 sources"):
        train(tmp_path, None, cv=True)
    model, _ = train(tmp_path, None, cv=False)  # two sources are enough for a model
    assert model.label_text("有的干部推诿扯皮。").shape[0] == 1


def test_bad_data_is_refused_with_the_first_problems(tmp_path):
    broken = {"p": [("有的推诿扯皮。", "no_such_id", "problem")]}
    write_corpus(tmp_path, broken)
    with pytest.raises(TaxonomyError, match="unknown category id 'no_such_id'"):
        load_training_data(tmp_path)


def test_train_writes_model_and_metadata(tiny_corpus, tmp_path):
    out = tmp_path / "m.skops"
    model, scores = train(tiny_corpus, out, cv=True, n_splits=3)
    meta = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["training_data_sha256"] == data_hash(tiny_corpus)
    assert meta["n_sentences"] == 36 and meta["n_sources"] == 6
    assert set(meta["thresholds"]) == set(meta["categories"])
    assert {"scikit-learn", "jieba", "python"} <= set(meta["libraries"])
    assert 0 <= scores["micro_f1"] <= 1 and meta["cv_scores"] == scores
    assert load_model(out).categories == model.categories


def test_same_data_same_model(tiny_corpus, tmp_path):
    a, _ = train(tiny_corpus, None, cv=False)
    b, _ = train(tiny_corpus, None, cv=False)
    text = "有的干部推来推去。坚决杜绝吃拿卡要。"
    assert a.label_text(text).equals(b.label_text(text))
    assert np.array_equal(a.pipeline.named_steps["classifier"].thresholds_, b.pipeline.named_steps["classifier"].thresholds_)


def test_data_hash_changes_with_the_data(tmp_path):
    write_corpus(tmp_path / "a")
    changed = {k: list(v) for k, v in PASSAGES.items()}
    changed["p1"][0] = ("一、当前存在的问题", "", "")
    write_corpus(tmp_path / "b", changed)
    assert data_hash(tmp_path / "a") != data_hash(tmp_path / "b")


def test_training_text_is_normalised_like_labelling_text():
    from taxonomy.training import training_text

    assert training_text("６．某局干部違規吃喝。") == "6.某局干部违规吃喝。"
    assert training_text("有的干部推诿扯皮。") == "有的干部推诿扯皮。"


def test_whole_documents_and_passages():
    from taxonomy.dataset import is_whole_document

    assert is_whole_document("speech-003") and is_whole_document("rb-circular-02")
    assert not is_whole_document("w4-p17")
