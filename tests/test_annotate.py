import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from openpyxl import load_workbook

from taxonomy.annotate import (
    CHECK, export_batch, export_format, label_studio_config, label_studio_tasks, prodigy_tasks,
)
from taxonomy.categories import load_categories
from taxonomy.errors import TaxonomyError

IDS = [c.id for c in load_categories()]

# (doc, sentence_id, text, model labels, model stance)
SENTENCES = [
    ("new-a.txt", 0, "在作风建设会议上的讲话", "", ""),
    ("new-a.txt", 4, "有的窗口让群众来回跑了五趟才办成一件事。", "buck_passing", "problem"),
    ("new-a.txt", 9, "有的干部上班时间在办公室炒股票。", "yong_lan_san", "problem"),
    ("new-b.txt", 2, "今年全区新增市场主体一万余户。", "formalism", "problem"),
    ("new-b.txt", 7, "要坚决纠正吃拿卡要、推诿扯皮等问题。", "petty_corruption|buck_passing", "remedy"),
]


def make_batch(sentences=SENTENCES) -> pd.DataFrame:
    """A batch shaped like the output of taxonomy.suggest.suggest, without a model."""
    rows = []
    for i, (doc, sid, text, labels, stance) in enumerate(sentences):
        row = {"sample": "random" if i == 0 else "suggested", "doc": doc, "sentence_id": sid, "title": f"title of {doc}",
               "before": "前一句。", "text": text, "after": "后一句。", "labels": labels, "stance": stance,
               "uncertainty": 0.5 + i, "focus": "" if i == 0 else IDS[i], "model_version": "taxonomy-0.1.0-abc"}
        row.update({f"p_{c}": (0.7 if c in labels.split("|") else 0.1) for c in IDS})
        rows.append(row)
    return pd.DataFrame(rows)


def test_label_studio_config_is_xml_with_the_fifteen_ids():
    root = ET.fromstring(label_studio_config())
    labels = root.find("Choices[@name='labels']")
    assert labels.get("choice") == "multiple" and labels.get("toName") == "text"
    assert [c.get("value") for c in labels.findall("Choice")] == IDS
    assert labels.find("Choice").get("hint").startswith("形式主义")
    stance = root.find("Choices[@name='stance']")
    assert stance.get("choice") == "single"
    assert [c.get("value") for c in stance.findall("Choice")] == ["problem", "remedy"]
    names = {t.get("name") for t in root.iter("Text")}
    assert {"text", "before", "after"} <= names


def test_label_studio_tasks_carry_predictions_with_per_choice_scores():
    task = label_studio_tasks(make_batch())[4]
    assert task["data"]["doc"] == "new-b.txt" and task["data"]["sentence_id"] == 7
    prediction = task["predictions"][0]
    assert prediction["model_version"] == "taxonomy-0.1.0-abc"
    scores = {r["value"]["choices"][0]: r.get("score") for r in prediction["result"]}
    assert scores == {"petty_corruption": 0.7, "buck_passing": 0.7, "remedy": None}


def test_prodigy_tasks_offer_every_category_and_both_stances():
    task = prodigy_tasks(make_batch())[1]
    assert [o["id"] for o in task["options"]] == IDS + ["stance:problem", "stance:remedy"]
    assert task["accept"] == ["buck_passing", "stance:problem"]
    assert task["meta"]["doc"] == "new-a.txt"


def test_excel_batch_is_ready_to_fill(tmp_path):
    out = tmp_path / "batch.xlsx"
    export_batch(make_batch(), out)
    book = load_workbook(out)
    sheet = book["batch"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["text", "checked", "stance"]
    assert header[3:18] == [f"{c.name_zh} {c.id}" for c in load_categories()]
    assert sheet.freeze_panes == "B2"
    rules = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    assert rules[f'"{CHECK}"'] == "B2:B6 D2:R6"
    assert rules['"problem,remedy"'] == "C2:C6"
    # the model's labels are prefilled as ticks
    buck = header.index("推诿扯皮 buck_passing") + 1
    assert [sheet.cell(i, buck).value for i in range(2, 7)] == [None, CHECK, None, None, CHECK]
    # context is greyed
    before = header.index("before") + 1
    assert sheet.cell(2, before).fill.fgColor.rgb.endswith("EEEEEE")
    guide = [row for row in book["instructions"].iter_rows(values_only=True)]
    definitions = {row[0]: row[2] for row in guide if row and row[0] in IDS}
    assert len(definitions) == 15 and all(definitions.values())


def test_exports_never_overwrite_without_force(tmp_path):
    out = tmp_path / "batch.jsonl"
    export_batch(make_batch(), out, "prodigy")
    with pytest.raises(TaxonomyError, match="already exists"):
        export_batch(make_batch(), out, "doccano")
    export_batch(make_batch(), out, "doccano", overwrite=True)
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[1])
    assert first["label"] == ["buck_passing", "stance:problem"]
    assert not list(tmp_path.glob("*.tmp"))


def test_label_studio_export_writes_the_config_beside_the_tasks(tmp_path):
    written = export_batch(make_batch(), tmp_path / "tasks.json")
    assert [p.name for p in written] == ["tasks.json", "tasks.config.xml"]
    assert len(json.loads(written[0].read_text(encoding="utf-8"))) == 5
    ET.fromstring(written[1].read_text(encoding="utf-8"))


def test_unknown_format_is_a_clear_error():
    with pytest.raises(TaxonomyError, match="batch.txt: cannot tell the format"):
        export_format("batch.txt")
    with pytest.raises(TaxonomyError, match="unknown format 'brat'"):
        export_format("batch.jsonl", "brat")
