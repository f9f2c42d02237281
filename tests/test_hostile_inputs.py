"""Hostile and broken input through the command line, with good files in the same call.

Every case ends in a one-line message naming the file (never a traceback); a bad file
never costs the good ones given with it (they are labelled and written, exit status 3).
"""

import os
import random
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import SPEECHES
from taxonomy.cli import app
from test_hostile_reading import a_docx, a_pdf, zip_with

runner = CliRunner()
GOOD = "有的干部推诿扯皮，群众来回跑。\n今年新增市场主体一万户。"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def read(path):
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)


def assert_clean(result):
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def bad_files(folder):
    """One of each kind of unreadable file the reading layer refuses."""
    rng = random.Random(0)
    (folder / "noise.txt").write_bytes(bytes(rng.randrange(256) for _ in range(3000)))
    (folder / "picture.docx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    whole = a_docx(folder / "whole.docx").read_bytes()
    (folder / "cut.docx").write_bytes(whole[: len(whole) // 2])
    (folder / "whole.docx").unlink()
    pdf = a_pdf(folder / "ok.pdf").read_bytes()
    (folder / "corrupt.pdf").write_bytes(pdf[:200] + bytes(rng.randrange(256) for _ in range(300)))
    (folder / "ok.pdf").unlink()
    (folder / "scanned.pdf").write_bytes(_blank_pdf())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("  \n\t \n", encoding="utf-8")
    (folder / "script.html").write_text("<html><head><script>var a=1;</script></head><body><script>x()</script></body></html>")
    (folder / "japanese.txt").write_bytes("行政の手続きが遅れている問題について説明します。".encode("shift_jis") * 5)
    (folder / "french.txt").write_bytes("Les fonctionnaires déclarent être débordés à cause des procédures.".encode("latin-1") * 5)
    zip_with(folder / "bomb.docx", {"[Content_Types].xml": (10, b"<"), "word/document.xml": (101_000_000, b"\0")})
    return sorted(p.name for p in folder.iterdir())


def _blank_pdf():
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(50, 50, 100, 100)
    page.save()
    return buffer.getvalue()


def test_bad_files_are_reported_and_skipped_and_the_good_ones_labelled(tiny_model_path, tmp_path):
    folder = tmp_path / "speeches"
    folder.mkdir()
    bad = bad_files(folder)
    (folder / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "z_good.txt").write_text("坚决杜绝吃拿卡要。", encoding="utf-8")
    out = tmp_path / "labels.csv"
    result = run("label", folder, "-o", out, "-m", tiny_model_path)
    assert_clean(result)
    assert result.exit_code == 3, result.output
    assert sorted(read(out)["doc"].unique()) == ["a_good.txt", "z_good.txt"]
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped: ")]
    assert sorted(line.split(":")[1].strip().rsplit("/", 1)[-1] for line in skipped) == bad
    assert f"{len(bad)} of {len(bad) + 2} file(s) skipped" in result.output


def test_strict_stops_at_the_first_bad_file_and_writes_nothing(tiny_model_path, tmp_path):
    folder = tmp_path / "speeches"
    folder.mkdir()
    (folder / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b_empty.txt").write_bytes(b"")
    out = tmp_path / "labels.csv"
    result = run("label", folder, "-o", out, "-m", tiny_model_path, "--strict")
    assert_clean(result)
    assert result.exit_code == 2 and "b_empty.txt: no text" in result.output
    assert not out.exists() and not list(tmp_path.glob(".*tmp"))


@pytest.mark.parametrize("jobs, ok", [(999, False), (0, False), (-3, False), (-1, True), (1, True)])
def test_jobs_are_one_to_the_number_of_cores(tiny_model_path, tmp_path, jobs, ok):
    out = tmp_path / "labels.csv"
    result = run("label", SPEECHES[0], "-o", out, "-m", tiny_model_path, "--jobs", jobs)
    assert_clean(result)
    if ok:
        assert result.exit_code == 0 and out.exists()
    else:
        assert result.exit_code == 2 and f"--jobs must be between 1 and {os.cpu_count()}" in result.output
        assert not out.exists()


def test_a_long_run_without_punctuation_is_cut_into_bounded_sentences(tiny_model_path, tmp_path):
    speech = tmp_path / "one_line.txt"
    speech.write_text("有的干部推诿扯皮群众来回跑" * 700, encoding="utf-8")  # 9,100 characters, no sentence end
    out = tmp_path / "labels.csv"
    result = run("label", speech, "-o", out, "-m", tiny_model_path, "--max-sentence-chars", 500)
    assert result.exit_code == 0, result.output
    table = read(out)
    assert table["text"].str.len().max() <= 500 and "".join(table["text"]) == "有的干部推诿扯皮群众来回跑" * 700


def test_a_file_over_the_size_limit_is_skipped_with_the_option_to_raise_it(tiny_model_path, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(GOOD * 200, encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "labels.csv"
    result = run("label", big, small, "-o", out, "-m", tiny_model_path, "--max-file-mb", 0.01)
    assert result.exit_code == 3 and "over the 0.01 MB limit (raise it with --max-file-mb" in result.output
    assert read(out)["doc"].unique().tolist() == ["small.txt"]


def test_same_file_names_in_different_folders_stay_two_speeches(tiny_model_path, tmp_path):
    for folder, text in (("a", GOOD), ("b", "坚决杜绝吃拿卡要。")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "s.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "labels.csv"
    result = run("label", tmp_path / "a", tmp_path / "b" / "s.txt", "-o", out, "-m", tiny_model_path)
    assert result.exit_code == 0, result.output
    table = read(out)
    assert table.groupby("doc").size().to_dict() == {"a/s.txt": 2, "b/s.txt": 1}
    summary = tmp_path / "summary.csv"
    assert run("summary", tmp_path / "a", tmp_path / "b", "-o", summary, "-m", tiny_model_path).exit_code == 0
    assert set(read(summary)["doc"]) == {"a/s.txt", "b/s.txt"}


def test_formulas_and_control_characters_never_reach_a_spreadsheet_as_such(tiny_model_path, tmp_path):
    from openpyxl import load_workbook

    speech = tmp_path / "=1+2.txt"
    speech.write_text('同志们：\n=HYPERLINK("http://x","click here")\n有的科室\x01推诿\x1b扯皮。', encoding="utf-8")
    xlsx, csv = tmp_path / "labels.xlsx", tmp_path / "labels.csv"
    for out in (xlsx, csv):
        result = run("label", speech, "-o", out, "-m", tiny_model_path)
        assert_clean(result)
        assert result.exit_code == 0, result.output
    sheet = load_workbook(xlsx)["labels"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    values = [str(c.value) for c in cells if c.value is not None]
    assert any(v.startswith("=HYPERLINK") for v in values) and "=1+2.txt" in values
    assert not any(ch in v for v in values for ch in "\x01\x1b")
    rows = csv.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in rows and "'=1+2.txt" in rows


def test_a_sentence_longer_than_an_excel_cell_is_cut_visibly(tiny_model_path, tmp_path):
    speech = tmp_path / "long.txt"
    speech.write_text("有" * 40_000, encoding="utf-8")
    out = tmp_path / "labels.xlsx"
    result = run("label", speech, "-o", out, "-m", tiny_model_path, "--max-sentence-chars", 50_000)
    assert result.exit_code == 0 and "warning:" in result.output
    from openpyxl import load_workbook

    text = load_workbook(out)["labels"].cell(row=2, column=5).value
    assert len(text) <= 32_767 and text.endswith("…[cut]")


def test_an_unreadable_file_inside_a_folder(tiny_model_path, tmp_path, monkeypatch):
    from pathlib import Path

    folder = tmp_path / "speeches"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "locked.txt").write_text(GOOD, encoding="utf-8")
    original = Path.open

    def guarded_open(self, *args, **kwargs):  # chmod does not bind root, so refuse the way the OS would
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded_open)
    out = tmp_path / "labels.csv"
    result = run("label", folder, "-o", out, "-m", tiny_model_path)
    assert_clean(result)
    assert result.exit_code == 3 and "locked.txt: permission denied" in result.output
    assert read(out)["doc"].unique().tolist() == ["a.txt"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["label", "{speech}", "-o", "{tmp}"], "is a folder"),
        (["label", "{speech}", "-o", "{tmp}/no/such/folder/x.csv"], "does not exist"),
        (["explain", "/no/such/file.txt"], "/no/such/file.txt: no such file"),
        (["summary", "{tmp}/nothing_here"], "no such file or folder"),
    ],
    ids=["output-is-a-folder", "output-folder-missing", "explain-missing-file", "summary-missing-input"],
)
def test_mistakes_are_one_line_and_exit_2(tiny_model_path, tmp_path, args, message):
    args = [a.replace("{speech}", str(SPEECHES[0])).replace("{tmp}", str(tmp_path)) for a in args]
    result = run(*args, "-m", tiny_model_path)
    assert_clean(result)
    assert result.exit_code == 2 and message in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("error:")]) == 1


def test_training_on_a_tiny_data_set_is_a_clear_error(tmp_path):
    from conftest import PASSAGES, write_corpus

    write_corpus(tmp_path / "labelled", {k: PASSAGES[k] for k in ("p1", "p2")})
    result = run("train", "--data", tmp_path / "labelled", "--out", tmp_path / "m.skops")
    assert_clean(result)
    assert result.exit_code == 2 and "at least 5 sources" in result.output
    assert not (tmp_path / "m.skops").exists()


def test_a_model_with_a_catastrophic_pattern_is_refused_before_labelling(tiny_model, tmp_path):
    import copy
    import shutil

    import skops.io as sio

    from taxonomy.persistence import metadata_path

    tampered = copy.deepcopy(tiny_model.pipeline)
    tampered.named_steps["features"].named_transformers_["words"].named_steps["tfidf"].token_pattern = r"(\S+\s?)+$"
    path = tmp_path / "evil.skops"
    path.write_bytes(sio.dumps(tampered))
    tiny_model.save(tmp_path / "good.skops")
    shutil.copy(metadata_path(tmp_path / "good.skops"), metadata_path(path))
    start = time.perf_counter()
    result = run("label", SPEECHES[0], "-m", path)
    assert result.exit_code == 2 and "token_pattern" in result.output
    assert time.perf_counter() - start < 20


def test_sigterm_leaves_no_temporary_file_behind(tiny_model_path, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        for speech in SPEECHES:
            (folder / f"{i:02d}_{speech.name}").write_bytes(speech.read_bytes())
    out = tmp_path / "labels.csv"
    process = subprocess.Popen(
        [sys.executable, "-m", "taxonomy", "label", str(folder), "-o", str(out), "-m", str(tiny_model_path), "-j", "-1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.time() + 120
    while time.time() < deadline and not list(tmp_path.glob(".labels.csv.*.tmp")) and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "labelling finished before it could be interrupted"
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], list(tmp_path.iterdir())
