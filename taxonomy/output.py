"""Writing labelled tables as a stream, chosen by file extension.

``.csv`` (UTF-8 with BOM, so Excel shows Chinese), ``.xlsx``, ``.jsonl`` and
``.parquet``. Tables are appended one speech at a time to a temporary file in the
target folder, which is renamed into place only when everything was written; an
existing file is never replaced unless ``overwrite=True``.

Spreadsheets are safe and faithful: in ``.xlsx`` a cell that begins with ``= + - @``
(after whitespace) is stored as text, never as a formula; control characters that
an ``.xlsx`` cannot hold are removed and cells over Excel's 32,767 characters are cut
with a visible ``…[cut]`` (see :mod:`taxonomy.workbook`). In ``.csv`` such cells get
the usual leading apostrophe (``'=1+2``); long cells are kept whole. ``.jsonl`` and
``.parquet`` keep the text unchanged. Every change is reported once per file and
kind as a :class:`SpreadsheetWarning` (and kept in :attr:`TableWriter.warnings`).
The ``.xlsx`` sheet is formatted: frozen bold header with a filter, column widths,
wrapped text, rows of a labelled table filled with their family's colour and a
legend sheet (:mod:`taxonomy.workbook`).

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "labels.csv"
>>> with TableWriter(out, columns=["doc", "text"]) as writer:
...     writer.write(pd.DataFrame({"doc": ["a"], "text": ["同志们："]}))
>>> out.read_text(encoding="utf-8-sig").splitlines()[1]
'a,同志们：'
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import cells
from .atomic import check_target, temporary_beside
from .errors import TaxonomyError

if TYPE_CHECKING:
    import pandas as pd

FORMATS = (".csv", ".xlsx", ".jsonl", ".parquet")


class SpreadsheetWarning(UserWarning):
    """A cell was changed (or will be cut by Excel) to keep a spreadsheet safe."""


def output_format(path: str | Path) -> str:
    """The format of ``path`` by its extension; raises for an unsupported one."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise TaxonomyError(f"{path}: unsupported output format {suffix or '(none)'} (use {', '.join(FORMATS)})")
    return suffix


