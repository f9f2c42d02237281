"""The words that drove a label, as character spans of the sentence.

:meth:`TaxonomyModel.explain` gives, per labelled sentence and category, the features
that pushed most (their TF-IDF value times the category's coefficient). Here each
positive feature is mapped back to where it stands in the sentence:

* ``word:…`` and ``char:…`` — every occurrence of the word or character n-gram;
* ``lex:<id>``, ``lex_negated:<id>``, ``lex_remedy:<id>`` — every stock expression of
  that category (:func:`taxonomy.lexicon.packaged_expressions`) found in the sentence;
* ``prev:…``, ``next:…``, ``heading:…`` — the neighbouring sentences and the section
  heading: reported as *context*, not highlighted.

A feature made only of function words and punctuation (:data:`FUNCTION_WORDS`: 不 的
了 是 在 和 有 也 都 要 能 不能 有的 …) is dropped: it tells a reader nothing. Spans that
overlap or touch are merged; a merged span's weight is the sum of its features'
contributions (log-odds). Punctuation at the edges of a span is left out, and a span
of a single character is dropped (a lone character such as 推 or 少 does not read as
a reason), and so is a span weighing less than :data:`MIN_WEIGHT` (0.5).

Examples
--------
>>> spans, context = sentence_spans("坚决杜绝推诿扯皮现象。", [
...     ("buck_passing", "lex_remedy:buck_passing", 9.0), ("buck_passing", "char:不", 0.5),
...     ("buck_passing", "word:杜绝", 0.4), ("buck_passing", "prev:扯皮", 0.2)])
>>> [(s.start, s.end, round(s.weight, 1)) for s in spans]
[(2, 10, 9.4)]
>>> context
(('buck_passing', 'prev:扯皮', 0.2),)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .lexicon import packaged_expressions

TOP_FEATURES = 12
MIN_SPAN = 2
# Merged spans weighing less than this (log-odds) are noise, not reasons.
MIN_WEIGHT = 0.5
# Function words: a feature made only of these (and punctuation) is never shown as a reason.
FUNCTION_WORDS = frozenset(
    "不 的 了 是 在 和 有 也 都 要 能 不能 不要 没有 就 对 把 被 从 向 与 及 并 等 中 上 下 这 那 个 着 过 地 得 之 而 或 "
    "其 以 为 将 让 到 还 又 很 更 我 我们 你 他 他们 它 一 一些 有的 个别 一是 二是 三是 各 该 此 所 于 则 即 但 却 "
    "如 若 因 使 给 比 由 对于 关于 以及 或者 并且 而且 如果 因为 所以 但是".split()
)
CONTEXT_PREFIXES = ("prev:", "next:", "heading:")
LEXICON_PREFIXES = ("lex:", "lex_negated:", "lex_remedy:")


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of a sentence that drove its labels, with their summed weight."""

    start: int
    end: int
    weight: float
    categories: tuple[str, ...]
    features: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    """Why one sentence got one category: its highlighted spans and its context features."""

    sentence_id: int
    text: str
    category: str
    probability: float
    spans: tuple[Span, ...]
    context: tuple[tuple[str, str, float], ...]


def is_function_only(term: str) -> bool:
    """True when ``term`` (without punctuation and spaces) is empty or a run of function words.

    >>> is_function_only("不能"), is_function_only("的 了，"), is_function_only("推诿"), is_function_only("有的干部")
    (True, True, False, False)
    """
    core = "".join(ch for ch in term if not _is_mark(ch))
    if not core:
        return True
    # can core be cut entirely into function words? (dynamic programming over prefixes)
    covered = [True] + [False] * len(core)
    for end in range(1, len(core) + 1):
        covered[end] = any(covered[start] and core[start:end] in FUNCTION_WORDS for start in range(max(0, end - 4), end))
    return covered[-1]


def _pattern(term: str) -> re.Pattern:
    parts = [r"\s*" if ch == " " else re.escape(ch) for ch in term.strip()]
    return re.compile("".join(parts), re.IGNORECASE)


def feature_spans(text: str, feature: str) -> list[tuple[int, int]]:
    """Where ``feature`` (``word:…``, ``char:…``, ``lex…:<id>``) occurs in ``text``; [] for context.

    >>> feature_spans("有的干部推诿扯皮，推诿不办。", "word:推诿")
    [(4, 6), (9, 11)]
    >>> feature_spans("坚决杜绝推诿扯皮。", "lex_remedy:buck_passing")
    [(4, 8)]
    """
    block, _, term = feature.partition(":")
    if feature.startswith(LEXICON_PREFIXES):
        forms = sorted({e for e, c in packaged_expressions() if c == term}, key=len, reverse=True)
        taken: list[tuple[int, int]] = []
        for form in forms:  # longest first, without overlapping a longer form already found
            for m in re.finditer(re.escape(form), text):
                if not any(m.start() < e and s < m.end() for s, e in taken):
                    taken.append((m.start(), m.end()))
        return sorted(taken)
    if block not in ("word", "char") or not term.strip():
        return []
    return [(m.start(), m.end()) for m in _pattern(term).finditer(text) if m.end() > m.start()]


