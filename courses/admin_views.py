"""Staff screens for course feedback (课程评价): averages and comments per course and per lecturer, and Excel
exports of both. Registrars only: the comments name the trainee who wrote them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from academy.spreadsheets import workbook_bytes, xlsx_response

from . import selectors
from .models import CoursePage, Lecturer


def _require_registrar(request) -> None:
    if not (request.user.is_active and request.user.is_registrar):
        raise PermissionDenied


def feedback_overview(request):
    """Per course and per lecturer: answers and averages; with ?course=<id>, that course's comments."""
    _require_registrar(request)
    courses, lecturers = selectors.feedback_overview()
    course = None
    comments = []
    if request.GET.get("course", "").isdigit():
        course = get_object_or_404(CoursePage, pk=int(request.GET["course"]))
        comments = list(selectors.feedback_for_course(course))
    return TemplateResponse(
        request,
        "courses/admin/feedback.html",
        {"courses": courses, "lecturers": lecturers, "course": course, "comments": comments},
    )


def _heading() -> list[str]:
    return [
        _("Course code"),
        _("Course"),
        _("Trainee"),
        _("Content"),
        _("Lecturer"),
        _("Usefulness"),
        pgettext("feedback", "Comment"),
        _("Given at"),
    ]


def _rows(feedback):
    for item in feedback:
        yield [
            item.course.code,
            item.course.title,
            item.user.display_name,
            item.content_rating,
            item.lecturer_rating,
            item.usefulness_rating,
            item.comment,
            timezone.localtime(item.created_at).strftime("%Y-%m-%d %H:%M"),
        ]


def feedback_export_course(request, course_id: int):
    """One course's feedback as an Excel file."""
    _require_registrar(request)
    course = get_object_or_404(CoursePage, pk=course_id)
    content = workbook_bytes(
        sheet_title=_("Course feedback"),
        title=f"{course.code} {course.title}",
        heading=_heading(),
        rows=_rows(selectors.feedback_for_course(course)),
    )
    return xlsx_response(content, filename=f"feedback-{course.code}.xlsx")


def feedback_export_lecturer(request, lecturer_id: int):
    """The feedback on every course a lecturer teaches, as an Excel file."""
    _require_registrar(request)
    lecturer = get_object_or_404(Lecturer, pk=lecturer_id)
    content = workbook_bytes(
        sheet_title=_("Course feedback"),
        title=str(lecturer),
        heading=_heading(),
        rows=_rows(selectors.feedback_for_lecturer(lecturer)),
    )
    return xlsx_response(content, filename=f"feedback-lecturer-{lecturer.pk}.xlsx")
