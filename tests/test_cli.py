import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import RAW
from taxonomy.cli import app

runner = CliRunner()
SPEECH = RAW / "002_59d819b76e84f9ce.txt"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_every_command_has_help_with_an_example():
    import typer.main

    group = typer.main.get_command(app)
    names = []
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        for sub_name, sub in (subcommands or {name: command}).items():
            names.append(sub_name)
            assert sub.help and "Example: taxonomy" in sub.help, sub_name
    assert {"label", "summary", "explain", "train", "evaluate", "check", "agreement", "categories"} <= set(names)


def test_label_to_csv_has_the_contract_columns(tiny_model_path, tmp_path):
    out = tmp_path / "labels.csv"
    result = run("label", SPEECH, "-o", out, "--model", tiny_model_path)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns[:9]) == ["doc", "sentence_id", "start", "end", "text", "labels", "labels_zh", "stance",
                                       "check"]
    assert len(table.columns) == 9 + 15 and table.columns[9] == "p_formalism"
    assert table["doc"].eq(SPEECH.name).all() and len(table) > 50


@pytest.mark.parametrize("suffix", [".xlsx", ".jsonl", ".parquet"])
def test_label_other_formats(tiny_model_path, tmp_path, suffix):
    out = tmp_path / f"labels{suffix}"
    assert run("label", SPEECH, "-o", out, "-m", tiny_model_path).exit_code == 0
    assert out.stat().st_size > 0


def test_label_folder_with_two_jobs_matches_one_job(tiny_model_path, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run("label", RAW, "-o", one, "-m", tiny_model_path).exit_code == 0
    assert run("label", RAW, "-o", two, "-m", tiny_model_path, "--jobs", "2").exit_code == 0
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
    docs = {json.loads(line)["doc"] for line in one.read_text(encoding="utf-8").splitlines()}
    assert len(docs) == 5


def test_label_prints_a_table_without_output(tiny_model_path):
    result = run("label", SPEECH, "-m", tiny_model_path)
    assert result.exit_code == 0
    assert "同志们" in result.output and "sentence_id" in result.output


def test_refuses_to_overwrite_and_keeps_the_file(tiny_model_path, tmp_path):
    out = tmp_path / "labels.csv"
    out.write_text("mine", encoding="utf-8")
    result = run("label", SPEECH, "-o", out, "-m", tiny_model_path)
    assert result.exit_code == 2 and "already exists" in result.output
    assert out.read_text(encoding="utf-8") == "mine"
    assert run("label", SPEECH, "-o", out, "-m", tiny_model_path, "--force").exit_code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["label", "missing.txt"], "missing.txt: no such file or folder"),
        (["label", "{speech}", "-o", "out.txt"], "unsupported output format .txt"),
        (["label", "{speech}", "-m", "nowhere.skops"], "nowhere.skops: no model file"),
    ],
    ids=["missing-input", "bad-format", "missing-model"],
)
def test_bad_input_is_one_line_and_exit_2(tiny_model_path, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [a.replace("{speech}", str(SPEECH)) for a in args]
    if "-m" not in args:
        args += ["-m", str(tiny_model_path)]
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_undecodable_speech_names_the_file(tiny_model_path, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xef\xbb\xbf\xff\xfe")
    result = run("label", bad, "-m", tiny_model_path, "-o", tmp_path / "x.csv")
    assert result.exit_code == 2 and "bad.txt" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_summary_counts_per_speech(tiny_model_path, tmp_path):
    out = tmp_path / "summary.csv"
    result = run("summary", RAW, "-o", out, "-m", tiny_model_path)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table["doc"].nunique() == 5
    assert set(table["level"]) == {"category", "family"}
    assert (table["total"] == table["problem"] + table["remedy"]).all()
    assert run("summary", SPEECH, "-m", tiny_model_path).exit_code == 0


def test_train_and_data_check(tiny_corpus, tmp_path):
    out = tmp_path / "m.skops"
    result = run("train", "--data", tiny_corpus, "--out", out, "--no-cv")
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.with_suffix(".json").is_file()
    again = run("train", "--data", tiny_corpus, "--out", out, "--no-cv")
    assert again.exit_code == 2 and "already exists" in again.output
    check = run("data", "check", "--data", tiny_corpus)
    assert check.exit_code == 0 and "no problems found" in check.output
    assert "buck_passing" in check.output


def test_data_check_fails_on_bad_data(tmp_path):
    (tmp_path / "a.csv").write_text("id,source,text,labels,stance\n1,s,好。,nope,problem\n", encoding="utf-8")
    result = run("data", "check", "--data", tmp_path)
    assert result.exit_code == 1
    assert "a.csv:2: unknown category id 'nope'" in result.output


def test_categories_lists_all_ids():
    result = run("categories")
    assert result.exit_code == 0
    assert "yong_lan_san" in result.output and "庸懒散" in result.output


def test_python_dash_m_entry_point():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "taxonomy", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "label" in out.stdout


def test_explain_command(tiny_model_path):
    result = run("explain", "有的部门推来推去，群众来回跑了五趟。", "-m", tiny_model_path)
    assert result.exit_code == 0, result.output
    assert "buck_passing" in result.output and "contribution" in result.output
    nothing = run("explain", "今年新增市场主体。", "-m", tiny_model_path)
    assert nothing.exit_code == 0


def test_label_rejoins_a_hard_wrapped_speech(tiny_model_path, tmp_path):
    wrapped = (
        "在全县机关作风建设大会上的讲话\n同志们：\n"
        "有的干部工作作风漂浮，习惯于坐在办公室里听汇报、看材\n"
        "料，很少深入基层一线了解实际情况，对群众反映强烈的问\n"
        "题不闻不问，甚至推诿扯皮，群众办事来回跑的现象时有发\n"
        "生。有的干部遇到矛盾绕道走，碰到问题向上推，满足于\n"
        "当二传手。\n"
    )
    speech = tmp_path / "wrapped.txt"
    speech.write_text(wrapped, encoding="gb18030")
    out = tmp_path / "labels.csv"
    result = run("label", speech, "-o", out, "--model", tiny_model_path)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert len(table) == 4
    assert table["text"].iloc[2].endswith("群众办事来回跑的现象时有发生。")
    assert table["text"].iloc[3] == "有的干部遇到矛盾绕道走，碰到问题向上推，满足于当二传手。"
