from hypothesis import given
from hypothesis import strategies as st

from taxonomy.explaining import (FUNCTION_WORDS, Explanation, Span, explain_sentences, feature_spans, is_function_only,
                                 merge, merged_spans, sentence_spans)


def test_function_words_are_never_reasons():
    text = "有的干部不能担当，怕担风险。"
    spans, _ = sentence_spans(text, [("c", "char:不", 0.9), ("c", "word:不能", 0.8), ("c", "word:的", 0.7),
                                     ("c", "word:，", 0.6), ("c", "char:风险", 0.5)])
    assert [text[s.start:s.end] for s in spans] == ["风险"]


def test_lexicon_features_map_to_the_expressions_found():
    text = "有的单位推诿扯皮，群众来回跑。"
    spans = feature_spans(text, "lex:buck_passing")
    assert [text[s:e] for s, e in spans] == ["推诿扯皮", "来回跑"]


def test_word_bigrams_and_char_ngrams_find_every_occurrence():
    text = "推诿扯皮，又是推诿。"
    assert feature_spans(text, "word:推诿 扯皮") == [(0, 4)]
    assert feature_spans(text, "char:推诿") == [(0, 2), (7, 9)]


def test_context_is_reported_not_highlighted():
    spans, context = sentence_spans("要坚决纠正。", [("c", "heading:推诿", 0.4), ("c", "prev:扯皮", 0.3)])
    assert spans == [] and [f for _, f, _ in context] == ["heading:推诿", "prev:扯皮"]


def test_overlapping_and_touching_spans_merge_and_weights_add():
    text = "遇到矛盾绕道走。"
    spans, _ = sentence_spans(text, [("c", "char:遇到", 0.5), ("c", "char:矛盾", 0.25), ("c", "char:盾绕", 0.25),
                                     ("c", "char:走", -1.0)])
    assert [(text[s.start:s.end], s.weight) for s in spans] == [("遇到矛盾绕", 1.0)]


def test_merge_across_labels_keeps_both_categories():
    a = Explanation(1, "x", "a", 0.9, (Span(0, 3, 1.0, ("a",), ("f",)),), ())
    b = Explanation(1, "x", "b", 0.8, (Span(2, 5, 2.0, ("b",), ("g",)),), ())
    (span,) = merged_spans([a, b])[1]
    assert (span.start, span.end, span.weight, span.categories) == (0, 5, 3.0, ("a", "b"))


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6), st.floats(0.01, 5)), max_size=12))
def test_merged_spans_are_disjoint_and_keep_the_total_weight(raw):
    spans = [Span(s, s + n, w, ("c",), ()) for s, n, w in raw]
    out = merge(spans)
    assert all(a.end < b.start for a, b in zip(out, out[1:]))
    assert abs(sum(s.weight for s in out) - sum(s.weight for s in spans)) < 1e-6


@given(st.text(alphabet="不的了是在和有也都要能推诿扯皮，。 ", max_size=12))
def test_is_function_only_matches_the_stop_list(term):
    core = "".join(ch for ch in term if ch not in "，。 ")
    if all(ch in FUNCTION_WORDS for ch in core):
        assert is_function_only(term)
    if any(ch in "推诿扯皮" for ch in core):
        assert not is_function_only(term)


def test_explain_sentences_on_a_model(tiny_model):
    text = "同志们：\n有的科室推诿扯皮，让企业来回跑。今年新增市场主体一万户。"
    explanations = explain_sentences(tiny_model, text)
    labelled = tiny_model.label_text(text).query("labels != ''")
    assert {e.sentence_id for e in explanations} == set(labelled["sentence_id"])
    for e in explanations:
        assert e.text in text and all(not is_function_only(e.text[s.start:s.end]) for s in e.spans)
        assert all(s.end - s.start >= 2 for s in e.spans)
    assert any("推诿扯皮" in e.text[s.start:s.end] for e in explanations for s in e.spans)
