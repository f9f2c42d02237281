"""Reading speeches from ``.txt``, ``.docx``, ``.pdf`` and ``.html`` files.

Every way a file can be bad ends in one :class:`~taxonomy.errors.TaxonomyError`
whose one-line message names the file and the cause, never in another exception:
a missing, unreadable or oversized file, a folder given as a file, a file whose
bytes are not what its name says (a PNG named ``.docx``), a truncated or corrupt
archive or PDF, a ``.docx`` that would unzip to too much (checked from the zip
directory before anything is unpacked), an encrypted PDF or one with no text
layer, and a file with no text. The limits are a :class:`~taxonomy.limits.Limits`.

Text files are decoded strictly and plausibly (:func:`decode_bytes`, see
:mod:`taxonomy.encodings`); HTML is reduced to its visible text in one streaming
pass (:mod:`taxonomy.html_text`).

Examples
--------
>>> from taxonomy.reading import decode_bytes
>>> decode_bytes("作风建设".encode("gb18030"))
('作风建设', 'gb18030')
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .encodings import decode_bytes
from .errors import TaxonomyError
from .limits import DEFAULT_LIMITS, Limits, megabytes

__all__ = ["SUPPORTED_SUFFIXES", "decode_bytes", "expand_paths", "iter_documents", "read_document"]

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")
_RATIO_CHECK_BYTES = 10_000_000  # parts smaller than this unzipped are not checked for their ratio


def _read_txt(path: Path, handle: BinaryIO, limits: Limits) -> str:
    return decode_bytes(handle.read(), name=str(path))[0]


def _check_zip(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an archive whose directory promises more than the limits allow (a zip bomb)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > limits.max_unzipped_bytes:
            raise TaxonomyError(
                f"{path}: the part {info.filename} unzips to {megabytes(info.file_size)}, over the "
                f"{megabytes(limits.max_unzipped_bytes)} limit for one part of a .docx"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_CHECK_BYTES and ratio > limits.max_compression_ratio:
            raise TaxonomyError(
                f"{path}: the part {info.filename} is compressed {ratio:.0f} to 1, over the "
                f"{limits.max_compression_ratio:.0f} to 1 limit (a zip bomb?)"
            )
    if total > limits.max_total_unzipped:
        raise TaxonomyError(
            f"{path}: unzips to {megabytes(total)} in all, over the {megabytes(limits.max_total_unzipped)} limit for a .docx"
        )


def _read_docx(path: Path, handle: BinaryIO, limits: Limits) -> str:
    import docx
    from docx.table import Table

    try:
        with zipfile.ZipFile(handle) as archive:
            _check_zip(path, archive, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        handle.seek(0)
        kind = "a truncated or corrupt zip archive" if handle.read(2) == b"PK" else "not a zip archive, as a .docx is"
        raise TaxonomyError(f"{path}: not a readable .docx file ({kind}: {_first_line(exc)})") from None
    handle.seek(0)
    try:
        document = docx.Document(handle)
    except Exception as exc:  # python-docx raises several types for broken files
        raise TaxonomyError(f"{path}: not a readable .docx file ({type(exc).__name__}: {_first_line(exc)})") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    # merged cells repeat the same cell object along a row
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(p.text for p in cell.paragraphs)
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _read_pdf(path: Path, handle: BinaryIO, limits: Limits) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PdfStreamError

    try:
        reader = PdfReader(handle)
        if reader.is_encrypted and not _decrypts_without_password(reader):
            raise TaxonomyError(f"{path}: the PDF is encrypted (remove the password first)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, PdfStreamError) as exc:
        raise TaxonomyError(f"{path}: not a readable PDF ({_first_line(exc)})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise TaxonomyError(f"{path}: the PDF has no text layer (scanned images need OCR first)")
    return text


def _decrypts_without_password(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # a missing crypto dependency or an unsupported scheme: still encrypted
        return False


def _read_html(path: Path, handle: BinaryIO, limits: Limits) -> str:
    from .html_text import html_to_text

    text = decode_bytes(handle.read(), name=str(path))[0]
    return html_to_text(text)


_READERS = {".txt": _read_txt, ".docx": _read_docx, ".pdf": _read_pdf, ".html": _read_html, ".htm": _read_html}


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else "no details"


def read_document(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """Return the raw text of one speech file (not yet normalised).

    Parameters
    ----------
    path:
        A ``.txt``, ``.docx``, ``.pdf``, ``.html`` or ``.htm`` file.
    limits:
        Size limits (:data:`~taxonomy.limits.DEFAULT_LIMITS` unless given).

    Raises
    ------
    TaxonomyError
        For every reason the file cannot be read, with a one-line message naming
        the file and the cause; no other exception leaves this function.

    Examples
    --------
    >>> read_document("speech.rtf")
    Traceback (most recent call last):
    ...
    taxonomy.errors.TaxonomyError: speech.rtf: unsupported file type .rtf (use .txt, .docx, .pdf, .html, .htm)
    """
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise TaxonomyError(f"{path}: unsupported file type {path.suffix or '(none)'} (use {', '.join(SUPPORTED_SUFFIXES)})")
    try:
        if path.is_dir():
            raise TaxonomyError(f"{path}: is a folder, not a file")
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limits.max_file_bytes:
                raise TaxonomyError(
                    f"{path}: is {megabytes(size)}, over the {megabytes(limits.max_file_bytes)} limit "
                    "(raise it with --max-file-mb or TAXONOMY_MAX_FILE_MB)"
                )
            if size == 0:
                raise TaxonomyError(f"{path}: no text (the file is empty)")
            text = reader(path, handle, limits)
    except TaxonomyError:
        raise
    except FileNotFoundError:
        raise TaxonomyError(f"{path}: no such file") from None
    except PermissionError:
        raise TaxonomyError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise TaxonomyError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    except MemoryError:
        raise TaxonomyError(f"{path}: too large to read in the memory available") from None
    except Exception as exc:  # a third-party reader failing in a way it does not document
        raise TaxonomyError(f"{path}: cannot be read ({type(exc).__name__}: {_first_line(exc)})") from None
    if not text.strip():
        raise TaxonomyError(f"{path}: no text (the file is empty or has only whitespace{' or markup' if reader is _read_html else ''})")
    return text


def expand_paths(paths: Iterable[str | Path]) -> list[tuple[str, Path]]:
    """Expand files and folders into ``(doc, path)`` pairs with unique ``doc`` names.

    A folder means every supported file below it, recursively, in sorted order. A
    document is named by its path relative to the deepest folder common to all the
    inputs, so ``a/s.txt`` and ``b/s.txt`` stay two documents; a single file given
    alone is named by its file name, and a single folder's files by their path
    within it. A file reached twice (given twice, or given and inside a given
    folder) appears once, where it was first reached.

    Examples
    --------
    >>> expand_paths([])
    []
    """
    files: list[Path] = []
    roots: list[Path] = []
    for item in paths:
        item = Path(item)
        if item.is_dir():
            roots.append(item)
            try:
                children = sorted(item.rglob("*"))
            except OSError as exc:
                raise TaxonomyError(f"{item}: cannot list the folder ({exc.strerror or type(exc).__name__})") from None
            files.extend(
                child
                for child in children
                if child.suffix.lower() in SUPPORTED_SUFFIXES and not child.name.startswith("~$") and child.is_file()
            )
        elif item.exists():
            roots.append(item.parent)
            files.append(item)
        else:
            raise TaxonomyError(f"{item}: no such file or folder")
    if not files:
        return []
    resolved = [Path(os.path.abspath(f)) for f in files]
    try:
        common = Path(os.path.commonpath([os.path.abspath(r) for r in roots]))
    except ValueError:  # no common folder (different drives): absolute names
        common = None
    found: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for file, absolute in zip(files, resolved):
        if absolute in seen:
            continue
        seen.add(absolute)
        found.append(((absolute.relative_to(common) if common else absolute).as_posix(), file))
    return found


def iter_documents(paths: Iterable[str | Path], *, limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[str, str]]:
    """Yield ``(doc, raw_text)`` for every speech under ``paths``, one at a time."""
    for doc, path in expand_paths(paths):
        yield doc, read_document(path, limits=limits)
