"""The NumPy building blocks of the inference path."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxonomy.sparserows import KeyTable

KEYS = st.integers(min_value=0, max_value=2**64 - 2)


@settings(max_examples=200, deadline=None)
@given(st.sets(KEYS, max_size=300), st.lists(KEYS, max_size=300), st.randoms(use_true_random=False))
def test_key_table_answers_as_a_dict(keys, others, rnd):
    keys = sorted(keys)
    rnd.shuffle(keys)
    values = {k: i * 3 for i, k in enumerate(keys)}
    table = KeyTable(np.array(keys, dtype=np.uint64), np.array([values[k] for k in keys], dtype=np.int64))
    queries = keys + others
    rnd.shuffle(queries)
    got = table.lookup(np.array(queries, dtype=np.uint64)).tolist()
    assert got == [values.get(q, -1) for q in queries]


def test_key_table_with_crowded_slots():
    # keys that all hash to a few slots: long runs, found all the same
    keys = np.arange(1, 2000, dtype=np.uint64) << np.uint64(50)
    table = KeyTable(keys, np.arange(len(keys)))
    assert table.lookup(keys).tolist() == list(range(len(keys)))
    assert table.lookup(keys + np.uint64(1)).tolist() == [-1] * len(keys)


def test_key_table_refuses_repeated_or_reserved_keys():
    with pytest.raises(ValueError):
        KeyTable(np.array([3, 3], dtype=np.uint64), np.array([0, 1]))
    with pytest.raises(ValueError):
        KeyTable(np.array([KeyTable.EMPTY], dtype=np.uint64), np.array([0]))


def test_empty_key_table_finds_nothing():
    assert KeyTable(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)).lookup(
        np.array([0, 5], dtype=np.uint64)).tolist() == [-1, -1]
