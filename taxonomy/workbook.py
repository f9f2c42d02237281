"""Formatted Excel sheets, written as a stream (openpyxl write-only mode).

Every sheet gets a bold header frozen in place with a filter on it, column widths
chosen by column, wrapped text in the ``text`` column and, for a labelled table, each
row filled with the pale colour of its family (:data:`taxonomy.readable.FAMILY_COLOURS`)
with a legend on a sheet of its own. Cells go through :class:`SafeCells`: text that
looks like a formula is stored as text, control characters are removed, over-long
cells are cut with a visible marker; what was changed is counted for a warning.

Examples
--------
>>> from openpyxl import Workbook
>>> book = Workbook(write_only=True)
>>> sheet = FormattedSheet(book, "labels", ["doc", "text", "labels"])
>>> sheet.append({"doc": "a.txt", "text": "=1+2", "labels": "fraud"})
>>> sheet.close()
>>> sheet.safe.changed["formula"]
1
>>> import io; book.save(io.BytesIO())
"""

from __future__ import annotations

import math
from collections import Counter

from . import cells
from .readable import COLUMN_ZH, FAMILY_COLOURS, STANCE_ZH, family_of

WIDTHS = {"doc": 24, "sentence_id": 6, "start": 7, "end": 7, "text": 80, "labels": 24, "labels_zh": 20,
          "stance": 9, "check": 8, "name_zh": 14, "id": 22, "family": 12}
WARNINGS = {
    "formula": "cell(s) that begin with = + - or @ were written as text, not formulas",
    "control": "cell(s) held control characters, which were removed",
    "cut": f"cell(s) longer than Excel's {cells.EXCEL_CELL_LIMIT:,} characters were cut and end with '{cells.CUT_MARKER}'",
}


class SafeCells:
    """Turn values into openpyxl cells that are safe and faithful, counting each change."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.changed: Counter = Counter()

    def cell(self, value, *, font=None, fill=None, alignment=None, number_format=None):
        from openpyxl.cell import WriteOnlyCell

        value = value.item() if hasattr(value, "item") else value
        formula = False
        if isinstance(value, float) and math.isnan(value):
            value = None
        elif isinstance(value, str):
            if cells.has_control(value):
                value = cells.strip_control(value)
                self.changed["control"] += 1
            if len(value) > cells.EXCEL_CELL_LIMIT:
                value = cells.cut_to_limit(value)
                self.changed["cut"] += 1
            formula = cells.looks_like_formula(value)
        cell = WriteOnlyCell(self.sheet, value)
        if formula:
            self.changed["formula"] += 1
            cell.data_type = "s"  # openpyxl would store a leading "=" as a formula
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        for name, style in (("font", font), ("fill", fill), ("alignment", alignment), ("number_format", number_format)):
            if style is not None:
                setattr(cell, name, style)
        return cell

    def warnings(self, where: str) -> list[str]:
        """One line per kind of change, naming ``where``."""
        return [f"{where}: {n} {WARNINGS[kind]}" for kind, n in sorted(self.changed.items())]


def header_label(column: str, chinese: bool) -> str:
    """The header shown for ``column``: itself, or its Chinese label (``p_<id>`` → ``概率:<name>``)."""
    if not chinese:
        return column
    if column.startswith("p_"):
        from .readable import chinese_labels

        return "概率:" + chinese_labels([column[2:]])[0]
    return COLUMN_ZH.get(column, column)


class FormattedSheet:
    """A write-only sheet with a frozen bold header, a filter, widths, wrapping and row colours.

    Rows are appended as dicts (or tuples in column order); a row with a ``labels`` cell
    is filled with its family's colour. ``chinese=True`` shows Chinese column labels
    and stances.
    """

    def __init__(self, book, title: str, columns: list[str], *, chinese: bool = False, safe: SafeCells | None = None):
        from openpyxl.styles import Alignment, Font

        self.sheet = book.create_sheet(title)
        self.columns = list(columns)
        self.chinese = chinese
        self.safe = safe or SafeCells(self.sheet)
        self.rows = 0
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self._top = Alignment(vertical="top")
        self._fills: dict[str, object] = {}
        self._proba = [c for c in self.columns if c.startswith("p_")]
        from openpyxl.utils import get_column_letter

        for k, column in enumerate(self.columns, start=1):
            width = WIDTHS.get(column, 9 if column.startswith("p_") else max(10, min(40, len(column) + 4)))
            self.sheet.column_dimensions[get_column_letter(k)].width = width
        self.sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        self.sheet.append([self.safe.cell(header_label(c, chinese), font=bold) for c in self.columns])

    def _fill(self, family: str):
        from openpyxl.styles import PatternFill

        if family not in self._fills:
            colour = FAMILY_COLOURS[family]
            self._fills[family] = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
        return self._fills[family]

    def append(self, row) -> None:
        values = dict(zip(self.columns, row)) if not isinstance(row, dict) else row
        fill = None
        if values.get("labels"):
            family = family_of(values["labels"], {c[2:]: float(values.get(c) or 0) for c in self._proba})
            fill = self._fill(family) if family else None
        out = []
        for column in self.columns:
            value = values.get(column)
            if self.chinese and column == "stance":
                value = STANCE_ZH.get(value, value)
            out.append(self.safe.cell(
                value, fill=fill, alignment=self._wrap if column == "text" else self._top,
                number_format="0.000" if column.startswith("p_") else None,
            ))
        self.sheet.append(out)
        self.rows += 1

    def close(self) -> None:
        """Put the filter on the header (the range is known only now)."""
        from openpyxl.utils import get_column_letter

        self.sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(self.columns)))}{self.rows + 1}"


def legend_sheet(book, title: str = "图例") -> None:
    """A sheet naming each family's colour and the categories in it."""
    from openpyxl.styles import Font, PatternFill

    from .categories import load_categories

    sheet = book.create_sheet(title)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 60
    safe = SafeCells(sheet)
    sheet.append([safe.cell("类别族", font=Font(bold=True)), safe.cell("类别", font=Font(bold=True))])
    members: dict[str, list[str]] = {}
    for c in load_categories():
        members.setdefault(c.family, []).append(c.name_zh)
    for family, colour in FAMILY_COLOURS.items():
        fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
        sheet.append([safe.cell(family, fill=fill), safe.cell("、".join(members.get(family, [])), fill=fill)])
    sheet.append([])
    sheet.append([safe.cell("需复核"), safe.cell("True: 某一类别的概率接近其阈值，请人工核对")])
    sheet.append([safe.cell("立场"), safe.cell("问题 = 指出问题；整治 = 提出纠治措施")])


