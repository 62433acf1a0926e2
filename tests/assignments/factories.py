"""Builders for written assignments: an assignment with a two-criterion rubric, lecturers linked to accounts, and
small real files (a JPEG with GPS in its EXIF, a PNG, a PDF, a .docx)."""

import io
import zipfile

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from academy.roles import LECTURERS
from assignments.models import Assignment
from courses.models import CoursePage
from courses.services import enrolment_create
from tests.courses.factories import LecturerFactory, make_course
from tests.factories import UserFactory

RUBRIC = [
    {
        "type": "criterion",
        "id": "c-plan",
        "value": {
            "name": "方案完整性",
            "description": "议程、表决方式、时间安排",
            "levels": [
                {"type": "item", "id": "l1", "value": {"label": "优秀", "points": 10, "description": ""}},
                {"type": "item", "id": "l2", "value": {"label": "合格", "points": 6, "description": ""}},
                {"type": "item", "id": "l3", "value": {"label": "需改进", "points": 2, "description": ""}},
            ],
        },
    },
    {
        "type": "criterion",
        "id": "c-law",
        "value": {
            "name": "依法依规",
            "description": "",
            "levels": [
                {"type": "item", "id": "l4", "value": {"label": "准确", "points": 5, "description": ""}},
                {"type": "item", "id": "l5", "value": {"label": "有误", "points": 1, "description": ""}},
            ],
        },
    },
]
TOP_LEVELS = {"c-plan": 0, "c-law": 0}


def make_assignment(course: CoursePage | None = None, **kwargs) -> Assignment:
    course = course or make_course(code=kwargs.pop("code", "ZZ-01"), quiz=False, lessons=1)
    fields = {
        "title": "组织一次业主大会的方案",
        "brief": "<p>写出一次业主大会的组织方案。</p>",
        "rubric": RUBRIC,
        "file_kinds": ["pdf", "jpeg", "png", "docx"],
        "max_files": 3,
        "max_file_mb": 2,
        "due_days": 14,
        "required_for_completion": True,
        **kwargs,
    }
    return Assignment.objects.create(course=course, **fields)


def make_lecturer_user(*courses: CoursePage, **kwargs):
    """An account in the 讲师 group, linked to a Lecturer named on ``courses``."""
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name=LECTURERS)[0])
    lecturer = LecturerFactory(user=user)
    for course in courses:
        course.lecturers.add(lecturer)
        course.save()
    return user


def enrolled_trainee(assignment: Assignment, **kwargs):
    user = UserFactory(**kwargs)
    enrolment_create(user=user, course=assignment.course)
    return user


def jpeg_bytes(*, with_gps: bool = True, size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if with_gps:
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (30.0, 17.0, 0.0), 3: "E", 4: (120.0, 9.0, 0.0)}  # GPSInfo: Hangzhou
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 255)).save(out, "PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
