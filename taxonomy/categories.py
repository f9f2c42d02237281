"""The category set, read from a data file shipped inside the package.

The ids and families are fixed by the category contract; names, definitions and
cue keywords are the project's own and live in ``resources/categories.csv``.
Adding a category means editing that file and retraining, not code.

Examples
--------
>>> from taxonomy.categories import load_categories
>>> cats = load_categories()
>>> cats[0].id, cats[0].family
('formalism', '形式主义')
>>> len(cats)
15
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

# the two stances of a labelled sentence: it describes the problem, or calls for action against it
STANCES = ("problem", "remedy")
FAMILIES = ("形式主义", "官僚主义", "为官不为", "能力观念", "廉洁", "乱作为")
_FIELDS = ("id", "name_zh", "family", "definition", "keywords")


@dataclass(frozen=True)
class Category:
    """One category of the taxonomy."""

    id: str
    name_zh: str
    family: str
    definition: str
    keywords: tuple[str, ...]


def _default_path():
    return resources.files("taxonomy") / "resources" / "categories.csv"


def load_categories(path: str | Path | None = None) -> list[Category]:
    """Read and validate the category file.

    Parameters
    ----------
    path : str or Path, optional
        A categories CSV with the columns ``id, name_zh, family, definition,
        keywords`` (keywords ``|``-joined). Defaults to the packaged file.

    Raises
    ------
    ValueError
        When a column is missing, an id is empty, repeated or not ASCII, or a
        family is not one of the contract's families.
    """
    source = Path(path) if path is not None else _default_path()
    where = str(path) if path is not None else "taxonomy/resources/categories.csv"
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in _FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{where}: missing column(s) {', '.join(missing)}")
        categories = []
        seen = set()
        for record in reader:
            line = reader.line_num
            cat_id = (record["id"] or "").strip()
            if not cat_id or not cat_id.isascii() or not cat_id.replace("_", "").isalnum():
                raise ValueError(f"{where}:{line}: invalid category id {cat_id!r}")
            if cat_id in seen:
                raise ValueError(f"{where}:{line}: duplicate category id {cat_id!r}")
            family = (record["family"] or "").strip()
            if family not in FAMILIES:
                raise ValueError(f"{where}:{line}: unknown family {family!r} for {cat_id}")
            seen.add(cat_id)
            categories.append(
                Category(
                    id=cat_id,
                    name_zh=record["name_zh"].strip(),
                    family=family,
                    definition=record["definition"].strip(),
                    keywords=tuple(k for k in record["keywords"].split("|") if k),
                )
            )
    if not categories:
        raise ValueError(f"{where}: no categories")
    return categories


def category_ids(path: str | Path | None = None) -> list[str]:
    """The category ids in file order."""
    return [c.id for c in load_categories(path)]
