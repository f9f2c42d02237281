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
    assert "同志们" in result.output and "句子" in result.output and "立场" in result.output


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
        (["label", "{speech}", "-m", "nowhere.skops"], "nowhere.skops: no model file at this path"),
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
    result = run("summary", RAW, "-o", out, "-m", tiny_model_path, "--zeros")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table["doc"].nunique() == 5
    assert set(table["kind"]) == {"category", "family"}
    assert len(table) == 5 * (15 + 6)
    assert (table["count"] == table["problem"] + table["remedy"]).all()
    assert "作风效能建设集中整改讲话" in set(table["group"])        # shown by title
    assert table.query("doc == '004_27e43f4b0fd2340a.txt'")["date"].iloc[0] == "2022-11-19"
    assert run("summary", SPEECH, "-m", tiny_model_path).exit_code == 0


def test_summary_in_80_columns_ranked_and_wide(tiny_model_path, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = run("summary", RAW / "004_27e43f4b0fd2340a.txt", "-m", tiny_model_path)
    assert result.exit_code == 0, result.output
    assert "作风效能建设集中整改讲话" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    wide = run("summary", RAW, "-m", tiny_model_path, "--wide", "--value", "share")
    assert wide.exit_code == 0 and "S5: 作风效能建设集中整改讲话" in wide.output and "%" in wide.output
    out = tmp_path / "wide.xlsx"
    assert run("summary", RAW, "-m", tiny_model_path, "--wide", "-o", out).exit_code == 0
    columns = pd.read_excel(out).columns.tolist()
    assert columns[:2] == ["kind", "name_zh"] and len(columns) == 7
    sidecar = tmp_path / "meta.csv"
    sidecar.write_text("file,speaker\n002_59d819b76e84f9ce.txt,张三\n", encoding="utf-8")
    by = run("summary", RAW, "-m", tiny_model_path, "--by", "speaker", "--metadata", sidecar, "--kind", "family")
    assert by.exit_code == 0 and "张三" in by.output and "(unknown)" in by.output
    bad = run("summary", RAW, "-m", tiny_model_path, "--by", "mood")
    assert bad.exit_code == 2 and "no column 'mood'" in bad.output and "Traceback" not in bad.output


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


def test_train_in_worker_processes_gives_the_same_model(tiny_corpus, tmp_path):
    import os

    import numpy as np

    one, all_cores = tmp_path / "one.skops", tmp_path / "all.skops"
    assert run("train", "--data", tiny_corpus, "--out", one, "--no-cv", "--jobs", "1").exit_code == 0
    assert run("train", "--data", tiny_corpus, "--out", all_cores, "--no-cv", "--jobs", "-1").exit_code == 0
    a, b = (np.load(p.with_name(p.stem + ".bundle.npz")) for p in (one, all_cores))
    assert sorted(a.files) == sorted(b.files)
    assert [k for k in a.files if not np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind == "f")] == ["meta"]  # which names its model file
    too_many = run("train", "--data", tiny_corpus, "--out", tmp_path / "x.skops", "--no-cv", "--jobs", str((os.cpu_count() or 1) + 1))
    assert too_many.exit_code == 2 and "--jobs must be between 1 and" in too_many.output
    assert not (tmp_path / "x.skops").exists()


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
    assert "[0] 有的部门推来推去，群众来回跑了五趟。" in result.output and "推诿扯皮 1.00" in result.output
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


def test_data_agreement_says_what_it_compares_with(tmp_path):
    from conftest import REPO

    round2 = REPO / "data" / "reliability" / "round2_second_pass.csv"
    result = run("data", "agreement", round2, "--as-coded", "-o", tmp_path / "a.json")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("compared with: the first labels as coded")
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["overall"]["n_sentences"] == 400
    again = run("data", "agreement", round2, "-o", tmp_path / "a.json")
    assert again.exit_code == 2 and "already exists" in again.output


def test_label_filters_and_unknown_category(tiny_model_path, tmp_path):
    out = tmp_path / "labels.csv"
    assert run("label", SPEECH, "-o", out, "-m", tiny_model_path, "--only-labelled").exit_code == 0
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert len(table) > 0 and table["labels"].ne("").all() and table["labels_zh"].ne("").all()
    only = tmp_path / "bp.csv"
    assert run("label", SPEECH, "-o", only, "-m", tiny_model_path, "-c", "buck_passing").exit_code == 0
    bp = pd.read_csv(only, encoding="utf-8-sig", keep_default_na=False)
    assert 0 < len(bp) < len(table) and bp["labels"].str.contains("buck_passing").all()
    result = run("label", SPEECH, "-m", tiny_model_path, "--category", "nope")
    assert result.exit_code == 2 and "unknown category id nope (valid: formalism, fraud" in result.output
    assert "Traceback" not in result.output


def test_label_terminal_view_fits_80_columns(tiny_model_path):
    from rich.cells import cell_len

    result = runner.invoke(app, ["label", str(SPEECH), "-m", str(tiny_model_path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80 and any("…" in line for line in lines)
    assert "句子" in lines[1] and any("推诿扯皮" in line for line in lines)


def test_label_xlsx_is_formatted_and_warns_on_unsafe_cells(tiny_model_path, tmp_path):
    from openpyxl import load_workbook

    speech = tmp_path / "=1+2.txt"
    speech.write_text('同志们：\n=HYPERLINK("http://x","click here")\n有的科室推诿扯皮。', encoding="utf-8")
    out = tmp_path / "labels.xlsx"
    result = run("label", speech, "-o", out, "-m", tiny_model_path, "--chinese-header")
    assert result.exit_code == 0 and "warning: " in result.output and "written as text, not formulas" in result.output
    sheet = load_workbook(out)["labels"]
    assert sheet["A1"].value == "文件" and sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet["A2"].value == "=1+2.txt" and sheet["A2"].data_type == "s"


def test_report_command_html_and_xlsx(tiny_model_path, tmp_path):
    html = tmp_path / "report.html"
    result = run("report", SPEECH, "-o", html, "-m", tiny_model_path)
    assert result.exit_code == 0, result.output
    assert "图例" in html.read_text(encoding="utf-8")
    again = run("report", SPEECH, "-o", html, "-m", tiny_model_path)
    assert again.exit_code == 2 and "already exists" in again.output
    assert run("report", SPEECH, "-o", html, "-m", tiny_model_path, "--force").exit_code == 0
    assert run("report", SPEECH, "-o", tmp_path / "r.xlsx", "-m", tiny_model_path).exit_code == 0
    bad = run("report", SPEECH, "-o", tmp_path / "r.txt", "-m", tiny_model_path)
    assert bad.exit_code == 2 and bad.output.startswith("error: ") and "unsupported report format .txt" in bad.output


def test_explain_shows_the_sentence_and_no_function_words(tiny_model_path):
    result = run("explain", "有的科室推诿扯皮，让企业来回跑。", "-m", tiny_model_path)
    assert result.exit_code == 0
    assert "[0] 有的科室推诿扯皮，让企业来回跑。" in result.output and "推诿扯皮 " in result.output
    reasons = result.output.splitlines()[1]
    assert "char:" not in reasons and "word:" not in reasons and "(不" not in reasons


def test_data_check_warns_on_spreadsheet_unsafe_text(tiny_corpus):
    with (tiny_corpus / "tiny.csv").open("a", encoding="utf-8") as handle:
        handle.write('t-999,p9,"=HYPERLINK(""http://x"",""x"")",,\n')
    result = run("data", "check", "--data", tiny_corpus)
    assert result.exit_code == 0 and "warning: tiny.csv:38: text starts with = + - or @" in result.output
