"""Size limits that keep reading a hostile or oversized speech file in bounded memory.

Every limit has a default that real speeches stay far below; a file over a limit is
refused with a one-line :class:`~taxonomy.errors.TaxonomyError` that names the
file, the limit and how to raise it.

========================  ===========  ==============================================
field                     default      what it bounds
========================  ===========  ==============================================
``max_file_bytes``        200 MB       size of any input file on disk
``max_unzipped_bytes``    100 MB       one unzipped part of a ``.docx``
``max_total_unzipped``    300 MB       all unzipped parts of a ``.docx`` together
``max_compression_ratio`` 100          unzipped / zipped size of any ``.docx`` part
``max_sentence_chars``    1,000        a sentence unit; longer runs are cut
========================  ===========  ==============================================

Two environment variables override the defaults in :meth:`Limits.from_env`:
``TAXONOMY_MAX_FILE_MB`` (megabytes, a positive number) and
``TAXONOMY_MAX_SENTENCE_CHARS`` (characters, a positive whole number).

Examples
--------
>>> from taxonomy.limits import DEFAULT_LIMITS, Limits
>>> DEFAULT_LIMITS.max_file_bytes // 1_000_000
200
>>> Limits(max_file_bytes=10_000_000).max_file_mb
10.0
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from .errors import TaxonomyError

MB = 1_000_000
FILE_MB_VAR = "TAXONOMY_MAX_FILE_MB"
SENTENCE_CHARS_VAR = "TAXONOMY_MAX_SENTENCE_CHARS"


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Limits on what a speech file may cost to read (see the module table for defaults)."""

    max_file_bytes: int = 200 * MB
    max_unzipped_bytes: int = 100 * MB
    max_total_unzipped: int = 300 * MB
    max_compression_ratio: float = 100.0
    max_sentence_chars: int = 1_000

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_unzipped_bytes", "max_total_unzipped", "max_compression_ratio", "max_sentence_chars"):
            if not getattr(self, name) > 0:
                raise TaxonomyError(f"limit {name} must be positive, not {getattr(self, name)}")

    @property
    def max_file_mb(self) -> float:
        """``max_file_bytes`` in megabytes (10^6 bytes)."""
        return self.max_file_bytes / MB

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The default limits, overridden by ``TAXONOMY_MAX_FILE_MB`` and ``TAXONOMY_MAX_SENTENCE_CHARS``.

        >>> Limits.from_env({"TAXONOMY_MAX_FILE_MB": "500"}).max_file_bytes
        500000000
        """
        environ = os.environ if environ is None else environ
        limits = cls()
        if environ.get(FILE_MB_VAR, "").strip():
            limits = replace(limits, max_file_bytes=int(_positive(environ[FILE_MB_VAR], FILE_MB_VAR, float) * MB))
        if environ.get(SENTENCE_CHARS_VAR, "").strip():
            limits = replace(limits, max_sentence_chars=_positive(environ[SENTENCE_CHARS_VAR], SENTENCE_CHARS_VAR, int))
        return limits


def _positive(value: str, name: str, kind: type) -> int | float:
    try:
        number = kind(value.strip())
    except ValueError:
        number = 0
    if not number > 0:
        raise TaxonomyError(f"${name}: expected a positive {'whole ' if kind is int else ''}number, got {value!r}")
    return number


def megabytes(size: int | float) -> str:
    """A size in bytes as a short megabyte figure.

    >>> megabytes(250_000_000), megabytes(1_500_000), megabytes(20_000)
    ('250 MB', '1.5 MB', '0.02 MB')
    """
    mb = size / MB
    return f"{mb:.0f} MB" if mb >= 10 else f"{mb:.2g} MB"


DEFAULT_LIMITS = Limits()
