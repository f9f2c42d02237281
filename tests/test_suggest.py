import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from taxonomy.cli import app
from taxonomy.dataset import near_duplicate_pairs
from taxonomy.errors import TaxonomyError
from taxonomy.suggest import distinct_candidates, margins, select_rows, suggest

TEXTS = [f"第{i}条：有的单位在第{i * 7}项工作中存在问题。" for i in range(40)]


def test_margin_is_zero_at_the_threshold_and_grows_away_from_it():
    m = margins(np.array([[0.3, 0.6, 0.99]]), np.array([0.3, 0.5, 0.5]))
    assert m[0, 0] == pytest.approx(0.0)
    assert 0 < m[0, 1] < m[0, 2]


def test_round_robin_gives_a_rare_category_its_most_uncertain_sentence():
    rng = np.random.default_rng(0)
    proba = np.column_stack([rng.uniform(0.4, 0.6, 40), np.full(40, 0.001)])
    proba[17, 1] = 0.2  # the only sentence near the rare category's threshold
    picks = select_rows(proba, np.array([0.5, 0.3]), TEXTS, n=4)
    assert [p.focus for p in picks] == [0, 1, 0, 1]
    assert picks[1].index == 17
    # by overall uncertainty alone, sentence 17 (margin 0.54 at best) would never make a batch of 4
    assert sorted(margins(proba, np.array([0.5, 0.3])).min(axis=1))[3] < 0.54


def test_random_share_is_flagged_and_deterministic():
    proba = np.random.default_rng(1).uniform(size=(40, 3))
    t = np.full(3, 0.5)
    a = select_rows(proba, t, TEXTS, n=10, random_share=0.3, seed=5)
    b = select_rows(proba, t, TEXTS, n=10, random_share=0.3, seed=5)
    c = select_rows(proba, t, TEXTS, n=10, random_share=0.3, seed=6)
    assert a == b and a != c
    assert [p.sample for p in a].count("random") == 3
    assert len({p.index for p in a}) == 10


def test_labelled_texts_and_near_duplicates_are_never_chosen():
    texts = ["有的干部推诿扯皮，群众来回跑。", "有的干部推诿扯皮，群众来回跑！", "谢谢大家！", "今年新增市场主体一万户。"]
    assert distinct_candidates(texts, known=["谢谢大家！"]).tolist() == [0, 3]
    picks = select_rows(np.full((4, 1), 0.5), np.array([0.5]), texts, n=4, known=["谢谢大家！"])
    assert sorted(p.index for p in picks) == [0, 3]


def test_bad_share_is_an_error():
    with pytest.raises(TaxonomyError, match="random share"):
        select_rows(np.zeros((1, 1)), np.array([0.5]), ["甲"], n=1, random_share=1.5)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="推诿扯皮吃拿卡要形式主义。，", min_size=1, max_size=12), min_size=1, max_size=30),
       st.integers(0, 20), st.floats(0, 1), st.integers(0, 3))
def test_a_batch_never_holds_two_near_duplicates(texts, n, share, seed):
    proba = np.random.default_rng(seed).uniform(size=(len(texts), 2))
    picks = select_rows(proba, np.array([0.4, 0.6]), texts, n=n, random_share=share, seed=seed)
    chosen = [texts[p.index] for p in picks]
    assert len(picks) <= n
    assert len({p.index for p in picks}) == len(picks)
    assert near_duplicate_pairs(chosen) == []


@pytest.fixture
def speech(tmp_path):
    path = tmp_path / "speeches" / "new.txt"
    path.parent.mkdir()
    path.write_text(
        "在作风建设会议上的讲话\n同志们：\n一是推诿扯皮。有的科室让企业来回跑了五趟。\n"
        "有的干部上班时间炒股票。要坚决杜绝吃拿卡要。今年新增市场主体一万户。谢谢大家！",
        encoding="utf-8",
    )
    return path


def test_suggest_skips_what_is_labelled_and_carries_the_context(tiny_model, tiny_corpus, speech):
    batch = suggest([speech.parent], n=20, model=tiny_model, labelled_dir=tiny_corpus, random_share=0.25, seed=2)
    assert "一是推诿扯皮。" not in set(batch["text"])  # in the tiny corpus
    assert len(batch) == 6
    row = batch.set_index("text").loc["有的干部上班时间炒股票。"]
    assert row["before"] == "有的科室让企业来回跑了五趟。"
    assert row["after"] == "要坚决杜绝吃拿卡要。"
    assert row["title"] == "在作风建设会议上的讲话"
    assert row["model_version"].startswith("taxonomy-")
    assert set(batch["sample"]) == {"suggested", "random"}
    assert list(batch.columns[-len(tiny_model.categories):]) == tiny_model.probability_columns


def test_cli_suggest_writes_once_then_needs_force(tiny_model_path, tiny_corpus, speech, tmp_path):
    out = tmp_path / "batch.xlsx"
    args = ["suggest", str(speech), "-n", "3", "-o", str(out), "-m", str(tiny_model_path), "-d", str(tiny_corpus)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "wrote 3 sentences" in first.output and out.is_file()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.output
    bad = CliRunner().invoke(app, args[:-4] + ["-o", str(tmp_path / "batch.txt")])
    assert bad.exit_code == 2 and "cannot tell the format" in bad.output


def test_a_folder_without_speeches_is_an_error(tiny_model, tmp_path):
    with pytest.raises(TaxonomyError, match="no supported speech files found"):
        suggest([tmp_path], model=tiny_model, labelled_dir=tmp_path)
