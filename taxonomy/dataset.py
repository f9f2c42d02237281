"""Hand-labelled sentences: reading ``data/labelled/*.csv`` and checking them.

Every file has the columns ``id, source, text, labels, stance``:

* ``id`` — unique across all files;
* ``source`` — the speech or written passage the sentence comes from (rows of one
  source stay together in speech order; cross-validation groups by it);
* ``labels`` — ``|``-joined category ids, empty for a sentence with no problem;
* ``stance`` — ``problem`` or ``remedy`` when there are labels, empty otherwise.

A file may carry further columns after these (:data:`PROVENANCE_COLUMNS`, written by
``taxonomy import``): ``annotator``, ``date`` (``YYYY-MM-DD``), ``source_speech``,
``model_version``, ``sample`` (``suggested``, ``random`` or empty) and
``sentence_id``. They are kept in :attr:`LabelledRow.extra`; the known ones are checked.

This module uses only the standard library so that the check runs anywhere.

Examples
--------
>>> from taxonomy.dataset import check_labelled
>>> report = check_labelled("data/labelled")        # doctest: +SKIP
>>> report.ok                                       # doctest: +SKIP
True
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .categories import STANCES, load_categories
from .cells import has_control, looks_like_formula

COLUMNS = ("id", "source", "text", "labels", "stance")
# Sources named like ``w3-p12`` are short written passages, dense in problems; every
# other source (a real speech, a whole written document) is a whole document.
PASSAGE_SOURCE = re.compile(r"^w\d+-p\d+$")
NEAR_DUPLICATE_JACCARD = 0.8
PROVENANCE_COLUMNS = ("annotator", "date", "source_speech", "model_version", "sample", "sentence_id")
SAMPLE_KINDS = ("suggested", "random")


@dataclass(frozen=True)
class LabelledRow:
    """One labelled sentence and where it was read from."""

    id: str
    source: str
    text: str
    labels: tuple[str, ...]
    stance: str
    file: str
    line: int
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass
class CheckReport:
    """Problems found in the labelled data and the counts that describe it."""

    problems: list[str] = field(default_factory=list)
    rows: list[LabelledRow] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=dict)
    n_none: int = 0
    n_multi: int = 0
    implicit: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary_lines(self) -> list[str]:
        """Counts per category and stance, the none and multi-label counts."""
        lines = [f"{'category':<22}{'problem':>8}{'remedy':>8}{'total':>8}{'no-keyword':>12}"]
        for cat_id, counter in self.counts.items():
            total = counter["problem"] + counter["remedy"]
            lines.append(
                f"{cat_id:<22}{counter['problem']:>8}{counter['remedy']:>8}{total:>8}"
                f"{self.implicit.get(cat_id, 0.0):>11.0%}"
            )
        lines.append(f"none sentences: {self.n_none}")
        lines.append(f"multi-label sentences: {self.n_multi}")
        lines.append(f"sentences: {len(self.rows)}  sources: {len({r.source for r in self.rows})}")
        return lines


def is_whole_document(source: str) -> bool:
    """True for a source that is a whole document rather than a short written passage.

    >>> is_whole_document("speech-000"), is_whole_document("ra-speech-03"), is_whole_document("w3-p12")
    (True, True, False)
    """
    return not PASSAGE_SOURCE.match(source)


def split_labels(value: str) -> tuple[str, ...]:
    """Parse a ``|``-joined label cell into a tuple of ids (empty for none)."""
    return tuple(part.strip() for part in (value or "").split("|") if part.strip())


def labelled_files(directory: str | Path) -> list[Path]:
    """The labelled CSV files of ``directory`` in a stable order."""
    return sorted(Path(directory).glob("*.csv"))


def read_labelled(directory: str | Path) -> list[LabelledRow]:
    """Read every labelled CSV file of ``directory`` without validating it.

    Raises ``ValueError`` naming the file when a file lacks the contract columns
    or cannot be decoded as UTF-8.
    """
    rows: list[LabelledRow] = []
    files = labelled_files(directory)
    if not files:
        raise ValueError(f"{directory}: no labelled .csv files found")
    for path in files:
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
                for record in reader:
                    rows.append(
                        LabelledRow(
                            id=(record["id"] or "").strip(),
                            source=(record["source"] or "").strip(),
                            text=(record["text"] or "").strip(),
                            labels=split_labels(record["labels"]),
                            stance=(record["stance"] or "").strip(),
                            file=path.name,
                            line=reader.line_num,
                            extra={k: (v or "").strip() for k, v in record.items() if k not in COLUMNS and k},
                        )
                    )
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: not UTF-8 ({exc.reason})") from None
    return rows


def char_trigrams(text: str) -> frozenset[str]:
    """The set of character trigrams of ``text`` (the text itself when shorter)."""
    compact = "".join(text.split())
    if len(compact) < 3:
        return frozenset([compact])
    return frozenset(compact[i : i + 3] for i in range(len(compact) - 2))


def near_duplicate_pairs(
    texts: list[str], threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[tuple[int, int, float]]:
    """Index pairs ``(i, j, similarity)``, ``i < j``, whose character-trigram Jaccard similarity exceeds ``threshold``.

    Exact duplicates are included (similarity 1.0). Candidates come from prefix
    filtering: with the trigrams of every text in one order (rarest first), two sets
    with Jaccard similarity ``>= t`` share one of the first ``n - ceil(t * n) + 1``
    trigrams of each, so only texts that share such a rare trigram are compared, and
    the common trigrams (的问题, 干部的 …) never make candidates. Every candidate
    is then scored exactly.

    >>> near_duplicate_pairs(["有的干部推诿扯皮。", "有的干部推诿扯皮！", "要坚决整改。"], threshold=0.7)
    [(0, 1, 0.75)]
    >>> near_duplicate_pairs(["有的干部推诿扯皮。", "有的干部推诿扯皮！"], threshold=0.75)
    []
    """
    grams = [char_trigrams(t) for t in texts]
    frequency = Counter(gram for g in grams for gram in g)
    index: dict[str, list[int]] = defaultdict(list)
    prefixes = []
    for i, g in enumerate(grams):
        ordered = sorted(g, key=lambda gram: (frequency[gram], gram))
        length = len(ordered) - math.ceil(threshold * len(ordered) - 1e-9) + 1  # the epsilon only lengthens it
        prefix = ordered[: max(1, min(length, len(ordered)))]
        prefixes.append(prefix)
        for gram in prefix:
            index[gram].append(i)
    pairs = []
    for i, prefix in enumerate(prefixes):
        for j in sorted({j for gram in prefix for j in index[gram] if j > i}):
            inter = len(grams[i] & grams[j])
            union = len(grams[i]) + len(grams[j]) - inter
            score = inter / union if union else 1.0
            if score > threshold:
                pairs.append((i, j, score))
    return pairs


def provenance_problems(extra: dict) -> list[str]:
    """Problems in the optional provenance columns of one row.

    >>> provenance_problems({"sample": "random", "date": "2024-05-01"})
    []
    >>> provenance_problems({"sample": "chosen", "date": "1.5.2024"})
    ["unknown sample 'chosen' (use suggested, random or leave it empty)", "date '1.5.2024' is not YYYY-MM-DD"]
    """
    problems = []
    sample = extra.get("sample", "")
    if sample and sample not in SAMPLE_KINDS:
        problems.append(f"unknown sample {sample!r} (use {', '.join(SAMPLE_KINDS)} or leave it empty)")
    when = extra.get("date", "")
    if when:
        try:
            date.fromisoformat(when)
        except ValueError:
            problems.append(f"date {when!r} is not YYYY-MM-DD")
    sentence_id = extra.get("sentence_id", "")
    if sentence_id and not sentence_id.isdigit():
        problems.append(f"sentence_id {sentence_id!r} is not a whole number")
    return problems


def _where(row: LabelledRow) -> str:
    return f"{row.file}:{row.line}"


def check_labelled(directory: str | Path, categories_path: str | Path | None = None) -> CheckReport:
    """Validate all labelled files of ``directory`` and count what they hold.

    Every problem is reported with ``file:line``; nothing stops at the first one.
    Checked: unknown category ids, stance missing on a labelled sentence or
    present on a none sentence, unknown stance values, empty texts or ids,
    duplicate ids, duplicate and near-duplicate texts (character-trigram Jaccard
    above 0.8) and the same text with conflicting labels. Rows whose text
    starts with ``= + - @`` or holds control characters are warnings
    (:attr:`CheckReport.warnings`), not problems: such text is unsafe in a spreadsheet.
    """
    categories = load_categories(categories_path)
    known = {c.id for c in categories}
    report = CheckReport()
    try:
        rows = read_labelled(directory)
    except ValueError as exc:
        report.problems.append(str(exc))
        return report
    report.rows = rows
    seen_ids: dict[str, LabelledRow] = {}
    for row in rows:
        where = _where(row)
        if not row.id:
            report.problems.append(f"{where}: empty id")
        elif row.id in seen_ids:
            report.problems.append(f"{where}: duplicate id {row.id!r} (first at {_where(seen_ids[row.id])})")
        else:
            seen_ids[row.id] = row
        if not row.text:
            report.problems.append(f"{where}: empty text")
        if not row.source:
            report.problems.append(f"{where}: empty source")
        for label in row.labels:
            if label not in known:
                report.problems.append(f"{where}: unknown category id {label!r}")
        if len(set(row.labels)) != len(row.labels):
            report.problems.append(f"{where}: a category is repeated in {'|'.join(row.labels)!r}")
        if row.labels and not row.stance:
            report.problems.append(f"{where}: labelled sentence without a stance")
        elif not row.labels and row.stance:
            report.problems.append(f"{where}: stance {row.stance!r} on a none sentence")
        elif row.stance and row.stance not in STANCES:
            report.problems.append(f"{where}: unknown stance {row.stance!r} (use problem or remedy)")
        report.problems.extend(f"{where}: {problem}" for problem in provenance_problems(row.extra))

        if looks_like_formula(row.text):
            report.warnings.append(f"{where}: text starts with = + - or @ (a spreadsheet may read it as a formula)")
        if has_control(row.text):
            report.warnings.append(f"{where}: text holds control characters")

    texts = [r.text for r in rows]
    for i, j, score in near_duplicate_pairs(texts):
        a, b = rows[i], rows[j]
        kind = "duplicate text" if a.text == b.text else f"near-duplicate text (Jaccard {score:.2f})"
        detail = ""
        if a.text == b.text and (set(a.labels), a.stance) != (set(b.labels), b.stance):
            detail = " with conflicting labels"
        report.problems.append(f"{_where(b)}: {kind}{detail} of {_where(a)}")

    keywords = {c.id: c.keywords for c in categories}
    report.counts = {c.id: Counter() for c in categories}
    without_keyword: Counter = Counter()
    for row in rows:
        if not row.labels:
            report.n_none += 1
            continue
        if len(row.labels) > 1:
            report.n_multi += 1
        for label in row.labels:
            if label in report.counts:
                report.counts[label][row.stance] += 1
                if not any(k in row.text for k in keywords[label]):
                    without_keyword[label] += 1
    for cat_id, counter in report.counts.items():
        total = sum(counter.values())
        report.implicit[cat_id] = without_keyword[cat_id] / total if total else 0.0
    return report
