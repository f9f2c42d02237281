"""Importing filled annotation files into the labelled set, safely.

:func:`plan_import` reads the files (:mod:`taxonomy.annotation_files`), validates
every row and compares it with the labelled set; :func:`apply_import` writes the
plan. Nothing is written when a row has a problem (unknown id, missing stance,
stance without labels …): the problems are listed with ``file:row``.

* New rows go to ``imported.csv`` in the labelled folder with the provenance
  columns (:data:`taxonomy.dataset.PROVENANCE_COLUMNS`); rows of one source stay
  together in speech order. ``source`` is the speech, so grouped cross-validation
  keeps a speech whole.
* A row's id is ``a-`` and ten hex digits of the SHA-1 of its source and text, so
  importing the same file twice adds nothing.
* A sentence already in the set with the same labels is a duplicate and skipped;
  with other labels it is a conflict, reported and left as it is unless
  ``prefer="new"``, which rewrites the labels where the row lives. A near-duplicate
  of a labelled sentence (the data check's measure) is skipped and reported.
* Every file changed is first copied to ``<file>.bak`` (the previous version).

Examples
--------
>>> plan = plan_import(["batch.xlsx"], "data/labelled")        # doctest: +SKIP
>>> print("\\n".join(plan.summary_lines()))                     # doctest: +SKIP
>>> apply_import(plan)                                          # doctest: +SKIP
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from .annotation_files import Annotation, read_annotations
from .categories import load_categories
from .dataset import COLUMNS, PROVENANCE_COLUMNS, STANCES, provenance_problems, read_labelled
from .errors import TaxonomyError
from .suggest import NearDuplicateIndex

IMPORTED_FILE = "imported.csv"
IMPORTED_COLUMNS = COLUMNS + PROVENANCE_COLUMNS


def row_id(source: str, text: str) -> str:
    """The stable id of an imported sentence.

    >>> row_id("speech.txt", "有的干部推诿扯皮。")
    'a-d754c577df'
    """
    return "a-" + hashlib.sha1(f"{source}\n{text}".encode("utf-8")).hexdigest()[:10]


def row_problems(row: Annotation, known: set[str]) -> list[str]:
    """What is wrong with one annotated row (empty when it can be imported)."""
    problems = [f"unknown category id {label!r}" for label in row.labels if label not in known]
    if len(set(row.labels)) != len(row.labels):
        problems.append("a category is given twice")
    if not row.text:
        problems.append("empty text")
    if not row.source:
        problems.append("no doc (the speech it comes from)")
    if row.labels and not row.stance:
        problems.append("labelled sentence without a stance")
    elif not row.labels and row.stance:
        problems.append(f"stance {row.stance!r} without a category")
    elif row.stance and row.stance not in STANCES:
        problems.append(f"unknown stance {row.stance!r} (use problem or remedy)")
    return problems + provenance_problems({"sample": row.sample, "date": row.date})


@dataclass
class ImportPlan:
    """What an import would change."""

    directory: Path
    added: list[dict] = field(default_factory=list)
    replaced: list[dict] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    near_duplicates: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """One line per finding, then the counts."""
        lines = [*self.problems, *self.conflicts, *self.near_duplicates, *skipped_lines(self.skipped)]
        lines += [f"{r['where']}: replaces the labels of {r['file']}:{r['id']} "
                  f"({r['old'] or 'none'} -> {r['labels'] or 'none'})" for r in self.replaced]
        lines.append(
            f"{len(self.added)} new row(s) for {IMPORTED_FILE}, {len(self.replaced)} replaced, "
            f"{len(self.duplicates)} already in the set, {len(self.conflicts)} conflict(s) kept as they were, "
            f"{len(self.near_duplicates)} near-duplicate(s), {len(self.skipped)} skipped, {len(self.problems)} problem(s)"
        )
        return lines


def skipped_lines(skipped: list[tuple[str, str]], show: int = 8) -> list[str]:
    """Skipped rows grouped by file and reason.

    >>> skipped_lines([("b.xlsx:2", "not checked"), ("b.xlsx:3", "not checked"), ("p.jsonl:4", "answer reject")])
    ['b.xlsx: 2 row(s) skipped (not checked): 2, 3', 'p.jsonl: 1 row(s) skipped (answer reject): 4']
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for where, reason in skipped:
        name, _, number = where.rpartition(":")
        groups.setdefault((name, reason), []).append(number)
    return [f"{name}: {len(rows)} row(s) skipped ({reason}): {', '.join(rows[:show])}{' …' if len(rows) > show else ''}"
            for (name, reason), rows in groups.items()]


