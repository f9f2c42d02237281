"""Every bad or hostile file ends in one TaxonomyError naming the file and the cause."""

import os
import random
import zipfile

import pytest

from taxonomy.errors import TaxonomyError
from taxonomy.limits import Limits
from taxonomy.reading import read_document


def refused(path, match, **kwargs):
    with pytest.raises(TaxonomyError, match=match) as info:
        read_document(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path)), message
    return message


def a_docx(path, text="有的干部推诿扯皮。"):
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


def a_pdf(path, text="坚决杜绝推诿扯皮。"):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 760, text)
    page.save()
    return path


def test_random_bytes_named_txt(tmp_path):
    path = tmp_path / "noise.txt"
    rng = random.Random(0)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    refused(path, "encoding|does not look like Chinese")


def test_a_png_named_docx(tmp_path):
    path = tmp_path / "picture.docx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    refused(path, r"not a readable \.docx file \(not a zip archive")


def test_a_truncated_docx(tmp_path):
    data = a_docx(tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    refused(path, r"not a readable \.docx file \(a truncated or corrupt zip")


def zip_with(path, parts):
    """A zip whose parts are ``name -> (size, byte)``, written in chunks (a bomb is small on disk)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (size, byte) in parts.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for start in range(0, size, 1 << 20):
                    part.write(byte * min(1 << 20, size - start))
    return path


def test_a_docx_zip_bomb_is_refused_from_its_directory(tmp_path):
    path = zip_with(tmp_path / "bomb.docx", {"[Content_Types].xml": (10, b"<"), "word/document.xml": (101_000_000, b"\0")})
    assert path.stat().st_size < 1_000_000
    message = refused(path, "word/document.xml unzips to 101 MB, over the 100 MB limit")
    assert "for one part of a .docx" in message


def test_many_parts_over_the_total_limit(tmp_path):
    path = zip_with(tmp_path / "parts.docx", {f"p{i}.xml": (400_000, b"a") for i in range(4)})
    refused(path, r"unzips to 1\.6 MB in all, over the 1 MB limit", limits=Limits(max_total_unzipped=1_000_000))


def test_a_part_compressed_too_well(tmp_path):
    path = zip_with(tmp_path / "ratio.docx", {"word/document.xml": (12_000_000, b"\0")})
    refused(path, "compressed .* to 1, over the 100 to 1 limit")


def test_a_corrupt_pdf(tmp_path):
    data = a_pdf(tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "corrupt.pdf"
    rng = random.Random(1)
    path.write_bytes(data[:200] + bytes(rng.randrange(256) for _ in range(300)))
    refused(path, "PDF|cannot be read")


def test_bytes_that_are_no_pdf_at_all(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"this is not a pdf")
    refused(path, "not a readable PDF")


def test_an_encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(a_pdf(tmp_path / "plain.pdf")))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    refused(path, "the PDF is encrypted")


def test_a_pdf_encrypted_without_a_user_password_is_read(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(a_pdf(tmp_path / "plain.pdf")))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "owner-only.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert "推诿扯皮" in read_document(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not bind this user")
def test_an_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("有的干部推诿扯皮。", encoding="utf-8")
    path.chmod(0)
    try:
        refused(path, "permission denied")
    finally:
        path.chmod(0o600)


def test_permission_denied_whoever_runs_the_tests(tmp_path, monkeypatch):
    from pathlib import Path

    path = tmp_path / "secret.txt"
    path.write_text("有的干部推诿扯皮。", encoding="utf-8")

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    assert refused(path, "permission denied") == f"{path}: permission denied"


def test_a_folder_passed_as_a_file(tmp_path):
    path = tmp_path / "looks-like.txt"
    path.mkdir()
    refused(path, "is a folder, not a file")


def test_a_missing_file(tmp_path):
    refused(tmp_path / "gone.txt", "no such file")


@pytest.mark.parametrize(
    "name, content",
    [("empty.txt", b""), ("blank.txt", " \n\t\u3000\n".encode("utf-8")), ("empty.html", b""),
     ("scripts.html", b"<html><head><title>t</title></head><script>var a='\xe9\x9a\x90';</script><style>p{}</style></html>"),
     ("blank.docx", None)],
)
def test_files_with_no_text(tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        a_docx(path, text="   ")
    else:
        path.write_bytes(content)
    refused(path, "no text")


def test_a_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes("有的干部推诿扯皮。".encode("utf-8") * 100_000)
    message = refused(path, "is 2.7 MB, over the 1 MB limit", limits=Limits(max_file_bytes=1_000_000))
    assert message.endswith("(raise it with --max-file-mb or TAXONOMY_MAX_FILE_MB)")
    assert read_document(path).startswith("有的干部")  # within the default limit


def test_an_unexpected_failure_of_a_reader_names_its_type(tmp_path, monkeypatch):
    import docx

    def broken(*args, **kwargs):
        raise RuntimeError("something deep\nwith a second line")

    path = a_docx(tmp_path / "ok.docx")
    monkeypatch.setattr(docx, "Document", broken)
    message = refused(path, "RuntimeError")
    assert message.endswith("(RuntimeError: something deep)")


def test_an_unexpected_failure_outside_the_readers_is_wrapped(tmp_path, monkeypatch):
    import taxonomy.reading as reading

    def broken(path, handle, limits):
        raise KeyError("xref")

    monkeypatch.setitem(reading._READERS, ".pdf", broken)
    refused(a_pdf(tmp_path / "x.pdf"), r"cannot be read \(KeyError: 'xref'\)")


def test_good_files_of_every_kind_still_read(tmp_path):
    assert "推诿扯皮" in read_document(a_docx(tmp_path / "a.docx"))
    assert "推诿扯皮" in read_document(a_pdf(tmp_path / "a.pdf"))
    html = tmp_path / "a.html"
    html.write_bytes("<p>有的干部推诿扯皮。</p>".encode("gb18030"))
    assert read_document(html).strip() == "有的干部推诿扯皮。"


def test_a_zip_check_reads_only_the_directory(tmp_path, monkeypatch):
    """The bomb is refused before any part is opened."""
    path = zip_with(tmp_path / "bomb.docx", {"word/document.xml": (101_000_000, b"\0")})

    def no_reading(*args, **kwargs):
        raise AssertionError("a part was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    refused(path, "unzips to 101 MB")
