import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import RAW
from taxonomy.errors import TaxonomyError
from taxonomy.metadata import extract_metadata, parse_date, read_sidecar, speech_metadata

dates = st.dates(min_value=dt.date(1949, 10, 1), max_value=dt.date(2099, 12, 31))
filler = st.text(alphabet="作风建设会议同志们讲话，。", max_size=20)


@given(dates, filler, filler)
def test_dates_in_every_written_form(date, before, after):
    y, m, d = date.year, date.month, date.day
    for form in (f"时间：{y}-{m:02d}-{d:02d}", f"时间:{y}-{m}-{d} 03:38:00", f"{y}年{m}月{d}日", f"日期：{y}.{m}.{d}",
                 f"{y}/{m:02d}/{d:02d}"):
        assert parse_date(before + form + after) == date.isoformat(), form


@given(st.integers(1900, 2100), st.integers(13, 99), st.integers(1, 28))
def test_impossible_dates_are_not_dates(year, month, day):
    assert parse_date(f"{year}年{month}月{day}日") is None


def test_title_date_place_and_speaker_from_the_text():
    text = "下载文档\n王小明同志在全市作风建设大会上的讲话\n时间：2022-11-19\n地点：市行政中心\n同志们：\n今天开会。"
    meta = extract_metadata(text)
    assert meta == {"title": "王小明同志在全市作风建设大会上的讲话", "date": "2022-11-19", "place": "市行政中心",
                    "speaker": "王小明", "level": None}
    assert extract_metadata("同志们：\n今天我们召开部署会，2023年1月5日要完成。")["title"] is None


def test_the_raw_speeches():
    meta = speech_metadata([RAW]).set_index("doc")
    assert meta.loc["004_27e43f4b0fd2340a.txt", "title"] == "作风效能建设集中整改讲话"
    assert meta.loc["004_27e43f4b0fd2340a.txt", "date"] == "2022-11-19"
    assert meta.loc["001_a08d6eabe4eb754c.txt", "title"] == "纠风办基层建设管理讲话"   # simplified, glosses removed
    assert meta.loc["003_aaac5f0b48bd72b0.txt", "name"] == "在市政府工作会议上的讲话"
    assert meta.loc["002_59d819b76e84f9ce.txt", "name"] == "002_59d819b76e84f9ce.txt"  # no title: the file name


def test_a_sidecar_beside_the_speeches_wins_over_the_text(tmp_path):
    (tmp_path / "s1.txt").write_text("在全市作风建设大会上的讲话\n时间：2022-11-19\n同志们：", encoding="utf-8")
    (tmp_path / "s2.txt").write_text("在全市作风建设大会上的讲话\n同志们：", encoding="utf-8")
    (tmp_path / "speeches.csv").write_text("file,date,speaker,level,venue\ns1.txt,2021-01-02,李四,市,\n",
                                           encoding="utf-8-sig")
    meta = speech_metadata([tmp_path]).set_index("doc")
    assert meta.loc["s1.txt", ["date", "speaker", "level"]].tolist() == ["2021-01-02", "李四", "市"]
    assert meta.loc["s1.txt", "title"] == "在全市作风建设大会上的讲话"
    # the same title twice: names stay apart
    assert meta.loc["s1.txt", "name"] == "在全市作风建设大会上的讲话 (s1.txt)"
    elsewhere = tmp_path / "meta.csv"
    elsewhere.write_text("file,title\ns2.txt,另一个标题\n", encoding="utf-8")
    assert speech_metadata([tmp_path], sidecar=elsewhere).set_index("doc").loc["s2.txt", "name"] == "另一个标题"


def test_bad_sidecars_name_the_file(tmp_path):
    bad = tmp_path / "speeches.csv"
    bad.write_text("name,title\nx,y\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="speeches.csv: no `file` column"):
        read_sidecar(bad)
    with pytest.raises(TaxonomyError, match="no such metadata file"):
        read_sidecar(tmp_path / "none.csv")
    bad.write_bytes("file,title\nx,讲话\n".encode("gb18030"))
    with pytest.raises(TaxonomyError, match="not UTF-8"):
        read_sidecar(bad)
