import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

from taxonomy.categories import category_ids
from taxonomy.segmentation import packaged_user_words
from taxonomy.lexicon import LexiconFeatures, expression_hits, packaged_expressions, read_expressions

TERMS = [("推诿扯皮", "buck_passing"), ("踢皮球", "buck_passing"), ("庸懒散", "yong_lan_san"), ("慵懒散", "yong_lan_san"),
         ("吃拿卡要", "petty_corruption")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("有的干部推诿扯皮，群众来回跑。", [("buck_passing", "plain")]),
        ("坚决杜绝推诿扯皮、吃拿卡要。", [("buck_passing", "remedy"), ("petty_corruption", "remedy")]),
        ("暗访中没有发现踢皮球现象。", [("buck_passing", "negated")]),
        # the scope ends at the clause: the second clause is a plain description again
        ("我们反复强调要整治，但慵懒散依然存在。", [("yong_lan_san", "plain")]),
        ("今年全市新增市场主体一万户。", []),
    ],
)
def test_expression_hits_and_scope(text, expected):
    assert expression_hits(text, TERMS) == expected


def test_transformer_columns_per_category_and_scope():
    X = pd.Series(["有的干部推诿扯皮。", "坚决杜绝庸懒散。", "没有踢皮球的。", "无关的句子。"])
    lex = LexiconFeatures(expressions=TERMS, weight=2.0).fit(X)
    names = list(lex.get_feature_names_out())
    M = lex.transform(X).toarray()
    assert M.shape == (4, 9) and len(names) == 9
    assert M[0, names.index("lex:buck_passing")] == 2.0
    assert M[1, names.index("lex_remedy:yong_lan_san")] == 2.0 and M[1, names.index("lex:yong_lan_san")] == 0
    assert M[2, names.index("lex_negated:buck_passing")] == 2.0
    assert M[3].sum() == 0


def test_transformer_must_be_fitted():
    with pytest.raises(NotFittedError):
        LexiconFeatures().transform(pd.Series(["推诿扯皮"]))


def test_read_expressions_includes_variants_and_skips_single_characters():
    text = "category,expression,variants,notes\nyong_lan_san,庸懒散,慵懒散|庸懒散慢,x\nfraud,假,,\n"
    assert read_expressions(text) == [("庸懒散", "yong_lan_san"), ("慵懒散", "yong_lan_san"), ("庸懒散慢", "yong_lan_san")]


def test_packaged_lexicon_uses_known_ids_and_covers_every_category():
    pairs = packaged_expressions()
    known = set(category_ids())
    assert {c for _, c in pairs} <= known
    per_category = pd.Series([c for _, c in pairs]).value_counts()
    assert set(per_category.index) == known
    assert per_category.min() >= 40


def test_packaged_lexicon_feeds_the_jieba_dictionary():
    words = dict(packaged_user_words())
    assert "慵懒散" in words and "明哲保身" in words


@given(st.text(alphabet="推诿扯皮庸懒散没有杜绝，。、的干部", max_size=40))
def test_hits_are_found_exactly_where_an_expression_occurs(text):
    hits = expression_hits(text, TERMS)
    for term, category in TERMS:
        if term in text:
            assert category in {c for c, _ in hits}
    assert {c for c, _ in hits} <= {c for t, c in TERMS if t in text}
