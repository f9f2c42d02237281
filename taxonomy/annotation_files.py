"""Reading filled annotation files back: Excel, CSV, Label Studio, doccano and Prodigy.

Each reader returns :class:`Annotation` records in file order, one per sentence,
with ``where`` (``file:row``) for messages. Rows the annotator did not finish are
returned with ``skip`` set (Excel/CSV: ``checked`` not ticked; Label Studio: no
annotation or only cancelled ones; Prodigy: ``answer`` reject, ignore or missing).
A file that cannot be read in its format raises :class:`TaxonomyError` naming it.

Examples
--------
>>> is_tick("✓"), is_tick("是"), is_tick(1), is_tick("")
(True, True, True, False)
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from .annotate import STANCE_PREFIX
from .categories import load_categories
from .errors import TaxonomyError

IMPORT_FORMATS = ("excel", "csv", "label-studio", "doccano", "prodigy")
TICKS = {"✓", "✔", "√", "x", "1", "是", "y", "yes", "true", "1.0"}


@dataclass
class Annotation:
    """One sentence as the annotator left it."""

    where: str
    source: str
    text: str
    labels: tuple[str, ...]
    stance: str
    sentence_id: int | None = None
    annotator: str = ""
    date: str = ""
    model_version: str = ""
    sample: str = ""
    source_speech: str = ""
    skip: str = ""


def is_tick(value) -> bool:
    """True for a cell that means "yes": ✓ (also ✔ √ x 1 是 yes true)."""
    if value is None or value is False:
        return False
    return str(value).strip().lower() in TICKS


def _int_or_none(value):
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _split(value) -> tuple[str, ...]:
    return tuple(p.strip() for p in str(value or "").replace(",", "|").split("|") if p.strip())


def detect_format(path: Path) -> str:
    """The format of an annotation file, from its extension and (for .jsonl) its first record."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return "excel"
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "label-studio"
    if suffix == ".jsonl":
        for _, record in _jsonl(path):
            return "prodigy" if "options" in record or "answer" in record else "doccano"
        raise TaxonomyError(f"{path}: empty file")
    raise TaxonomyError(f"{path}: cannot tell the format from {suffix or '(no extension)'} (use .xlsx, .csv, .json or .jsonl)")


def read_annotations(path: str | Path, fmt: str | None = None) -> list[Annotation]:
    """Read one filled annotation file (format by ``fmt`` or detected)."""
    path = Path(path)
    if not path.is_file():
        raise TaxonomyError(f"{path}: no such file")
    fmt = fmt or detect_format(path)
    if fmt not in IMPORT_FORMATS:
        raise TaxonomyError(f"{path}: unknown format {fmt!r} (use {', '.join(IMPORT_FORMATS)})")
    reader = {"excel": _read_excel, "csv": _read_csv, "label-studio": _read_label_studio,
              "doccano": _read_doccano, "prodigy": _read_prodigy}[fmt]
    return reader(path)


# --------------------------------------------------------------------------- tables


def _from_table(path: Path, header: list[str], rows) -> list[Annotation]:
    """Rows of a sheet or CSV: a ✓ column per category (Excel) or a ``labels`` column (CSV)."""
    known = {c.id for c in load_categories()}
    header = [str(h or "").strip() for h in header]
    category_columns = {}
    for j, name in enumerate(header):
        ids = [token for token in name.split() if token in known]
        if ids and name not in ("labels", "model_labels"):
            category_columns[j] = ids[-1]
    required = ["doc", "text", "stance"] + ([] if category_columns else ["labels"])
    missing = [c for c in required if c not in header]
    if missing:
        raise TaxonomyError(f"{path}: missing column(s) {', '.join(missing)}")
    col = {name: j for j, name in enumerate(header)}
    out = []
    for number, values in rows:
        values = list(values) + [None] * (len(header) - len(values))
        get = lambda name: values[col[name]] if name in col else None  # noqa: E731
        if all(v in (None, "") for v in values):
            continue
        if category_columns:
            labels = tuple(cat for j, cat in category_columns.items() if is_tick(values[j]))
        else:
            labels = _split(get("labels"))
        skip = "" if "checked" not in col or is_tick(get("checked")) else "not checked"
        out.append(Annotation(
            where=f"{path.name}:{number}", source=str(get("doc") or "").strip(), text=str(get("text") or "").strip(),
            labels=labels, stance=str(get("stance") or "").strip().lower(), sentence_id=_int_or_none(get("sentence_id")),
            annotator=str(get("annotator") or "").strip(), model_version=str(get("model_version") or "").strip(),
            sample=str(get("sample") or "").strip(), source_speech=str(get("title") or "").strip(), skip=skip,
        ))
    return out


