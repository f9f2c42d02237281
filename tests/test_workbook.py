import zipfile

from openpyxl import load_workbook

from conftest import SPEECHES
from taxonomy.htmlreport import write_report
from taxonomy.readable import FAMILY_COLOURS


def test_report_workbook_has_summary_chart_and_a_sheet_per_speech(tiny_model, tmp_path):
    twin = tmp_path / "x" / SPEECHES[0].name  # the same long name twice: sheet names must stay unique
    twin.parent.mkdir()
    twin.write_text("同志们：\n=HYPERLINK(\"http://x\",\"click here\")有的科室推诿扯皮。", encoding="utf-8")
    out = write_report(tiny_model, [SPEECHES[0], twin], tmp_path / "report.xlsx")
    book = load_workbook(out)
    names = book.sheetnames
    assert names[:2] == ["汇总", "按类别"] and names[-1] == "图例" and len(names) == 5
    speech_sheets = names[2:4]
    assert len(set(speech_sheets)) == 2 and all(len(n) <= 31 for n in speech_sheets)
    summary = book["汇总"]
    assert summary["A1"].value == "文件" and summary["A1"].font.b and summary.max_row > 15
    assert any(n.startswith("xl/charts/chart") for n in zipfile.ZipFile(out).namelist())
    sheet = book[speech_sheets[0]]
    assert [c.value for c in sheet[1]][:5] == ["句号", "句子", "类别", "立场", "需复核"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:") and sheet["A1"].font.b
    assert sheet["B2"].alignment.wrap_text and sheet.column_dimensions["B"].width == 80
    filled = [row for row in sheet.iter_rows(min_row=2) if row[2].value]
    assert filled and all(row[1].fill.fgColor.rgb[-6:] in FAMILY_COLOURS.values() for row in filled)
    assert {row[3].value for row in filled} <= {"问题", "整治"}
    hostile = [c for c in book[speech_sheets[1]]["B"] if c.value and "HYPERLINK" in str(c.value)]
    assert hostile and all(c.data_type == "s" for c in hostile)
    assert "<f>" not in zipfile.ZipFile(out).read("xl/worksheets/sheet4.xml").decode()
