"""Every write in courses: enrolment, lesson progress and time on task, video progress, quiz attempts, course
completion and course feedback."""

import logging
from datetime import datetime, timedelta

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from academy.models import User

from . import rules, selectors
from .models import (
    CourseCompletion,
    CourseFeedback,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    LessonTime,
    QuizAttempt,
    VideoProgress,
)
from .signals import course_completed

progress_log = logging.getLogger("courses.progress")


def clock_now() -> datetime:
    """The server's clock for time on task and video progress (one place, so tests can move it)."""
    return timezone.now()


class CourseActionError(Exception):
    """A trainee asked for something the rules do not allow; ``message`` is translated and safe to show."""

    def __init__(self, message, *, code: str, question_id: str | None = None, remaining_seconds: int | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.question_id = question_id
        self.remaining_seconds = remaining_seconds


def _require_trainee(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise CourseActionError(_("Log in to take courses."), code="login_required")


def _require_enrolment(user: User, course: CoursePage) -> Enrolment:
    enrolment = Enrolment.objects.filter(user=user, course=course).first()
    if enrolment is None:
        raise CourseActionError(
            _("You are not enrolled in 《%(title)s》. Enrol first.") % {"title": course.title}, code="not_enrolled"
        )
    return enrolment


@transaction.atomic
def enrolment_create(*, user: User, course: CoursePage) -> Enrolment:
    """Enrol a trainee in a live course once its prerequisites are complete; enrolling twice changes nothing."""
    _require_trainee(user)
    if not course.live:
        raise CourseActionError(_("This course is not open for enrolment."), code="not_live")
    existing = Enrolment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    missing = list(
        selectors.course_prerequisites(course).exclude(completions__user=user).values_list("title", "code")
    )
    if missing:
        names = "、".join(f"《{title}》（{code}）" for title, code in missing)
        raise CourseActionError(
            _("Complete %(courses)s before enrolling in this course.") % {"courses": names}, code="prerequisites"
        )
    try:
        with transaction.atomic():
            enrolment = Enrolment(user=user, course=course)
            enrolment.full_clean()
            enrolment.save()
    except IntegrityError:  # enrolled at the same moment in another request
        enrolment = Enrolment.objects.get(user=user, course=course)
    return enrolment


@transaction.atomic
def enrolment_delete(*, user: User, course: CoursePage) -> None:
    """Unenrol a trainee; lesson progress is kept for if they come back. A completed course stays enrolled."""
    _require_trainee(user)
    enrolment = _require_enrolment(user, course)
    if CourseCompletion.objects.filter(user=user, course=course).exists():
        raise CourseActionError(
            _("You have completed this course, so it stays on your record."), code="completed"
        )
    enrolment.delete()


@transaction.atomic
def lesson_mark_done(*, user: User, lesson: LessonPage) -> LessonProgress:
    """Record that an enrolled trainee finished a lesson, then complete the course if that was the last step."""
    _require_trainee(user)
    course = selectors.lesson_course(lesson)
    if course is None or not lesson.live:
        raise CourseActionError(_("This lesson is not available."), code="not_available")
    _require_enrolment(user, course)
    if not LessonProgress.objects.filter(user=user, lesson=lesson).exists():
        _require_time_on_task(user, lesson)
        _require_video_watched(user, lesson)
    progress, _created = LessonProgress.objects.get_or_create(user=user, lesson=lesson, defaults={"course": course})
    course_completion_check(user=user, course=course)
    return progress


def _clean_answers(answers) -> dict[str, list[str]]:
    """Answers must be {question id: [option id, ...]} with strings; anything else is refused."""
    if not isinstance(answers, dict):
        raise CourseActionError(_("The answers are not in the expected form."), code="bad_answers")
    cleaned = {}
    for question_id, option_ids in answers.items():
        if isinstance(option_ids, str):
            option_ids = [option_ids]
        if not isinstance(question_id, str) or not isinstance(option_ids, list | tuple):
            raise CourseActionError(_("The answers are not in the expected form."), code="bad_answers")
        if not all(isinstance(option_id, str) for option_id in option_ids):
            raise CourseActionError(_("The answers are not in the expected form."), code="bad_answers")
        cleaned[question_id] = list(option_ids)
    return cleaned


@transaction.atomic
def quiz_attempt_submit(*, user: User, course: CoursePage, answers: dict[str, list[str]]) -> QuizAttempt:
    """Score an attempt on the server and store it with its answers; refuse bad input and record nothing."""
    _require_trainee(user)
    quiz = selectors.quiz_for(course)
    if quiz is None or not course.live:
        raise CourseActionError(_("This course has no quiz."), code="no_quiz")
    enrolment = _require_enrolment(user, course)
    # Serialise attempts by the same trainee on PostgreSQL; the unique attempt number guards SQLite.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    previous = selectors.quiz_attempts(user=user, course=course)
    if any(attempt.passed for attempt in previous):
        raise CourseActionError(_("You have already passed this quiz."), code="already_passed")
    if len(previous) >= quiz.max_attempts:
        raise CourseActionError(
            _("You have used all %(count)d attempts at this quiz.") % {"count": quiz.max_attempts}, code="no_attempts_left"
        )
    cleaned = _clean_answers(answers)
    specs = selectors.quiz_question_specs(quiz)
    problem = rules.answers_problem(specs, cleaned)
    if problem is not None:
        raise CourseActionError(gettext(problem.message), code="bad_answers", question_id=problem.question_id)
    result = rules.quiz_score(specs, cleaned, pass_mark=quiz.pass_mark)
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user=user,
                course=course,
                quiz=quiz,
                number=len(previous) + 1,
                answers=cleaned,
                wrong_questions=list(result.wrong_question_ids),
                question_count=result.question_count,
                correct_count=result.correct_count,
                score=result.score,
                passed=result.passed,
            )
    except IntegrityError as error:
        raise CourseActionError(
            _("Another attempt was submitted at the same time. Reload the quiz and try again."), code="conflict"
        ) from error
    if attempt.passed:
        course_completion_check(user=user, course=course)
    return attempt


@transaction.atomic
def course_completion_check(*, user: User, course: CoursePage) -> CourseCompletion | None:
    """Record the completion once the course's rule is met and send ``course_completed``, exactly once.

    Returns the completion (new or existing) or None when the course is not complete yet. Two reports at
    once are safe: the unique constraint lets one insert win; the other finds that row and sends nothing.
    """
    existing = CourseCompletion.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    lessons = selectors.course_lessons(course)
    done = selectors.lessons_done_ids(user=user, course=course)
    quiz = selectors.quiz_for(course)
    passed = quiz is not None and QuizAttempt.objects.filter(user=user, course=course, passed=True).exists()
    if not rules.course_is_complete(
        delivery_mode=course.delivery_mode,
        required_lesson_ids=[lesson.pk for lesson in lessons if lesson.required],
        done_lesson_ids=done,
        has_quiz=quiz is not None,
        quiz_passed=passed,
    ):
        return None
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(user=user, course=course)
    except IntegrityError:
        return CourseCompletion.objects.get(user=user, course=course)
    course_completed.send(sender=CourseCompletion, user=user, course=course, completion=completion)
    return completion


# Time on task and video progress -----------------------------------------------------------------------------

VISIT_TOKEN_SALT = "courses.lesson-visit"  # noqa: S105  (a signing salt, not a secret)
VISIT_TOKEN_MAX_AGE = 12 * 60 * 60


def _require_time_on_task(user: User, lesson: LessonPage) -> None:
    required = lesson.required_seconds
    if not required:
        return
    spent = selectors.lesson_seconds_spent(user=user, lesson=lesson)
    remaining = rules.seconds_remaining(required=required, spent=spent)
    if remaining:
        raise CourseActionError(
            _("Stay with this lesson a little longer: %(time)s to go before you can mark it done.")
            % {"time": rules.duration_words(remaining)},
            code="too_soon",
            remaining_seconds=remaining,
        )


def _require_video_watched(user: User, lesson: LessonPage) -> None:
    if not lesson.video_required_percent or lesson.tracked_video is None:
        return
    progress = selectors.video_progress_for(user=user, lesson=lesson)
    watched = progress.percent if progress else 0
    if watched < lesson.video_required_percent:
        raise CourseActionError(
            _("Watch at least %(required)d%% of the video first; so far %(watched)d%%.")
            % {"required": lesson.video_required_percent, "watched": watched},
            code="video_not_watched",
        )


def lesson_visit_token_issue(*, user: User, lesson: LessonPage, now: datetime | None = None) -> str:
    """A signed token naming the trainee, the lesson and when the page was served; progress reports carry it."""
    now = now or clock_now()
    return signing.dumps({"u": user.pk, "l": lesson.pk, "t": now.timestamp()}, salt=VISIT_TOKEN_SALT)


def _visit_started(*, user: User, lesson: LessonPage, token: str, now: datetime) -> datetime:
    """When the page carrying ``token`` was served; refuse a token for another trainee or lesson, or a stale one."""
    try:
        data = signing.loads(token or "", salt=VISIT_TOKEN_SALT)
    except signing.BadSignature as error:
        raise CourseActionError(_("This page has expired. Reload it to carry on."), code="bad_token") from error
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("l") != lesson.pk:
        progress_log.warning("progress token for another trainee or lesson: user=%s lesson=%s", user.pk, lesson.pk)
        raise CourseActionError(_("This progress report does not belong to you."), code="wrong_owner")
    started = datetime.fromtimestamp(float(data.get("t", 0)), tz=timezone.get_current_timezone())
    if now - started > timedelta(seconds=VISIT_TOKEN_MAX_AGE) or started - now > timedelta(seconds=60):
        raise CourseActionError(_("This page has expired. Reload it to carry on."), code="bad_token")
    return started


def _progress_preconditions(user: User, lesson: LessonPage) -> CoursePage:
    _require_trainee(user)
    course = selectors.lesson_course(lesson)
    if course is None or not lesson.live:
        raise CourseActionError(_("This lesson is not available."), code="not_available")
    _require_enrolment(user, course)
    return course


@transaction.atomic
def lesson_heartbeat_record(*, user: User, lesson: LessonPage, token: str, now: datetime | None = None) -> LessonTime:
    """Add the time since the trainee's previous heartbeat on this lesson, as the server's clock measures it.

    The browser sends a heartbeat every ``rules.HEARTBEAT_SECONDS`` while the lesson is visible; it never says
    how long it was open. Beats for a lesson the trainee is not enrolled in, with another trainee's token, or
    faster than real time are refused and change nothing.
    """
    now = now or clock_now()
    course = _progress_preconditions(user, lesson)
    _visit_started(user=user, lesson=lesson, token=token, now=now)
    LessonTime.objects.get_or_create(user=user, lesson=lesson, defaults={"course": course})
    record = LessonTime.objects.select_for_update().get(user=user, lesson=lesson)
    since = (now - record.last_beat_at).total_seconds() if record.last_beat_at else None
    decision = rules.heartbeat_decision(seconds_since_last=since)
    if not decision.accepted:
        progress_log.warning(
            "heartbeat refused (%s): user=%s lesson=%s %.1fs after the last", decision.reason, user.pk, lesson.pk, since
        )
        raise CourseActionError(_("Progress was reported too quickly and was not counted."), code=decision.reason)
    record.seconds += decision.credit
    record.beats += 1
    record.last_beat_at = now
    record.full_clean()
    record.save(update_fields=["seconds", "beats", "last_beat_at"])
    return record


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CourseActionError(_("The progress report is not in the expected form."), code="bad_form")
    return float(value)


@transaction.atomic
def lesson_video_report(
    *,
    user: User,
    lesson: LessonPage,
    token: str,
    duration: float,
    played: list[list[float]],
    position: float,
    now: datetime | None = None,
) -> VideoProgress:
    """Fold intervals of the lesson's video played since the last report into the trainee's progress.

    Impossible reports (negative, reversed or outside the video, more seconds than have passed, a skip past the
    furthest point where the lesson forbids it, a video length that differs from the file's) are logged and
    refused, and nothing is recorded.
    """
    now = now or clock_now()
    _progress_preconditions(user, lesson)
    started = _visit_started(user=user, lesson=lesson, token=token, now=now)
    video = lesson.tracked_video
    if video is None:
        raise CourseActionError(_("This lesson has no video."), code="no_video")
    if not isinstance(played, list) or len(played) > 500:
        raise CourseActionError(_("The progress report is not in the expected form."), code="bad_form")
    played = [[_number(v, "played") for v in item] if isinstance(item, list | tuple) else [] for item in played]
    duration, position = _number(duration, "duration"), _number(position, "position")

    from .video import video_duration_seconds

    existing = VideoProgress.objects.select_for_update().filter(user=user, lesson=lesson).first()
    known = video_duration_seconds(video.value["video"]) or (existing.duration if existing else None)
    tolerance = rules.VIDEO_TOLERANCE_SECONDS
    try:
        if not 0 < duration <= rules.MAX_VIDEO_SECONDS or (known is not None and abs(duration - known) > tolerance):
            raise rules.VideoReportError("The reported video length does not match the video.", "wrong_duration")
        state = rules.VideoState(
            duration=known or duration,
            intervals=tuple(tuple(pair) for pair in existing.intervals) if existing else (),
            furthest=existing.furthest if existing else 0.0,
        )
        last = existing.last_report_at if existing and existing.last_report_at else None
        since = (now - max(last, started) if last else now - started).total_seconds()
        update = rules.video_report_apply(
            state, played=played, position=position, seconds_since_last=since, no_skip_ahead=lesson.video_no_skip_ahead
        )
    except rules.VideoReportError as error:
        progress_log.warning(
            "video report refused (%s): user=%s lesson=%s duration=%s played=%s position=%s",
            error.code, user.pk, lesson.pk, duration, played[:20], position,
        )
        raise CourseActionError(gettext(error.message), code=error.code) from error
    record = existing or VideoProgress(user=user, lesson=lesson, duration=state.duration)
    record.intervals = [list(pair) for pair in update.intervals]
    record.watched_seconds = update.watched
    record.furthest = update.furthest
    record.position = update.position
    record.last_report_at = now
    record.full_clean()
    record.save()
    return record


# Course feedback (课程评价) ------------------------------------------------------------------------------------

RATING_FIELDS = ("content_rating", "lecturer_rating", "usefulness_rating")


@transaction.atomic
def course_feedback_save(
    *,
    user: User,
    course: CoursePage,
    content_rating: int,
    lecturer_rating: int,
    usefulness_rating: int,
    comment: str = "",
    now: datetime | None = None,
) -> CourseFeedback:
    """Give or change one's feedback on a completed course: one answer per trainee, changeable for 7 days."""
    now = now or timezone.now()
    _require_trainee(user)
    existing = CourseFeedback.objects.select_for_update().filter(user=user, course=course).first()
    ratings = {"content_rating": content_rating, "lecturer_rating": lecturer_rating, "usefulness_rating": usefulness_rating}
    problem = rules.feedback_problem(
        ratings=ratings,
        completed=CourseCompletion.objects.filter(user=user, course=course).exists(),
        existing_age_days=(now - existing.created_at).total_seconds() / 86400 if existing else None,
    )
    if problem is not None:
        raise CourseActionError(gettext(problem), code="feedback_refused")
    feedback = existing or CourseFeedback(user=user, course=course)
    for name, value in ratings.items():
        setattr(feedback, name, value)
    feedback.comment = (comment or "").strip()
    try:
        feedback.full_clean()
    except ValidationError as error:
        raise CourseActionError(" ".join(error.messages), code="feedback_refused") from error
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as error:  # a second first answer at the same moment
        raise CourseActionError(_("You have already given feedback on this course."), code="feedback_refused") from error
    # Drop the cached averages now and again after commit, so a request in between cannot keep a stale copy.
    cache.delete(selectors.feedback_summary_key(course.pk))
    transaction.on_commit(lambda: cache.delete(selectors.feedback_summary_key(course.pk)))
    return feedback
