import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SPEECHES
from taxonomy.errors import TaxonomyError
from taxonomy.reading import decode_bytes, expand_paths, iter_documents, read_document

SPEECH = "有的幹部遇到矛盾繞道走，碰到問題向上推。各級各部門要堅決杜絕推諉扯皮。" * 5
SIMPLE = "有的干部遇到矛盾绕道走，碰到问题向上推。各级各部门要坚决杜绝推诿扯皮。" * 5


@pytest.mark.parametrize(
    "text, encoding",
    [(SIMPLE, "utf-8"), (SIMPLE, "utf-8-sig"), (SIMPLE, "gb18030"), (SIMPLE, "gbk"), (SPEECH, "big5"), (SPEECH, "gb18030")],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "big5", "traditional-gb18030"],
)
def test_encodings_round_trip(tmp_path, text, encoding):
    path = tmp_path / "speech.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path) == text


def test_a_real_speech_read_back_from_gb18030_and_big5(tmp_path):
    from taxonomy.normalise import strip_pinyin_glosses

    original = strip_pinyin_glosses(SPEECHES[1].read_text(encoding="utf-8"))
    gb = tmp_path / "gb.txt"
    gb.write_bytes(original.encode("gb18030"))
    assert read_document(gb) == original
    big5_text = "".join(ch for ch in original if _big5_ok(ch))
    b5 = tmp_path / "b5.txt"
    b5.write_bytes(big5_text.encode("big5"))
    assert read_document(b5) == big5_text


def _big5_ok(ch):
    try:
        ch.encode("big5")
        return True
    except UnicodeEncodeError:
        return False


def test_undecodable_bytes_are_an_error_not_replacement():
    with pytest.raises(TaxonomyError, match="BOM but is not valid UTF-8"):
        decode_bytes(b"\xef\xbb\xbf\xff\xfe\xfd", name="x.txt")


@given(st.text(alphabet=st.characters(codec="gb18030", categories=("Lo", "Po", "Nd", "Zs")), max_size=200))
def test_decoding_is_lossless_whatever_the_encoding_chosen(text):
    data = text.encode("gb18030")
    try:
        decoded, encoding = decode_bytes(data)
    except TaxonomyError:
        return  # refusing is allowed; replacing characters is not
    if encoding == "utf-8-sig":
        data = data[3:]
        encoding = "utf-8"
    assert decoded.encode(encoding) == data


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("同志们：")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "表格第一格"
    table.cell(0, 1).text = "表格第二格"
    document.add_paragraph("最后一段。")
    path = tmp_path / "speech.docx"
    document.save(str(path))
    assert read_document(path).split("\n") == ["同志们：", "表格第一格", "表格第二格", "最后一段。"]


def test_html_visible_text_only(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>标题</title><style>p{}</style></head><body><p>有的干部推诿扯皮。</p>"
        "<script>var x='隐藏';</script></body></html>",
        encoding="gb18030",
    )
    text = read_document(path)
    assert "有的干部推诿扯皮。" in text
    assert "隐藏" not in text and "标题" not in text


def test_pdf_text_layer(tmp_path):
    reportlab = pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    assert reportlab
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "speech.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 760, "坚决杜绝推诿扯皮。")
    page.save()
    assert "推诿扯皮" in read_document(path)


def test_pdf_without_text_layer_is_a_clear_error(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(TaxonomyError, match="no text layer"):
        read_document(path)


@pytest.mark.parametrize(
    "name, content, message",
    [("x.rtf", b"{}", "unsupported file type .rtf"), ("broken.docx", b"not a zip", "not a readable .docx")],
    ids=["unsupported", "broken-docx"],
)
def test_bad_files_give_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TaxonomyError, match=message) as info:
        read_document(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_folders_expand_recursively_and_skip_other_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("一。", encoding="utf-8")
    (tmp_path / "two.html").write_text("<p>二。</p>", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    docs = [doc for doc, _ in expand_paths([tmp_path])]
    assert docs == ["a/one.txt", "two.html"]
    with pytest.raises(TaxonomyError, match="no such file or folder"):
        expand_paths([tmp_path / "missing"])


def test_decoded_text_is_the_original_text():
    text = "有的干部推诿扯皮，群众来回跑。"
    for encoding in ("utf-8", "gb18030", "gbk"):
        assert decode_bytes(text.encode(encoding)) == (text, encoding if encoding == "utf-8" else "gb18030")


def test_same_file_names_in_different_folders_stay_two_documents(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "s.txt").write_text("一。", encoding="utf-8")
    pairs = expand_paths([tmp_path / "a" / "s.txt", tmp_path / "b" / "s.txt"])
    assert [doc for doc, _ in pairs] == ["a/s.txt", "b/s.txt"]
    assert [doc for doc, _ in expand_paths([tmp_path / "a", tmp_path / "b"])] == ["a/s.txt", "b/s.txt"]


def test_a_folder_and_a_file_inside_it_give_each_file_once(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.txt").write_text("一。", encoding="utf-8")
    (tmp_path / "two.txt").write_text("二。", encoding="utf-8")
    pairs = expand_paths([tmp_path, tmp_path / "sub" / "one.txt", tmp_path / "two.txt"])
    assert [doc for doc, _ in pairs] == ["sub/one.txt", "two.txt"]
    assert [path for _, path in pairs] == [tmp_path / "sub" / "one.txt", tmp_path / "two.txt"]


def test_a_single_file_is_named_by_its_file_name(tmp_path):
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "s.txt").write_text("一。", encoding="utf-8")
    assert expand_paths([tmp_path / "deep" / "s.txt"]) == [("s.txt", tmp_path / "deep" / "s.txt")]
    assert [doc for doc, _ in expand_paths([tmp_path / "deep" / "s.txt"] * 2)] == ["s.txt"]


def test_iter_documents_passes_the_limits_on(tmp_path):
    from taxonomy.limits import Limits

    (tmp_path / "s.txt").write_text("有的干部推诿扯皮。" * 10, encoding="utf-8")
    with pytest.raises(TaxonomyError, match="over the 0.0001 MB limit"):
        list(iter_documents([tmp_path], limits=Limits(max_file_bytes=100)))
