"""Normalising raw speech text before it is split into sentences.

What :func:`normalise_text` does, in order:

1. removes pinyin glosses that web pages insert after characters, e.g. ``設(shè)``;
2. converts traditional characters to simplified ones (OpenCC ``t2s``), then removes
   garbled runs (:func:`strip_garbled`) that a lost byte left beside a ``?``;
3. folds full-width letters, digits and symbols to half-width, and writes ASCII
   punctuation that sits between Chinese characters in its Chinese full-width form
   (``,`` → ``，``), so that every speech reaches the model in one punctuation style;
4. drops web-page clutter (download prompts, site notices, file facts,
   previous/next links, breadcrumbs, tag lines) line by line, and a clause mark
   left stranded right after a sentence's end;
5. collapses whitespace; a space between two Chinese characters is a lost paragraph
   break (web copies often join paragraphs with spaces) and becomes a line break;
6. re-flows hard-wrapped text (:func:`reflow`): a line that ends mid-sentence and is
   continued by the next line is joined to it; headings and list items stand alone.

The speech's own words are never changed beyond these rules.

Examples
--------
>>> from taxonomy.normalise import normalise_text
>>> normalise_text("糾風辦基層建設(shè)管理講話\\n下载文档\\n同志们: 今天开会。")
'纠风办基层建设管理讲话\\n同志们：\\n今天开会。'
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。！？；：、“”‘’（）《》【】「」『』…—"

# A pinyin gloss: lower-case Latin letters in brackets right after a Chinese character,
# or, after any other character (pages that garbled the character itself), letters with
# at least one tone mark.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_HINT = re.compile(rf"[(（][a-z{_TONED}ü]")  # where a gloss could start: _PINYIN needs it
_PINYIN = re.compile(
    rf"(?<=[{_CJK}])[(（][a-z{_TONED}ü]{{1,7}}[)）]"
    rf"|(?<=\S)[(（][a-zü]{{0,6}}[{_TONED}][a-zü]{{0,6}}[)）]"
)

# Full-width forms that stay full-width: the ordinary Chinese punctuation marks.
_KEEP_FULLWIDTH = set("！（），：；？")
_WIDTH_TABLE = {
    cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULLWIDTH
}
_WIDTH_TABLE[0x3000] = 0x20  # ideographic space
_WIDE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_WIDTH_TABLE)) + "]")  # a character to fold

_ASCII_TO_CJK_PUNCT = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_ASCII_PUNCT_IN_CJK = re.compile(
    rf"(?<=[{_CJK}{_CJK_PUNCT}])\s*([,:;!?])|([,:;!?])(?=\s*[{_CJK}])"
)
_ASCII_BRACKETS_IN_CJK = re.compile(rf"\(([^()\n]*[{_CJK}][^()\n]*)\)")

# Whole lines that are site clutter (checked after conversion to simplified).
_CLUTTER_LINES = [
    re.compile(p)
    for p in (
        r"^(分享|收藏|下载|下载文档|收起|展开|举报|打印|关闭|返回顶部|你可能关注的文档|相关文档|"
        r"温馨提示|此文档下载收益归作者所有|分享赚钱|立即下载|全文阅读|阅读全文|点击查看|加入收藏|\s)+[：:]?$",
        r"^(ID|大小|页数|格式|时间|发布时间|来源|作者|责任编辑|编辑|浏览|阅读|字数|网站客服|客服|"
        r"下载次数|上传时间|上传者|文档格式|文件大小)[：:]",
        r"^导语[：:]",
        r"^[-•·*]?\s*(上一篇|下一篇)[：:]",
        r"^(推荐访问|相关推荐|猜你喜欢|热门推荐|延伸阅读|相关阅读|相关文章|标签)[：:]",
        r"^下面是小编",
        r"^(温馨提示|特别提示|友情提示|重要提示|特别声明|免责声明|版权声明|本站声明)\s*[：:]",
        r".*(用户|网友|会员|作者)(自行)?上传",
        r"^(当前位置|您的位置|您现在的位置|位置)?\s*[：:]?\s*(首页|主页|网站首页|(?i:home))\s*[>›»/]",
        r"^\d+[.．、]\s*.*(下载|本站|本文档|客服|版权|预览|付费).*$",
        r"^\S+\.(docx?|pdf|txt|wps|pptx?)$",
        r"^[^\w]*$",  # nothing but punctuation or symbols
        r"^\S{1,8}( \S{1,8}){3,}$",  # a line of keyword tags with no punctuation
        r".*(版权归属|版权所有|侵权|请联系客服|来源于网友上传|不代表本站观点|欢迎参考|仅供参考|供大家参考).*",
    )
]
_CLUTTER = re.compile("|".join(f"(?:{p.pattern})" for p in _CLUTTER_LINES))
# The same test in three parts, so that a line of speech costs little: the patterns that
# fail on a line's first characters; the file name, only tried on a line with a "."; and
# the patterns that look through the whole line, only tried on a line that holds one of
# the words they need (_CLUTTER_HINT). is_clutter_line is exactly _CLUTTER.match.
_FILE_NAME = next(p for p in _CLUTTER_LINES if p.pattern.startswith(r"^\S+\."))
_ANYWHERE = [p for p in _CLUTTER_LINES if p.pattern.startswith(".*")]
_CLUTTER_HINT = re.compile("上传|版权归属|版权所有|侵权|请联系客服|不代表本站观点|欢迎参考|仅供参考|供大家参考")
_CLUTTER_START = re.compile("|".join(
    f"(?:{p.pattern})" for p in _CLUTTER_LINES if p is not _FILE_NAME and all(p is not q for q in _ANYWHERE)))
_CLUTTER_ANYWHERE = re.compile("|".join(f"(?:{p.pattern})" for p in _ANYWHERE))
_CLUTTER_INLINE_HINT = re.compile("页|精品讲话|精选文档|精选范文|优秀范文|word版|可编辑")  # what _CLUTTER_INLINE needs
_CLUTTER_INLINE = re.compile(
    r"第\s*\d+\s*页\s*[/,，]?\s*共\s*\d+\s*页|共\s*\d+\s*页\s*第\s*\d+\s*页"
    r"|[，,]?\s*(精品讲话|精选文档|精选范文|优秀范文|word版|可编辑)(?=\s|$)"
)

# A garbled run: characters that are rare in Chinese text (kana, Greek, Cyrillic, Chinese
# characters outside GB2312 level 1) or half-removed pinyin glosses ("wù)"), at least two of
# them with at most one other character between, beside an ASCII "?" that stands for a lost
# byte. Built on first use (the class of rare characters is long).
_GAP = r"[^\s\d，。！？；：、,.!?;:“”‘’（）()《》]"


@lru_cache(maxsize=1)
def _garbled():
    from .encodings import is_common_hanzi

    rare, run_start = [], None
    for cp in [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00), 0x110000]:
        is_rare = cp < 0x110000 and not is_common_hanzi(chr(cp))
        if is_rare and run_start is None:
            run_start = cp
        elif not is_rare and run_start is not None:
            rare.append(f"{chr(run_start)}-{chr(cp - 1)}")
            run_start = None
    odd = rf"(?:[a-zü{_TONED}]{{0,6}}[{_TONED}][a-zü{_TONED}]{{0,6}}\)|[\u3040-\u30ff\u0370-\u03ff\u0400-\u04ff{''.join(rare)}])"
    cluster = rf"{_GAP}?{odd}(?:{_GAP}?{odd})+[A-Za-z]*"
    return re.compile(rf"\?{cluster}\??|{cluster}\?")


_STRANDED_CLAUSE_MARK = re.compile(r"([。！？；!?;])[，、,]+")  # replaced by the first group

_SPACE_RUN = re.compile(r"[ \t\u00a0\u2002-\u200b\u3000]+")
_BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}]) (?=[{_CJK}{_CJK_PUNCT}])")


# Re-flowing hard-wrapped text (coding decision 1 of the category contract).
_SENTENCE_END = tuple("。！？；：!?;:…")
_CLOSERS = "”’」』）)】》\"'〉"
_MID_SENTENCE_END = tuple("，、,（(“‘《")
_NUM = "一二三四五六七八九十百零〇"
_STANDS_ALONE = re.compile(
    rf"^(?:[{_NUM}]+、|[(（][{_NUM}\d]+[)）]|第[{_NUM}\d]+[、，,：:部分章节项条]|[{_NUM}]+是|[{_NUM}]+要"
    rf"|\d+[、.．)）](?!\d)|[①-⑳]|[-•·*●■◆]\s*|同志们|各位)"
)
# A text counts as hard-wrapped when most of its lines that end mid-sentence (and at least
# three, and a fifth of all lines) have nearly the same length, as a wrapping program leaves
# them; web pages, whose short header and menu lines also end without punctuation, do not.
_WRAPPED_SHARE = 0.5
_WRAP_TOLERANCE = 0.1
_FIELD_LABEL = re.compile(r"^[^\s，。：:]{2,6}[：:]")
_EDGE = 256  # characters of a paragraph's start and end that the joining rules look at


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS).endswith(_SENTENCE_END)


def _wrap_width(lines: list[str]) -> int | None:
    """The wrap width of a hard-wrapped text, or ``None`` when the text is not wrapped."""
    open_lengths = sorted(len(line) for line in lines if len(line) >= 10 and not _ends_sentence(line))
    if len(open_lengths) < 3:
        return None

    def near(n: int) -> int:  # open lines within the tolerance of length n
        return bisect_right(open_lengths, n + _WRAP_TOLERANCE * n) - bisect_left(open_lengths, n - _WRAP_TOLERANCE * n)

    # the wrap width: the length shared (within the tolerance) by the most open lines
    width, count = max(((n, near(n)) for n in set(open_lengths)), key=lambda pair: (pair[1], pair[0]))
    wrapped = count >= 3 and count >= _WRAPPED_SHARE * len(open_lengths) and count >= 0.2 * len(lines)
    return open_lengths[bisect_right(open_lengths, width + _WRAP_TOLERANCE * width) - 1] if wrapped else None


def reflow(text: str) -> str:
    r"""Join the lines of a hard-wrapped text back into paragraphs.

    A line is joined to the next one when it ends mid-sentence and the next line
    does not start a heading or list item: always when it ends in a comma-like mark
    (，、), and, in a text found to be hard-wrapped (many lines ending mid-sentence
    at nearly the same length), when it ends without sentence punctuation and
    reaches close to the wrap width. Titles and headings, which are short, stay
    on their own line.

    >>> reflow("这次大会既是贯彻落实会，也是我区加强机关作风建设的\n部署推进会。")
    '这次大会既是贯彻落实会，也是我区加强机关作风建设的\n部署推进会。'
    >>> reflow("有的干部遇到矛盾绕道走，\n碰到问题向上推。")
    '有的干部遇到矛盾绕道走，碰到问题向上推。'
    """
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    width = _wrap_width(lines)
    # paragraphs as lists of lines, each with its first and last characters and its length,
    # so that joining many lines costs time in proportion to the text, not to its square
    paragraphs: list[list[str]] = [[lines[0]]]
    head, tail, length = lines[0][:_EDGE], lines[0][-_EDGE:], len(lines[0])
    for line in lines[1:]:
        joins = False
        starts_alone = _STANDS_ALONE.match(line) or _FIELD_LABEL.match(line)
        if length and line and not starts_alone and not _ends_sentence(tail):
            if tail.endswith(_MID_SENTENCE_END):
                joins = not _STANDS_ALONE.match(head) or length > 12
            elif width is not None and length >= (1 - 2 * _WRAP_TOLERANCE) * width:
                joins = True
        if joins:
            paragraphs[-1].append(line)
            head = head if len(head) >= _EDGE else (head + line)[:_EDGE]
            tail, length = (tail + line)[-_EDGE:], length + len(line)
        else:
            paragraphs.append([line])
            head, tail, length = line[:_EDGE], line[-_EDGE:], len(line)
    return "\n".join("".join(paragraph) for paragraph in paragraphs)


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def strip_pinyin_glosses(text: str) -> str:
    """Remove bracketed pinyin inserted after characters (``設(shè)`` → ``設``)."""
    return _PINYIN.sub("", text) if _PINYIN_HINT.search(text) else text


def strip_garbled(text: str) -> str:
    """Remove garbled runs beside an ASCII ``?`` (a byte lost in a bad conversion).

    >>> strip_garbled("发展环境依然不够?qū)捤?。解决这些问题")
    '发展环境依然不够。解决这些问题'
    """
    return _garbled().sub("", text) if "?" in text else text


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters to simplified ones."""
    return _t2s().convert(text)


