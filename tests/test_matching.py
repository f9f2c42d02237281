"""Finding stock expressions and their scope (the lexicon's matcher)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from taxonomy.matching import CLAUSE_MARKS, NEGATIONS, REMEDIES, _scope, expression_hits, expression_index, find_hits

TERMS = [("推诿扯皮", "buck_passing"), ("推诿", "buck_passing"), ("吃拿卡要", "petty_corruption")]


def _scope_by_definition(text: str, position: int) -> str:
    start = max(text.rfind(mark, 0, position) for mark in CLAUSE_MARKS) + 1
    before = text[start:position]
    if any(cue in before for cue in REMEDIES):
        return "remedy"
    if any(cue in before for cue in NEGATIONS):
        return "negated"
    return "plain"


pieces = st.sampled_from(["推诿扯皮", "吃拿卡要", "杜绝", "没有", "未", "，", "。", ";", "有的", "干部", "\n", "坚"])


@given(st.lists(pieces, max_size=12), st.integers(min_value=0, max_value=40))
def test_scope_is_the_clause_before_the_position(parts, position):
    text = "".join(parts)
    position = min(position, len(text))
    assert _scope(text, position) == _scope_by_definition(text, position)


@given(st.lists(pieces, max_size=12))
def test_given_positions_find_what_a_full_scan_finds(parts):
    text = "".join(parts)
    index = expression_index(tuple(TERMS))
    starts = [i for i in range(len(text) - 1) if text[i : i + 2] in index]
    assert find_hits(text, index, starts) == find_hits(text, index)


def test_hits_with_scope():
    assert expression_hits("没有发现推诿扯皮，坚决杜绝吃拿卡要。", TERMS) == [
        ("buck_passing", "negated"), ("petty_corruption", "remedy")]


SHARED = TERMS + [("推诿扯皮问题", "buck_passing"), ("推诿", "inaction"), ("吃拿", "petty_corruption"), ("扯皮", "buck_passing")]


def _hits_by_definition(text, terms):
    """Every term at every place, longest (then alphabetically) first, first sighting kept."""
    found = {}
    for i in range(len(text)):
        for term, category in sorted(terms, key=lambda tc: (-len(tc[0]), tc)):
            if len(term) >= 2 and text.startswith(term, i):
                found[(category, _scope_by_definition(text, i))] = None
    return list(found)


@given(st.lists(st.sampled_from(["推诿扯皮", "推诿", "问题", "吃拿卡要", "吃拿", "扯皮", "杜绝", "没有", "，", "。", "干部"]),
                max_size=12))
def test_hits_are_every_expression_at_every_place(parts):
    text = "".join(parts)
    assert expression_hits(text, SHARED) == _hits_by_definition(text, SHARED)


@given(st.lists(st.lists(st.sampled_from(["推诿扯皮", "推诿", "问题", "吃拿卡要", "吃拿", "扯皮", "杜绝", "没有", "，", "。", "推", "诿"]),
                         max_size=6).map("".join), max_size=5))
def test_hits_in_sentences_run_together_are_each_sentences_hits(sentences):
    from taxonomy.matching import hits_at

    index = expression_index(tuple(SHARED))
    whole, places, start = "".join(sentences), [], 0
    for k, sentence in enumerate(sentences):
        places += [(start + i, start, start + len(sentence), k) for i in range(len(sentence) - 1)
                   if sentence[i : i + 2] in index]
        start += len(sentence)
    found = {}
    for k, category, scope in hits_at(whole, index, places):
        found.setdefault(k, {})[(category, scope)] = None
    assert [list(found.get(k, {})) for k in range(len(sentences))] == [find_hits(s, index) for s in sentences]
