"""Writing files atomically, and the one overwrite policy of the project.

Every file the project writes goes through :func:`temporary_beside`: the content is
written to a hidden temporary file in the target folder and renamed into place only
when it is complete, so a crash, Ctrl-C or SIGTERM never leaves a half-written output
(the temporary file is removed). An existing file is replaced only when the caller
says so (:func:`check_target`; the CLI's ``--force``).

Examples
--------
>>> import pathlib, tempfile
>>> out = pathlib.Path(tempfile.mkdtemp()) / "figures.json"
>>> write_atomic(out, '{"f1": 0.8}\\n')
>>> out.read_text()
'{"f1": 0.8}\\n'
>>> write_atomic(out, "{}")
Traceback (most recent call last):
...
taxonomy.errors.TaxonomyError: ...figures.json: already exists (use --force to replace it)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import TaxonomyError


def check_target(path: str | Path, *, overwrite: bool = False) -> Path:
    """Raise unless ``path`` can be written: its folder exists, it is not a folder, and
    it does not exist yet unless ``overwrite``."""
    path = Path(path)
    if path.is_dir():
        raise TaxonomyError(f"{path}: is a folder; give a file name (e.g. {path / 'labels.csv'})")
    if path.exists() and not overwrite:
        raise TaxonomyError(f"{path}: already exists (use --force to replace it)")
    if not path.parent.is_dir():
        raise TaxonomyError(f"{path}: folder {path.parent} does not exist")
    return path


def default_file_mode() -> int:
    """The mode an ordinary new file gets (0o666 less the umask); temporary files start at 0o600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def temporary_beside(path: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` when the block succeeds.

    The target is checked first (:func:`check_target`). On any exception, including
    ``KeyboardInterrupt`` and ``SystemExit``, the temporary file is removed.
    """
    path = check_target(path, overwrite=overwrite)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: str | Path, data: str | bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically."""
    with temporary_beside(path, overwrite=overwrite) as tmp:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
