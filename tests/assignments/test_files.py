"""Files are recognised by their content, limited in size, and photos lose their metadata (GPS) when kept."""

import io

import pytest
from django.utils import translation
from PIL import Image

from assignments import files

from .factories import docx_bytes, jpeg_bytes, pdf_bytes, png_bytes

ALL = ["pdf", "jpeg", "png", "docx"]


@pytest.fixture(autouse=True)
def _english():
    """The refusals are checked by their English wording, whatever language another test left active."""
    with translation.override("en"):
        yield


MB = 1024 * 1024


@pytest.mark.parametrize(
    ("data", "kind"), [(pdf_bytes(), "pdf"), (jpeg_bytes(), "jpeg"), (png_bytes(), "png"), (docx_bytes(), "docx")]
)
def test_each_accepted_kind_is_recognised_by_content_whatever_its_name(data, kind):
    checked = files.check_file(data=data, name="作业.bin", allowed=ALL, max_bytes=MB)
    assert checked.kind == kind
    assert checked.name == "作业" + files.EXTENSIONS[kind]


def test_program_renamed_to_jpg_is_refused():
    exe = b"MZ\x90\x00" + b"\x00" * 200
    with pytest.raises(files.FileRefused, match="photo.jpg"):
        files.check_file(data=exe, name="photo.jpg", allowed=ALL, max_bytes=MB)


def test_jpeg_header_with_garbage_after_it_is_refused():
    with pytest.raises(files.FileRefused, match="not a readable image"):
        files.check_file(data=b"\xff\xd8\xff\xe0" + b"junk" * 100, name="x.jpg", allowed=ALL, max_bytes=MB)


def test_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.txt", "x")
    with pytest.raises(files.FileRefused, match="Word"):
        files.check_file(data=out.getvalue(), name="a.docx", allowed=ALL, max_bytes=MB)


def test_pdf_without_its_end_is_refused():
    with pytest.raises(files.FileRefused):
        files.check_file(data=b"%PDF-1.4\n" + b"x" * 100, name="a.pdf", allowed=ALL, max_bytes=MB)


def test_kind_the_assignment_does_not_accept_is_refused():
    with pytest.raises(files.FileRefused, match="accepted"):
        files.check_file(data=pdf_bytes(), name="a.pdf", allowed=["jpeg"], max_bytes=MB)


def test_file_over_the_size_limit_is_refused():
    with pytest.raises(files.FileRefused, match="larger than 1 MB"):
        files.check_file(data=b"%PDF-" + b"0" * MB, name="big.pdf", allowed=ALL, max_bytes=MB)


def test_photo_is_kept_without_its_exif_and_gps():
    original = jpeg_bytes(with_gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # the test photo does carry a location
    checked = files.check_file(data=original, name="现场.jpg", allowed=ALL, max_bytes=MB)
    kept = Image.open(io.BytesIO(checked.content))
    assert kept.format == "JPEG" and kept.size == (64, 48)
    assert not kept.getexif()
    assert b"PhoneMaker" not in checked.content


def test_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_PIXELS", 100)
    with pytest.raises(files.FileRefused, match="too many pixels"):
        files.check_file(data=png_bytes(), name="bomb.png", allowed=ALL, max_bytes=MB)