def sentence_spans(text: str, contributions) -> tuple[list[Span], tuple[tuple[str, str, float], ...]]:
    """Merged spans and context features of one sentence.

    Parameters
    ----------
    text : str
        The sentence.
    contributions : iterable of (category, feature, contribution)
        Features as :meth:`TaxonomyModel.explain` names them; non-positive ones are ignored.
    """
    pieces: list[tuple[int, int, float, str, str]] = []
    context = []
    for category, feature, weight in contributions:
        if weight <= 0:
            continue
        if feature.startswith(CONTEXT_PREFIXES):
            context.append((category, feature, float(weight)))
            continue
        term = feature.partition(":")[2]
        if not feature.startswith(LEXICON_PREFIXES) and is_function_only(term):
            continue
        for start, end in feature_spans(text, feature):
            if not is_function_only(text[start:end]):
                pieces.append((start, end, float(weight), category, feature))
    merged = merge([Span(start, end, weight, (category,), (feature,)) for start, end, weight, category, feature in pieces])
    return [span for span in (_trim(text, s) for s in merged) if span.end - span.start >= MIN_SPAN
            and span.weight >= MIN_WEIGHT], tuple(context)


def _is_mark(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PS"


def _trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and _is_mark(text[start]):
        start += 1
    while end > start and _is_mark(text[end - 1]):
        end -= 1
    return Span(start, end, span.weight, span.categories, span.features)


def merge(spans) -> list[Span]:
    """Spans that overlap or touch merged into one, weights summed, in text order.

    >>> [(s.start, s.end, s.weight) for s in merge([Span(0, 2, 1.0, ("a",), ()), Span(1, 4, 0.5, ("b",), ()),
    ...                                              Span(6, 7, 2.0, ("a",), ())])]
    [(0, 4, 1.5), (6, 7, 2.0)]
    """
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if out and span.start <= out[-1].end:
            last = out[-1]
            out[-1] = Span(last.start, max(last.end, span.end), last.weight + span.weight,
                           tuple(dict.fromkeys(last.categories + span.categories)),
                           tuple(dict.fromkeys(last.features + span.features)))
        else:
            out.append(span)
    return out


def explain_sentences(model, text: str, *, top: int = TOP_FEATURES) -> list[Explanation]:
    """One :class:`Explanation` per labelled sentence of ``text`` and label, in sentence order.

    >>> explain_sentences(taxonomy.load_model(), "有的干部遇到矛盾绕道走。")[0].category  # doctest: +SKIP
    'buck_passing'
    """
    table = model.explain(text, top=top)
    out = []
    for (sentence_id, category), rows in table.groupby(["sentence_id", "category"], sort=False):
        sentence = str(rows["text"].iloc[0])
        spans, context = sentence_spans(sentence, zip(rows["category"], rows["feature"], rows["contribution"]))
        out.append(Explanation(int(sentence_id), sentence, str(category), float(rows["probability"].iloc[0]),
                               tuple(spans), context))
    return out


def merged_spans(explanations: list[Explanation]) -> dict[int, list[Span]]:
    """Per sentence id, the spans of all its labels merged (to highlight the sentence once)."""
    out: dict[int, list[Span]] = {}
    for e in explanations:
        out[e.sentence_id] = merge(out.get(e.sentence_id, []) + list(e.spans))
    return out


def terminal_lines(explanations: list[Explanation], names: dict[str, str] | None = None):
    """Rich ``Text`` lines: each sentence with its reasons in bold, then per label its reasons and context.

    >>> [str(t) for t in terminal_lines([Explanation(3, "有的推诿扯皮。", "buck_passing", 0.97,
    ...     (Span(2, 6, 9.1, ("buck_passing",), ()),), ())])]
    ['[3] 有的推诿扯皮。', '    推诿扯皮 0.97  推诿扯皮 (9.1)']
    """
    from rich.text import Text

    from .readable import chinese_labels

    lines = []
    by_sentence: dict[int, list[Explanation]] = {}
    for e in explanations:
        by_sentence.setdefault(e.sentence_id, []).append(e)
    for sentence_id, items in by_sentence.items():
        text = items[0].text
        line = Text(f"[{sentence_id}] ")
        line.append(text)
        offset = len(f"[{sentence_id}] ")
        for span in merge([s for e in items for s in e.spans]):
            line.stylize("bold underline", offset + span.start, offset + span.end)
        lines.append(line)
        for e in items:
            name = (names or {}).get(e.category) or chinese_labels([e.category])[0]
            reasons = "、".join(f"{text[s.start:s.end]} ({s.weight:.1f})" for s in sorted(e.spans, key=lambda s: -s.weight))
            detail = Text(f"    {name} {e.probability:.2f}  {reasons or '-'}")
            if e.context:
                detail.append("  上下文: " + "、".join(f"{f} ({w:.2f})" for _, f, w in e.context), style="dim")
            lines.append(detail)
    return lines
