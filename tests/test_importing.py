import csv
import json

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from test_annotate import IDS, make_batch
from taxonomy.annotate import CHECK, export_batch
from taxonomy.annotation_files import read_annotations
from taxonomy.cli import app
from taxonomy.dataset import check_labelled
from taxonomy.errors import TaxonomyError
from taxonomy.importing import IMPORTED_FILE, apply_import, plan_import, row_id

# what the annotator decides for the five sentences of make_batch(): (labels, stance)
TRUTH = [
    ((), ""),
    (("buck_passing",), "problem"),
    (("yong_lan_san", "inaction"), "problem"),
    ((), ""),  # the model's formalism was wrong
    (("petty_corruption", "buck_passing"), "remedy"),
]


def fill_excel(path):
    book = load_workbook(path)
    sheet = book["batch"]
    header = [c.value for c in sheet[1]]
    for i, (labels, stance) in enumerate(TRUTH, start=2):
        for j, name in enumerate(header, start=1):
            if name.split()[-1] in IDS:
                sheet.cell(i, j).value = "x" if name.split()[-1] in labels else None
        sheet.cell(i, header.index("stance") + 1).value = stance or None
        sheet.cell(i, header.index("checked") + 1).value = CHECK
    book.save(path)


def fill_csv(path):
    table = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    table["labels"] = ["|".join(labels) for labels, _ in TRUTH]
    table["stance"] = [stance for _, stance in TRUTH]
    table["checked"] = "✓"
    table.to_csv(path, index=False, encoding="utf-8-sig")


def fill_label_studio(path):
    tasks = json.loads(path.read_text(encoding="utf-8"))
    for task, (labels, stance) in zip(tasks, TRUTH):
        result = [{"from_name": "labels", "to_name": "text", "type": "choices", "value": {"choices": list(labels)}}]
        if stance:
            result.append({"from_name": "stance", "to_name": "text", "type": "choices", "value": {"choices": [stance]}})
        task["annotations"] = [{"result": [], "was_cancelled": True},
                               {"result": result, "completed_by": {"email": "li@example.org"},
                                "created_at": "2024-05-02T10:00:00Z"}]
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")


def fill_jsonl(key, answer=None):
    def fill(path):
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for record, (labels, stance) in zip(records, TRUTH):
            record[key] = list(labels) + ([f"stance:{stance}"] if stance else [])
            if answer:
                record["answer"] = answer
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return fill


FORMATS = {
    "excel": ("batch.xlsx", fill_excel),
    "csv": ("batch.csv", fill_csv),
    "label-studio": ("batch.json", fill_label_studio),
    "doccano": ("batch.jsonl", fill_jsonl("label")),
    "prodigy": ("batch.jsonl", fill_jsonl("accept", "accept")),
}


