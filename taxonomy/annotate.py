"""Writing a suggested batch for the annotation tool the analyst likes.

Formats (``export_batch(..., fmt=)``; by default chosen from the extension):

* ``excel`` (``.xlsx``) — a sheet ``batch`` with one ✓ column per category
  (drop-down, Chinese name and id in the header), a stance drop-down, a ``checked``
  ✓ column, the context greyed, the header frozen; a sheet ``instructions`` with
  the one-line definitions;
* ``csv`` (``.csv``) — the batch with an editable ``labels`` column (``|``-joined
  ids), ``stance``, ``checked`` and ``annotator``;
* ``label-studio`` (``.json``) — tasks with ``data`` and ``predictions``, plus the
  labelling configuration beside it (``<name>.config.xml``);
* ``doccano`` (``.jsonl``) — ``text`` and ``label`` (category ids, and the stance as
  ``stance:problem`` or ``stance:remedy``), the context as further fields;
* ``prodigy`` (``.jsonl``) — ``text``, ``options`` (categories and the two stance
  options), ``accept`` prefilled with the model's choice, and ``meta``.

Every file is written to a temporary file and renamed into place; an existing file
is replaced only with ``overwrite=True``.

Examples
--------
>>> import xml.etree.ElementTree as ET
>>> root = ET.fromstring(label_studio_config())
>>> len(root.find("Choices[@name='labels']"))
15
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pandas as pd

from .atomic import temporary_beside
from .categories import load_categories
from .errors import TaxonomyError

EXPORT_FORMATS = ("excel", "csv", "label-studio", "doccano", "prodigy")
BY_SUFFIX = {".xlsx": "excel", ".csv": "csv", ".json": "label-studio", ".jsonl": "doccano"}
STANCE_PREFIX = "stance:"
CHECK = "✓"
CONTEXT_COLUMNS = ("doc", "sentence_id", "title", "before", "after")
MACHINE_COLUMNS = ("model_labels", "sample", "model_version", "uncertainty", "focus")


def export_format(path: str | Path, fmt: str | None = None) -> str:
    """The export format: ``fmt`` when given, else by the extension of ``path``.

    >>> export_format("batch.xlsx"), export_format("batch.jsonl", "prodigy")
    ('excel', 'prodigy')
    """
    if fmt is not None:
        if fmt not in EXPORT_FORMATS:
            raise TaxonomyError(f"{path}: unknown format {fmt!r} (use {', '.join(EXPORT_FORMATS)})")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix not in BY_SUFFIX:
        raise TaxonomyError(f"{path}: cannot tell the format from {suffix or '(no extension)'} (use .xlsx, .csv, .json, .jsonl or --format)")
    return BY_SUFFIX[suffix]


def atomic_write(path: Path, write, *, overwrite: bool = False, binary: bool = False) -> Path:
    """Call ``write(handle)`` on a temporary file beside ``path``, then rename it into place
    (:func:`taxonomy.atomic.temporary_beside`)."""
    path = Path(path)
    with temporary_beside(path, overwrite=overwrite) as tmp:
        with open(tmp, "wb" if binary else "w", encoding=None if binary else "utf-8", newline=None if binary else "") as handle:
            write(handle)
    return path


def label_studio_config(categories=None) -> str:
    """The Label Studio labelling configuration: context, categories (multiple choice) and stance."""
    categories = categories or load_categories()
    choices = "\n".join(
        f"    <Choice value={quoteattr(c.id)} alias={quoteattr(c.id)} hint={quoteattr(f'{c.name_zh}：{c.definition}')}/>"
        for c in categories
    )
    return f"""<View>
  <Header value="$title"/>
  <View style="color: #888888"><Text name="before" value="$before"/></View>
  <Text name="text" value="$text"/>
  <View style="color: #888888"><Text name="after" value="$after"/></View>
  <Header value="类别 categories (all that apply; none for a sentence without a problem)" size="6"/>
  <Choices name="labels" toName="text" choice="multiple" showInline="true">
{choices}
  </Choices>
  <Header value="立场 stance (only when a category is chosen)" size="6"/>
  <Choices name="stance" toName="text" choice="single" showInline="true">
    <Choice value="problem" hint="描述问题 describes the problem"/>
    <Choice value="remedy" hint="纠治问题 fights the problem"/>
  </Choices>