def plan_import(paths, directory: str | Path, *, prefer: str = "old", annotator: str = "",
                today: str | None = None, fmt: str | None = None) -> ImportPlan:
    """Read ``paths`` and work out what importing them into ``directory`` would change.

    Parameters
    ----------
    paths : list of path
        Filled annotation files (any format of :mod:`taxonomy.annotation_files`).
    directory : path
        The labelled folder.
    prefer : {"old", "new"}
        On a conflict keep the labels in the set (default) or take the new ones.
    annotator : str
        Written where the file names no annotator.
    today : str, optional
        The date written where the file has none (default: today, ``YYYY-MM-DD``).
    """
    if prefer not in ("old", "new"):
        raise TaxonomyError(f"prefer must be old or new, not {prefer!r}")
    from .training import training_text

    directory = Path(directory)
    today = today or Date.today().isoformat()
    known = {c.id for c in load_categories()}
    try:
        existing = read_labelled(directory)
    except ValueError as exc:
        raise TaxonomyError(str(exc)) from None
    plan = ImportPlan(directory)
    by_text = {training_text(r.text): {"file": r.file, "id": r.id, "labels": set(r.labels), "stance": r.stance,
                                       "where": f"{r.file}:{r.line}"} for r in existing}
    near = NearDuplicateIndex(by_text)
    near_where = [entry["where"] for entry in by_text.values()]
    for path in paths:
        for row in read_annotations(path, fmt):
            if row.skip:
                plan.skipped.append((row.where, row.skip))
                continue
            problems = row_problems(row, known)
            if problems:
                plan.problems.extend(f"{row.where}: {p}" for p in problems)
                continue
            text = training_text(row.text)
            labels = "|".join(row.labels)
            old = by_text.get(text)
            if old is not None:
                if (old["labels"], old["stance"]) == (set(row.labels), row.stance):
                    plan.duplicates.append(row.where)
                elif prefer == "new":
                    plan.replaced.append({"where": row.where, "file": old["file"], "id": old["id"], "labels": labels,
                                          "stance": row.stance, "old": "|".join(sorted(old["labels"]))})
                    old.update(labels=set(row.labels), stance=row.stance)
                else:
                    plan.conflicts.append(
                        f"{row.where}: conflicts with {old['where']} ({'|'.join(sorted(old['labels'])) or 'none'} "
                        f"{old['stance']} -> {labels or 'none'} {row.stance}); kept the labels in the set "
                        "(use --prefer new to replace them)")
                continue
            match = near.find(text)
            if match is not None:
                plan.near_duplicates.append(f"{row.where}: near-duplicate of {near_where[match]}; skipped")
                continue
            record = {"id": row_id(row.source, text), "source": row.source, "text": text, "labels": labels,
                      "stance": row.stance, "annotator": row.annotator or annotator, "date": row.date or today,
                      "source_speech": row.source_speech, "model_version": row.model_version, "sample": row.sample,
                      "sentence_id": "" if row.sentence_id is None else str(row.sentence_id)}
            plan.added.append(record)
            by_text[text] = {"file": IMPORTED_FILE, "id": record["id"], "labels": set(row.labels),
                             "stance": row.stance, "where": f"{row.where} (this import)"}
            near.add(text)
            near_where.append(by_text[text]["where"])
    return plan


def _read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    from .annotate import atomic_write

    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    if path.exists():
        shutil.copy2(path, path.with_name(path.name + ".bak"))
    atomic_write(path, lambda handle: handle.write(buffer.getvalue()), overwrite=True)


def _speech_order(rows: list[dict]) -> list[dict]:
    """Rows grouped by source (in order of first appearance), each source in sentence order."""
    first = {}
    for i, row in enumerate(rows):
        first.setdefault(row["source"], i)
    key = lambda ir: (first[ir[1]["source"]], int(ir[1]["sentence_id"]) if str(ir[1].get("sentence_id") or "").isdigit() else -1, ir[0])  # noqa: E731
    return [row for _, row in sorted(enumerate(rows), key=key)]


def apply_import(plan: ImportPlan) -> list[Path]:
    """Write ``plan``: add its rows to ``imported.csv`` and rewrite replaced labels; returns the files changed."""
    if plan.problems:
        raise TaxonomyError(f"{plan.problems[0]} ({len(plan.problems)} problem(s); nothing imported)")
    changed = []
    by_file: dict[str, dict[str, dict]] = {}
    for replacement in plan.replaced:
        by_file.setdefault(replacement["file"], {})[replacement["id"]] = replacement
    target = plan.directory / IMPORTED_FILE
    if plan.added or IMPORTED_FILE in by_file:
        header, rows = _read_rows(target) if target.exists() else (list(IMPORTED_COLUMNS), [])
        header += [c for c in IMPORTED_COLUMNS if c not in header]
        rows = _speech_order(rows + plan.added)
        _replace(rows, by_file.pop(IMPORTED_FILE, {}))
        _write_rows(target, header, rows)
        changed.append(target)
    for name, replacements in by_file.items():
        path = plan.directory / name
        header, rows = _read_rows(path)
        _replace(rows, replacements)
        _write_rows(path, header, rows)
        changed.append(path)
    return changed


def _replace(rows: list[dict], replacements: dict[str, dict]) -> None:
    for row in rows:
        new = replacements.get(row["id"])
        if new is not None:
            row["labels"], row["stance"] = new["labels"], new["stance"]


def random_share_scores(directory: str | Path | None = None, *, n_splits: int = 5, **params) -> dict:
    """Grouped-CV figures on the imported random share only (rows with ``sample=random``).

    Out-of-fold predictions of :func:`taxonomy.evaluation.cross_validate` over all the
    labelled data, scored only on sentences drawn at random by ``taxonomy suggest
    --random-share``: an unbiased estimate on the analyst's own speeches.

    Examples
    --------
    >>> random_share_scores("data/labelled")["macro_f1"]     # doctest: +SKIP
    0.71
    """
    import numpy as np
    from sklearn.metrics import f1_score

    from . import config
    from .evaluation import cross_validate, summarise_scores
    from .training import load_training_data

    directory = Path(directory) if directory is not None else config.labelled_dir()
    data = load_training_data(directory)
    mask = np.array([r.extra.get("sample") == "random" for r in read_labelled(directory)])
    if not mask.any():
        raise TaxonomyError(f"{directory}: no rows with sample=random (import a batch made with suggest --random-share)")
    result = cross_validate(data, n_splits=n_splits, **params)
    Y, pred = data.Y.to_numpy()[mask], result.pred[mask]
    figures = summarise_scores(result, mask)
    figures["n_sources"] = int(len(set(data.groups[mask])))
    f1 = f1_score(Y, pred, average=None, zero_division=0)
    figures["per_category"] = {c: {"support": int(Y[:, i].sum()), "predicted": int(pred[:, i].sum()),
                                   "f1": float(f1[i])} for i, c in enumerate(data.Y.columns)}
    return figures