class TableWriter:
    """Append DataFrames with fixed columns to one output file, atomically.

    Parameters
    ----------
    path : path
        The output file; its extension picks the format.
    columns : list of str
        The columns, in order, of every table written.
    overwrite : bool, default False
        Replace an existing file. Without it an existing file is an error.
    chinese_header : bool, default False
        In ``.xlsx``, show Chinese column labels (句子, 类别 …) and stances (问题, 整治).
    sheet : str, default "labels"
        The ``.xlsx`` sheet name.
    """

    def __init__(self, path: str | Path, columns: list[str], *, overwrite: bool = False, chinese_header: bool = False,
                 sheet: str = "labels"):
        self.path = Path(path)
        self.overwrite = overwrite
        check_target(self.path, overwrite=overwrite)
        self.format = output_format(self.path)
        self.columns = list(columns)
        self.rows = 0
        self.chinese_header = chinese_header
        self.sheet_name = sheet
        self.warnings: list[str] = []
        self._csv_changes: Counter = Counter()
        self._tmp = None  # pragma: no mutate (equivalent: set in __enter__ before any use)
        self._handle = None
        self._sheet = None  # pragma: no mutate (equivalent: set in __enter__ before any use)
        self._book = None  # pragma: no mutate (equivalent: set in __enter__ before any use)
        self._parquet = None

    def __enter__(self):
        self._target = temporary_beside(self.path, overwrite=self.overwrite)
        self._tmp = self._target.__enter__()
        if self.format == ".csv":
            self._handle = self._tmp.open("w", encoding="utf-8-sig", newline="")
            self._csv = csv.writer(self._handle, lineterminator="\n")  # as pandas writes it
            self._csv.writerow(self.columns)
        elif self.format == ".jsonl":
            self._handle = self._tmp.open("w", encoding="utf-8")
        elif self.format == ".xlsx":
            from openpyxl import Workbook

            from .workbook import FormattedSheet, legend_sheet

            self._book = Workbook(write_only=True)
            self._sheet = FormattedSheet(self._book, self.sheet_name, self.columns, chinese=self.chinese_header)
            if "labels" in self.columns:
                legend_sheet(self._book)
        return self

    def write(self, table: pd.DataFrame) -> None:
        """Append ``table`` (its columns are reordered to :attr:`columns`)."""
        table = table.reindex(columns=self.columns)
        if self.format == ".csv":
            _csv_safe_table(table, self._csv_changes).to_csv(self._handle, index=False, header=False)
        elif self.format == ".jsonl":
            for record in table.to_dict(orient="records"):
                self._handle.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")
        elif self.format == ".xlsx":
            for row in table.itertuples(index=False):
                self._sheet.append(row)
        elif self.format == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            batch = pa.Table.from_pandas(table, preserve_index=False)
            if self._parquet is None:
                self._schema = batch.schema
                self._parquet = pq.ParquetWriter(str(self._tmp), self._schema)
            self._parquet.write_table(batch.cast(self._schema))
        self.rows += len(table)

    def write_columns(self, columns: Mapping[str, Sequence]) -> None:
        """Append a table given as equal-length columns (lists or arrays), keyed by name.

        ``.csv`` is written row by row with the csv module, byte for byte as
        :meth:`write` writes the same table through pandas (floats given as the strings
        pandas would write, e.g. ``array.astype(str)``); other formats go through pandas.
        """
        if self.format != ".csv":
            import pandas as pd

            self.write(pd.DataFrame({c: columns[c] for c in self.columns}, columns=self.columns))
            return
        text, rows = csv_rows(columns, self.columns, self._csv_changes)
        self.write_csv_rows(text, rows)

    def write_csv_rows(self, text: str, rows: int, changes: Mapping[str, int] | None = None) -> None:
        """Append ``rows`` rows already formatted by :func:`csv_rows` (e.g. in a worker process).

        ``changes`` are the cells that :func:`csv_rows` escaped while formatting them, for
        the file's warnings.
        """
        if self.format != ".csv":
            raise TypeError(f"{self.path}: formatted CSV rows can only go to a .csv file")
        self._handle.write(text)
        self._csv_changes.update(changes or {})
        self.rows += rows

    def __exit__(self, exc_type, exc, tb):
        try:
            if self._handle is not None:
                self._handle.close()
            if self.format == ".xlsx" and self._book is not None:
                if exc_type is None:
                    self._sheet.close()
                    self.warnings = self._sheet.safe.warnings(str(self.path))
                    self._book.save(str(self._tmp))
                else:
                    self._book.close()
            if self.format == ".parquet":
                if self._parquet is None and exc_type is None:
                    import pandas as pd
                    import pyarrow as pa
                    import pyarrow.parquet as pq

                    pq.write_table(pa.Table.from_pandas(pd.DataFrame(columns=self.columns), preserve_index=False), str(self._tmp))
                elif self._parquet is not None:
                    self._parquet.close()
            if exc_type is None:
                self.warnings += [f"{self.path}: {n} {_CSV_WARNINGS[k]}" for k, n in sorted(self._csv_changes.items()) if n]
        except BaseException:
            self._target.__exit__(*sys.exc_info())  # removes the temporary file
            raise
        self._target.__exit__(exc_type, exc, tb)  # renames into place, or removes on error
        if exc_type is None:
            for message in self.warnings:
                warnings.warn(message, SpreadsheetWarning, stacklevel=2)
        return False