</View>
"""


def _labels(value) -> list[str]:
    return [part for part in str(value or "").split("|") if part]


def _confidence(uncertainty) -> float:
    return round(1 - math.exp(-float(uncertainty)), 4)


def _context(row) -> dict:
    return {"doc": str(row["doc"]), "sentence_id": int(row["sentence_id"]), "title": str(row["title"]),
            "before": str(row["before"]), "after": str(row["after"]), "sample": str(row["sample"]),
            "model_version": str(row["model_version"])}


def label_studio_tasks(batch: pd.DataFrame) -> list[dict]:
    """Label Studio tasks: ``data`` (text and context) and ``predictions`` with per-choice scores."""
    tasks = []
    for _, row in batch.iterrows():
        result = [
            {"from_name": "labels", "to_name": "text", "type": "choices", "value": {"choices": [c]},
             "score": float(row[f"p_{c}"])}
            for c in _labels(row["labels"])
        ]
        if row["stance"]:
            result.append({"from_name": "stance", "to_name": "text", "type": "choices",
                           "value": {"choices": [str(row["stance"])]}})
        tasks.append({
            "data": {"text": str(row["text"]), **_context(row)},
            "predictions": [{"model_version": str(row["model_version"]), "score": _confidence(row["uncertainty"]),
                             "result": result}],
        })
    return tasks


def doccano_records(batch: pd.DataFrame) -> list[dict]:
    """doccano text-classification lines: ``text``, ``label`` (ids and ``stance:…``) and the context."""
    records = []
    for _, row in batch.iterrows():
        label = _labels(row["labels"]) + ([f"{STANCE_PREFIX}{row['stance']}"] if row["stance"] else [])
        records.append({"text": str(row["text"]), "label": label, **_context(row)})
    return records


def prodigy_tasks(batch: pd.DataFrame, categories=None) -> list[dict]:
    """Prodigy ``choice`` tasks: ``options`` (categories, then the two stances) and ``accept`` prefilled."""
    categories = categories or load_categories()
    options = [{"id": c.id, "text": f"{c.name_zh} {c.id}"} for c in categories] + [
        {"id": f"{STANCE_PREFIX}problem", "text": "立场：描述问题 stance: problem"},
        {"id": f"{STANCE_PREFIX}remedy", "text": "立场：纠治问题 stance: remedy"},
    ]
    tasks = []
    for _, row in batch.iterrows():
        accept = _labels(row["labels"]) + ([f"{STANCE_PREFIX}{row['stance']}"] if row["stance"] else [])
        tasks.append({"text": str(row["text"]), "options": options, "accept": accept,
                      "meta": {**_context(row), "uncertainty": float(row["uncertainty"])}})
    return tasks


def csv_table(batch: pd.DataFrame) -> pd.DataFrame:
    """The batch as an editable table: ``labels``/``stance`` prefilled, ``checked`` and ``annotator`` empty."""
    table = batch.copy()
    position = list(table.columns).index("stance") + 1
    table.insert(position, "checked", "")
    table.insert(position + 1, "annotator", "")
    return table


def _write_jsonl(records):
    def write(handle):
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return write


def export_batch(batch: pd.DataFrame, path: str | Path, fmt: str | None = None, *, overwrite: bool = False) -> list[Path]:
    """Write ``batch`` (from :func:`taxonomy.suggest.suggest`) for annotation; returns the files written.

    Examples
    --------
    >>> export_batch(batch, "batch.json", "label-studio")       # doctest: +SKIP
    [PosixPath('batch.json'), PosixPath('batch.config.xml')]
    """
    path = Path(path)
    fmt = export_format(path, fmt)
    if fmt == "excel":
        return [write_workbook(batch, path, overwrite=overwrite)]
    if fmt == "csv":
        from .output import write_table

        return [write_table(csv_table(batch), path, overwrite=overwrite)]
    if fmt == "label-studio":
        config = path.with_name(f"{path.stem}.config.xml")
        if config.exists() and not overwrite:
            raise TaxonomyError(f"{config}: already exists (use --force to replace it)")
        text = json.dumps(label_studio_tasks(batch), ensure_ascii=False, indent=1) + "\n"
        atomic_write(path, lambda handle: handle.write(text), overwrite=overwrite)
        atomic_write(config, lambda handle: handle.write(label_studio_config()), overwrite=True)
        return [path, config]
    records = doccano_records(batch) if fmt == "doccano" else prodigy_tasks(batch)
    return [atomic_write(path, _write_jsonl(records), overwrite=overwrite)]


def category_header(category) -> str:
    """The header of a category's ✓ column: Chinese name and id (the id is what import reads).

    >>> from taxonomy.categories import load_categories
    >>> category_header(load_categories()[0])
    '形式主义 formalism'
    """
    return f"{category.name_zh} {category.id}"


def write_workbook(batch: pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> Path:
    """The Excel batch: ✓ columns per category, stance and checked drop-downs, an instructions sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    categories = load_categories()
    scores = [c for c in batch.columns if c.startswith("p_")]
    table = batch.rename(columns={"labels": "model_labels"})
    for c in categories:
        table[category_header(c)] = [CHECK if c.id in _labels(v) else "" for v in table["model_labels"]]
    table["checked"] = ""
    table["annotator"] = ""
    columns = (["text", "checked", "stance"] + [category_header(c) for c in categories] + ["annotator"]
               + list(CONTEXT_COLUMNS) + list(MACHINE_COLUMNS) + scores)
    book = Workbook()
    sheet = book.active
    sheet.title = "batch"
    sheet.append(columns)
    for row in table[columns].itertuples(index=False):
        sheet.append([v.item() if hasattr(v, "item") else v for v in row])
    n = len(table) + 1
    grey = PatternFill("solid", fgColor="EEEEEE")
    grey_font = Font(color="777777")
    for j, name in enumerate(columns, start=1):
        letter = get_column_letter(j)
        sheet.cell(1, j).font = Font(bold=True)
        sheet.cell(1, j).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = 60 if name in ("text", "before", "after") else (8 if j <= 18 else 14)
        if name in CONTEXT_COLUMNS or name in MACHINE_COLUMNS or name in scores:
            for i in range(2, n + 1):
                sheet.cell(i, j).fill = grey
                sheet.cell(i, j).font = grey_font
        if name == "text":
            for i in range(2, n + 1):
                sheet.cell(i, j).alignment = Alignment(wrap_text=True, vertical="top")
    ticks = DataValidation(type="list", formula1=f'"{CHECK}"', allow_blank=True, showErrorMessage=True,
                           error=f"{CHECK} or empty", errorTitle="taxonomy")
    stance = DataValidation(type="list", formula1='"problem,remedy"', allow_blank=True, showErrorMessage=True,
                            error="problem, remedy or empty", errorTitle="taxonomy")
    sheet.add_data_validation(ticks)
    sheet.add_data_validation(stance)
    last = max(n, 2)
    ticks.add(f"B2:B{last}")
    stance.add(f"C2:C{last}")
    ticks.add(f"D2:{get_column_letter(3 + len(categories))}{last}")
    sheet.freeze_panes = "B2"
    guide = book.create_sheet("instructions")
    for line in INSTRUCTIONS:
        guide.append([line])
    guide.append([])
    guide.append(["id", "中文名", "definition"])
    for c in categories:
        guide.append([c.id, c.name_zh, c.definition])
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["C"].width = 90

    def save(handle):
        book.save(handle)

    return atomic_write(Path(path), save, overwrite=overwrite, binary=True)


INSTRUCTIONS = (
    "How to fill the sheet 'batch' (rules: docs/codebook.md)",
    "1. Read the sentence in 'text' with its neighbours ('before', 'after', greyed) and the speech's title.",
    f"2. Put {CHECK} under every category that applies (the model's guess is prefilled); clear the wrong ones.",
    "3. 'stance': problem (the sentence describes the problem) or remedy (it fights it); empty when no category.",
    f"4. Put {CHECK} in 'checked' when the row is done: rows without it are not imported.",
    "5. Optionally write your name in 'annotator'. Do not edit the greyed columns.",
    "6. Import: taxonomy import batch.xlsx --annotator NAME (add --dry-run first to see what changes).",
)
