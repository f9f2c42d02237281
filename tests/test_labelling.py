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


# --- batching, chunking and options, with a model that records what it is asked ------------------


class RecordingModel:
    """Labels nothing; remembers the texts of every call to ``label_sentences``."""

    categories = ["buck_passing"]
    output_columns = ["doc", "sentence_id", "text", "labels"]

    def __init__(self):
        self.calls: list[list[str]] = []

    def label_sentences(self, frame):
        self.calls.append(frame["text"].tolist())
        return frame.assign(labels="").set_axis(range(100, 100 + len(frame)))  # an index to be reset


def _speeches(folder, texts):
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return expand_paths([folder])


def test_small_speeches_share_a_prediction_until_the_chunk_is_full(tmp_path):
    from taxonomy.labelling import label_parts

    files = _speeches(tmp_path / "s", {"a.txt": "甲。乙。", "b.txt": "丙。", "c.txt": "丁。", "d.txt": "戊。己。"})
    model = RecordingModel()
    parts = list(label_parts(model, [(doc, str(path)) for doc, path in files], chunk=3))
    # a, b fill a chunk of 3 exactly; c and d are the rest
    assert model.calls == [["甲。", "乙。", "丙。"], ["丁。", "戊。", "己。"]]
    assert [(p.doc, p.path, p.final, p.table["text"].tolist()) for p in parts] == [
        ("a.txt", str(files[0][1]), True, ["甲。", "乙。"]),
        ("b.txt", str(files[1][1]), True, ["丙。"]),
        ("c.txt", str(files[2][1]), True, ["丁。"]),
        ("d.txt", str(files[3][1]), True, ["戊。", "己。"]),
    ]
    assert all(p.table.index.tolist() == list(range(len(p.table))) for p in parts)


def test_a_speech_longer_than_a_chunk_comes_in_parts_after_the_pending_ones(tmp_path):
    from taxonomy.labelling import label_parts

    files = _speeches(tmp_path / "s", {"a.txt": "甲。", "b.txt": "一、问题\n子。丑。寅。卯。", "c.txt": "乙。丙。丁。"})
    model = RecordingModel()
    parts = list(label_parts(model, [(doc, str(path)) for doc, path in files], chunk=3))
    assert model.calls[0] == ["甲。"]  # flushed before the long speech
    assert [(p.doc, p.path, p.final) for p in parts] == [
        ("a.txt", str(files[0][1]), True),
        ("b.txt", str(files[1][1]), False), ("b.txt", str(files[1][1]), True),
        ("c.txt", str(files[2][1]), True),
    ]
    assert [p.table["text"].tolist() for p in parts[1:3]] == [["一、问题", "子。", "丑。"], ["寅。", "卯。"]]
    assert parts[2].table.index.tolist() == [0, 1]
    assert model.calls[-1] == ["乙。", "丙。", "丁。"]  # exactly a chunk: labelled whole, as pending speeches are


def test_unreadable_files_keep_their_name_between_readable_ones(tmp_path, monkeypatch):
    import taxonomy.labelling as labelling

    def read(path, limits):
        if path.endswith("b.txt"):
            raise OSError("disk gone")
        return path[-5]  # the file's letter, a one-sentence speech

    monkeypatch.setattr(labelling, "read_document", read)
    model = RecordingModel()
    files = [(f"{x}.txt", f"/x/{x}.txt") for x in "abc"]
    parts = list(labelling.label_parts(model, files, chunk=10))
    assert [(p.doc, p.error) for p in parts] == [
        ("a.txt", None), ("b.txt", "/x/b.txt: cannot read (OSError: disk gone)"), ("c.txt", None)
    ]
    assert model.calls == [["a"], ["c"]]


def test_a_speech_of_exactly_one_chunk_is_labelled_in_one_call():
    frame = pd.DataFrame({"doc": "d", "sentence_id": range(3), "text": ["甲。", "乙。", "丙。"]})
    model = RecordingModel()
    label_frame(model, frame, chunk=3)
    assert model.calls == [["甲。", "乙。", "丙。"]]


def test_a_chunk_starting_at_the_third_sentence_gets_its_heading():
    frame = pd.DataFrame({"doc": "d", "sentence_id": range(4), "text": ["一、问题", "甲。", "乙。", "丙。"]})
    pieces = [(rows["sentence_id"].tolist(), first, count) for rows, first, count in _chunks(frame, 2)]
    assert pieces == [([0, 1, 2], 0, 2), ([0, 1, 2, 3], 2, 2)]
    late = pd.DataFrame({"doc": "d", "sentence_id": range(6), "text": ["甲。", "一、问题", "乙。", "丙。", "丁。", "戊。"]})
    pieces = [(rows["sentence_id"].tolist(), first, count) for rows, first, count in _chunks(late, 3)]
    assert pieces == [([0, 1, 2, 3], 0, 3), ([1, 2, 3, 4, 5], 2, 3)]


