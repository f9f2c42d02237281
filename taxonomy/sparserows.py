"""Sparse rows in NumPy, computed in scikit-learn's and scipy's floating-point order.

The arithmetic under :class:`taxonomy.fastmodel.FastModel`: rows of a sparse matrix
(:class:`Block`), TF-IDF weighting and L2 norms as scikit-learn computes them in
float32, a row-by-row sparse product that adds in the order scipy adds, the logistic
as ``scipy.special.expit`` computes it, and Platt calibration as
:class:`taxonomy.classifier.ProblemClassifier` applies it; so that the results are
the pipeline's to the last bit.

Examples
--------
>>> block = Block.from_pairs(np.array([0, 0, 1]), np.array([2, 2, 0]), 2, 3)
>>> block.data.tolist(), block.indices.tolist(), block.indptr.tolist()
([2.0, 1.0], [2, 0], [0, 1, 2])
"""

from __future__ import annotations

import math
import re

import numpy as np

WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's char analyzer folds these runs to one space
BITS = 21  # code points (+1) fit in 21 bits: three of them in one uint64 key


class Block:
    """One block of a sparse row-major matrix: per row, sorted columns and float32 values."""

    __slots__ = ("data", "indices", "indptr")

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray):
        self.data, self.indices, self.indptr = data, indices, indptr

    @classmethod
    def from_pairs(cls, rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> "Block":
        """Counts of each ``(row, col)`` pair, sorted by row then column."""
        keys, counts = np.unique(rows.astype(np.int64) * n_cols + cols, return_counts=True)
        indptr = np.searchsorted(keys // n_cols, np.arange(n_rows + 1)) if len(keys) else np.zeros(n_rows + 1, np.int64)
        return cls(counts.astype(np.float32), keys % n_cols, indptr.astype(np.int64))

    def take(self, rows: np.ndarray, scale: np.float32) -> "Block":
        """The rows at ``rows`` (-1: an empty row), times ``scale``."""
        counts = np.diff(self.indptr)
        lengths = np.where(rows >= 0, counts[np.maximum(rows, 0)], 0)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        starts = self.indptr[np.maximum(rows, 0)]
        positions = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])
        return Block(self.data[positions] * scale, self.indices[positions], indptr)


def sequential(block: Block, weights: np.ndarray, acc: np.ndarray, offset: int = 0) -> None:
    """``acc[r] += data[k] * weights[offset + col[k]]`` for the entries k of row r, one by one in stored order.

    That is the order of scipy's sparse product (one running sum per row), so the
    result is bit-for-bit scipy's.
    """
    counts = np.diff(block.indptr)
    if not len(counts) or counts.max() == 0:
        return
    order = np.argsort(-counts, kind="stable")
    starts = block.indptr[:-1][order]
    active = np.searchsorted(-counts[order], -np.arange(counts.max()), side="left")  # rows with more than k entries
    for k, n in enumerate(active.tolist()):
        at = starts[:n] + k
        acc[order[:n]] += block.data[at].astype(np.float64)[:, None] * weights[offset + block.indices[at]]


def join(blocks: list[tuple[Block, int]], n_rows: int) -> Block:
    """The blocks side by side (columns shifted by their offsets): each row's entries in block order."""
    counts = np.array([np.diff(b.indptr) for b, _ in blocks]).reshape(len(blocks), n_rows)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(counts.sum(axis=0), out=indptr[1:])
    before = np.cumsum(counts, axis=0) - counts  # entries of earlier blocks in the same row
    data = np.empty(indptr[-1], dtype=np.float32)
    indices = np.empty(indptr[-1], dtype=np.int64)
    for (block, offset), row_counts, earlier in zip(blocks, counts, before):
        rows = np.repeat(np.arange(n_rows), row_counts)
        local = np.arange(len(block.data)) - block.indptr[rows]
        target = indptr[rows] + earlier[rows] + local
        data[target], indices[target] = block.data, block.indices + offset
    return Block(data, indices, indptr)


def tfidf(block: Block, idf: np.ndarray, sublinear: bool) -> Block:
    """scikit-learn's TfidfTransformer on float32 counts: ``1 + log``, times idf, L2 row norm."""
    data = block.data
    if sublinear:
        np.log(data, data)
        data += 1.0
    data *= idf[block.indices]
    squares = np.zeros((len(block.indptr) - 1, 1))
    sequential(Block(data * data, np.zeros(len(data), dtype=np.int64), block.indptr), np.ones((1, 1)), squares)
    norms = np.sqrt(squares[:, 0])
    per_entry = np.repeat(norms, np.diff(block.indptr))
    keep = per_entry != 0.0
    data[keep] = (data[keep].astype(np.float64) / per_entry[keep]).astype(np.float32)
    return block


