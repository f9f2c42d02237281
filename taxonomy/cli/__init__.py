"""The ``taxonomy`` command: a thin layer over the Python API.

Every command catches :class:`~taxonomy.errors.TaxonomyError`, prints its one-line
message and exits with status 2. The commands live in the modules of this package
(:mod:`.labels`, :mod:`.summaries`, :mod:`.modelling`, :mod:`.annotation`), each
importing what it needs only when it runs, so that ``taxonomy label`` stays light.
"""

from __future__ import annotations

# importing the modules registers their commands, in the order of `taxonomy --help`
from . import labels, summaries, modelling, annotation  # noqa: F401,I001
from ._common import app

__all__ = ["app", "main"]


def _terminate(signum, frame) -> None:
    """SIGTERM ends the run like Ctrl-C: temporary files are removed on the way out."""
    raise SystemExit(128 + signum)


def main() -> None:  # console-script entry point
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    app()
