import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SPEECHES
from taxonomy.normalise import normalise_text
from taxonomy.reading import read_document
from taxonomy.split import is_heading, split_sentences


def texts(s):
    return [x.text for x in split_sentences(s)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("一是进取不积极。有的安于现状。", ["一是进取不积极。", "有的安于现状。"]),
        ("有的推诿；有的扯皮！对吗？", ["有的推诿；", "有的扯皮！", "对吗？"]),
        ("他说：“要抓落实。”大家鼓掌。", ["他说：“要抓落实。”", "大家鼓掌。"]),
        ("（一）加强领导\n要把作风建设抓紧。", ["（一）加强领导", "要把作风建设抓紧。"]),
        ("真的吗？！好。", ["真的吗？！", "好。"]),
        ("没有句号的结尾", ["没有句号的结尾"]),
        ("   \n\n  ", []),
    ],
    ids=["heading-yishi", "semicolon-and-marks", "closing-quote", "heading-line", "mark-run", "no-end", "blank"],
)
def test_unit_rules(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize(
    "sentence, heading",
    [
        ("一、基层和群众反映的作风问题", True),
        ("（二）在“真”字上下功夫", True),
        ("二是进取不积极。", True),
        ("三要从优化审批制度抓起。", True),
        ("第一，开展作风大查摆大整治。", True),
        ("1、加强组织领导", True),
        ("有的安于现状。", False),
        ("2023年全市生产总值增长6%。", False),
    ],
)
def test_headings(sentence, heading):
    assert is_heading(sentence) is heading


@given(st.text(alphabet=st.sampled_from(list("有的干部推诿扯皮一、（）“”。！？；!?;\n 　\tab1")), max_size=200))
def test_sentences_tile_the_text(text):
    sentences = split_sentences(text)
    position = 0
    for i, s in enumerate(sentences):
        assert s.sentence_id == i
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert text[position : s.start].strip() == ""  # only whitespace between sentences
        assert "\n" not in s.text
        position = s.end
    assert text[position:].strip() == ""


@given(st.text(max_size=300))
def test_sentences_tile_any_text(text):
    position = 0
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text and s.start >= position
        assert text[position : s.start].strip() == ""
        position = s.end
    assert text[position:].strip() == ""


def test_golden_speech_splitting():
    by_name = {p.name: split_sentences(normalise_text(read_document(p))) for p in SPEECHES}
    assert sum(len(v) for v in by_name.values()) > 500
    s000 = [s.text for s in by_name["000_a0a5117793308a47.txt"]]
    assert "二是进取不积极。" in s000
    assert "有的小富即安、小进即满，满足于一般化，只求过得去，不求过得硬。" in s000
    assert "一、基层和群众反映的作风问题就是机关作风建设的主攻方向" in s000
    for sentences in by_name.values():
        for s in sentences:
            assert "下载文档" not in s.text and "(shè)" not in s.text


# --------------------------------------------------------------------------- over-long units

from taxonomy.limits import DEFAULT_LIMITS  # noqa: E402


def test_a_long_unit_is_cut_after_the_last_clause_mark_before_the_limit():
    text = "有的干部推诿，扯皮敷衍塞责、不作为慢作为，群众来回跑。"
    assert texts_max(text, 12) == ["有的干部推诿，", "扯皮敷衍塞责、", "不作为慢作为，", "群众来回跑。"]


def test_a_long_run_without_clause_marks_is_cut_at_the_limit():
    text = "推" * 25
    assert texts_max(text, 10) == ["推" * 10, "推" * 10, "推" * 5]


def test_the_default_limit_applies():
    pieces = split_sentences("有的干部推诿扯皮" * 1000)
    assert max(len(s.text) for s in pieces) == DEFAULT_LIMITS.max_sentence_chars
    assert "".join(s.text for s in pieces) == "有的干部推诿扯皮" * 1000


def test_a_long_line_costs_time_in_proportion_to_its_length():
    import time

    def seconds(n):  # the best of three runs: the machine may be busy
        text = "有的干部推诿扯皮" * n
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            split_sentences(text)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(20_000), seconds(200_000)
    assert large < 40 * max(small, 5e-3)  # ten times the text: about ten times the time, not a hundred


def test_a_limit_below_one_is_an_error():
    from taxonomy.errors import TaxonomyError

    with pytest.raises(TaxonomyError, match="at least 1"):
        split_sentences("有的。", max_chars=0)


def texts_max(text, max_chars):
    return [s.text for s in split_sentences(text, max_chars=max_chars)]


@given(
    st.lists(
        st.one_of(st.text(alphabet="推诿扯皮ab1 ", min_size=1, max_size=60), st.sampled_from(["，", "、", "：", ",", "。", "\n", "  "])),
        max_size=20,
    ).map("".join),
    st.integers(min_value=1, max_value=15),
)
def test_long_unpunctuated_runs_are_cut_and_still_tile_the_text(text, max_chars):
    position = 0
    for s in split_sentences(text, max_chars=max_chars):
        assert 0 < len(s.text) <= max_chars
        assert text[s.start : s.end] == s.text and s.start >= position
        assert text[position : s.start].strip() == ""
        assert s.text == s.text.strip()
        position = s.end
    assert text[position:].strip() == ""


def test_space_after_a_sentence_end_is_not_part_of_the_next_sentence():
    sentences = split_sentences("甲。 乙。  丙。")
    assert [(s.start, s.end, s.text) for s in sentences] == [(0, 2, "甲。"), (3, 5, "乙。"), (7, 9, "丙。")]


def test_a_unit_of_exactly_the_limit_is_not_cut():
    assert [s.text for s in split_sentences("有的推诿，扯皮", max_chars=7)] == ["有的推诿，扯皮"]
    assert [s.text for s in split_sentences("有的推诿，扯皮。", max_chars=7)] == ["有的推诿，", "扯皮。"]
