"""rjieba with the model's dictionary segments exactly as the model's jieba tokenizer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxonomy.fastsegment import FastSegmenter, ascii_joined
from taxonomy.segmentation import JiebaSegmenter, cut

from conftest import REPO, SPEECHES


def _sentences() -> list[str]:
    from taxonomy.dataset import read_labelled
    from taxonomy.documents import sentences_frame
    from taxonomy.reading import read_document

    texts = [row.text for row in read_labelled(REPO / "data" / "labelled")]
    for path in SPEECHES:
        texts += sentences_frame(read_document(path), path.name)["text"].tolist()
    return texts


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return _sentences()


@pytest.fixture(scope="module")
def segmenters(corpus):
    """The compact dictionary learnt on the labelled set and the raw speeches, as jieba and as rjieba."""
    fitted = JiebaSegmenter().fit(corpus)
    fast = FastSegmenter(fitted.dictionary_words_.tolist(), fitted.dictionary_freqs_.tolist(), fitted.dictionary_total_)
    return fitted.tokenizer(), fast


def test_same_words_as_jieba_on_labelled_set_and_raw_speeches(corpus, segmenters):
    jieba_tokenizer, fast = segmenters
    assert len(corpus) > 10000
    different = [t for t in corpus if cut(jieba_tokenizer, t) != fast.cut(t)]
    assert different == []


def test_rjieba_alone_differs_on_joined_ascii_runs(segmenters):
    jieba_tokenizer, fast = segmenters
    text = "下载5.APP软件，防控COVID-19疫情"
    assert fast._rust.cut(text, True) != [t for t in jieba_tokenizer.cut(text) if not t.isspace()]
    assert fast.cut(text) == cut(jieba_tokenizer, text)


@pytest.mark.parametrize("text, joined", [
    ("下载5.APP软件", True), ("COVID-19", True), ("版本v2.0.1", True), ("e-mail", True),
    ("增长3.5%", False), ("2023年", False), ("a b", False), ("一-二", False), ("……", False), ("1.加强", False),
    ("1-2年", True), ("x_y", True), ("ab.c", True),
])
def test_ascii_joined(text, joined):
    assert ascii_joined(text) is joined


pieces = ["推诿扯皮", "作风", "问题", "干部", "群众", "坚决", "杜绝", "的", "了", "是", "在", "吃拿卡要", "a", "Z", "0", "9",
          "APP", "COVID", "v2", "3.5%", ".", "-", "+", "#", "&", "_", "%", " ", "\t", "\u3000", "\n", "。", "，"]
mixed = st.lists(st.sampled_from(pieces), max_size=14).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=mixed)
def test_same_words_as_jieba_on_mixed_text(segmenters, text):
    jieba_tokenizer, fast = segmenters
    assert fast.cut(text) == cut(jieba_tokenizer, text)


def test_rjieba_loaded_alone_is_the_package_class():
    import subprocess
    import sys

    script = ("import sys; from taxonomy.fastsegment import rjieba_class; J = rjieba_class(); "
              "assert 'rjieba' not in sys.modules; import rjieba; assert rjieba.Jieba is J; print(rjieba.cut('作风建设'))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['作风', '建设']"


def test_token_rows_in_one_call_are_the_words_of_each_text(corpus, segmenters):
    _, fast = segmenters
    texts = corpus + ["", " ", "下载5.APP软件", "行一\n行二", "末尾有回车\r", "\r开头", "COVID-19疫情"]
    assert fast.token_rows(texts) == [fast.cut(t).split() for t in texts]
    assert fast.token_rows([]) == []


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(mixed, max_size=6))
def test_token_rows_on_mixed_text(segmenters, texts):
    _, fast = segmenters
    assert fast.token_rows(texts) == [fast.cut(t).split() for t in texts]
