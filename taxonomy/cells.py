"""Spreadsheet cell safety: formula-like text, control characters and Excel's cell limit.

A spreadsheet treats a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula
(CSV and formula injection); Excel cannot store most C0 control characters in an
``.xlsx`` file and cuts a cell after :data:`EXCEL_CELL_LIMIT` characters. These helpers
find such text and make it safe to write; they use only the standard library, so that
``taxonomy data check`` can use them too.

Examples
--------
>>> looks_like_formula('  =HYPERLINK("http://x","click here")'), looks_like_formula("有的干部")
(True, False)
>>> csv_safe("=1+2"), csv_safe("同志们")
("'=1+2", '同志们')
>>> strip_control("推诿\\x00扯皮\\x1b")
'推诿扯皮'
>>> cut_to_limit("长" * 10, limit=8)
'长长…[cut]'
"""

from __future__ import annotations

import re

# Excel's limit on the characters in one cell.
EXCEL_CELL_LIMIT = 32767
# The marker that ends a cut cell, so that a reader sees that text is missing.
CUT_MARKER = "…[cut]"
FORMULA_START = re.compile(r"^\s*[=+\-@]")
# C0 control characters other than tab, line feed and carriage return: the characters
# the XML of an .xlsx file cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE is the same set).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula: it starts with ``= + - @`` after whitespace."""
    return bool(FORMULA_START.match(text))


def csv_safe(text: str) -> str:
    """``text`` with a leading apostrophe when it looks like a formula (the usual CSV escape)."""
    return "'" + text if looks_like_formula(text) else text


def has_control(text: str) -> bool:
    """True when ``text`` holds a control character an ``.xlsx`` cell cannot store."""
    return bool(CONTROL.search(text))


def strip_control(text: str) -> str:
    """``text`` without the control characters an ``.xlsx`` cell cannot store."""
    return CONTROL.sub("", text)


def cut_to_limit(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, ending with :data:`CUT_MARKER` when it was longer."""
    if len(text) <= limit:
        return text
    return text[: limit - len(CUT_MARKER)] + CUT_MARKER


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name for ``name``: no ``[]:*?/\\``, at most 31 characters.

    ``taken`` holds the names already used (compared case-insensitively, as Excel
    does); the new name is added to it.

    >>> taken = set()
    >>> sheet_title("a/b:c.txt", taken), sheet_title("A/B:C.txt", taken)
    ('a_b_c.txt', 'A_B_C.txt (2)')
    >>> len(sheet_title("长" * 40, taken))
    31
    """
    taken = taken if taken is not None else set()
    base = strip_control(re.sub(r"[\[\]:*?/\\]", "_", name)).strip().strip("'") or "sheet"
    if base.lower() == "history":  # reserved by Excel
        base += "_"
    title, n = base[:31].rstrip("'") or "sheet", 1
    while title.lower() in {t.lower() for t in taken}:
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title)
    return title
