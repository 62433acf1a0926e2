"""Reads for written assignments: a course's assignment, a trainee's submission, who may review what, the queue."""

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from courses import selectors as course_selectors
from courses.models import CoursePage, Enrolment

from . import rules
from .models import Assignment, Review, Submission, SubmissionFile


def course_ids_with_assignment() -> frozenset[int]:
    """The courses that have an assignment, cached until course content changes (an Assignment saved or deleted
    changes it: PAGE_CACHE_CHANGED_BY), so that a course page without one asks the database nothing more."""
    key = f"assignments:course-ids:{course_selectors.catalogue_generation()}"
    ids = cache.get(key)
    if ids is None:
        ids = frozenset(Assignment.objects.values_list("course_id", flat=True))
        cache.set(key, ids, 60 * 60)
    return ids


def assignment_for(course: CoursePage) -> Assignment | None:
    if course.pk not in course_ids_with_assignment():
        return None
    return Assignment.objects.filter(course=course).first()


def submission_for(*, user, assignment: Assignment) -> Submission | None:
    if not user.is_authenticated:
        return None
    return Submission.objects.filter(user=user, assignment=assignment).prefetch_related("files").first()


def due_date_for(*, enrolment: Enrolment, assignment: Assignment):
    """The trainee's due date: the assignment's days after the day they enrolled (Asia/Shanghai)."""
    return rules.due_on(enrolled_at_local=timezone.localdate(enrolment.enrolled_at), due_days=assignment.due_days)


def latest_review(submission: Submission) -> Review | None:
    return submission.reviews.order_by("-reviewed_at", "-pk").first()


def is_reviewer(user) -> bool:
    """Lecturers with a linked Lecturer, registrars and superusers review assignments (each within their courses)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_registrar or bool(course_selectors.course_ids_taught_by(user))


def submissions_visible_to(user) -> QuerySet[Submission]:
    """Registrars and superusers see every submission; a lecturer only those of the courses they teach."""
    if not (user.is_authenticated and user.is_active):
        return Submission.objects.none()
    if user.is_registrar:
        return Submission.objects.all()
    return Submission.objects.filter(assignment__course_id__in=course_selectors.course_ids_taught_by(user))


def review_queue(user) -> QuerySet[Submission]:
    """What waits for this reviewer, oldest first (by when it was last handed in)."""
    return (
        submissions_visible_to(user)
        .waiting()
        .select_related("user", "assignment", "assignment__course")
        .order_by("submitted_at", "pk")
    )


def file_visible_to(*, user, file_id: int) -> SubmissionFile | None:
    """The file if ``user`` may have it (its trainee, a lecturer of its course, a registrar), else None."""
    if not (user.is_authenticated and user.is_active):
        return None
    own = SubmissionFile.objects.filter(pk=file_id, submission__user=user)
    staff = SubmissionFile.objects.filter(pk=file_id, submission__in=submissions_visible_to(user))
    return (own | staff).select_related("submission").first()
