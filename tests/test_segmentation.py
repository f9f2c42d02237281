import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from taxonomy import segmentation
from taxonomy.segmentation import JiebaSegmenter, packaged_user_words, segment


@pytest.mark.parametrize("idiom", ["庸懒散", "推诿扯皮", "中梗阻", "吃拿卡要", "门难进", "脸难看", "太平官", "老好人"])
def test_domain_idioms_stay_whole(idiom):
    assert idiom in segment(f"坚决整治{idiom}问题").split()


def test_user_dictionary_is_packaged():
    words = dict(packaged_user_words())
    assert {"庸懒散", "中梗阻", "吃拿卡要"} <= set(words)


def test_segmenter_follows_sklearn_conventions():
    segmenter = JiebaSegmenter()
    with pytest.raises(NotFittedError):
        segmenter.transform(["一"])
    fitted = segmenter.fit(["x"])
    assert fitted is segmenter and segmenter.user_words_
    assert segmenter.transform(["坚决杜绝吃拿卡要"]) == ["坚决 杜绝 吃拿卡要"]
    assert clone(segmenter).get_params() == {"user_words": None, "hmm": True, "dictionary": "compact", "n_common_words": 20000}


SENTENCES = [
    "有的干部遇到矛盾绕道走，碰到问题向上推。",
    "企业办一个证在三个科室之间转了一个月。",
    "坚决整治庸懒散，严肃查处吃拿卡要。",
    "市场监管部门对个体工商户开展了随机抽查。",
]


def test_compact_dictionary_segments_the_training_text_like_the_full_one():
    full = JiebaSegmenter(dictionary="full").fit(SENTENCES).transform(SENTENCES)
    compact = JiebaSegmenter(n_common_words=100).fit(SENTENCES)
    assert compact.transform(SENTENCES) == full
    # the common words, the user words and the words of the text: far from the full 350,000
    assert 100 < len(compact.dictionary_words_) < 1000 + len(compact.user_words_)
    assert compact.dictionary_freqs_.shape == compact.dictionary_words_.shape


def test_compact_dictionary_matches_the_full_one_on_real_speech_sentences():
    from conftest import SPEECHES

    from taxonomy.documents import sentences_frame

    texts = [t for p in SPEECHES for t in sentences_frame(p.read_text(encoding="utf-8"), p.name)["text"]][:400]
    full = JiebaSegmenter(dictionary="full").fit(texts).transform(texts)
    assert JiebaSegmenter().fit(texts).transform(texts) == full


def test_hmm_switch_changes_unknown_words():
    text = ["某局干部韩旭东在岗不在状态"]
    with_hmm = JiebaSegmenter(dictionary="full").fit(text).transform(text)
    without = JiebaSegmenter(dictionary="full", hmm=False).fit(text).transform(text)
    assert with_hmm != without


def test_bad_dictionary_choice_is_refused():
    with pytest.raises(ValueError, match="compact' or 'full"):
        JiebaSegmenter(dictionary="tiny").fit(SENTENCES)


def test_custom_user_words_travel_with_the_fitted_segmenter():
    segmenter = JiebaSegmenter(user_words=(("躺平式干部", 2000),)).fit([])
    assert "躺平式干部" in segmenter.transform(["警惕躺平式干部"])[0].split()


def test_tokenizer_registry_is_bounded():
    for i in range(segmentation.MAX_TOKENIZERS + 3):
        JiebaSegmenter(n_common_words=10 + i).fit(SENTENCES).transform(SENTENCES[:1])
    assert len(segmentation._TOKENIZERS) <= segmentation.MAX_TOKENIZERS


def test_transform_with_the_compact_dictionary_gives_jiebas_words():
    texts = SENTENCES + ["下载5.APP软件，扫码率达到99.5%。", "坚决 杜绝\u3000推诿扯皮。"]
    fitted = JiebaSegmenter().fit(texts)
    tokenizer = fitted.tokenizer()
    assert fitted.transform(texts) == [segmentation.cut(tokenizer, t) for t in texts]
    assert fitted.transform(texts[-2:])[0].startswith("下载 5 . APP")  # jieba's cut, not jieba-rs's 5.APP
