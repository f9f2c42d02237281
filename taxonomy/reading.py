"""Reading speeches from ``.txt``, ``.docx``, ``.pdf`` and ``.html`` files.

Text files are decoded strictly, never with silent replacement: UTF-8 (with or
without BOM) first, then GB18030; because Big5 bytes are usually also valid
GB18030, when both decode the choice between them is left to charset detection.
Anything else goes to charset detection, and a file that no encoding reads is an
error naming the file.

Examples
--------
>>> from taxonomy.reading import decode_bytes
>>> decode_bytes("作风建设".encode("gb18030"))
('作风建设', 'gb18030')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import TaxonomyError

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` strictly and return ``(text, encoding)``.

    Raises
    ------
    TaxonomyError
        When no encoding decodes the bytes without errors.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise TaxonomyError(f"{name}: has a UTF-8 BOM but is not valid UTF-8 ({exc.reason} at byte {exc.start + 3})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            candidates.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            pass
    if len(candidates) == 1:
        return candidates[0][1], candidates[0][0]
    from charset_normalizer import from_bytes

    if len(candidates) == 2:
        best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
        chosen = best.encoding if best is not None and best.encoding in ("gb18030", "big5") else "gb18030"
        return dict(candidates)[chosen], chosen
    best = from_bytes(data).best()
    if best is None:
        raise TaxonomyError(f"{name}: cannot determine the text encoding (not UTF-8, GB18030 or Big5)")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        raise TaxonomyError(f"{name}: cannot decode as detected encoding {best.encoding}") from None


def _read_txt(path: Path) -> str:
    return decode_bytes(path.read_bytes(), name=str(path))[0]


def _read_docx(path: Path) -> str:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for broken files
        raise TaxonomyError(f"{path}: not a readable .docx file ({type(exc).__name__})") from None
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


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise TaxonomyError(f"{path}: the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise TaxonomyError(f"{path}: not a readable PDF ({exc})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise TaxonomyError(f"{path}: the PDF has no text layer (scanned images need OCR first)")
    return text


def _read_html(path: Path) -> str:
    from bs4 import BeautifulSoup

    text, _ = decode_bytes(path.read_bytes(), name=str(path))
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    return soup.get_text("\n")


_READERS = {".txt": _read_txt, ".docx": _read_docx, ".pdf": _read_pdf, ".html": _read_html, ".htm": _read_html}


def read_document(path: str | Path) -> str:
    """Return the raw text of one speech file (not yet normalised).

    Raises
    ------
    TaxonomyError
        When the file is missing, of an unsupported type or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise TaxonomyError(f"{path}: no such file")
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise TaxonomyError(f"{path}: unsupported file type {path.suffix or '(none)'} (use {', '.join(SUPPORTED_SUFFIXES)})")
    return reader(path)


def expand_paths(paths: Iterable[str | Path]) -> list[tuple[str, Path]]:
    """Expand files and folders into ``(doc, path)`` pairs.

    A folder means every supported file below it, recursively, in sorted order;
    its documents are named by their path relative to the folder. A file is
    named by its file name.
    """
    found: list[tuple[str, Path]] = []
    for item in paths:
        item = Path(item)
        if item.is_dir():
            for child in sorted(item.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES and not child.name.startswith("~$"):
                    found.append((child.relative_to(item).as_posix(), child))
        elif item.exists():
            found.append((item.name, item))
        else:
            raise TaxonomyError(f"{item}: no such file or folder")
    return found


def iter_documents(paths: Iterable[str | Path]) -> Iterator[tuple[str, str]]:
    """Yield ``(doc, raw_text)`` for every speech under ``paths``, one at a time."""
    for doc, path in expand_paths(paths):
        yield doc, read_document(path)