def imported(directory):
    with (directory / IMPORTED_FILE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_trip_export_fill_import(fmt, tmp_path, tiny_corpus):
    name, fill = FORMATS[fmt]
    path = tmp_path / name
    export_batch(make_batch(), path, fmt)
    fill(path)
    plan = plan_import([path], tiny_corpus, annotator="wang", today="2024-05-03")
    assert not plan.problems and not plan.skipped
    apply_import(plan)
    rows = imported(tiny_corpus)
    assert [(set(filter(None, r["labels"].split("|"))), r["stance"]) for r in rows] == [(set(l), s) for l, s in TRUTH]
    assert [r["source"] for r in rows] == ["new-a.txt"] * 3 + ["new-b.txt"] * 2
    assert [r["sentence_id"] for r in rows] == ["0", "4", "9", "2", "7"]
    assert rows[0]["sample"] == "random" and rows[1]["sample"] == "suggested"
    assert rows[1]["model_version"] == "taxonomy-0.1.0-abc"
    assert rows[1]["id"] == row_id("new-a.txt", rows[1]["text"])
    assert rows[1]["annotator"] == ("li@example.org" if fmt == "label-studio" else "wang")
    assert rows[1]["date"] == ("2024-05-02" if fmt == "label-studio" else "2024-05-03")
    report = check_labelled(tiny_corpus)
    assert report.ok, report.problems
    assert len(report.rows) == 36 + 5


def test_importing_twice_adds_nothing_and_keeps_a_backup(tmp_path, tiny_corpus):
    path = tmp_path / "batch.jsonl"
    export_batch(make_batch(), path, "doccano")
    apply_import(plan_import([path], tiny_corpus))
    before = (tiny_corpus / IMPORTED_FILE).read_bytes()
    again = plan_import([path], tiny_corpus)
    assert len(again.added) == 0 and len(again.duplicates) == 5
    apply_import(again)
    assert (tiny_corpus / IMPORTED_FILE).read_bytes() == before


def test_a_second_batch_is_merged_in_speech_order(tmp_path, tiny_corpus):
    first, second = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    export_batch(make_batch()[make_batch()["sentence_id"] != 4], first, "doccano")
    export_batch(make_batch()[make_batch()["sentence_id"] == 4], second, "doccano")
    apply_import(plan_import([first], tiny_corpus))
    apply_import(plan_import([second], tiny_corpus))
    assert [r["sentence_id"] for r in imported(tiny_corpus)] == ["0", "4", "9", "2", "7"]
    assert (tiny_corpus / f"{IMPORTED_FILE}.bak").is_file()


def conflicting_batch():
    # the tiny corpus has 一是推诿扯皮。 as buck_passing/problem
    return make_batch([("p1", 1, "一是推诿扯皮。", "yong_lan_san", "problem")])


def test_conflicts_are_reported_and_kept_unless_prefer_new(tmp_path, tiny_corpus):
    path = tmp_path / "batch.jsonl"
    export_batch(conflicting_batch(), path, "doccano")
    original = (tiny_corpus / "tiny.csv").read_bytes()
    plan = plan_import([path], tiny_corpus)
    assert plan.conflicts == [
        "batch.jsonl:1: conflicts with tiny.csv:3 (buck_passing problem -> yong_lan_san problem); "
        "kept the labels in the set (use --prefer new to replace them)"]
    apply_import(plan)
    assert (tiny_corpus / "tiny.csv").read_bytes() == original
    apply_import(plan_import([path], tiny_corpus, prefer="new"))
    assert (tiny_corpus / "tiny.csv.bak").read_bytes() == original
    rows = {r.text: r for r in check_labelled(tiny_corpus).rows}
    assert rows["一是推诿扯皮。"].labels == ("yong_lan_san",)
    assert check_labelled(tiny_corpus).ok


def test_near_duplicates_of_the_set_are_skipped(tmp_path, tiny_corpus):
    path = tmp_path / "batch.jsonl"
    export_batch(make_batch([("x", 1, "有的科室遇到企业办证就让其到别的窗口去问！", "buck_passing", "problem")]), path, "doccano")
    plan = plan_import([path], tiny_corpus)
    assert plan.near_duplicates == ["batch.jsonl:1: near-duplicate of tiny.csv:4; skipped"]
    assert not plan.added


@pytest.mark.parametrize("labels, stance, expected", [
    (["nonsense"], "problem", "batch.jsonl:1: unknown category id 'nonsense'"),
    (["fraud"], "", "batch.jsonl:1: labelled sentence without a stance"),
    ([], "remedy", "batch.jsonl:1: stance 'remedy' without a category"),
])
def test_invalid_rows_stop_the_import(tmp_path, tiny_corpus, labels, stance, expected):
    path = tmp_path / "batch.jsonl"
    record = {"text": "有的干部弄虚作假。", "doc": "x", "label": labels + ([f"stance:{stance}"] if stance else [])}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    plan = plan_import([path], tiny_corpus)
    assert plan.problems == [expected]
    with pytest.raises(TaxonomyError, match="nothing imported"):
        apply_import(plan)
    assert not (tiny_corpus / IMPORTED_FILE).exists()


def test_prodigy_rejected_and_ignored_answers_are_skipped(tmp_path, tiny_corpus):
    path = tmp_path / "batch.jsonl"
    export_batch(make_batch(), path, "prodigy")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record, answer in zip(records, ["accept", "reject", "ignore", None, "accept"]):
        if answer:
            record["answer"] = answer
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    plan = plan_import([path], tiny_corpus)
    assert len(plan.added) == 2
    assert sorted(reason for _, reason in plan.skipped) == ["answer ignore", "answer reject", "not answered"]


@pytest.mark.parametrize("name, content, message", [
    ("bad.xlsx", b"not a zip file", "bad.xlsx: not a readable Excel workbook"),
    ("bad.csv", "doc,text\nx,一。\n".encode(), "bad.csv: missing column(s) stance, labels"),
    ("bad.json", b"{\"data\": ", "bad.json: not valid JSON"),
    ("ls.json", b"{\"data\": {}}", "ls.json: not a Label Studio export"),
    ("bad.jsonl", b"{\"text\": \"a\", \"label\": []}\n{oops\n", "bad.jsonl:2: not valid JSON"),
    ("doccano.jsonl", "{\"text\": \"一。\", \"label\": \"fraud\"}\n".encode(), "doccano.jsonl:1: 'label' must be a list"),
    ("prodigy.jsonl", "{\"text\": \"一。\", \"options\": [], \"accept\": \"x\"}\n".encode(), "prodigy.jsonl:1: 'accept' must be a list"),
    ("latin.csv", "doc,text,labels,stance\nx,caf\xe9,,\n".encode("latin-1"), "latin.csv: not UTF-8"),
], ids=["excel", "csv", "json", "label-studio", "jsonl", "doccano", "prodigy", "encoding"])
def test_malformed_files_give_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TaxonomyError) as info:
        read_annotations(path)
    assert str(info.value).startswith(f"{tmp_path}/{message}") and "\n" not in str(info.value)