def write_table(table: pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write one whole table to ``path`` (format by extension)."""
    with TableWriter(path, list(table.columns), overwrite=overwrite) as writer:
        writer.write(table)
    return Path(path)


# a cell start (the column's start or after the NUL that joins cells) that looks like a formula
_FORMULA_ANYWHERE = re.compile(r"(?:^|\x00)\s*[=+\-@]")

_CSV_WARNINGS = {
    "formula": "cell(s) that begin with = + - or @ were escaped with a leading apostrophe",
    "long": f"cell(s) are longer than Excel's {cells.EXCEL_CELL_LIMIT:,} characters: Excel cuts them on opening",
}


def csv_rows(columns: Mapping[str, Sequence], names: Sequence[str], changes: Counter) -> tuple[str, int]:
    """The rows of a table given as columns, as :meth:`TableWriter.write_columns` writes them to ``.csv``.

    Text cells are made spreadsheet-safe (changes counted in ``changes``); float arrays
    are written as pandas writes them. Returns the text and the number of rows.

    >>> import numpy as np
    >>> changes = Counter()
    >>> csv_rows({"text": ["=1+2", "同志们："], "p": np.array([0.5, 0.25])}, ["text", "p"], changes)
    ("'=1+2,0.5\\n同志们：,0.25\\n", 2)
    >>> changes["formula"]
    1
    """
    values = []
    for name in names:
        column = columns[name]
        if len(column) and isinstance(column[0], str):
            column = _csv_safe_cells(column, changes)
        elif getattr(column, "dtype", None) is not None and column.dtype.kind == "f":
            column = _float_strings(column)
        values.append(column)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(zip(*values))  # as pandas writes it
    return buffer.getvalue(), len(values[0]) if values else 0


def _csv_safe_table(table: pd.DataFrame, changes: Counter) -> pd.DataFrame:
    """``table`` with formula-like text cells escaped for a spreadsheet, counting changes."""
    import pandas as pd

    if table.empty:  # an empty string column sums to '' under pandas 3
        return table
    out = table
    for column in table.columns:
        values = table[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        risky = int(values.map(lambda v: isinstance(v, str) and cells.looks_like_formula(v)).astype(bool).sum())
        changes["long"] += int(values.map(lambda v: isinstance(v, str) and len(v) > cells.EXCEL_CELL_LIMIT).astype(bool).sum())
        if risky:
            out = out.copy() if out is table else out
            out[column] = values.map(lambda v: cells.csv_safe(v) if isinstance(v, str) else v)
            changes["formula"] += risky
    return out


_FOUR_PLACES = None  # the strings of 0.0000 … 1.0000, built on first use


def _float_strings(column):
    """Floats as pandas writes them (``array.astype(str)``), looked up when they are four-place probabilities.

    >>> import numpy as np
    >>> _float_strings(np.array([0.0, 0.0029, 1.0, 0.1234])).tolist()
    ['0.0', '0.0029', '1.0', '0.1234']
    >>> _float_strings(np.array([0.5, 1e-07])).tolist()
    ['0.5', '1e-07']
    """
    global _FOUR_PLACES
    import numpy as np

    with np.errstate(invalid="ignore"):
        steps = np.rint(column * 1e4)
        exact = bool(np.all((steps >= 0) & (steps <= 1e4))) and np.array_equal(steps / 1e4, column)
    if not exact:
        return column.astype(str)
    if _FOUR_PLACES is None:
        _FOUR_PLACES = (np.arange(10001) / 1e4).astype(str)
    return _FOUR_PLACES[steps.astype(np.int64)]


def _csv_safe_cells(column: Sequence, changes: Counter) -> list:
    """:func:`_csv_safe_table` for one column given as a sequence of cells."""
    try:  # one scan of the whole column finds whether any cell needs a look
        joined = "\x00".join(column)
    except TypeError:
        joined = None
    if joined is not None:
        if len(joined) <= cells.EXCEL_CELL_LIMIT and not _FORMULA_ANYWHERE.search(joined):
            return column
    risky = [isinstance(v, str) and cells.looks_like_formula(v) for v in column]
    changes["long"] += sum(isinstance(v, str) and len(v) > cells.EXCEL_CELL_LIMIT for v in column)
    if any(risky):
        changes["formula"] += sum(risky)
        return [cells.csv_safe(v) if r else v for v, r in zip(column, risky)]
    return column


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
