"""Upload limits, each refused with a clear Chinese message and nothing saved: images (type, bytes, pixels, a
decompression bomb), documents (type, bytes), and the attendance import (type, bytes, a renamed file). The roster
import's own limits are tested in tests/academy/test_roster_import.py."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def png(width: int, height: int, padding: int = 0, mode: str = "1") -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height)).save(buffer, format="PNG")
    return buffer.getvalue() + b"\0" * padding


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


def add_image(admin_client, name: str, content: bytes):
    from wagtail.models import Collection

    return admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "上传", "collection": Collection.get_first_root_node().pk, "file": SimpleUploadedFile(name, content)},
    )


def form_errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.get("file", []))


def test_pillows_decompression_bomb_guard_is_on_and_tied_to_wagtails_limit():
    assert PILImage.MAX_IMAGE_PIXELS is not None
    assert PILImage.MAX_IMAGE_PIXELS == settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000


def test_an_image_too_many_bytes_is_refused(admin_client):
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    response = add_image(admin_client, "big.png", png(10, 10, padding=10 * 1024 * 1024))
    assert response.status_code == 200
    assert "文件过大" in form_errors(response)
    assert not get_image_model().objects.exists()


def test_an_image_with_too_many_pixels_is_refused(admin_client):
    response = add_image(admin_client, "wide.png", png(8000, 6000))  # 48 million pixels
    assert response.status_code == 200
    assert "像素" in form_errors(response)
    assert not get_image_model().objects.exists()


def test_a_decompression_bomb_is_refused_without_being_decoded(admin_client):
    response = add_image(admin_client, "bomb.png", png(10000, 10000))  # 100 million pixels, a few kilobytes
    assert response.status_code == 200
    assert form_errors(response)
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize("name", ["drawing.svg", "page.html", "photo.heic"])
def test_image_types_other_than_the_common_bitmaps_are_refused(admin_client, name):
    response = add_image(admin_client, name, b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    assert response.status_code == 200
    assert "不支持" in form_errors(response) or "文件格式" in form_errors(response)
    assert not get_image_model().objects.exists()


def add_document(admin_client, name: str, content: bytes):
    from wagtail.models import Collection

    return admin_client.post(
        reverse("wagtaildocs:add"),
        {"title": "文件", "collection": Collection.get_first_root_node().pk, "file": SimpleUploadedFile(name, content)},
    )


def test_the_document_size_limit_is_wagtails_own_setting():
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 500 * 1024 * 1024
    assert not hasattr(settings, "WAGTAILDOCS_DOCUMENT_FORM_BASE")  # no form of ours in between


def test_a_document_over_the_size_limit_is_refused(admin_client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    response = add_document(admin_client, "notice.pdf", b"%PDF-1.7\n" + b"0" * 2048)
    assert response.status_code == 200
    assert "文件过大" in form_errors(response) and "上限为 1.0\xa0KB" in form_errors(response)
    assert not get_document_model().objects.exists()
    assert add_document(admin_client, "notice.pdf", b"%PDF-1.7\n").status_code == 302  # under the limit: saved
    assert get_document_model().objects.count() == 1


def test_a_document_over_the_size_limit_is_refused_by_the_multiple_upload_too(admin_client, settings):
    from wagtail.models import Collection

    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024

    def add_multiple(content: bytes):
        return admin_client.post(
            reverse("wagtaildocs:add_multiple"),
            {"collection": Collection.get_first_root_node().pk, "files[]": SimpleUploadedFile("lesson.mp4", content)},
        )

    page = admin_client.get(reverse("wagtaildocs:add_multiple"))
    assert page.context["max_filesize"] == 1024  # the browser refuses it before sending, with this message:
    assert "文件过大" in str(page.context["error_max_file_size"])
    response = add_multiple(b"\0\0\0\x18ftypmp42" + b"0" * 2048)
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert "文件过大" in response.json()["error_message"]
    assert not get_document_model().objects.exists()
    assert add_multiple(b"\0\0\0\x18ftypmp42").json()["success"] is True  # under the limit: saved
    assert get_document_model().objects.count() == 1


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "run.exe", "script.js"])
def test_document_types_that_could_run_in_a_browser_are_refused(admin_client, name):
    response = add_document(admin_client, name, b"<script>alert(1)</script>")
    assert response.status_code == 200
    assert form_errors(response)
    assert not get_document_model().objects.exists()


def test_lesson_videos_may_be_uploaded_as_documents(admin_client):
    assert add_document(admin_client, "lesson.mp4", b"\0\0\0\x18ftypmp42").status_code == 302


class TestAttendanceImport:
    @pytest.fixture
    def form_class(self):
        from courses.forms import AttendanceImportForm

        return AttendanceImportForm

    def test_a_file_that_is_not_xlsx_is_refused(self, form_class):
        form = form_class(files={"file": SimpleUploadedFile("attendance.csv", b"phone,status\n")})
        assert not form.is_valid()
        assert "Excel" in form.errors["file"][0]

    def test_a_file_over_5_mb_is_refused(self, form_class):
        form = form_class(files={"file": SimpleUploadedFile("attendance.xlsx", b"PK" + b"0" * (5 * 1024 * 1024))})
        assert not form.is_valid()
        assert "5 MB" in form.errors["file"][0]

    def test_a_renamed_file_is_refused_with_a_clear_message(self):
        from courses.services import AttendanceImportError, attendance_import_rows

        with pytest.raises(AttendanceImportError) as error:
            attendance_import_rows(SimpleUploadedFile("attendance.xlsx", b"not a workbook"))
        assert "Excel" in str(error.value)
