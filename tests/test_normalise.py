import re

import pytest
from hypothesis import given, settings
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


# --------------------------------------------------------------------------- re-flowing hard-wrapped text

from taxonomy.normalise import reflow  # noqa: E402

WRAPPED = (
    "在全县机关作风建设大会上的讲话\n"
    "同志们：\n"
    "有的干部工作作风漂浮，习惯于坐在办公室里听汇报、看材\n"
    "料，很少深入基层一线了解实际情况，对群众反映强烈的问\n"
    "题不闻不问，甚至推诿扯皮，群众办事来回跑的现象时有发\n"
    "生。\n"
    "二、下一步工作\n"
    "要坚决整治。"
)


def test_hard_wrapped_lines_are_joined_into_sentences():
    lines = reflow(WRAPPED).split("\n")
    assert lines[0] == "在全县机关作风建设大会上的讲话"  # the title stays alone
    assert lines[1] == "同志们："
    assert lines[2].startswith("有的干部工作作风漂浮") and lines[2].endswith("的现象时有发生。")
    assert lines[3:] == ["二、下一步工作", "要坚决整治。"]  # headings stand alone


def test_a_line_ending_in_a_comma_is_continued():
    assert reflow("有的干部遇到矛盾绕道走，\n碰到问题向上推。") == "有的干部遇到矛盾绕道走，碰到问题向上推。"
    assert reflow("要做到以下几点，\n一是抓落实。") == "要做到以下几点，\n一是抓落实。"


def test_ordinary_paragraphs_are_left_alone():
    text = "同志们：\n今天召开全市作风建设大会。\n一、充分认识作风建设的重要性\n作风建设永远在路上。"
    assert reflow(text) == text


def test_the_five_speeches_are_not_hard_wrapped(normalised, monkeypatch):
    import taxonomy.normalise as module

    monkeypatch.setattr(module, "reflow", lambda text: text)
    for path in SPEECHES:
        assert normalise_text(read_document(path)) == normalised[path.name], path.name


@given(st.lists(st.text(alphabet="有的干部推诿扯皮，。、一二是：", min_size=1, max_size=30), max_size=12))
def test_reflow_only_removes_line_breaks(lines):
    text = "\n".join(lines)
    out = reflow(text)
    assert out.replace("\n", "") == text.replace("\n", "")
    assert out.count("\n") <= text.count("\n")


def test_web_page_header_lines_are_not_taken_for_hard_wrapping():
    page = (
        "暗访时间：14:00—16:00\n暗访单位：福田街道服务大厅\n记者暗访了街道服务大厅，发现9个窗口基本都开放\n"
        "（李克强2015年政府工作报告）\n为官不为，不是新表述，也不是新问题。\n首页 > 新闻中心 > 评论\n责任编辑：王某"
    )
    assert reflow(page) == page


# --------------------------------------------------------------------------- residue: garbled runs, notices, breadcrumbs

from taxonomy.normalise import strip_garbled  # noqa: E402


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("发展环境依然不够?qū)捤?。解决问题", "发展环境依然不够。解决问题"),
        ("我想从四个方面谈?wù)剬φL行风评议工作", "我想从四个方面谈行风评议工作"),
        ("整整十年?!笆昴ヒ粍Γ昃氁还Α?,常抓不懈", "整整十年?!,常抓不懈"),
        ("是不是?我们要抓落实", "是不是?我们要抓落实"),
        ("王喆堃同志发言", "王喆堃同志发言"),
        ("α、β两个方案", "α、β两个方案"),
    ],
    ids=["pinyin-and-rare", "pinyin-rare-greek", "kana-greek-rare", "plain-question", "rare-name", "greek-list"],
)
def test_garbled_runs_beside_a_lost_byte(raw, expected):
    assert strip_garbled(raw) == expected


def test_speech_001_keeps_no_junk_sentence(normalised):
    from taxonomy.split import split_sentences

    sentences = [s.text for s in split_sentences(normalised["001_a08d6eabe4eb754c.txt"])]
    assert len(sentences) == 120  # 123 before the three junk sentences went
    junk = re.compile(r"[\u3040-\u30ff\u0370-\u03ff]|^[a-zü" + "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ" + r"]+\)|^[，,、]")
    assert [s for s in sentences if junk.search(s)] == []
    assert "下面，我想从四个方面谈行风评议工作的认识。" in sentences
    assert any(s.startswith("常抓不懈，常抓常新") for s in sentences)


@pytest.mark.parametrize(
    "line",
    [
        "温馨提示：本文档由用户上传，如有侵权请联系删除。",
        "特别声明: 本站文章仅代表作者本人观点",
        "本资料由网友上传分享",
        "首页 > 讲话稿",
        "当前位置：首页 > 范文大全 > 讲话稿",
        "您的位置: 主页 » 领导讲话",
        "Home / 讲话",
    ],
)
def test_site_notices_and_breadcrumbs_are_clutter(line):
    assert is_clutter_line(to_simplified(line))


@pytest.mark.parametrize("line", ["要提示群众注意防范电信诈骗。", "首页设计要简洁，便于群众办事。", "群众满意率>90%。"])
def test_speech_lines_about_such_words_are_kept(line):
    assert not is_clutter_line(line)


def test_a_web_page_keeps_only_the_speech():
    page = "首页 > 讲话稿\n温馨提示：本文档由用户上传，仅供学习交流。\n同志们：\n有的干部推诿扯皮。\n"
    assert normalise_text(page) == "同志们：\n有的干部推诿扯皮。"


def test_a_clause_mark_stranded_after_a_sentence_end_is_dropped():
    assert normalise_text("整整十年！，常抓不懈。") == "整整十年！常抓不懈。"


