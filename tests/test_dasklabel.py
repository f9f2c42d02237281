"""Labelling on a Dask cluster: a LocalCluster of two worker processes gives the rows of a local run."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from taxonomy import fastlabel
from taxonomy.cli import app
from taxonomy.dasklabel import label_dask
from taxonomy.errors import TaxonomyError
from taxonomy.reading import expand_paths

from conftest import RAW

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


@pytest.fixture(scope="module")
def local_rows(tiny_model_path) -> pd.DataFrame:
    model = fastlabel.fast_model(tiny_model_path)
    files = [(doc, str(path)) for doc, path in expand_paths([RAW])]
    return pd.concat([p.table.to_frame() for p in fastlabel.label_parts(model, files)], ignore_index=True)


def test_same_rows_as_a_local_run_in_parquet_parts(client, tiny_model_path, local_rows, tmp_path):
    out = tmp_path / "labels"
    run = label_dask([RAW], client, out, model_path=tiny_model_path, files_per_partition=2)
    assert run.partitions == 3 and run.documents == 5 and run.sentences == len(local_rows)
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert len(client.scheduler_info()["workers"]) == 2
    rows = pd.read_parquet(out)
    pd.testing.assert_frame_equal(rows.astype(object), local_rows.astype(object))


def test_existing_output_needs_force_and_unreadable_files_are_reported(client, tiny_model_path, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("同志们：\n一是推诿扯皮。", encoding="utf-8")
    (folder / "b.pdf").write_bytes(b"not a pdf")
    out = tmp_path / "labels"
    out.mkdir()
    with pytest.raises(TaxonomyError, match="already exists"):
        label_dask([folder], client, out, model_path=tiny_model_path)
    run = label_dask([folder], client, out, model_path=tiny_model_path, overwrite=True)
    assert run.documents == 1 and run.skipped[0][0].endswith("b.pdf")
    assert len(pd.read_parquet(out)) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_cli_dask_against_the_cluster(client, tiny_model_path, local_rows, tmp_path):
    out = tmp_path / "labels"
    address = client.scheduler.address
    result = CliRunner().invoke(app, ["label", str(RAW), "--dask", address, "--model", str(tiny_model_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 539 sentences from 5 file(s)" in result.output
    assert pd.read_parquet(out)["text"].tolist() == local_rows["text"].tolist()


def test_cli_dask_needs_an_output_folder(tiny_model_path):
    result = CliRunner().invoke(app, ["label", str(RAW), "--dask", "local", "--model", str(tiny_model_path)])
    assert result.exit_code == 2 and "error: --dask writes Parquet parts" in result.output


def test_filters_and_strict(client, tiny_model_path, local_rows, tmp_path):
    out = tmp_path / "labels"
    run = label_dask([RAW], client, out, model_path=tiny_model_path, only_labelled=True, categories=["buck_passing"])
    rows = pd.read_parquet(out)
    expected = local_rows[local_rows["labels"].str.split("|").map(lambda ids: "buck_passing" in ids)]
    assert run.sentences == len(rows) == len(expected) > 0
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("一是推诿扯皮。", encoding="utf-8")
    (folder / "b.pdf").write_bytes(b"not a pdf")
    with pytest.raises(TaxonomyError, match="b.pdf"):
        label_dask([folder], client, tmp_path / "strict", model_path=tiny_model_path, strict=True)
    assert not (tmp_path / "strict").exists()


def test_cli_dask_refuses_options_that_do_not_apply(tiny_model_path, tmp_path):
    result = CliRunner().invoke(app, ["label", str(RAW), "--dask", "local", "--jobs", "2", "-o", str(tmp_path / "x"),
                                      "--model", str(tiny_model_path)])
    assert result.exit_code == 2 and "--jobs and --chinese-header do not apply" in result.output
