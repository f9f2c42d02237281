import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from taxonomy.features import SentenceContextTfidf, context_positions

FRAME = pd.DataFrame(
    {
        "doc": ["a", "a", "a", "b"],
        "sentence_id": [0, 1, 2, 0],
        "text": ["二是进取不积极。", "有的安于现状。", "有的小进即满。", "同志们："],
    }
)


def test_context_positions():
    prev, nxt, heading = context_positions(FRAME)
    assert prev.tolist() == [-1, 0, 1, -1]
    assert nxt.tolist() == [1, 2, -1, -1]
    assert heading.tolist() == [-1, 0, 0, -1]


def test_context_follows_sentence_order_not_row_order():
    shuffled = FRAME.iloc[[2, 3, 0, 1]]
    prev, nxt, heading = context_positions(shuffled)
    # rows: a2, b0, a0, a1
    assert prev.tolist() == [3, -1, -1, 2]
    assert nxt.tolist() == [-1, -1, 3, 0]
    assert heading.tolist() == [2, -1, -1, 2]


def test_context_blocks_are_shifted_sentence_rows():
    block = SentenceContextTfidf(min_df=1, context_weight=0.5).fit(FRAME)
    X = block.transform(FRAME).toarray()
    width = X.shape[1] // 4
    own, prev, nxt, heading = (X[:, i * width : (i + 1) * width] for i in range(4))
    np.testing.assert_allclose(prev[1], 0.5 * own[0])
    np.testing.assert_allclose(nxt[1], 0.5 * own[2])
    np.testing.assert_allclose(heading[2], 0.5 * own[0])
    assert not prev[0].any() and not nxt[3].any() and not heading[3].any()
    assert SentenceContextTfidf(min_df=1, context=False).fit(FRAME).transform(FRAME).shape[1] == width


docs = st.lists(
    st.lists(st.sampled_from(["一、问题。", "有的推诿。", "要整改。", "（二）作风", "今年增长。"]), min_size=1, max_size=6),
    min_size=1, max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(docs, st.randoms(use_true_random=False))
def test_any_subset_of_whole_documents_gets_the_features_it_has_in_the_full_frame(documents, rnd):
    rows = [(f"d{i}", j, t) for i, doc in enumerate(documents) for j, t in enumerate(doc)]
    frame = pd.DataFrame(rows, columns=["doc", "sentence_id", "text"])
    block = SentenceContextTfidf(min_df=1).fit(frame)
    full = block.transform(frame).toarray()
    keep = sorted(rnd.sample(range(len(documents)), k=rnd.randint(1, len(documents))))
    index = [k for k, r in enumerate(rows) if int(r[0][1:]) in keep]
    rnd.shuffle(index)
    part = block.transform(frame.iloc[index]).toarray()
    np.testing.assert_allclose(part, full[index])


def test_fit_transform_counts_once_and_gives_exactly_fit_then_transform():
    a = SentenceContextTfidf(min_df=1).fit(FRAME).transform(FRAME)
    b = SentenceContextTfidf(min_df=1).fit_transform(FRAME)
    assert b.has_sorted_indices
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data)
    plain = SentenceContextTfidf(min_df=1, context=False)
    assert plain.fit_transform(FRAME).shape[1] * 4 == b.shape[1]