def _read_excel(path: Path) -> list[Annotation]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TaxonomyError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None
    sheet = book["batch"] if "batch" in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise TaxonomyError(f"{path}: the sheet {sheet.title!r} is empty")
    result = _from_table(path, list(header), ((i, r) for i, r in enumerate(rows, start=2)))
    book.close()
    return result


def _read_csv(path: Path) -> list[Annotation]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise TaxonomyError(f"{path}: empty file")
            rows = [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as exc:
        raise TaxonomyError(f"{path}: not UTF-8 ({exc.reason})") from None
    except csv.Error as exc:
        raise TaxonomyError(f"{path}: not a readable CSV file ({exc})") from None
    return _from_table(path, header, rows)


# --------------------------------------------------------------------------- JSON tools


def _jsonl(path: Path):
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise TaxonomyError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise TaxonomyError(f"{path}:{number}: expected an object with a 'text' field")
                yield number, record
    except UnicodeDecodeError as exc:
        raise TaxonomyError(f"{path}: not UTF-8 ({exc.reason})") from None


def _split_stance(choices) -> tuple[tuple[str, ...], str]:
    """Category ids and the stance from a list mixing ids and ``stance:…`` choices."""
    labels = tuple(c for c in choices if not str(c).startswith(STANCE_PREFIX))
    stances = [str(c)[len(STANCE_PREFIX):] for c in choices if str(c).startswith(STANCE_PREFIX)]
    return labels, "|".join(stances)


def _meta_annotation(path, number, record, meta, labels, stance, skip="") -> Annotation:
    return Annotation(
        where=f"{path.name}:{number}", source=str(meta.get("doc") or path.stem), text=record["text"].strip(),
        labels=labels, stance=stance, sentence_id=_int_or_none(meta.get("sentence_id")),
        annotator=str(record.get("_annotator_id") or meta.get("annotator") or ""),
        model_version=str(meta.get("model_version") or ""), sample=str(meta.get("sample") or ""),
        source_speech=str(meta.get("title") or ""), skip=skip,
    )


def _read_doccano(path: Path) -> list[Annotation]:
    out = []
    for number, record in _jsonl(path):
        label = record.get("label", record.get("labels", []))
        if not isinstance(label, list):
            raise TaxonomyError(f"{path}:{number}: 'label' must be a list of ids")
        meta = {**(record.get("meta") or {}), **record}
        out.append(_meta_annotation(path, number, record, meta, *_split_stance(label)))
    return out


def _read_prodigy(path: Path) -> list[Annotation]:
    out = []
    for number, record in _jsonl(path):
        accept = record.get("accept", [])
        if not isinstance(accept, list):
            raise TaxonomyError(f"{path}:{number}: 'accept' must be a list of option ids")
        answer = record.get("answer")
        skip = "" if answer == "accept" else (f"answer {answer}" if answer else "not answered")
        out.append(_meta_annotation(path, number, record, record.get("meta") or {}, *_split_stance(accept), skip))
    return out


def _read_label_studio(path: Path) -> list[Annotation]:
    try:
        tasks = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise TaxonomyError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except UnicodeDecodeError as exc:
        raise TaxonomyError(f"{path}: not UTF-8 ({exc.reason})") from None
    if not isinstance(tasks, list) or not all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in tasks):
        raise TaxonomyError(f"{path}: not a Label Studio export (expected a JSON list of tasks with 'data')")
    out = []
    for number, task in enumerate(tasks, start=1):
        data = task["data"]
        if not isinstance(data.get("text"), str):
            raise TaxonomyError(f"{path}:{number}: task without a 'text' in 'data'")
        done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if not done:
            out.append(_meta_annotation(path, number, data, data, (), "", "not annotated"))
            continue
        annotation = done[-1]
        labels, stances = [], []
        for item in annotation.get("result") or []:
            choices = (item.get("value") or {}).get("choices") or []
            (stances if item.get("from_name") == "stance" else labels).extend(choices)
        row = _meta_annotation(path, number, data, data, tuple(labels), "|".join(stances))
        who = annotation.get("completed_by")
        row.annotator = str(who.get("email", "")) if isinstance(who, dict) else str(who or "")
        row.date = str(annotation.get("updated_at") or annotation.get("created_at") or "")[:10]
        out.append(row)
    return out
