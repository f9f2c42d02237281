"""Labelling with an inference bundle: the pipeline's arithmetic in NumPy, without scikit-learn.

:class:`FastModel` reads a bundle (:mod:`taxonomy.bundle`) and computes, for a batch of
sentences, exactly what the scikit-learn pipeline computes, in the same floating-point
order, so that probabilities and labels are identical:

* words: :class:`taxonomy.fastsegment.FastSegmenter` (rjieba with the model's own
  dictionary), then word uni- and bigrams looked up as token ids against the fixed
  vocabulary;
* characters: 1–3-grams as integer keys of their code points, looked up in a
  :class:`taxonomy.sparserows.KeyTable` of the fixed vocabulary (no per-n-gram Python loop);
* both: counts, ``1 + log`` (sublinear tf), idf and L2 norm in float32 as scikit-learn does;
* context: the character rows of the previous and next sentence and of the heading;
* lexicon: hits of the stock expressions (:mod:`taxonomy.matching`);
* one pass over the nonzeros for all heads (15 categories and the stance), then the
  logistic, Platt calibration and thresholds.

Examples
--------
>>> model = FastModel.load("taxonomy/models/taxonomy-default.skops")        # doctest: +SKIP
>>> proba, stance = model.predict(["d", "d"], [0, 1], ["一是推诿扯皮。", "要坚决整改。"])  # doctest: +SKIP
"""

from __future__ import annotations

from itertools import chain, repeat
from pathlib import Path

import numpy as np

from .bundle import bundle_path, read_bundle, unpack_strings
from .fastsegment import FastSegmenter
from .matching import SCOPES, expression_index, hits_at
from .sparserows import BITS, Block, KeyTable, code_points, expit, join, key, platt, prepare_chars, sequential, tfidf
from .split import is_heading

SENTENCE_COLUMNS = ["doc", "sentence_id", "start", "end", "text"]
OUTPUT_COLUMNS = SENTENCE_COLUMNS + ["labels", "labels_zh", "stance", "check"]
STANCES = ("problem", "remedy")
SCIPY_FROM = 1000


