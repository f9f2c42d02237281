"""The expression lexicon: stock expressions by which each problem is named, as features.

``resources/expressions.csv`` (columns ``category, expression, variants, notes``)
lists the stock expressions, 顺口溜 parts and variant spellings that real speeches,
circulars, news reports and commentaries use for each category (庸懒散 and 慵懒散,
门难进, 明哲保身, 统计造假 …). It feeds the jieba user dictionary (see
:func:`taxonomy.segmentation.packaged_user_words`) and the model, through
:class:`LexiconFeatures`: per category, whether one of its expressions occurs in the
sentence, and whether it occurs inside the scope of a negation (没有, 未, 不再 …) or of
a remedy verb (杜绝, 整治, 防止 …), so that the classifier can tell "有的干部推诿扯皮"
from "坚决杜绝推诿扯皮" and from "没有发现推诿扯皮".

Examples
--------
>>> from taxonomy.lexicon import expression_hits
>>> expression_hits("坚决杜绝推诿扯皮、吃拿卡要", [("推诿扯皮", "buck_passing"), ("吃拿卡要", "petty_corruption")])
[('buck_passing', 'remedy'), ('petty_corruption', 'remedy')]
>>> expression_hits("暗访中没有发现推诿扯皮现象。", [("推诿扯皮", "buck_passing")])
[('buck_passing', 'negated')]
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .matching import CLAUSE_MARKS, NEGATIONS, REMEDIES, SCOPES, expression_hits  # noqa: F401
from .matching import expression_index as _index
from .matching import find_hits as _hits

EXPRESSION_COLUMNS = ("category", "expression", "variants", "notes")


@lru_cache(maxsize=1)
def packaged_expressions() -> tuple[tuple[str, str], ...]:
    """``(expression, category)`` for every expression and variant of the packaged lexicon."""
    path = resources.files("taxonomy") / "resources" / "expressions.csv"
    if not path.is_file():
        return ()
    return tuple(read_expressions(path.read_text(encoding="utf-8-sig")))


def read_expressions(text: str) -> list[tuple[str, str]]:
    """Parse the CSV text of a lexicon into ``(expression, category)`` pairs, variants included."""
    pairs: dict[tuple[str, str], None] = {}
    for row in csv.DictReader(io.StringIO(text)):
        category = (row.get("category") or "").strip()
        forms = [row.get("expression") or ""] + (row.get("variants") or "").split("|")
        for form in forms:
            form = form.strip()
            if category and len(form) >= 2:
                pairs[(form, category)] = None
    return list(pairs)


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Per category, hits of its stock expressions: plain, negated and remedy-scoped.

    Parameters
    ----------
    expressions : tuple of (str, str), optional
        ``(expression, category)`` pairs. ``None`` uses the packaged lexicon
        (``resources/expressions.csv``), read in ``fit``.
    weight : float, default 1.0
        Value of a hit (the TF-IDF blocks are unit-length rows).

    Attributes
    ----------
    terms_ : ndarray of str
        The expressions, and ``term_categories_`` their categories.
    categories_ : ndarray of str
        Categories with at least one expression, in first-seen order.
    """

    def __init__(self, *, expressions=None, weight=1.0):
        self.expressions = expressions
        self.weight = weight

    def fit(self, X, y=None):
        pairs = packaged_expressions() if self.expressions is None else [(str(e), str(c)) for e, c in self.expressions]
        pairs = [(e, c) for e, c in pairs if len(e) >= 2]  # single characters name no problem
        self.terms_ = np.array([e for e, _ in pairs], dtype=str)
        self.term_categories_ = np.array([c for _, c in pairs], dtype=str)
        self.categories_ = np.array(list(dict.fromkeys(c for _, c in pairs)), dtype=str)
        return self

    def transform(self, X):
        check_is_fitted(self, "terms_")
        index = _index(tuple(zip(self.terms_.tolist(), self.term_categories_.tolist())))
        column = {c: i for i, c in enumerate(self.categories_.tolist())}
        scope_offset = {s: k * len(column) for k, s in enumerate(SCOPES)}
        rows, cols = [], []
        texts = X.tolist() if hasattr(X, "tolist") else list(X)
        for r, text in enumerate(texts):
            for category, scope in _hits(str(text), index):
                rows.append(r)
                cols.append(scope_offset[scope] + column[category])
        data = np.full(len(rows), self.weight, dtype=np.float32)
        return sparse.csr_matrix((data, (rows, cols)), shape=(len(texts), len(SCOPES) * len(column)))

    def get_feature_names_out(self, input_features=None):
        """``lex:<id>``, ``lex_negated:<id>``, ``lex_remedy:<id>``."""
        check_is_fitted(self, "terms_")
        prefixes = {"plain": "lex:", "negated": "lex_negated:", "remedy": "lex_remedy:"}
        return np.array([prefixes[s] + c for s in SCOPES for c in self.categories_.tolist()], dtype=object)
