import csv
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, SPEECHES
from taxonomy.encodings import decode_bytes, implausibility, is_common_hanzi
from taxonomy.errors import TaxonomyError
from taxonomy.normalise import to_simplified


def _code(ch, encoding):
    try:
        return ch.encode(encoding)
    except UnicodeEncodeError:
        return b""


# everyday simplified characters (GB2312 level 1) and everyday traditional ones (Big5 level 1)
SIMPLIFIED = [chr(cp) for cp in range(0x4E00, 0xA000) if is_common_hanzi(chr(cp))]
TRADITIONAL = [chr(cp) for cp in range(0x4E00, 0xA000) if b"\xa4\x40" <= _code(chr(cp), "big5") <= b"\xc6\x7e"]
EVERYDAY_TRADITIONAL = [ch for ch in TRADITIONAL if is_common_hanzi(to_simplified(ch))]
MARKS = list("，。！？、；：“”（）《》0123456789 \n")

JAPANESE = "私たちは毎朝駅まで歩いて行きます。今日は天気がとても良いので、公園で本を読みました。" * 3
FRENCH = "Le comité a décidé de réviser le règlement. Les élèves étaient fâchés à cause de la durée des épreuves." * 3
GERMAN = "Die Gemeinde hat beschlossen, die Straßenbeleuchtung zu erneuern. Über die Kosten wurde gestritten." * 3
RUSSIAN = "Комитет решил пересмотреть правила. Обсуждение продолжалось несколько часов." * 3


def test_common_sets():
    assert len(SIMPLIFIED) == 3755 and len(TRADITIONAL) == 5401
    assert is_common_hanzi("风") and not is_common_hanzi("風") and not is_common_hanzi("a")


@pytest.mark.parametrize("path", SPEECHES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_the_five_speeches_pass_in_legacy_encodings(path, encoding):
    text = "".join(ch for ch in path.read_text(encoding="utf-8") if _code(ch, encoding))
    assert decode_bytes(text.encode(encoding), name=path.name) == (text, encoding)


def test_every_labelled_source_passes_as_gb18030():
    sources = {}
    for path in sorted((REPO / "data" / "labelled").glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                sources.setdefault(row["source"], []).append(row["text"])
    assert len(sources) > 100
    for source, rows in sources.items():
        text = "\n".join(rows)
        assert implausibility(text) is None, source
        assert decode_bytes(text.encode("gb18030"), name=source)[0] == text


@pytest.mark.parametrize(
    "text, encoding, reason",
    [
        (JAPANESE, "shift_jis", "rare ones"),
        (JAPANESE, "euc_jp", "rare ones|letters are Chinese"),
        (FRENCH, "latin-1", "letters are Chinese|rare ones"),
        (GERMAN, "latin-1", "letters are Chinese|rare ones"),
        (FRENCH, "cp1252", "letters are Chinese|rare ones"),
        (RUSSIAN, "cp1251", "letters are Chinese"),
        (RUSSIAN, "koi8_r", "letters are Chinese"),
    ],
    ids=["shift-jis", "euc-jp", "latin1-fr", "latin1-de", "cp1252-fr", "cp1251-ru", "koi8-ru"],
)
def test_other_languages_in_legacy_encodings_are_refused(text, encoding, reason):
    with pytest.raises(TaxonomyError, match=rf"^x\.txt: does not look like Chinese text .*({reason})"):
        decode_bytes(text.encode(encoding), name="x.txt")


def test_random_bytes_are_refused():
    rng = random.Random(0)
    for size in (50, 500, 5000) * 20:
        with pytest.raises(TaxonomyError, match="^r.txt: "):
            decode_bytes(bytes(rng.randrange(256) for _ in range(size)), name="r.txt")


def test_plain_english_and_any_utf8_are_accepted():
    assert decode_bytes(b"The committee met on Monday.") == ("The committee met on Monday.", "utf-8")
    assert decode_bytes(FRENCH.encode("utf-8")) == (FRENCH, "utf-8")  # UTF-8 is never mojibake


def test_a_few_rare_characters_such_as_names_are_allowed():
    assert implausibility("王喆堃同志发言。") is None
    assert implausibility("有的干部推诿扯皮" * 5 + "喆堃䶮") is not None  # three is over the allowance here


@given(st.text(alphabet=st.sampled_from(SIMPLIFIED + MARKS), max_size=200), st.sampled_from(["utf-8", "gb18030", "gbk"]))
def test_chinese_text_decodes_back_exactly(text, encoding):
    """Everyday Chinese, however short (one GB18030 character can also be valid UTF-8 or Big5)."""
    decoded, _ = decode_bytes(text.encode(encoding))
    assert decoded == text


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(EVERYDAY_TRADITIONAL), min_size=10, max_size=200))
def test_traditional_text_decodes_back_exactly_from_big5(text):
    """Everyday traditional Chinese from ten characters on (a few Big5 bytes can be as plausible GB18030)."""
    decoded, _ = decode_bytes(text.encode("big5"))
    assert decoded == text
