"""Courses' answers to academy's personal-data signals: a trainee's learning records for their download, and what
deleting their account does to them (connected in CoursesConfig.ready())."""

from django.utils import timezone

from academy.privacy import PersonalDataPart

from .models import (
    CourseCompletion,
    CourseFeedback,
    Enrolment,
    LessonProgress,
    LessonTime,
    QuizAttempt,
    SessionAttendance,
    SessionRegistration,
    VideoProgress,
)
from .services import CourseActionError, session_registration_cancel


def _course(course) -> dict:
    return {"code": course.code, "title": course.title}


def personal_data(sender, *, user, **kwargs) -> PersonalDataPart:
    """Enrolments, lesson progress, time on lessons, video progress, quiz attempts, completions, session
    registrations and attendance, and course feedback."""
    sections = {
        "enrolments": [
            {"course": _course(e.course), "enrolled_at": e.enrolled_at}
            for e in Enrolment.objects.filter(user=user).select_related("course").order_by("enrolled_at")
        ],
        "lesson_progress": [
            {"course": p.course.code, "lesson": p.lesson.title, "done_at": p.completed_at}
            for p in LessonProgress.objects.filter(user=user)
            .select_related("course", "lesson")
            .order_by("completed_at")
        ],
        "time_on_lessons": [
            {
                "course": t.course.code,
                "lesson": t.lesson.title,
                "seconds": t.seconds,
                "last_heartbeat_at": t.last_beat_at,
            }
            for t in LessonTime.objects.filter(user=user).select_related("course", "lesson").order_by("pk")
        ],
        "video_progress": [
            {
                "lesson": v.lesson.title,
                "duration": v.duration,
                "watched_seconds": v.watched_seconds,
                "intervals": v.intervals,
                "position": v.position,
                "last_report_at": v.last_report_at,
            }
            for v in VideoProgress.objects.filter(user=user).select_related("lesson").order_by("pk")
        ],
        "quiz_attempts": [
            {
                "course": _course(a.course),
                "number": a.number,
                "answers": a.answers,
                "score": a.score,
                "passed": a.passed,
                "correct": a.correct_count,
                "questions": a.question_count,
                "submitted_at": a.submitted_at,
            }
            for a in QuizAttempt.objects.filter(user=user).select_related("course").order_by("submitted_at")
        ],
        "course_completions": [
            {"course": _course(c.course), "completed_at": c.completed_at}
            for c in CourseCompletion.objects.filter(user=user).select_related("course").order_by("completed_at")
        ],
        "session_registrations": [
            {
                "session": r.session.title,
                "course": r.session.course.code,
                "start": r.session.start,
                "status": r.get_status_display(),
                "waiting_list_position": r.position,
                "registered_at": r.registered_at,
            }
            for r in SessionRegistration.objects.filter(user=user)
            .select_related("session__course")
            .order_by("registered_at")
        ],
        "session_attendance": [
            {
                "session": a.session.title,
                "status": a.get_status_display(),
                "checked_in_at": a.checked_in_at,
                "method": a.get_method_display(),
            }
            for a in SessionAttendance.objects.filter(user=user).select_related("session").order_by("checked_in_at")
        ],
        "course_feedback": [
            {
                "course": _course(f.course),
                "content": f.content_rating,
                "lecturer": f.lecturer_rating,
                "usefulness": f.usefulness_rating,
                "comment": f.comment,
                "given_at": f.created_at,
            }
            for f in CourseFeedback.objects.filter(user=user).select_related("course").order_by("created_at")
        ],
    }
    return PersonalDataPart(sections=sections)


def anonymise(sender, *, user, **kwargs) -> dict:
    """Learning records stay with the anonymised account (completions back ledger rows, attendance backs offline
    hours; ratings are counted in course reports), but free-text feedback comments are blanked, and places in
    sessions that are still open are given up, so that the waiting list moves on."""
    comments = CourseFeedback.objects.filter(user=user).exclude(comment="").update(comment="")
    cancelled = 0
    upcoming = (
        SessionRegistration.objects.active()
        .filter(user=user, session__start__gt=timezone.now())
        .select_related("session")
    )
    for registration in upcoming:
        try:
            session_registration_cancel(user=user, session=registration.session)
        except CourseActionError:
            continue  # registration has closed: the registrar sees the place and the anonymised name
        cancelled += 1
    return {"feedback_comments_blanked": comments, "session_places_cancelled": cancelled}
