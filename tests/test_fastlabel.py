"""Labelling files with the bundle writes what the pipeline writes, without scikit-learn, skops or pandas."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from typer.testing import CliRunner

from taxonomy import fastlabel, labelling
from taxonomy.bundle import bundle_path
from taxonomy.reading import expand_paths

from conftest import RAW

runner = CliRunner()


@pytest.fixture(scope="module")
def fast(tiny_model_path):
    return fastlabel.fast_model(tiny_model_path)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_output_file_is_byte_identical_to_the_pipeline(tiny_model, fast, tmp_path, suffix):
    files = expand_paths([RAW])
    ours, theirs = tmp_path / f"fast{suffix}", tmp_path / f"pipeline{suffix}"
    run = fastlabel.label_to_file(fast, files, ours)
    labelling.label_to_file(tiny_model, files, theirs)
    assert run.sentences > 500 and run.documents == 5
    assert ours.read_bytes() == theirs.read_bytes()


def test_filters_keep_the_rows_the_pipeline_keeps(tiny_model, fast, tmp_path):
    files = expand_paths([RAW])
    options = {"only_labelled": True, "categories": ["buck_passing", "yong_lan_san"]}
    fastlabel.label_to_file(fast, files, tmp_path / "a.csv", **options)
    labelling.label_to_file(tiny_model, files, tmp_path / "b.csv", **options)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert len((tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()) > 1


@pytest.mark.parametrize("chunk", [3, 7, 50])
def test_chunks_carry_context_across_their_edges(tiny_model, fast, chunk):
    files = [(doc, str(path)) for doc, path in expand_paths([RAW])]
    whole = pd.concat([p.table.to_frame() for p in fastlabel.label_parts(fast, files, chunk=10**6)], ignore_index=True)
    parts = list(fastlabel.label_parts(fast, files, chunk=chunk))
    assert [p.doc for p in parts if p.final] == [doc for doc, _ in files]  # one last part per speech
    chunked = pd.concat([p.table.to_frame() for p in parts], ignore_index=True)
    pipeline = pd.concat([p.table for p in labelling.label_parts(tiny_model, files, chunk=chunk)], ignore_index=True)
    pd.testing.assert_frame_equal(chunked, whole)
    pd.testing.assert_frame_equal(chunked, pipeline, check_dtype=False)


def test_two_jobs_give_the_rows_of_one(fast, tmp_path):
    files = expand_paths([RAW])
    fastlabel.label_to_file(fast, files, tmp_path / "one.csv", jobs=1)
    fastlabel.label_to_file(fast, files, tmp_path / "two.csv", jobs=2)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


def test_two_jobs_filter_and_escape_as_one(fast, tmp_path):
    import warnings

    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(RAW.iterdir())[:3]:
        shutil.copy(path, folder)
    (folder / "formula.txt").write_text("=SUM(1,2)有的干部推诿扯皮。\n-有的部门门难进、脸难看、事难办。\n同志们好。\n",
                                        encoding="utf-8")
    files = expand_paths([folder])
    outputs, messages = [], []
    for jobs in (1, 2):
        out = tmp_path / f"{jobs}.csv"
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            run = fastlabel.label_to_file(fast, files, out, jobs=jobs, only_labelled=True,
                                          categories=["buck_passing", "bureaucratism"])
        outputs.append((out.read_bytes(), run.sentences, run.documents))
        messages.append(sorted(str(w.message).replace(str(out), "OUT") for w in seen))
    assert outputs[0] == outputs[1] and messages[0] == messages[1]
    assert "'=SUM" in outputs[0][0].decode("utf-8-sig") and any("escaped" in m for m in messages[0])
    assert 0 < outputs[0][1] < 200 and outputs[0][2] == 4


def test_unreadable_file_is_skipped_and_reported(fast, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(RAW / "002_59d819b76e84f9ce.txt", folder)
    (folder / "broken.pdf").write_bytes(b"not a pdf")
    run = fastlabel.label_to_file(fast, expand_paths([folder]), tmp_path / "out.csv")
    assert run.documents == 1 and [p for p, _ in run.skipped] == [str(folder / "broken.pdf")]


def test_no_bundle_means_the_pipeline(tiny_model_path, tmp_path):
    copy = tmp_path / "model.skops"
    shutil.copy(tiny_model_path, copy)
    assert fastlabel.fast_model(copy) is None
    shutil.copy(bundle_path(tiny_model_path), bundle_path(copy))
    assert fastlabel.fast_model(copy) is not None


def test_cli_label_imports_neither_scikit_learn_nor_skops_nor_pandas(tiny_model_path, tmp_path):
    out = tmp_path / "labels.csv"
    script = textwrap.dedent(f"""
        import sys
        from taxonomy.cli import app
        try:
            app(["label", {str(RAW)!r}, "--model", {str(tiny_model_path)!r}, "-o", {str(out)!r}])
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
        print(sorted(m for m in ("sklearn", "skops", "pandas", "scipy") if m in sys.modules))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert out.is_file() and len(out.read_text(encoding="utf-8-sig").splitlines()) > 500
