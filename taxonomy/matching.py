"""Finding the stock expressions of the lexicon in a sentence, with their scope.

Pure Python (no scikit-learn), so that labelling with an inference bundle
(:mod:`taxonomy.fastmodel`) finds exactly the hits :class:`taxonomy.lexicon.LexiconFeatures`
finds. An expression is ``remedy``-scoped when a remedy verb (杜绝, 整治 …) and
``negated`` when a negation (没有, 未 …) stands earlier in the same clause, else ``plain``.

Examples
--------
>>> expression_hits("坚决杜绝推诿扯皮、吃拿卡要", [("推诿扯皮", "buck_passing"), ("吃拿卡要", "petty_corruption")])
[('buck_passing', 'remedy'), ('petty_corruption', 'remedy')]
"""

from __future__ import annotations

import re
from functools import lru_cache

# Marks that end the scope of a negation or remedy verb: the clause.
CLAUSE_MARKS = "，。；：！？,;:!?"
NEGATIONS = ("没有", "没", "未", "不再", "无", "并非", "不是", "减少", "少了", "好转")
REMEDIES = (
    "杜绝", "防止", "克服", "纠正", "整治", "纠治", "严禁", "不得", "不能", "不要", "不准", "反对", "力戒",
    "破除", "治理", "查处", "整改", "遏制", "根治", "严查", "问责", "清理", "解决", "摒弃", "坚决",
)
SCOPES = ("plain", "negated", "remedy")
_UP_TO_LAST_MARK = re.compile("(?s).*[" + re.escape(CLAUSE_MARKS) + "]")
_REMEDY = re.compile("|".join(map(re.escape, REMEDIES)))
_NEGATION = re.compile("|".join(map(re.escape, NEGATIONS)))


@lru_cache(maxsize=8)
def expression_index(terms: tuple[tuple[str, str], ...]) -> dict[str, list[tuple[str, str]]]:
    """Expressions (two characters or more) grouped by their first two characters, longest first."""
    index: dict[str, list[tuple[str, str]]] = {}
    for term, category in sorted(terms, key=lambda tc: (-len(tc[0]), tc)):
        if len(term) >= 2:
            index.setdefault(term[:2], []).append((term, category))
    return index


def _scope(text: str, position: int) -> str:
    last_mark = _UP_TO_LAST_MARK.match(text, 0, position)  # the clause starts after the last mark before
    before = text[last_mark.end() if last_mark else 0 : position]
    if _REMEDY.search(before):
        return "remedy"
    if _NEGATION.search(before):
        return "negated"
    return "plain"


def expression_hits(text: str, terms) -> list[tuple[str, str]]:
    """``(category, scope)`` of every expression found in ``text``, in order, without repeats.

    ``scope`` is ``remedy`` when a remedy verb (杜绝, 整治 …) and ``negated`` when a
    negation (没有, 未 …) stands earlier in the same clause, else ``plain``.
    """
    return find_hits(text, expression_index(tuple(terms)))


def find_hits(text: str, index: dict[str, list[tuple[str, str]]], positions=None) -> list[tuple[str, str]]:
    """``(category, scope)`` of the expressions of ``index`` (:func:`expression_index`) in ``text``.

    ``positions`` (ascending), when given, are the only places where an expression may
    start: those whose two characters are a key of ``index`` (found in bulk by the caller).
    """
    found: dict[tuple[str, str], None] = {}
    for i in range(len(text) - 1) if positions is None else positions:
        candidates = index.get(text[i : i + 2])
        if candidates:
            for term, category in candidates:
                if text.startswith(term, i):
                    found[(category, _scope(text, i))] = None
    return list(found)