REPORT_COLUMNS = ["sentence_id", "text", "labels_zh", "stance", "check", "labels"]


def write_report_workbook(speeches, path) -> list[str]:
    """A formatted workbook of labelled speeches; returns the warnings about changed cells.

    Sheets: ``汇总`` (per speech, category and family: the frequency table of
    :func:`taxonomy.report.summarise`, with a bar chart of labelled sentences per
    category and speech), ``按类别`` (the chart's data), one sheet per speech
    (names made valid and unique, at most 31 characters) with Chinese column labels
    and rows in their family's colour, and ``图例``.

    ``speeches`` are :class:`taxonomy.htmlreport.SpeechReport` (``doc`` and ``table``).
    """
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    from .categories import load_categories
    from .report import summarise

    book = Workbook(write_only=True)
    taken = {"汇总", "按类别", "图例"}
    titles = [cells.sheet_title(s.doc, taken) for s in speeches]
    summary = summarise(pd.concat([s.table for s in speeches], ignore_index=True))
    summary_sheet = FormattedSheet(book, "汇总", list(summary.columns), chinese=True)
    for row in summary.itertuples(index=False):
        summary_sheet.append(row)
    categories = load_categories()
    pivot_columns = ["name_zh"] + titles
    pivot = FormattedSheet(book, "按类别", pivot_columns, chinese=True, safe=summary_sheet.safe)
    for c in categories:
        totals = [sum(c.id in str(x).split("|") for x in s.table["labels"].fillna("")) for s in speeches]
        pivot.append([c.name_zh] + totals)
    chart = BarChart()
    chart.type = "bar"
    chart.title = "各类别被标注的句数"
    chart.y_axis.title = "句数"
    chart.height, chart.width = 12, 22
    chart.add_data(Reference(pivot.sheet, min_col=2, max_col=1 + len(titles), min_row=1, max_row=1 + len(categories)),
                   titles_from_data=True)
    chart.set_categories(Reference(pivot.sheet, min_col=1, min_row=2, max_row=1 + len(categories)))
    summary_sheet.sheet.add_chart(chart, "L2")
    sheets = [summary_sheet, pivot]
    for speech, title in zip(speeches, titles):
        sheet = FormattedSheet(book, title, REPORT_COLUMNS + [c for c in speech.table.columns if c.startswith("p_")],
                               chinese=True, safe=summary_sheet.safe)
        for row in speech.table.to_dict(orient="records"):
            sheet.append(row)
        sheets.append(sheet)
    legend_sheet(book)
    for sheet in sheets:
        sheet.close()
    book.save(str(path))
    return summary_sheet.safe.warnings(str(path))
