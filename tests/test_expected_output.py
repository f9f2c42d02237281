"""The default model labels the raw speeches as it did when its expectation was stored.

``tests/data/raw_expected.csv`` holds, for every sentence of ``data/raw``, the labels,
stance, check flag and rounded probabilities that the scikit-learn pipeline of the
default model gave, and the SHA-256 of that model file on its first line. ``taxonomy
label`` (the inference bundle when there is one) must give exactly these. After
retraining the default model, store the new expectation with

    python tests/test_expected_output.py
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
EXPECTED = REPO / "tests" / "data" / "raw_expected.csv"
DROPPED = ("start", "end", "text", "labels_zh")  # the speeches' own text, and what follows from labels


def _model():
    sys.path.insert(0, str(REPO))
    from taxonomy import config
    from taxonomy.bundle import file_digest

    path = config.default_model_path()
    return path, file_digest(path)


def _rows(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    keep = [i for i, name in enumerate(rows[0]) if name not in DROPPED]
    return [[row[i] for i in keep] for row in rows]


def store() -> None:
    """Write the expectation from the scikit-learn pipeline of the default model."""
    import tempfile

    from taxonomy.labelling import label_to_file
    from taxonomy.model import load_model
    from taxonomy.reading import expand_paths

    path, digest = _model()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "labels.csv"
        label_to_file(load_model(path), expand_paths([REPO / "data" / "raw"]), out)
        rows = _rows(out.read_text(encoding="utf-8-sig"))
    EXPECTED.parent.mkdir(parents=True, exist_ok=True)
    with EXPECTED.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"# model sha256 {digest}\n")
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_default_model_labels_the_raw_speeches_as_stored(tmp_path):
    from taxonomy.cli import app

    path, digest = _model()
    first, rest = EXPECTED.read_text(encoding="utf-8").split("\n", 1)
    if first != f"# model sha256 {digest}":
        pytest.skip(f"the default model changed since the expectation was stored: run python {Path(__file__).name}")
    out = tmp_path / "labels.csv"
    result = CliRunner().invoke(app, ["label", str(REPO / "data" / "raw"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    ours = _rows(out.read_text(encoding="utf-8-sig"))
    expected = list(csv.reader(io.StringIO(rest)))
    assert len(ours) == len(expected) > 500
    assert ours == expected


if __name__ == "__main__":
    store()