def test_limits_reach_the_reader_and_the_splitter(tmp_path):
    from taxonomy.limits import Limits

    files = _speeches(tmp_path / "s", {"a.txt": "有的推诿扯皮，有的敷衍塞责。"})
    parts = list(label_stream(RecordingModel(), files, limits=Limits(max_sentence_chars=7)))
    assert parts[0].table["text"].tolist() == ["有的推诿扯皮，", "有的敷衍塞责。"]
    part = next(label_stream(RecordingModel(), files, limits=Limits(max_file_bytes=10)))
    assert part.table is None and "a.txt" in part.error


def test_worker_functions_label_with_the_model_they_were_given(tmp_path):
    from taxonomy.labelling import _init_worker, _label_task
    from taxonomy.limits import Limits

    files = _speeches(tmp_path / "s", {"a.txt": "有的推诿扯皮，有的敷衍塞责。"})
    model = RecordingModel()
    _init_worker(model, Limits(max_sentence_chars=7))
    parts = _label_task([(doc, str(path)) for doc, path in files])
    assert model.calls == [["有的推诿扯皮，", "有的敷衍塞责。"]] and parts[0].doc == "a.txt"


def test_one_job_or_one_file_never_starts_workers(tmp_path, monkeypatch):
    import taxonomy.labelling as labelling

    started = []

    def parallel(model, files, jobs, limits):
        started.append((len(files), jobs))
        return labelling.label_parts(model, files, limits=limits)

    monkeypatch.setattr(labelling, "_parallel", parallel)
    import taxonomy.runs

    monkeypatch.setattr(taxonomy.runs.os, "cpu_count", lambda: 4)
    files = _speeches(tmp_path / "s", {"a.txt": "甲。", "b.txt": "乙。"})
    docs = [p.doc for p in label_stream(RecordingModel(), files)]
    label_to_file(RecordingModel(), files, tmp_path / "out.csv")
    list(label_stream(RecordingModel(), files[:1], jobs=2))
    assert started == [] and docs == ["a.txt", "b.txt"]
    list(label_stream(RecordingModel(), files, jobs=2))
    assert started == [(2, 2)]


def test_without_a_core_count_one_job_is_all_there_is(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert resolve_jobs(-1) == 1
    with pytest.raises(TaxonomyError, match="between 1 and 1 "):
        resolve_jobs(2)


def test_label_to_file_passes_its_options_on(tiny_model, tmp_path):
    files = _speeches(tmp_path / "s", {"a.txt": "有的部门推来推去，群众来回跑了五趟。今年新增市场主体一万户。",
                                       "b.txt": "有的执法人员收受商户购物卡。"})
    seen = []
    out = tmp_path / "out.csv"
    run = label_to_file(tiny_model, files, out, on_document=lambda part: seen.append(part.doc),
                        categories=["buck_passing"])
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert seen == ["a.txt", "b.txt"] and run.documents == 2
    assert table["labels"].str.contains("buck_passing").all() and table["doc"].tolist() == ["a.txt"]
    assert run.sentences == 1
    with pytest.raises(TaxonomyError, match="already exists"):
        label_to_file(tiny_model, files, out)
    run = label_to_file(tiny_model, files, out, overwrite=True, only_labelled=True)
    assert (pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)["labels"] != "").all()
    assert run.sentences == 2
    with pytest.raises(TaxonomyError, match="unknown category id nope"):
        label_to_file(tiny_model, files, tmp_path / "other.csv", categories=["nope"])


def test_label_to_file_headers_are_english_unless_asked(tiny_model, tmp_path):
    from openpyxl import load_workbook

    files = _speeches(tmp_path / "s", {"a.txt": "有的部门推来推去。"})
    label_to_file(tiny_model, files, tmp_path / "en.xlsx")
    label_to_file(tiny_model, files, tmp_path / "zh.xlsx", chinese_header=True)
    assert load_workbook(tmp_path / "en.xlsx")["labels"]["A1"].value == "doc"
    assert load_workbook(tmp_path / "zh.xlsx")["labels"]["A1"].value != "doc"


def test_label_to_file_limits_and_the_error_when_nothing_can_be_read(tiny_model, tmp_path):
    from taxonomy.limits import Limits

    files = _speeches(tmp_path / "s", {"a.txt": "有的推诿扯皮，有的敷衍塞责。"})
    run = label_to_file(tiny_model, files, tmp_path / "cut.csv", limits=Limits(max_sentence_chars=7))
    assert run.sentences == 2
    bad = _speeches(tmp_path / "bad", {"x.txt": "甲。", "y.txt": "乙。"})
    with pytest.raises(TaxonomyError) as info:
        label_to_file(tiny_model, bad, tmp_path / "none.csv", limits=Limits(max_file_bytes=1))
    assert str(info.value).startswith("no file could be read: ") and "x.txt" in str(info.value)
    assert "y.txt" not in str(info.value) and not (tmp_path / "none.csv").exists()