def fold_width(text: str) -> str:
    """Full-width letters, digits and symbols to half-width; Chinese punctuation in its
    full-width form where ASCII punctuation sits between Chinese characters."""
    if _WIDE.search(text):
        text = text.translate(_WIDTH_TABLE)
    if any(mark in text for mark in _ASCII_TO_CJK_PUNCT):
        text = _ASCII_PUNCT_IN_CJK.sub(lambda m: _ASCII_TO_CJK_PUNCT[m.group(1) or m.group(2)], text)
    return _ASCII_BRACKETS_IN_CJK.sub(r"（\1）", text) if "(" in text else text


def is_clutter_line(line: str) -> bool:
    """True for a line that is web-page clutter rather than part of the speech (``_CLUTTER.match``)."""
    return (_CLUTTER_START.match(line) is not None
            or ("." in line and _FILE_NAME.match(line) is not None)
            or (_CLUTTER_HINT.search(line) is not None and _CLUTTER_ANYWHERE.match(line) is not None))


def normalise_text(raw: str) -> str:
    """Return the cleaned, simplified text of a speech, one paragraph per line."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = strip_pinyin_glosses(text)
    text = strip_garbled(to_simplified(text))
    text = fold_width(text)
    lines = []
    for line in text.split("\n"):
        line = _SPACE_RUN.sub(" ", line).strip()
        if not line or is_clutter_line(line):
            continue
        if _CLUTTER_INLINE_HINT.search(line):
            line = _CLUTTER_INLINE.sub("", line)
        line = _STRANDED_CLAUSE_MARK.sub(r"\1", line).strip()
        for part in _BREAK_BETWEEN_CJK.split(line):
            part = part.strip()
            if part and not is_clutter_line(part):
                lines.append(part)
    return reflow("\n".join(lines))
