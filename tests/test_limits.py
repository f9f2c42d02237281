import pytest

from taxonomy.errors import TaxonomyError
from taxonomy.limits import DEFAULT_LIMITS, Limits, megabytes


def test_defaults_read_a_100_mb_speech_and_cut_long_sentences():
    assert DEFAULT_LIMITS.max_file_bytes == 200_000_000 > 100_000_000
    assert DEFAULT_LIMITS.max_unzipped_bytes == 100_000_000
    assert DEFAULT_LIMITS.max_total_unzipped == 300_000_000
    assert DEFAULT_LIMITS.max_sentence_chars == 1_000


def test_limits_are_frozen_and_keyword_only():
    with pytest.raises(AttributeError):
        DEFAULT_LIMITS.max_file_bytes = 1
    with pytest.raises(TypeError):
        Limits(1)


def test_from_env_reads_both_variables():
    limits = Limits.from_env({"TAXONOMY_MAX_FILE_MB": "0.5", "TAXONOMY_MAX_SENTENCE_CHARS": "80"})
    assert limits.max_file_bytes == 500_000 and limits.max_sentence_chars == 80
    assert Limits.from_env({}) == DEFAULT_LIMITS
    assert Limits.from_env({"TAXONOMY_MAX_FILE_MB": " "}) == DEFAULT_LIMITS


@pytest.mark.parametrize(
    "environ, name",
    [({"TAXONOMY_MAX_FILE_MB": "lots"}, "TAXONOMY_MAX_FILE_MB"), ({"TAXONOMY_MAX_SENTENCE_CHARS": "-3"}, "TAXONOMY_MAX_SENTENCE_CHARS"),
     ({"TAXONOMY_MAX_SENTENCE_CHARS": "2.5"}, "TAXONOMY_MAX_SENTENCE_CHARS")],
)
def test_bad_environment_values_are_one_line_errors(environ, name):
    with pytest.raises(TaxonomyError, match=name):
        Limits.from_env(environ)


def test_a_limit_must_be_positive():
    with pytest.raises(TaxonomyError, match="max_sentence_chars must be positive"):
        Limits(max_sentence_chars=0)


@pytest.mark.parametrize("size, text", [(250_000_000, "250 MB"), (1_500_000, "1.5 MB"), (12_345_678, "12 MB")])
def test_megabytes(size, text):
    assert megabytes(size) == text