def test_cli_import_dry_run_writes_nothing_then_imports(tmp_path, tiny_corpus):
    path = tmp_path / "batch.xlsx"
    export_batch(make_batch(), path)
    fill_excel(path)
    runner = CliRunner()
    dry = runner.invoke(app, ["import", str(path), "-d", str(tiny_corpus), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "5 new row(s)" in dry.output and "dry run" in dry.output
    assert not (tiny_corpus / IMPORTED_FILE).exists()
    real = runner.invoke(app, ["import", str(path), "-d", str(tiny_corpus), "--annotator", "wang"])
    assert real.exit_code == 0, real.output
    assert len(imported(tiny_corpus)) == 5
    check = runner.invoke(app, ["data", "check", "-d", str(tiny_corpus)])
    assert check.exit_code == 0, check.output


def test_cli_import_reports_problems_and_exits_2(tmp_path, tiny_corpus):
    path = tmp_path / "batch.csv"
    path.write_text("doc,text,labels,stance\nx,有的干部弄虚作假。,fraud,\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(path), "-d", str(tiny_corpus)])
    assert result.exit_code == 2
    assert "batch.csv:2: labelled sentence without a stance" in result.output
    assert "error: 1 problem(s)" in result.output


def test_evaluate_reports_the_random_share_only(tmp_path, tiny_corpus):
    rows = [("r1", i, text, labels, stance) for i, (text, labels, stance) in enumerate([
        ("有的干部推诿扯皮，企业来回跑了三趟。", "buck_passing", "problem"),
        ("今年新建了两所学校。", "", ""),
        ("有的干部收受商户的红包。", "petty_corruption", "problem"),
    ])]
    batch = make_batch(rows)
    batch["sample"] = ["random", "random", "suggested"]
    export_batch(batch, tmp_path / "batch.jsonl", "doccano")
    apply_import(plan_import([tmp_path / "batch.jsonl"], tiny_corpus))
    out = tmp_path / "reports"
    out.mkdir()
    result = CliRunner().invoke(app, ["evaluate", "-d", str(tiny_corpus), "--out-dir", str(out), "--random-share"])
    assert result.exit_code == 0, result.output
    figures = json.loads((out / "random-share.json").read_text(encoding="utf-8"))
    assert figures["n_sentences"] == 2 and figures["n_sources"] == 1
    assert figures["per_category"]["buck_passing"]["support"] == 1
    assert figures["per_category"]["petty_corruption"]["support"] == 0


def test_evaluate_random_share_without_random_rows_is_an_error(tiny_corpus, tmp_path):
    result = CliRunner().invoke(app, ["evaluate", "-d", str(tiny_corpus), "--out-dir", str(tmp_path), "--random-share"])
    assert result.exit_code == 2 and "no rows with sample=random" in result.output