def test_joining_many_wrapped_lines_takes_linear_time():
    import time

    def seconds(n):
        start = time.perf_counter()
        assert reflow("\n".join(["有的干部推诿扯皮，"] * n)).count("\n") == 0
        return time.perf_counter() - start

    small, large = seconds(2_000), seconds(40_000)
    assert large < 80 * max(small, 1e-3)  # twenty times the text: about twenty times the time, not 400


def test_a_long_unpunctuated_line_normalises():
    assert normalise_text("有的干部推诿扯皮" * 50_000) == "有的干部推诿扯皮" * 50_000


# --------------------------------------------------------------------------- details of the steps


def test_full_width_brackets_alone_still_lose_their_pinyin():
    assert strip_pinyin_glosses("建設（shè）管理") == "建設管理"
    assert strip_pinyin_glosses("建設(shè)管理") == "建設管理"


def test_ascii_brackets_around_chinese_become_full_width():
    assert fold_width("会议(扩大)召开") == "会议（扩大）召开"
    assert fold_width("f(x) = 1") == "f(x) = 1"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("甲。\r\n乙。", "甲。\n乙。"),
        ("甲。\r乙。", "甲。\n乙。"),
        ("\ufeff甲。", "甲。"),
        ("今天开会。第2页/共5页", "今天开会。"),
        ("来源：人民网 今天开会。", ""),  # a clutter line goes whole, even where a space would split it
        ("今天开会。 分享", "今天开会。"),  # a clutter piece after a lost paragraph break goes
    ],
)
def test_line_ends_marks_and_clutter(raw, expected):
    assert normalise_text(raw) == expected


def test_wrap_width_counts_only_open_lines_of_ten_or_more_characters():
    from taxonomy.normalise import _wrap_width

    open10 = ["有的干部推诿扯皮现象"] * 3  # exactly 10 characters, ending mid-sentence
    assert _wrap_width(open10) == 10
    assert _wrap_width(open10 + ["有的干部推诿扯皮现象时有发生群众意见很大。"] * 3) == 10  # closed lines do not count
    assert _wrap_width(["有的干部推诿扯皮现"] * 3) is None  # 9 characters: too short to tell
    assert _wrap_width(open10[:2]) is None  # two lines are not a pattern


def test_wrap_width_needs_half_the_open_lines_and_a_fifth_of_all():
    from taxonomy.normalise import _wrap_width

    same = ["有的干部推诿扯皮现象时有发生"] * 3  # 14 characters, open
    others = ["一" * 30 + "二", "一" * 40 + "二", "一" * 50 + "二"]  # open lines of other lengths
    assert _wrap_width(same + others) == 14  # 3 of 6 open lines: exactly half is enough
    assert _wrap_width(same + others + ["一" * 60 + "二"]) is None  # 3 of 7: not
    closed = ["好。"] * 12
    assert _wrap_width(same + closed) == 14  # 3 of 15 lines: exactly a fifth is enough
    assert _wrap_width(same + closed + ["好。"]) is None


def test_wrap_width_is_the_longest_length_near_the_commonest():
    from taxonomy.normalise import _wrap_width

    lines = ["一" * n + "二" for n in (19, 20, 21, 29)]  # open lines of 20, 21, 22 and 30 characters
    assert _wrap_width(lines) == 22


def test_a_paragraph_near_the_wrap_width_is_continued_a_shorter_one_is_not():
    line = "有的干部工作作风漂浮，对群众反映的问题不闻不问甚至"  # 24 characters, open: the wrap width
    wrapped = "\n".join([line] * 4) + "\n好。\n"
    at_80 = line[:20]  # 80% of the width (19.2 characters) or more: continued
    assert reflow(wrapped + at_80 + "\n好。") == line * 4 + "好。\n" + at_80 + "好。"
    below = line[:19]
    assert reflow(wrapped + below + "\n好。") == line * 4 + "好。\n" + below + "\n好。"


def test_a_heading_ending_in_a_comma_is_continued_only_when_long():
    assert reflow("一、要做到，\n抓落实。") == "一、要做到，\n抓落实。"
    assert reflow("一、要做到以下几点要做，\n抓落实。") == "一、要做到以下几点要做，\n抓落实。"  # 12 characters
    assert reflow("一、要做到以下几点要做到，\n抓落实。") == "一、要做到以下几点要做到，抓落实。"  # 13


_CLUTTER_WORDS = ["上传", "用户", "作者自行", "版权所有", "仅供参考", "下载", "分享", "首页", ">", "1.", "2、", "报告.docx",
                  "本站", "页", "第3页共5页", "精品讲话", " ", "：", "同志们", "推诿扯皮", "。", "，", "ID:", "\n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CLUTTER_WORDS), max_size=8).map("".join))
def test_clutter_test_in_parts_is_the_combined_pattern(line):
    from taxonomy.normalise import _CLUTTER

    assert is_clutter_line(line) is (_CLUTTER.match(line) is not None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="。！？;，、,有的aā(（)）ｂ１％\u3000 ", max_size=12))
def test_fast_paths_change_nothing(text):
    import re

    from taxonomy import normalise

    stranded = re.compile(r"(?<=[。！？；!?;])[，、,]+")  # the mark after a sentence end, by lookbehind
    assert normalise._STRANDED_CLAUSE_MARK.sub(r"\1", text) == stranded.sub("", text)
    assert strip_pinyin_glosses(text) == normalise._PINYIN.sub("", text)
    assert (normalise._WIDE.search(text) is None) == (text.translate(normalise._WIDTH_TABLE) == text)
