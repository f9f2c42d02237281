import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from conftest import SPEECHES
from taxonomy.errors import TaxonomyError
from taxonomy.htmlreport import collect, render_html, write_report

HOSTILE = "同志们：\n<script>alert('x')</script>有的科室推诿扯皮，让企业来回跑。\n今年新增市场主体一万户。"


def test_page_is_self_contained_and_escaped(tiny_model, tmp_path):
    speech = tmp_path / "a<b>.txt"
    speech.write_text(HOSTILE, encoding="utf-8")
    out = write_report(tiny_model, [speech], tmp_path / "report.html")
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;" in page and "a&lt;b&gt;.txt" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.find_all(["link", "img", "script", "iframe"]) and soup.find("svg")
    assert not any(tag.get("src") for tag in soup.find_all(True))


def test_every_labelled_sentence_is_highlighted_with_chinese_names(tiny_model, tmp_path):
    speech = tmp_path / "s.txt"
    speech.write_text(HOSTILE, encoding="utf-8")
    (report,) = collect(tiny_model, [speech])
    soup = BeautifulSoup(render_html([report]), "html.parser")
    hits = soup.select("span.s.hit")
    labelled = report.table[report.table["labels"] != ""]
    assert len(hits) == len(labelled) > 0
    assert [h["data-labels"] for h in hits] == labelled["labels"].tolist()
    assert "推诿扯皮" in soup.select_one("span.tag").text and soup.select_one("#legend")
    assert any("推诿扯皮" in b.text for b in soup.select("span.s.hit b.why"))
    assert len(soup.select("span.s")) == len(report.table)


def test_refuses_to_overwrite_and_unknown_format(tiny_model, tmp_path):
    out = tmp_path / "report.html"
    out.write_text("mine", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="already exists"):
        write_report(tiny_model, [SPEECHES[0]], out)
    assert out.read_text(encoding="utf-8") == "mine"
    with pytest.raises(TaxonomyError, match="unsupported report format .pdf"):
        write_report(tiny_model, [SPEECHES[0]], tmp_path / "r.pdf")
    write_report(tiny_model, [SPEECHES[0]], out, overwrite=True)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(*args, profile):
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run does)")
def test_report_renders_in_headless_chromium(tmp_path):
    import taxonomy

    model = taxonomy.load_model()
    speeches = SPEECHES[:2]
    out = write_report(model, speeches, tmp_path / "report.html")
    expected = int((model.label_files(speeches)["labels"] != "").sum())
    dom = _chromium("--dump-dom", out.as_uri(), profile=tmp_path / "profile").stdout
    soup = BeautifulSoup(dom, "html.parser")
    try:
        assert len(soup.select("span.s.hit")) == expected > 0
        legend = soup.select_one("#legend").get_text()
        assert "图例" in legend and all(f in legend for f in ("形式主义", "为官不为", "廉洁", "乱作为"))
        assert len(soup.select("section.speech")) == 2 and len(soup.select("svg.profile")) == 2
    except AssertionError:
        shot = tmp_path / "report.png"
        _chromium(f"--screenshot={shot}", "--window-size=1200,2000", out.as_uri(), profile=tmp_path / "profile")
        print(f"screenshot of the failing page: {shot}")
        raise
