"""What a labelling run did, and how many processes it may use (no heavy imports: both labelling paths share it).

>>> resolve_jobs(1)
1
"""

from __future__ import annotations

import os
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