def expit(values: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))`` with the C library's exp, as scipy.special.expit computes it."""
    exp = math.exp
    return np.fromiter((1.0 / (1.0 + exp(-x)) if x > -700.0 else 0.0 for x in values.tolist()),
                       dtype=np.float64, count=len(values))


def platt(scores: np.ndarray, slope_intercept: np.ndarray) -> np.ndarray:
    slope, intercept = slope_intercept
    if slope == 1.0 and intercept == 0.0:
        return scores
    p = np.clip(scores, 1e-6, 1 - 1e-6)
    return 1.0 / (1.0 + np.exp(-(slope * np.log(p / (1 - p)) + intercept)))


def prepare_chars(texts: list[str], lowercase: bool) -> list[str]:
    """Each text as scikit-learn's char analyzer sees it: lowercased, whitespace runs folded to one space.

    Done on the texts joined by NUL (neither cased nor whitespace, so it changes
    neither rule) in two calls, or text by text when a text holds a NUL itself.
    """
    if any("\0" in t for t in texts):
        return [WHITE_SPACES.sub(" ", t.lower() if lowercase else t) for t in texts]
    joined = "\0".join(texts)
    return WHITE_SPACES.sub(" ", joined.lower() if lowercase else joined).split("\0") if texts else []


def code_points(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points + 1 of all texts (uint64), the row of each, and each row's first position."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64) + 1
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) if len(texts) else lengths
    return codes, np.repeat(np.arange(len(texts)), lengths), starts


def key(term: str) -> int:
    key = 0
    for ch in term:
        key = (key << BITS) | (ord(ch) + 1)
    return key


class KeyTable:
    """Integer keys mapped to integer values, looked up for a whole array of keys at once.

    A hash table with linear probing held in two NumPy arrays (at most a quarter
    full), filled once and read with one gather per probe round: many times faster
    than ``searchsorted`` on a sorted vocabulary for the hundreds of thousands of
    n-gram keys of a batch. Keys are any uint64 but :data:`KeyTable.EMPTY`.

    >>> table = KeyTable(np.array([7, 42, 2**40], dtype=np.uint64), np.array([0, 1, 2]))
    >>> table.lookup(np.array([42, 5, 2**40, 7], dtype=np.uint64)).tolist()
    [1, -1, 2, 0]
    """

    EMPTY = np.uint64(2**64 - 1)
    _GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of key * 2^64/phi

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        keys = np.asarray(keys, dtype=np.uint64)
        values = np.asarray(values, dtype=np.int64)
        if len(np.unique(keys)) != len(keys) or bool(np.any(keys == self.EMPTY)):
            raise ValueError("keys must be distinct and not KeyTable.EMPTY")
        bits = max(4, int(len(keys) * 4 - 1).bit_length())
        self._shift, self._mask = np.uint64(64 - bits), (1 << bits) - 1
        self._keys = np.full(1 << bits, self.EMPTY, dtype=np.uint64)
        self._values = np.full(1 << bits, -1, dtype=np.int64)
        slots, pending, self.probes = self._slots(keys), np.arange(len(keys)), 0
        while len(pending):  # each round, every key still waiting tries the next slot of its run
            self.probes += 1
            at = slots[pending]
            free = self._keys[at] == self.EMPTY
            _, first = np.unique(at[free], return_index=True)  # one key per free slot
            placed = pending[free][first]
            self._keys[slots[placed]], self._values[slots[placed]] = keys[placed], values[placed]
            pending = pending[~np.isin(pending, placed)]
            slots[pending] = (slots[pending] + 1) & self._mask

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys * self._GOLDEN) >> self._shift).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The value of every key, -1 for keys not in the table."""
        keys = np.asarray(keys, dtype=np.uint64)
        slots = self._slots(keys)
        found = self._keys[slots]
        hit = found == keys
        result = np.where(hit, self._values[slots], -1)  # most keys are settled by their own slot
        todo = np.flatnonzero(~hit & (found != self.EMPTY))  # an empty slot ends a key's run: it is absent
        for _ in range(self.probes - 1):  # no key sits further than `probes` slots from its own
            if not len(todo):
                break
            at = (slots[todo] + 1) & self._mask
            slots[todo] = at
            found = self._keys[at]
            hit = found == keys[todo]
            result[todo[hit]] = self._values[at[hit]]
            todo = todo[~hit & (found != self.EMPTY)]
        return result
