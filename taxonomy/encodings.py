"""Decoding the bytes of a text file, strictly and plausibly.

Bytes are decoded strictly, never with silent replacement: UTF-8 (with or without
BOM) first, then GB18030 and Big5 (Big5 bytes are usually also valid GB18030).
Anything else goes to charset detection, and bytes that no encoding reads are an error.
When both GB18030 and Big5 decode, the decode with fewer rare characters wins.

A legacy (non-UTF-8) decode can succeed and still be wrong: Shift-JIS Japanese
decodes as GB18030 and Latin-1 French as cp1257, giving mojibake. Such a decode is
checked by :func:`implausibility` and refused when the text does not look like
Chinese. Valid UTF-8 is kept even when it is not Chinese (text with more than a
few non-ASCII characters is not valid UTF-8 by accident), except that up to three
non-ASCII characters, none of them Chinese, are read as GB18030 or Big5 when that
gives plausible Chinese (``一`` in GB18030 is also the UTF-8 of Cyrillic ``һ``, and
``茅`` of ``é``: a file holding only ``café`` reads as ``caf茅``). Text with no non-ASCII
letters at all, such as plain English, is accepted: it is not mojibake, it just
has no Chinese in it.

Examples
--------
>>> from taxonomy.encodings import decode_bytes
>>> decode_bytes("作风建设".encode("gb18030"))
('作风建设', 'gb18030')
>>> decode_bytes("Ça coûte très cher à Genève.".encode("latin-1"), name="x.txt")
Traceback (most recent call last):
...
taxonomy.errors.TaxonomyError: x.txt: does not look like Chinese text in any encoding tried (as cp1250, only 0% of its letters are Chinese characters)
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .errors import TaxonomyError

# A decode is implausible for Chinese when, among its non-ASCII letters, ...
MIN_CJK_SHARE = 0.8  # ... fewer than this share are Chinese characters (kana, Latin-1, Cyrillic, Greek)
MAX_RARE_SHARE = 0.1  # ... or more than this share (plus two) of its Chinese characters are rare ones
_RARE_ALLOWANCE = 2  # rare characters any text may have (names), however short
_SHORT = 3  # valid UTF-8 with at most this many non-ASCII characters, none Chinese, may be legacy Chinese
SAMPLE_CHARS = 1_000_000  # the check looks at this many characters, spread over the text


_ANY_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


@lru_cache(maxsize=None)
def is_common_hanzi(ch: str) -> bool:
    """True for a level-1 character of GB2312, the 3,755 characters of everyday simplified Chinese.

    Traditional text is converted to simplified before this test (see :func:`implausibility`).

    >>> is_common_hanzi("风"), is_common_hanzi("風"), is_common_hanzi("剬")
    (True, False, False)
    """
    try:
        code = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and b"\xb0\xa1" <= code <= b"\xd7\xfe"


def _sample(text: str) -> str:
    if len(text) <= SAMPLE_CHARS:
        return text
    window = SAMPLE_CHARS // 10
    step = (len(text) - window) // 9
    return "".join(text[i * step : i * step + window] for i in range(10))


def _letter_counts(text: str) -> tuple[int, int, int]:
    """Non-ASCII letters (private-use codes count), Chinese characters among them, rare ones among those (after t2s)."""
    from .normalise import to_simplified

    letters = cjk = rare = 0
    for ch, n in Counter(to_simplified(_sample(text))).items():
        if ch.isascii() or not (ch.isalpha() or "\ue000" <= ch <= "\uf8ff"):  # letters and private-use codes
            continue
        letters += n
        if _is_cjk(ch):
            cjk += n
            if not is_common_hanzi(ch):
                rare += n
    return letters, cjk, rare


def _oddness(text: str) -> tuple[float, float]:
    """How unlike Chinese a decode is: its share of rare characters, then of other letters."""
    letters, cjk, rare = _letter_counts(text)
    return rare / max(cjk, 1), 1 - cjk / max(letters, 1)


def implausibility(text: str) -> str | None:
    """Why ``text`` cannot be a correct decode of a Chinese file, or ``None`` when it can.

    Among the non-ASCII letters, fewer than 80 % Chinese characters (the rest being
    kana, accented Latin, Cyrillic, Greek, private-use codes …), or, once converted to simplified,
    more than 10 % (plus two) of the Chinese characters outside GB2312 level 1 (the
    3,755 everyday characters) is implausible. Real speeches have at most 1.3 %
    such characters; Shift-JIS read as GB18030 has 88 %, EUC-JP read as Big5 22 %.
    Text with no non-ASCII letters (plain ASCII) is not judged.

    >>> implausibility("有的干部推诿扯皮，群众来回跑。") is None
    True
    >>> implausibility("これは日本語の文章です。ひらがなとカタカナ。")
    'only 25% of its letters are Chinese characters'
    """
    letters, cjk, rare = _letter_counts(text)
    if letters == 0:
        return None
    if cjk < MIN_CJK_SHARE * letters:
        return f"only {cjk / letters:.0%} of its letters are Chinese characters"
    if rare > MAX_RARE_SHARE * cjk + _RARE_ALLOWANCE:
        return f"{rare / cjk:.0%} of its Chinese characters are rare ones"
    return None


def _legacy_decodes(data: bytes) -> list[tuple[str, str]]:
    """The strict GB18030 and Big5 decodes, the less odd first (GB18030 on a tie), else the detected one."""
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            candidates.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            pass
    if len(candidates) == 2:
        candidates.sort(key=lambda candidate: _oddness(candidate[1]))
    if not candidates:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            try:
                candidates.append((best.encoding, data.decode(best.encoding)))
            except (UnicodeDecodeError, LookupError):
                pass
    return candidates


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` strictly and plausibly and return ``(text, encoding)``.

    Raises
    ------
    TaxonomyError
        When no encoding decodes the bytes without errors, or every decode that
        succeeds is implausible for Chinese text (see :func:`implausibility`).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise TaxonomyError(f"{name}: has a UTF-8 BOM but is not valid UTF-8 ({exc.reason} at byte {exc.start + 3})") from None
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if utf8 is not None:
        non_ascii = len(utf8) - len(utf8.encode("ascii", "ignore"))
        if non_ascii == 0 or non_ascii > _SHORT or _ANY_CJK.search(utf8):
            return utf8, "utf-8"
        # a few legacy Chinese characters can happen to be valid UTF-8 ("一" in GB18030 reads "һ")
        legacy = [(e, t) for e, t in _legacy_decodes(data) if e in ("gb18030", "big5") and implausibility(t) is None]
        return (legacy[0][1], legacy[0][0]) if legacy else (utf8, "utf-8")
    candidates = _legacy_decodes(data)
    if not candidates:
        raise TaxonomyError(f"{name}: cannot determine the text encoding (not UTF-8, GB18030 or Big5)")
    reasons = []
    for encoding, text in candidates:
        reason = implausibility(text)
        if reason is None:
            return text, encoding
        reasons.append(f"as {encoding}, {reason}")
    raise TaxonomyError(f"{name}: does not look like Chinese text in any encoding tried ({'; '.join(reasons)})")
