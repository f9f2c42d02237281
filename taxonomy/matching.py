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
from collections.abc import Iterable, Iterator
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
def expression_index(terms: tuple[tuple[str, str], ...]) -> dict[str, tuple[tuple[int, dict[str, tuple[str, ...]]], ...]]:
    """Expressions (two characters or more) grouped by their first two characters.

    Each group holds, longest first, the lengths of its expressions with the
    expressions of that length and their categories (sorted), so that a place in a
    text is checked with one lookup per length rather than one comparison per
    expression.

    >>> expression_index((("推诿扯皮", "buck_passing"), ("推诿", "buck_passing"), ("推诿", "inaction")))
    {'推诿': ((4, {'推诿扯皮': ('buck_passing',)}), (2, {'推诿': ('buck_passing', 'inaction')}))}
    """
    grouped: dict[str, dict[int, dict[str, list[str]]]] = {}
    for term, category in sorted(terms, key=lambda tc: (-len(tc[0]), tc)):
        if len(term) >= 2:
            grouped.setdefault(term[:2], {}).setdefault(len(term), {}).setdefault(term, []).append(category)
    return {key: tuple((length, {t: tuple(c) for t, c in by_term.items()}) for length, by_term in lengths.items())
            for key, lengths in grouped.items()}


def _scope(text: str, position: int) -> str:
    return _scope_within(text, 0, position)


def _scope_within(text: str, start: int, position: int) -> str:
    """The scope of an expression at ``position`` of a sentence that starts at ``start`` of ``text``."""
    last_mark = _UP_TO_LAST_MARK.match(text, start, position)  # the clause starts after the last mark before
    clause = last_mark.end() if last_mark else start
    if _REMEDY.search(text, clause, position):
        return "remedy"
    if _NEGATION.search(text, clause, position):
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
        groups = index.get(text[i : i + 2])
        if groups:
            scope = None
            for length, terms in groups:
                categories = terms.get(text[i : i + length])
                if categories:
                    scope = scope or _scope(text, i)
                    for category in categories:
                        found[(category, scope)] = None
    return list(found)


def hits_at(text: str, index: dict, places: Iterable[tuple[int, int, int, object]]) -> Iterator[tuple[object, str, str]]:
    """``(tag, category, scope)`` of the expressions that start at the given places of ``text``.

    ``text`` holds many sentences one after the other; each place is ``(position,
    start, end, tag)``: where an expression may start (its first two characters are a
    key of ``index``) and the bounds of the sentence it is in, which an expression
    must not cross. Finds per sentence what :func:`find_hits` finds, repeats included.

    >>> index = expression_index((("推诿扯皮", "buck_passing"),))
    >>> list(hits_at("坚决杜绝推诿扯皮推诿", index, [(4, 0, 8, "a"), (8, 8, 10, "b")]))
    [('a', 'buck_passing', 'remedy')]
    """
    for position, start, end, tag in places:
        scope = None
        for length, terms in index[text[position : position + 2]]:
            if position + length <= end:
                categories = terms.get(text[position : position + length])
                if categories:
                    scope = scope or _scope_within(text, start, position)
                    for category in categories:
                        yield tag, category, scope
