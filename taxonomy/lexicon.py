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

EXPRESSION_COLUMNS = ("category", "expression", "variants", "notes")
# Marks that end the scope of a negation or remedy verb: the clause.
CLAUSE_MARKS = "，。；：！？,;:!?"
NEGATIONS = ("没有", "没", "未", "不再", "无", "并非", "不是", "减少", "少了", "好转")
REMEDIES = (
    "杜绝", "防止", "克服", "纠正", "整治", "纠治", "严禁", "不得", "不能", "不要", "不准", "反对", "力戒",
    "破除", "治理", "查处", "整改", "遏制", "根治", "严查", "问责", "清理", "解决", "摒弃", "坚决",
)
SCOPES = ("plain", "negated", "remedy")


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


@lru_cache(maxsize=8)
def _index(terms: tuple[tuple[str, str], ...]) -> dict[str, list[tuple[str, str]]]:
    """Expressions (two characters or more) grouped by their first two characters, longest first."""
    index: dict[str, list[tuple[str, str]]] = {}
    for term, category in sorted(terms, key=lambda tc: (-len(tc[0]), tc)):
        if len(term) >= 2:
            index.setdefault(term[:2], []).append((term, category))
    return index


def _scope(text: str, position: int) -> str:
    start = max(text.rfind(mark, 0, position) for mark in CLAUSE_MARKS) + 1
    before = text[start:position]
    if any(cue in before for cue in REMEDIES):
        return "remedy"
    if any(cue in before for cue in NEGATIONS):
        return "negated"
    return "plain"


def expression_hits(text: str, terms) -> list[tuple[str, str]]:
    """``(category, scope)`` of every expression found in ``text``, in order, without repeats.

    ``scope`` is ``remedy`` when a remedy verb (杜绝, 整治 …) and ``negated`` when a
    negation (没有, 未 …) stands earlier in the same clause, else ``plain``.
    """
    return _hits(text, _index(tuple(terms)))


def _hits(text: str, index: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    found: dict[tuple[str, str], None] = {}
    for i in range(len(text) - 1):
        candidates = index.get(text[i : i + 2])
        if candidates:
            for term, category in candidates:
                if text.startswith(term, i):
                    found[(category, _scope(text, i))] = None
    return list(found)


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
