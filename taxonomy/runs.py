"""What a labelling run did, and how many processes it may use (no heavy imports: both labelling paths share it).

>>> resolve_jobs(1)
1
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .errors import TaxonomyError


@dataclass
class LabelRun:
    """What ``label_to_file`` did: sentences written, speeches labelled, files skipped with why."""

    sentences: int = 0
    documents: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def resolve_jobs(jobs: int) -> int:
    """Worker processes for ``jobs``: 1 … the number of cores, or -1 for all cores."""
    cores = os.cpu_count() or 1
    if jobs == -1:
        return cores
    if not 1 <= jobs <= cores:
        raise TaxonomyError(f"--jobs must be between 1 and {cores} (the number of cores) or -1 for all cores, not {jobs}")
    return jobs


def checked_parts(parts: Iterable, *, strict: bool = False, on_document: Callable | None = None) -> Iterator:
    """The parts of a labelling run as they come, for both labelling paths.

    With ``strict`` the first part that carries a read error raises
    :class:`TaxonomyError`; ``on_document`` is called with the last part of every
    speech (``part.final``) or its error.
    """
    for part in parts:
        if part.error is not None and strict:
            raise TaxonomyError(part.error)
        if on_document and part.final:
            on_document(part)
        yield part
