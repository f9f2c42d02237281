import json
import zipfile

import numpy as np
import pytest

from conftest import REPO
from taxonomy import config
from taxonomy.errors import TaxonomyError
from taxonomy.model import OUTPUT_COLUMNS, load_model, metadata_path, sentences_frame


def test_label_text_gives_the_contract_columns(tiny_model, speech_text):
    table = tiny_model.label_text(speech_text, doc="demo")
    assert list(table.columns) == OUTPUT_COLUMNS + [f"p_{c}" for c in tiny_model.categories]
    assert table["doc"].eq("demo").all()
    assert table["sentence_id"].tolist() == list(range(len(table)))
    assert len(tiny_model.categories) == 15


def test_offsets_point_into_the_normalised_text(tiny_model):
    from taxonomy.normalise import normalise_text

    raw = "同志們: 有的幹部推諉扯皮。下载文档\n要杜絕吃拿卡要。"
    table = tiny_model.label_text(raw)
    text = normalise_text(raw)
    for row in table.itertuples():
        assert text[row.start : row.end] == row.text


def test_labels_and_stance_are_consistent(tiny_model):
    table = tiny_model.label_text("有的部门推来推去，群众来回跑了五趟。要坚决纠正吃拿卡要。今年新增市场主体。")
    for row in table.itertuples():
        labels = [l for l in row.labels.split("|") if l]
        assert (row.stance == "") == (not labels)
        for label in labels:
            assert getattr(row, f"p_{label}") >= tiny_model.thresholds[label] - 1e-4
    assert "buck_passing" in table.loc[0, "labels"]


def test_save_load_round_trip_gives_identical_probabilities(tiny_model, tmp_path, speech_text):
    path = tiny_model.save(tmp_path / "copy.skops")
    again = load_model(path)
    a = tiny_model.label_text(speech_text)
    b = again.label_text(speech_text)
    assert a.equals(b)
    frame = sentences_frame(speech_text, "x")
    assert np.array_equal(tiny_model.predict_frame(frame)[0], again.predict_frame(frame)[0])
    assert json.loads(metadata_path(path).read_text(encoding="utf-8"))["categories"] == tiny_model.categories


def test_untrusted_types_are_refused(tiny_model_path, tmp_path):
    tampered = tmp_path / "tampered.skops"
    with zipfile.ZipFile(tiny_model_path) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "schema.json":
                data = data.replace(b"taxonomy.classifier", b"evil.payload", 1)
            target.writestr(item, data)
    with pytest.raises(TaxonomyError, match="untrusted types"):
        load_model(tampered)


def test_missing_and_garbage_model_files(tmp_path):
    with pytest.raises(TaxonomyError, match="no such model file"):
        load_model(tmp_path / "none.skops")
    junk = tmp_path / "junk.skops"
    junk.write_bytes(b"not a zip")
    with pytest.raises(TaxonomyError, match="not a skops model file"):
        load_model(junk)


def test_the_default_model_is_shipped_and_trained_on_the_current_data():
    from taxonomy.training import data_hash

    path = config.default_model_path()
    assert path.is_file(), "ship the default model: taxonomy train --force"
    meta = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    assert meta["training_data_sha256"] == data_hash(REPO / "data" / "labelled"), (
        "the default model is stale: retrain with `taxonomy train --force`"
    )
    assert path.stat().st_size < 50 * 1024 * 1024


@pytest.mark.slow
def test_the_shipped_model_is_what_this_code_trains_on_the_committed_data(tmp_path):
    """Retrain from data/labelled (about 30 s) and compare with the shipped model's bundle."""
    from taxonomy.pipeline import ModelParams
    from taxonomy.training import library_versions, train

    meta = json.loads(metadata_path(config.default_model_path()).read_text(encoding="utf-8"))
    now = library_versions()
    other = sorted(k for k in ("scikit-learn", "numpy", "scipy", "jieba") if meta["libraries"].get(k) != now.get(k))
    if other:
        pytest.skip(f"the shipped model was trained with other versions of {', '.join(other)}")
    out = tmp_path / "retrained.skops"
    train(REPO / "data" / "labelled", out, cv=False, params=ModelParams.from_dict(meta["params"]),
          prevalence=meta["prevalence"])
    shipped = np.load(config.default_model_path().with_name("taxonomy-default.bundle.npz"))
    retrained = np.load(out.with_name("retrained.bundle.npz"))
    assert sorted(shipped.files) == sorted(retrained.files)
    for key in shipped.files:
        if key == "meta":  # names its own model file
            continue
        a, b = shipped[key], retrained[key]
        if a.dtype.kind == "f":
            assert np.allclose(a, b, rtol=1e-6, atol=1e-9, equal_nan=True), key
        else:
            assert np.array_equal(a, b), key


def test_default_model_labels_a_clear_case():
    model = load_model()
    table = model.label_text("有的干部遇到矛盾绕道走，碰到问题向上推。今年全市生产总值增长百分之六。")
    assert "buck_passing" in table.loc[0, "labels"].split("|")
    assert table.loc[0, "stance"] == "problem"
    assert table.loc[1, "labels"] == ""


def test_explain_lists_features_behind_each_label(tiny_model):
    text = "有的部门推来推去，群众来回跑了五趟。今年新增市场主体。"
    labelled = tiny_model.label_text(text)
    explained = tiny_model.explain(text, top=3)
    assert list(explained.columns) == ["sentence_id", "text", "category", "probability", "feature", "contribution"]
    predicted = {(r.sentence_id, l) for r in labelled.itertuples() for l in r.labels.split("|") if l}
    assert set(zip(explained["sentence_id"], explained["category"])) <= predicted
    assert (explained["contribution"] > 0).all()
    assert explained.groupby(["sentence_id", "category"]).size().max() <= 3
    assert explained["feature"].str.match(r"^(word|char|prev|next|heading|lex|lex_negated|lex_remedy):").all()
    # the stock expression 来回跑 (buck_passing) is among the reasons
    assert "lex:buck_passing" in set(explained["feature"])
    assert tiny_model.explain("").empty


@pytest.fixture(scope="module")
def default_model():
    return load_model()


@pytest.mark.parametrize(
    "text, category, stance",
    [
        ("一些部门统计造假问题依然存在。", "fraud", "problem"),  # 统计造假, not only 弄虚作假
        ("有的干部明哲保身，信奉你好我好大家都好。", "avoid_responsibility", "problem"),
        ("群众办事来回跑、多头跑。", "buck_passing", "problem"),
        ("有的材料假大空，满篇空话套话。", "formalism", "problem"),
        ("要坚决遏制舌尖上的腐败。", "hedonism", "remedy"),
        ("有的干部慵懒散，占着位子不干事。", "yong_lan_san", "problem"),  # the variant spelling 慵懒散
    ],
)
def test_default_model_knows_stock_expressions_of_real_speeches(default_model, text, category, stance):
    row = default_model.label_text(text).iloc[0]
    assert category in row["labels"].split("|") and row["stance"] == stance


@pytest.mark.parametrize("text", ["暗访中各窗口工作人员全部在岗。", "准时上班是对干部最起码的要求。", "今年以来，全县政务服务办事效率明显提升。"])
def test_default_model_leaves_compliance_and_norms_alone(default_model, text):
    assert default_model.label_text(text).loc[0, "labels"] == ""
