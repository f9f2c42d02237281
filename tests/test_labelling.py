import copy
import os

import numpy as np
import pandas as pd
import pytest

from conftest import SPEECHES
from taxonomy.documents import sentences_frame
from taxonomy.errors import TaxonomyError
from taxonomy.labelling import _chunks, label_frame, label_stream, label_to_file, resolve_jobs
from taxonomy.reading import expand_paths


def test_a_long_speech_labelled_in_chunks_gets_the_labels_of_one_piece(tiny_model):
    frame = sentences_frame(SPEECHES[0].read_text(encoding="utf-8"), "s")
    whole = tiny_model.label_sentences(frame)
    for size in (7, 50):
        pd.testing.assert_frame_equal(label_frame(tiny_model, frame, chunk=size), whole)


def test_chunks_carry_their_neighbours_and_heading():
    frame = pd.DataFrame({"doc": "d", "sentence_id": range(8),
                          "text": ["一、问题", "甲。", "乙。", "丙。", "丁。", "二、措施", "戊。", "己。"]})
    pieces = [(rows["sentence_id"].tolist(), first, count) for rows, first, count in _chunks(frame, 3)]
    assert pieces == [([0, 1, 2, 3], 0, 3), ([0, 2, 3, 4, 5, 6], 2, 3), ([5, 6, 7], 1, 2)]


def test_label_sentences_applies_the_tuned_thresholds(tiny_model):
    model = copy.deepcopy(tiny_model)
    text = "有的部门推来推去。今年新增市场主体一万户。"
    model.classifier.thresholds_ = np.zeros(len(model.categories))
    assert all(model.label_text(text)["labels"].str.count(r"\|") == len(model.categories) - 1)
    model.classifier.thresholds_ = np.full(len(model.categories), 1.01)
    table = model.label_text(text)
    assert (table["labels"] == "").all() and (table["stance"] == "").all()


@pytest.fixture
def mixed_folder(tmp_path):
    folder = tmp_path / "speeches"
    folder.mkdir()
    (folder / "a_good.txt").write_text("有的干部推诿扯皮。今年新增市场主体。", encoding="utf-8")
    (folder / "b_bad.txt").write_bytes(os.urandom(2000) + b"\xff\xfe\x00")
    (folder / "c_good.txt").write_text("坚决杜绝吃拿卡要。", encoding="utf-8")
    (folder / "d_fake.docx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    return folder


def test_unreadable_files_are_skipped_and_reported(tiny_model, mixed_folder, tmp_path):
    out = tmp_path / "labels.csv"
    run = label_to_file(tiny_model, expand_paths([mixed_folder]), out)
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert sorted(table["doc"].unique()) == ["a_good.txt", "c_good.txt"]
    assert run.documents == 2 and run.sentences == 3
    assert [p.rsplit("/", 1)[-1] for p, _ in run.skipped] == ["b_bad.txt", "d_fake.docx"]
    assert all(name.split("/")[-1] in message for name, message in run.skipped)


def test_strict_stops_at_the_first_unreadable_file_and_writes_nothing(tiny_model, mixed_folder, tmp_path):
    out = tmp_path / "labels.csv"
    with pytest.raises(TaxonomyError, match="b_bad.txt"):
        label_to_file(tiny_model, expand_paths([mixed_folder]), out, strict=True)
    assert not out.exists() and not list(tmp_path.glob(".labels.csv*"))


def test_parallel_labelling_gives_the_same_parts_in_order(tiny_model, mixed_folder):
    files = expand_paths([mixed_folder, *SPEECHES[:2]])
    one = list(label_stream(tiny_model, files, jobs=1))
    two = list(label_stream(tiny_model, files, jobs=min(2, os.cpu_count() or 1)))
    assert [(p.doc, p.error is None) for p in one] == [(p.doc, p.error is None) for p in two]
    for a, b in zip(one, two):
        if a.table is not None:
            pd.testing.assert_frame_equal(a.table, b.table)


@pytest.mark.parametrize("jobs", [0, -2, 10_000])
def test_jobs_outside_one_to_the_number_of_cores_are_refused(jobs):
    with pytest.raises(TaxonomyError, match="--jobs must be between 1 and"):
        resolve_jobs(jobs)
    assert resolve_jobs(-1) == (os.cpu_count() or 1)
