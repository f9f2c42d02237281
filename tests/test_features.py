import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from taxonomy.features import JiebaSegmenter, SentenceContextTfidf, add_context, build_features, packaged_user_words, segment


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


def test_bad_dictionary_choice_is_refused():
    with pytest.raises(ValueError, match="compact' or 'full"):
        JiebaSegmenter(dictionary="tiny").fit(SENTENCES)


def test_custom_user_words_travel_with_the_fitted_segmenter():
    segmenter = JiebaSegmenter(user_words=(("躺平式干部", 2000),)).fit([])
    assert "躺平式干部" in segmenter.transform(["警惕躺平式干部"])[0].split()


def test_one_character_words_are_features():
    features = build_features(chars=False, context=False, min_df=1)
    frame = pd.DataFrame({"text": ["要 管 好", "管好"], "prev_index": -1, "next_index": -1, "heading_index": -1})
    features.fit(frame)
    vocabulary = features.named_transformers_["words"].named_steps["tfidf"].vocabulary_
    assert "管" in vocabulary


def test_context_columns():
    frame = pd.DataFrame(
        {
            "doc": ["a", "a", "a", "b"],
            "text": ["二是进取不积极。", "有的安于现状。", "有的小进即满。", "同志们："],
        }
    )
    out = add_context(frame)
    assert out["prev_index"].tolist() == [-1, 0, 1, -1]
    assert out["next_index"].tolist() == [1, 2, -1, -1]
    assert out["heading_index"].tolist() == [-1, 0, 0, -1]
    assert "prev_index" not in frame  # input untouched


def test_context_blocks_are_shifted_sentence_rows():
    frame = add_context(
        pd.DataFrame({"doc": ["a", "a", "a", "b"], "text": ["二是进取不积极。", "有的安于现状。", "有的小进即满。", "同志们："]})
    )
    block = SentenceContextTfidf(min_df=1, context_weight=0.5).fit(frame)
    X = block.transform(frame).toarray()
    width = X.shape[1] // 4
    own, prev, nxt, heading = (X[:, i * width : (i + 1) * width] for i in range(4))
    np.testing.assert_allclose(prev[1], 0.5 * own[0])
    np.testing.assert_allclose(nxt[1], 0.5 * own[2])
    np.testing.assert_allclose(heading[2], 0.5 * own[0])
    assert not prev[0].any() and not nxt[3].any() and not heading[3].any()
    assert SentenceContextTfidf(min_df=1, context=False).fit(frame).transform(frame).shape[1] == width


def test_feature_blocks_can_be_switched():
    with pytest.raises(ValueError, match="keep chars on"):
        build_features(chars=False)
    with pytest.raises(ValueError, match="at least one"):
        build_features(words=False, chars=False, context=False, lexicon=False)
    assert [name for name, _, _ in build_features(words=False).transformers] == ["chars", "lexicon"]
    assert [name for name, _, _ in build_features(words=False, lexicon=False).transformers] == ["chars"]
