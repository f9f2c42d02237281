"""Speech metadata (title, date, place, speaker, level): from a sidecar CSV, else from the text.

A sidecar is a CSV named ``speeches.csv`` in the folder of speeches (or any file given
with ``--metadata``) with a ``file`` column, the speech's file name as it appears in
the ``doc`` column of the label table (its path relative to the folder), and any of
the columns ``title, date, place, speaker, level`` (more columns are kept). A value
in the sidecar wins over what is read from the text; an empty cell does not.

From the text, only what the speech states is taken, from its first lines (and, for
the date, also its last lines): a title line (``在……上的讲话``, or a short line ending in
讲话/致辞/发言/报告), a date (``时间：2022-11-19``, ``2022年11月19日``, ``2022.11.19``), a
place (``地点：…``) and a speaker (``讲话人：…``, or the name before ``同志在……上的讲话``).
``level`` comes only from a sidecar (or a line ``级别：…``). ``name`` is what reports
show: the title, else the file name, made unique.

Examples
--------
>>> meta = extract_metadata("在全市作风建设大会上的讲话\\n时间：2022-11-19\\n同志们：")
>>> meta["title"], meta["date"]
('在全市作风建设大会上的讲话', '2022-11-19')
>>> extract_metadata("分享\\n2023年在机关作风建设大会上的致辞致辞.docx\\n")["title"]
'2023年在机关作风建设大会上的致辞'
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from .errors import TaxonomyError

FIELDS = ("title", "date", "place", "speaker", "level")
COLUMNS = ["doc", "name", *FIELDS]
SIDECAR_NAME = "speeches.csv"
HEAD_LINES, TAIL_LINES = 15, 4

_SPEECH_WORDS = "讲话|致辞|发言|讲话稿|讲稿|报告|动员|总结"
_TITLE_AT = re.compile(rf"在.{{2,50}}?上的?(?:{_SPEECH_WORDS})")
_TITLE_LINE = re.compile(rf"^.{{2,50}}(?:{_SPEECH_WORDS})(?:（.{{1,20}}）)?$")
_NOT_TITLE = re.compile(r"下面是|小编|供大家|参考|导语|来源|大小|下载|分享|ID|^同志们|[。！？；，]")
_FILE_SUFFIX = re.compile(r"\.(docx?|pdf|txt|html?)$", re.IGNORECASE)
_DOUBLED_ENDING = re.compile(rf"({_SPEECH_WORDS})\1$")  # 致辞致辞: a site's file name repeating the kind
_DATE_PATTERNS = (
    re.compile(r"(?:时间|日期)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
)
_FIELD_LINE = {
    "place": re.compile(r"^(?:地点|会议地点)\s*[:：]\s*(.{1,40})$"),
    "speaker": re.compile(r"^(?:讲话人|主讲人|发言人|讲话者)\s*[:：]\s*(.{1,30})$"),
    "level": re.compile(r"^(?:级别|层级)\s*[:：]\s*(.{1,20})$"),
}
_SPEAKER_IN_TITLE = re.compile(r"^(?:.*?[\s　])?([\u4e00-\u9fff·]{2,4})(?:同志)?在.{2,50}上的")


def _prepare(raw: str) -> list[str]:
    from .normalise import fold_width, strip_pinyin_glosses, to_simplified

    text = fold_width(to_simplified(strip_pinyin_glosses(raw.replace("\ufeff", ""))))
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_date(text: str) -> str | None:
    """The first valid date in ``text`` as ``YYYY-MM-DD``, or None.

    >>> parse_date("时间:2022-11-19 03:38:00"), parse_date("2022年2月30日"), parse_date("二〇二二年")
    ('2022-11-19', None, None)
    """
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            try:
                return dt.date(*(int(g) for g in match.groups())).isoformat()
            except ValueError:
                continue
    return None


def extract_metadata(raw: str) -> dict[str, str | None]:
    """Title, date, place, speaker and level stated in a speech's own text (None where it says nothing)."""
    lines = _prepare(raw)
    head = lines[:HEAD_LINES]
    meta: dict[str, str | None] = dict.fromkeys(FIELDS)
    for line in head:
        candidate = _DOUBLED_ENDING.sub(r"\1", _FILE_SUFFIX.sub("", line).strip())
        if _NOT_TITLE.search(candidate):
            match = _TITLE_AT.search(candidate) if "下面是" not in candidate else None
            if match and not re.search(r"[。！？；]", candidate):
                meta["title"] = match.group(0)
                break
            continue
        if _TITLE_AT.search(candidate) or _TITLE_LINE.match(candidate):
            meta["title"] = candidate
            break
    for line in head + lines[-TAIL_LINES:]:
        meta["date"] = meta["date"] or parse_date(line)
        for field, pattern in _FIELD_LINE.items():
            match = pattern.match(line)
            if match and not meta[field]:
                meta[field] = match.group(1).strip()
    if not meta["speaker"] and meta["title"]:
        match = _SPEAKER_IN_TITLE.match(meta["title"])
        meta["speaker"] = match.group(1) if match and not match.group(1).startswith(("在", "年")) else None
    return meta


def read_sidecar(path: str | Path) -> dict[str, dict[str, str]]:
    """``{file: {column: value}}`` from a sidecar CSV (empty cells left out)."""
    path = Path(path)
    if not path.is_file():
        raise TaxonomyError(f"{path}: no such metadata file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if "file" not in (reader.fieldnames or []):
                raise TaxonomyError(f"{path}: no `file` column (the speech file names, as in the label table's doc)")
            rows = {}
            for row in reader:
                key = (row.pop("file") or "").strip()
                if key:
                    rows[key] = {k.strip(): v.strip() for k, v in row.items() if k and v and v.strip()}
            return rows
    except UnicodeDecodeError:
        raise TaxonomyError(f"{path}: not UTF-8 text (save the metadata CSV as UTF-8)") from None


def speech_metadata(paths, *, sidecar: str | Path | None = None):
    """One row per speech under ``paths``: ``doc``, ``name`` and the :data:`FIELDS` (plus sidecar columns).

    Parameters
    ----------
    paths : list of path
        The files and folders that were labelled (as given to ``label_files``).
    sidecar : path, optional
        A metadata CSV; by default ``speeches.csv`` in each folder given (or beside each file).
    """
    import pandas as pd

    from .reading import expand_paths, read_document

    from .errors import TaxonomyError

    tables: dict[Path, dict] = {}
    records = []
    for doc, path in expand_paths(paths):  # the same doc names as the label table
        own = Path(sidecar) if sidecar is not None else path.parent / SIDECAR_NAME
        if own not in tables:
            tables[own] = read_sidecar(own) if sidecar is not None or own.is_file() else {}
        try:
            meta = extract_metadata(read_document(path))
        except TaxonomyError:  # an unreadable speech is reported (and skipped) by the labelling
            meta = extract_metadata("")
        meta.update(tables[own].get(doc) or tables[own].get(path.name) or {})
        records.append({"doc": doc, **meta})
    table = pd.DataFrame(records, columns=list(dict.fromkeys(["doc", *FIELDS, *(k for r in records for k in r)])))
    table.insert(1, "name", display_names(table))
    return table


def display_names(table) -> list[str]:
    """Titles where known, else file names; a repeated title gets its file name in brackets."""
    titles = [t if isinstance(t, str) and t else None for t in table.get("title", [None] * len(table))]
    names = [t or doc for t, doc in zip(titles, table["doc"])]
    repeated = {n for n in names if names.count(n) > 1}
    return [f"{n} ({doc})" if n in repeated else n for n, doc in zip(names, table["doc"])]
