import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SPEECHES
from taxonomy.normalise import fold_width, is_clutter_line, normalise_text, strip_pinyin_glosses, to_simplified
from taxonomy.reading import read_document

CLUTTER = ["下载文档", "温馨提示", "上一篇", "下一篇", "推荐访问", "收藏 分享", "网站客服", "此文档下载收益", "小编", "第7页 共7页", "精品讲话"]
PINYIN_GLOSS = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")


@pytest.fixture(scope="module")
def normalised():
    return {path.name: normalise_text(read_document(path)) for path in SPEECHES}


def test_five_speeches_are_present():
    assert len(SPEECHES) == 5


@pytest.mark.parametrize("marker", CLUTTER)
def test_no_site_clutter_survives_in_any_speech(normalised, marker):
    for name, text in normalised.items():
        assert marker not in text, name


def test_no_pinyin_gloss_survives(normalised):
    for name, text in normalised.items():
        assert not PINYIN_GLOSS.search(text), name


def test_traditional_speech_comes_out_simplified(normalised):
    text = normalised["001_a08d6eabe4eb754c.txt"]
    assert text.startswith("纠风办基层建设管理讲话")
    assert "评议政风行风" in text
    for traditional in "評議風設區導網們這":
        assert traditional not in text


def test_speech_text_is_kept(normalised):
    assert "有的当老好人，明哲保身" in normalised["000_a0a5117793308a47.txt"]
    assert "谢谢大家！" in normalised["003_aaac5f0b48bd72b0.txt"]
    assert normalised["004_27e43f4b0fd2340a.txt"].splitlines()[0] == "作风效能建设集中整改讲话"
    assert normalised["002_59d819b76e84f9ce.txt"].endswith("坚决杜绝作风建设一阵风、走过场。")


def test_web_joined_paragraphs_become_lines(normalised):
    lines = normalised["000_a0a5117793308a47.txt"].splitlines()
    assert "一、基层和群众反映的作风问题就是机关作风建设的主攻方向" in lines
    assert "同志们：" in lines


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("設(shè)計", "設計"),
        ("導(dǎo)語", "導語"),
        ("关键在领导?,F(xiàn)在", "关键在领导?,F在"),
        ("实施细则(试行)", "实施细则(试行)"),
        ("市纪委(监察局)牵头", "市纪委(监察局)牵头"),
    ],
    ids=["after-hanzi", "two-syllables", "after-garbled-char", "keeps-chinese-brackets", "keeps-note"],
)
def test_pinyin_glosses(raw, expected):
    assert strip_pinyin_glosses(raw) == expected


def test_width_and_punctuation():
    assert fold_width("ＡＢＣ１２３") == "ABC123"
    assert fold_width("同志们: 今年,我们") == "同志们： 今年，我们"  # the space is a lost paragraph break
    assert fold_width("（一）加强领导") == "（一）加强领导"
    assert fold_width("GDP增长5.5%,高于全省") == "GDP增长5.5%，高于全省"
    assert fold_width("见附件A,B") == "见附件A,B"
    assert to_simplified("機關作風") == "机关作风"


@pytest.mark.parametrize(
    "line, clutter",
    [
        ("下载文档", True),
        ("ID:1569604", True),
        ("- 上一篇:民营经济目标管理意见", True),
        ("2023 机关作风 建设 大会 致辞", True),
        ("1. 部分包含数学公式或PPT动画的文件,查看预览时可能会显示错乱或异常,文件下载后无此问题。", True),
        ("一、提高认识，端正态度", False),
        ("同志们：", False),
        ("有的干部下载文档后不看，照抄照转。", False),
    ],
)
def test_clutter_lines(line, clutter):
    assert is_clutter_line(to_simplified(line)) is clutter


@given(st.text(max_size=300))
def test_normalising_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.text(max_size=300))
def test_normalised_text_has_no_blank_or_padded_lines(text):
    for line in normalise_text(text).split("\n"):
        if line:
            assert line == line.strip()
            assert "  " not in line