class FastModel:
    """A trained model read from its inference bundle (see the module doc).

    Attributes
    ----------
    categories : list of str
    thresholds : dict
    output_columns : list of str
    """

    def __init__(self, meta: dict, arrays: dict[str, np.ndarray], path: Path | None = None):
        self.meta, self.path = meta, path
        self.categories = list(meta["categories"])
        self._thresholds = arrays["thresholds"]
        self.thresholds = dict(zip(self.categories, map(float, self._thresholds)))
        self.output_columns = OUTPUT_COLUMNS + [f"p_{c}" for c in self.categories]
        self._coef, self._intercept = arrays["coef"], arrays["intercept"]
        self._learnable, self._constant = arrays["learnable"].astype(bool), arrays["constant"]
        self._calibration = arrays["calibration"]
        self._blocks, offset = [], 0
        for block in meta["blocks"]:
            name = block["name"]
            if name == "words":
                words = unpack_strings(arrays["dictionary_words"], arrays["dictionary_words_offsets"])
                self._segmenter = FastSegmenter(words, arrays["dictionary_freqs"].tolist(), block["total"], hmm=block["hmm"])
                self._word_vocab(unpack_strings(arrays["words_terms"], arrays["words_terms_offsets"]), block["ngram_range"])
                self._word_idf, width = arrays["words_idf"], len(arrays["words_idf"])
            elif name == "chars":
                self._char_vocab(unpack_strings(arrays["chars_terms"], arrays["chars_terms_offsets"]), block["ngram_range"])
                self._char_idf = arrays["chars_idf"]
                width = len(self._char_idf) * (4 if block["context"] else 1)
            else:
                terms = unpack_strings(arrays["lexicon_terms"], arrays["lexicon_terms_offsets"])
                cats = unpack_strings(arrays["lexicon_term_categories"], arrays["lexicon_term_categories_offsets"])
                self._lexicon_index = expression_index(tuple(zip(terms, cats)))
                starts = np.unique(np.array([key(k) for k in self._lexicon_index], dtype=np.uint64))
                self._lexicon_starts = KeyTable(starts, np.zeros(len(starts), dtype=np.int64))
                self._lexicon_columns = {c: i for i, c in enumerate(block["categories"])}
                width = len(SCOPES) * len(block["categories"])
            self._blocks.append((block, offset))
            offset += width
        if self._coef.size and offset != self._coef.shape[0]:
            raise ValueError(f"bundle has {self._coef.shape[0]} coefficients for {offset} features")

    @classmethod
    def load(cls, model_path: str | Path) -> "FastModel":
        """The bundle beside ``model_path``, checked to belong to it (:func:`taxonomy.bundle.read_bundle`)."""
        meta, arrays = read_bundle(bundle_path(model_path), model_path=model_path)
        return cls(meta, arrays, Path(model_path))

    def __reduce__(self):
        """Pickled as its model path: a worker process loads the bundle itself."""
        if self.path is None:
            raise TypeError("a FastModel built from arrays cannot be pickled; load it from a model file")
        return (FastModel.load, (str(self.path),))

    # ------------------------------------------------------------------ vocabularies

    def _word_vocab(self, terms: list[str], ngram_range) -> None:
        if list(ngram_range) not in ([1, 1], [1, 2]):
            raise ValueError(f"word n-grams {ngram_range} are not supported")
        ids: dict[str, int] = {}
        for term in terms:
            for token in term.split(" "):
                ids.setdefault(token, len(ids))
        self._token_ids, n = ids, len(ids)
        self._unigram = np.full(n, -1, dtype=np.int64)
        bigrams = []
        for index, term in enumerate(terms):
            parts = term.split(" ")
            if len(parts) == 1:
                self._unigram[ids[term]] = index
            else:
                bigrams.append((ids[parts[0]] * n + ids[parts[1]], index))
        self._bigrams = KeyTable(np.array([k for k, _ in bigrams], dtype=np.uint64),
                                 np.array([i for _, i in bigrams], dtype=np.int64))
        self._n_words = len(terms)

    def _char_vocab(self, terms: list[str], ngram_range) -> None:
        self._char_n = tuple(ngram_range)
        keys = np.array([key(t) for t in terms], dtype=np.uint64)
        self._char_table, self._n_chars = KeyTable(keys, np.arange(len(terms))), len(terms)

    # ------------------------------------------------------------------ features

    def word_block(self, texts: list[str]) -> Block:
        """Word uni/bigram TF-IDF rows of ``texts`` (float32, as the pipeline's ``words`` block)."""
        tokens = self._segmenter.token_rows(texts)  # whitespace tokens vanish, as in the \S+ token pattern
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        ids = np.fromiter(map(self._token_ids.get, chain.from_iterable(tokens), repeat(-1)), dtype=np.int64,
                          count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(texts)), lengths)
        known = ids >= 0
        uni = np.where(known, self._unigram[np.maximum(ids, 0)], -1)
        pair = known[:-1] & known[1:] & (rows[:-1] == rows[1:])
        keys = (ids[:-1][pair] * len(self._token_ids) + ids[1:][pair]).astype(np.uint64)
        bigram = self._bigrams.lookup(keys)
        hit = bigram >= 0
        all_rows = np.concatenate([rows[uni >= 0], rows[:-1][pair][hit]])
        all_cols = np.concatenate([uni[uni >= 0], bigram[hit]])
        block = Block.from_pairs(all_rows, all_cols, len(texts), self._n_words)
        return tfidf(block, self._word_idf, self._word_params["sublinear_tf"])

    def char_block(self, texts: list[str]) -> Block:
        """Character n-gram TF-IDF rows of ``texts`` (as the pipeline's character vectorizer)."""
        params = self._char_params
        codes, rows, _ = code_points(prepare_chars(texts, params["lowercase"]))
        ends = np.cumsum(np.bincount(rows, minlength=len(texts)))[rows]  # where each position's text ends
        position = np.arange(len(codes))
        all_rows, all_keys = [], []
        low, high = self._char_n
        for n in range(low, high + 1):
            start = position[position + n <= ends]
            gram = codes[start]
            for j in range(1, n):
                gram = (gram << np.uint64(BITS)) | codes[start + j]
            all_rows.append(rows[start])
            all_keys.append(gram)
        keys, key_rows = np.concatenate(all_keys), np.concatenate(all_rows)
        column = self._char_table.lookup(keys)
        hit = column >= 0
        block = Block.from_pairs(key_rows[hit], column[hit], len(texts), self._n_chars)
        return tfidf(block, self._char_idf, params["sublinear_tf"])

    def lexicon_block(self, texts: list[str], weight: float) -> Block:
        """Expression hits per category and scope (as :class:`taxonomy.lexicon.LexiconFeatures`).

        The places where an expression may start (its first two characters) are found
        for the whole batch at once, as integer keys; only those are looked at in Python.
        """
        width = len(self._lexicon_columns)
        offset = {s: k * width for k, s in enumerate(SCOPES)}
        codes, rows, starts = code_points(texts)
        position = np.flatnonzero(rows[:-1] == rows[1:]) if len(rows) > 1 else np.zeros(0, dtype=np.int64)
        keys = (codes[position] << np.uint64(BITS)) | codes[position + 1]
        candidate = position[self._lexicon_starts.lookup(keys) >= 0]
        hit_rows, cols = [], []
        candidate_rows = rows[candidate]
        ends = starts + np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        places = zip(candidate.tolist(), starts[candidate_rows].tolist(), ends[candidate_rows].tolist(), candidate_rows.tolist())
        columns = self._lexicon_columns
        for r, category, scope in hits_at("".join(texts), self._lexicon_index, places):
            hit_rows.append(r)  # a repeated hit is counted once: the block's values are set below
            cols.append(offset[scope] + columns[category])
        block = Block.from_pairs(np.array(hit_rows, dtype=np.int64), np.array(cols, dtype=np.int64), len(texts),
                                 max(len(SCOPES) * width, 1))
        block.data[:] = np.float32(weight)
        return block

    # ------------------------------------------------------------------ prediction

    def decision(self, docs, sentence_ids, texts: list[str]) -> np.ndarray:
        """Log-odds of every head (learnable categories, then stance), shape ``(n, heads)``.

        The feature blocks are joined row by row in the pipeline's column order and
        multiplied by all heads' coefficients at once, adding in that order, as
        scipy's sparse product does inside scikit-learn: with scipy for large batches
        (:data:`SCIPY_FROM` rows; its import costs more than it saves on one speech),
        else with NumPy.
        """
        blocks = []
        for block, offset in self._blocks:
            name = block["name"]
            if name == "words":
                blocks.append((self.word_block(texts), offset))
            elif name == "chars":
                chars = self.char_block(texts)
                blocks.append((chars, offset))
                if block["context"]:
                    scale = np.float32(block["context_weight"])
                    for k, index in enumerate(context_positions(docs, sentence_ids, texts), start=1):
                        blocks.append((chars.take(index, scale), offset + k * self._n_chars))
            else:
                blocks.append((self.lexicon_block(texts, block["weight"]), offset))
        joined = join(blocks, len(texts))
        if len(texts) >= SCIPY_FROM:
            from scipy import sparse

            matrix = sparse.csr_matrix((joined.data, joined.indices, joined.indptr), shape=(len(texts), self._coef.shape[0]))
            product = matrix @ self._coef
        else:
            product = np.zeros((len(texts), self._coef.shape[1]))
            sequential(joined, self._coef, product)
        return product + self._intercept

    def predict(self, docs, sentence_ids, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Category probabilities ``(n, categories)`` and stance (``problem``/``remedy``) per sentence."""
        n = len(texts)
        proba = np.tile(np.nan_to_num(self._constant, nan=0.0), (n, 1))
        if n == 0:
            return proba, np.zeros(0, dtype=object)
        decision = self.decision(docs, sentence_ids, texts) if self._coef.size else np.zeros((n, 0))
        logistic = expit
        if n >= SCIPY_FROM:
            from scipy.special import expit as logistic  # what scikit-learn uses; the same numbers
        for j, k in enumerate(np.flatnonzero(self._learnable)):
            proba[:, k] = platt(logistic(decision[:, j]), self._calibration[k])
        if self.meta["stance_head"]:
            remedy = logistic(decision[:, -1])
        else:
            remedy = np.full(n, 1.0 if self.meta["stance_default"] == "remedy" else 0.0)
        return proba, np.where(remedy >= 0.5, STANCES[1], STANCES[0])

    @property
    def _word_params(self) -> dict:
        return next(b for b, _ in self._blocks if b["name"] == "words")

    @property
    def _char_params(self) -> dict:
        return next(b for b, _ in self._blocks if b["name"] == "chars")


def context_positions(docs, sentence_ids, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Previous, next and heading row of each row (-1: none), as :func:`taxonomy.features.context_positions`."""
    n = len(texts)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    codes: dict = {}  # documents numbered in order of first appearance: rows of a document stay together
    doc_codes = np.fromiter((codes.setdefault(str(d), len(codes)) for d in docs), dtype=np.int64, count=n)
    order = np.lexsort((np.asarray(sentence_ids), doc_codes))
    doc_sorted = doc_codes[order]
    same_prev = np.zeros(n, dtype=bool)
    same_prev[1:] = doc_sorted[1:] == doc_sorted[:-1]
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = same_prev[1:]
    heads = np.fromiter((is_heading(texts[i]) for i in order.tolist()), dtype=bool, count=n)
    doc_start = np.maximum.accumulate(np.where(same_prev, 0, np.arange(n)))
    last = np.maximum.accumulate(np.where(heads, np.arange(n), -1))
    before = np.concatenate([[-1], last[:-1]])
    result = []
    for sorted_values in (np.where(same_prev, np.roll(order, 1), -1), np.where(same_next, np.roll(order, -1), -1),
                          np.where(same_prev & (before >= doc_start), order[np.maximum(before, 0)], -1)):
        values = np.empty(n, dtype=np.int64)
        values[order] = sorted_values
        result.append(values)
    return tuple(result)
