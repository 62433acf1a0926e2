"""Every write in courses: enrolment, lesson progress and time on task, video progress, quiz attempts, course
completion and course feedback."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from academy.models import User
from academy.phone import normalise_phone
from academy.ratelimit import parse_rate, rate_limit_hit

from . import checkin, extensions, notices, papers, rules, selectors
from .choices import AttendanceStatus, CheckInMethod, RegistrationStatus, SessionStatus
from .models import (
    CourseCompletion,
    CourseFeedback,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    LessonTime,
    Quiz,
    QuizAttempt,
    SessionAttendance,
    SessionRegistration,
    TrainingSession,
    VideoLength,
    VideoProgress,
)
from .signals import course_completed, session_attended

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
    """Enrol a trainee in a live course once its prerequisites are complete; enrolling twice changes nothing. A
    trainee coming back completes the course at once if the work kept from before meets its rule."""
    _require_trainee(user)
    if not course.live:
        raise CourseActionError(_("This course is not open for enrolment."), code="not_live")
    existing = Enrolment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    missing = list(selectors.course_prerequisites(course).exclude(completions__user=user).values_list("title", "code"))
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
        return Enrolment.objects.get(user=user, course=course)
    # Coming back: the lessons done and the quiz passed before leaving count (nothing to do online completes nothing).
    course_completion_check(user=user, course=course)
    return enrolment


@transaction.atomic
def enrolment_delete(*, user: User, course: CoursePage) -> None:
    """Unenrol a trainee; lesson progress is kept for if they come back. A completed course stays enrolled."""
    _require_trainee(user)
    enrolment = _require_enrolment(user, course)
    if CourseCompletion.objects.filter(user=user, course=course).exists():
        raise CourseActionError(_("You have completed this course, so it stays on your record."), code="completed")
    enrolment.delete()


@transaction.atomic
def lesson_mark_done(*, user: User, lesson: LessonPage) -> LessonProgress:
    """Record that an enrolled trainee finished a lesson, then complete the course if that was the last step."""
    if not selectors.lesson_marked_done_by_hand(lesson):
        raise CourseActionError(
            _("This lesson is done by completing its activity, not by marking it done."), code="not_by_hand"
        )
    course = _progress_preconditions(user, lesson)
    if not LessonProgress.objects.filter(user=user, lesson=lesson).exists():
        _require_time_on_task(user, lesson)
        _require_video_watched(user, lesson)
    return _lesson_progress_save(user=user, lesson=lesson, course=course)


@transaction.atomic
def lesson_progress_record(*, user: User, lesson: LessonPage) -> LessonProgress:
    """Record that an enrolled trainee completed a lesson that completes by its own activity (a scenario at its
    required ending, decided by its app), then complete the course if that was the last step. Idempotent."""
    course = _progress_preconditions(user, lesson)
    return _lesson_progress_save(user=user, lesson=lesson, course=course)


def _lesson_progress_save(*, user: User, lesson: LessonPage, course: CoursePage) -> LessonProgress:
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
    _require_enrolment(user, course)
    return _quiz_attempt_record(user=user, course=course, quiz=quiz, answers=answers)


@transaction.atomic
def quiz_attempt_submit_expired(*, user: User, course: CoursePage, answers: dict[str, list[str]]) -> QuizAttempt:
    """Score and store, on the server's own initiative, the attempt of a drawn paper whose time ran out (the paper
    source scores only the answers saved in time). The trainee sat that paper: what a trainee must be to submit
    (logged in, enrolled, in a live course) is not asked again, so a trainee who left the course or whose course was
    withdrawn meanwhile still has the attempt recorded. The attempt rules (one pass, the number of attempts) hold,
    and a pass completes the course only by ``course_completion_check``'s rule, which needs the enrolment."""
    quiz = selectors.quiz_for(course)
    if quiz is None:
        raise CourseActionError(_("This course has no quiz."), code="no_quiz")
    return _quiz_attempt_record(user=user, course=course, quiz=quiz, answers=answers)


def _quiz_attempt_record(*, user: User, course: CoursePage, quiz: Quiz, answers) -> QuizAttempt:
    """The scoring and storing shared by a trainee's submission and the server's closing of an expired paper."""
    # Serialise attempts by the same trainee on PostgreSQL (on the enrolment, when the trainee still has one); the
    # unique attempt number guards SQLite and a trainee who left the course.
    Enrolment.objects.select_for_update().filter(user=user, course=course).first()
    previous = selectors.quiz_attempts(user=user, course=course)
    if any(attempt.passed for attempt in previous):
        raise CourseActionError(_("You have already passed this quiz."), code="already_passed")
    if len(previous) >= quiz.max_attempts:
        raise CourseActionError(
            _("You have used all %(count)d attempts at this quiz.") % {"count": quiz.max_attempts},
            code="no_attempts_left",
        )
    cleaned = _clean_answers(answers)
    source = papers.source_for(quiz)
    if source is not None:  # a drawn paper: scored against the paper exactly as it was shown
        cleaned = source.answers_to_score(quiz=quiz, user=user, answers=cleaned)
        try:
            result = source.score(quiz=quiz, user=user, answers=cleaned, pass_mark=quiz.pass_mark)
        except rules.AnswerError as problem:
            raise CourseActionError(
                gettext(problem.message), code="bad_answers", question_id=problem.question_id
            ) from problem
    else:
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
    if source is not None:
        source.attach(quiz=quiz, user=user, attempt=attempt)
    if attempt.passed:
        course_completion_check(user=user, course=course)
    return attempt


def _drawn_paper_source(user: User, course: CoursePage):
    """The quiz and its paper source, for the exam-mode actions on a drawn paper (refused for a fixed quiz)."""
    _require_trainee(user)
    quiz = selectors.quiz_for(course)
    if quiz is None or not course.live:
        raise CourseActionError(_("This course has no quiz."), code="no_quiz")
    _require_enrolment(user, course)
    source = papers.source_for(quiz)
    if source is None:
        raise CourseActionError(_("This quiz's answers are given all at once."), code="no_paper")
    return quiz, source


@transaction.atomic
def quiz_paper_start(*, user: User, course: CoursePage) -> papers.PaperState:
    """Start the trainee's paper (a timed quiz's clock starts now, by the server's clock): the open paper again if
    one is open, whichever tab or device asks, and nothing when no attempt is left."""
    quiz, source = _drawn_paper_source(user, course)
    previous = selectors.quiz_attempts(user=user, course=course)
    if any(attempt.passed for attempt in previous):
        raise CourseActionError(_("You have already passed this quiz."), code="already_passed")
    if len(previous) >= quiz.max_attempts:
        raise CourseActionError(
            _("You have used all %(count)d attempts at this quiz.") % {"count": quiz.max_attempts},
            code="no_attempts_left",
        )
    source.start(quiz=quiz, user=user)
    return source.state(quiz=quiz, user=user)


def quiz_answers_save(*, user: User, course: CoursePage, answers: dict[str, list[str]]) -> papers.PaperState:
    """Keep the trainee's answers so far on the server (each one given replaces that question's saved answer; an
    empty one clears it); refuse malformed answers or answers after time is up, keeping nothing."""
    quiz, source = _drawn_paper_source(user, course)
    cleaned = _clean_answers(answers)
    try:
        return source.save(quiz=quiz, user=user, answers=cleaned)
    except rules.AnswerError as problem:
        raise CourseActionError(
            gettext(problem.message), code="bad_answers", question_id=problem.question_id
        ) from problem


def quiz_expired_close(*, user: User, course: CoursePage) -> QuizAttempt | None:
    """Submit the trainee's open paper if its time is up, with the answers saved in time (done as the trainee opens
    the quiz again, and by the periodic job for everyone else). The new attempt, or None."""
    quiz = selectors.quiz_for(course)
    source = papers.source_for(quiz)
    if source is None or not user.is_authenticated:
        return None
    return source.close_expired(quiz=quiz, user=user)


@transaction.atomic
def course_completion_check(*, user: User, course: CoursePage) -> CourseCompletion | None:
    """Record the completion once the course's rule is met and send ``course_completed``, exactly once.

    Returns the completion (new or existing) or None when the course is not complete yet. Two reports at
    once are safe: the unique constraint lets one insert win; the other finds that row and sends nothing.
    """
    existing = CourseCompletion.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    if not Enrolment.objects.filter(user=user, course=course).exists():
        # A completed course stays enrolled (``enrolment_delete``): work recorded while the trainee is away (an
        # expired paper closed by the server, an assignment reviewed late) counts when they enrol again.
        return None
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
        attended_session=selectors.attended_course_session(user=user, course=course),
        conditions_met=extensions.conditions_met(user=user, course=course),
    ):
        return None
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(user=user, course=course)
    except IntegrityError:
        return CourseCompletion.objects.get(user=user, course=course)
    course_completed.send(sender=CourseCompletion, user=user, course=course, completion=completion)
    return completion


# Offline training: registration, check-in, attendance, reminders --------------------------------------------


def _require_session_staff(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_active and actor.is_registrar):
        raise CourseActionError(_("Only registrars may manage training sessions."), code="not_allowed")


def _lock_session(session: TrainingSession) -> TrainingSession:
    """Lock the session row so that counting seats and taking one cannot be split by another request (PostgreSQL);
    SQLite transactions start IMMEDIATE in this project, so there every writer already waits its turn."""
    return TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)


def _settle_waiting_list(session: TrainingSession) -> list[SessionRegistration]:
    """With the session row locked by the caller: fill free seats from the waiting list in order (texting each
    promoted trainee once the change commits), then number those still waiting 1, 2, 3 … without gaps.

    Every change that frees a seat or leaves the waiting list ends here, in the same transaction and under the
    same lock, so the stored ``position`` is always the current one: the roster, the admin list and export, the
    personal-data archive and the trainee's own pages all read it as it is. (Computing a rank at each of those
    reads instead would need a window annotation in every query, and one forgotten read would show a stale number.)
    """
    registered = SessionRegistration.objects.filter(session=session, status=RegistrationStatus.REGISTERED).count()
    waiting = list(
        SessionRegistration.objects.filter(session=session, status=RegistrationStatus.WAITLISTED)
        .select_related("user")
        .order_by("position", "registered_at", "pk")
    )
    fill = rules.seats_to_fill(
        registered=registered,
        capacity=session.capacity,
        waiting=len(waiting),
        queue_moves=rules.waiting_list_moves(now=timezone.now(), start=session.start, status=session.status),
    )
    promoted, still_waiting = waiting[:fill], waiting[fill:]
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.position = None
        registration.reminded_at = None
        registration.save(update_fields=["status", "position", "reminded_at", "changed_at"])
        notices.waitlist_promoted(registration, session)
    # Ascending order only ever moves a row to a number nobody else holds any more.
    for number, registration in enumerate(still_waiting, start=1):
        if registration.position != number:
            registration.position = number
            registration.save(update_fields=["position", "changed_at"])
    return promoted


def _take_place(*, session: TrainingSession, user: User, registered_by: User | None) -> SessionRegistration:
    session = _lock_session(session)
    existing = SessionRegistration.objects.filter(session=session, user=user).first()
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        return existing
    _settle_waiting_list(session)  # anyone owed a freed seat gets it before the newcomer is placed
    counts = selectors.session_seats(session)
    status = rules.place_for_new_registration(
        registered=counts["taken"],
        capacity=session.capacity,
        waiting=counts["waiting"],
        queue_moves=rules.waiting_list_moves(now=timezone.now(), start=session.start, status=session.status),
    )
    registration = existing or SessionRegistration(session=session, user=user)
    registration.status = status
    registration.position = counts["waiting"] + 1 if status == RegistrationStatus.WAITLISTED else None
    registration.registered_by = registered_by
    registration.reminded_at = None
    registration.full_clean(validate_unique=False, validate_constraints=False)
    registration.save()
    notices.registration_placed(registration)
    return registration


@transaction.atomic
def session_register(*, user: User, session: TrainingSession) -> SessionRegistration:
    """A trainee registers for a session inside its registration window: a seat while seats remain, else the
    waiting list. Registering enrols them in the course (its prerequisites apply). Registering twice changes
    nothing."""
    _require_trainee(user)
    problem = rules.registration_problem(
        now=timezone.now(), opens=session.registration_opens, closes=session.registration_closes, status=session.status
    )
    if problem is not None:
        raise CourseActionError(gettext(problem), code="closed")
    enrolment_create(user=user, course=session.course)
    return _take_place(session=session, user=user, registered_by=None)


@transaction.atomic
def session_registration_add(*, actor: User, user: User, session: TrainingSession) -> SessionRegistration:
    """A registrar registers a trainee, outside the registration window too (for instance a walk-in recorded after
    the session), but never beyond capacity: a full session puts them on the waiting list."""
    _require_session_staff(actor)
    if session.status == SessionStatus.CANCELLED:
        raise CourseActionError(_("This session has been cancelled."), code="closed")
    Enrolment.objects.get_or_create(user=user, course=session.course)
    return _take_place(session=session, user=user, registered_by=actor)


@transaction.atomic
def session_waiting_list_settle(*, session: TrainingSession) -> list[SessionRegistration]:
    """After a change to a session that may free seats (its capacity raised, its dates moved, cancelled then
    rescheduled): promote from the waiting list in order and renumber it. Returns the promoted registrations."""
    return _settle_waiting_list(_lock_session(session))


@transaction.atomic
def session_registration_cancel(*, user: User, session: TrainingSession) -> SessionRegistration:
    """A trainee gives up their seat or waiting-list place before registration closes; the first on the waiting
    list takes a freed seat and is told by SMS."""
    _require_trainee(user)
    session = _lock_session(session)
    registration = SessionRegistration.objects.active().filter(session=session, user=user).first()
    if registration is None:
        raise CourseActionError(_("You are not registered for this session."), code="not_registered")
    if timezone.now() > session.registration_closes:
        raise CourseActionError(
            _("Registration has closed, so the place can no longer be cancelled online. Please tell the registrar."),
            code="closed",
        )
    if SessionAttendance.objects.filter(session=session, user=user).exists():
        raise CourseActionError(_("You have already checked in at this session."), code="attended")
    registration.status = RegistrationStatus.CANCELLED
    registration.position = None
    registration.save(update_fields=["status", "position", "changed_at"])
    _settle_waiting_list(session)
    return registration


@transaction.atomic
def session_registration_withdraw(*, actor: User, session: TrainingSession, user: User) -> SessionRegistration:
    """A registrar gives up a trainee's seat or waiting-list place (they phoned to say they cannot come, or were
    registered by mistake), at any time before they check in; the waiting list moves up in order and is told."""
    _require_session_staff(actor)
    session = _lock_session(session)
    registration = SessionRegistration.objects.active().filter(session=session, user=user).first()
    if registration is None:
        raise CourseActionError(
            _("%(name)s is not registered for this session.") % {"name": user.display_name}, code="not_registered"
        )
    if SessionAttendance.objects.filter(session=session, user=user).exists():
        raise CourseActionError(
            _("%(name)s has already checked in, so the place cannot be cancelled.") % {"name": user.display_name},
            code="attended",
        )
    previous = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.position = None
    registration.save(update_fields=["status", "position", "changed_at"])
    _settle_waiting_list(session)
    log(
        instance=session,
        action="courses.registration_withdraw",
        user=actor,
        data={"trainee": user.pk, "previous_status": previous},
    )
    return registration


@transaction.atomic
def attendance_record(
    *,
    session: TrainingSession,
    user: User,
    status: str,
    method: str,
    checked_in_at,
    recorded_by: User | None = None,
) -> SessionAttendance:
    """Record that a registered trainee attended, once; send ``session_attended`` and complete the course (an
    offline course, or a blended one whose online part is done), all in this transaction."""
    registration = SessionRegistration.objects.filter(
        session=session, user=user, status=RegistrationStatus.REGISTERED
    ).first()
    if registration is None:
        raise CourseActionError(
            _("%(name)s is not registered for this session.") % {"name": user.display_name}, code="not_registered"
        )
    existing = SessionAttendance.objects.filter(session=session, user=user).first()
    if existing is not None:
        raise CourseActionError(
            _("Attendance was already recorded at %(time)s.")
            % {"time": timezone.localtime(existing.checked_in_at).strftime("%H:%M")},
            code="already_checked_in",
        )
    attendance = SessionAttendance(
        session=session, user=user, status=status, method=method, checked_in_at=checked_in_at, recorded_by=recorded_by
    )
    attendance.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError as error:  # the same trainee checking in twice at the same moment
        raise CourseActionError(_("Attendance was already recorded."), code="already_checked_in") from error
    Enrolment.objects.get_or_create(user=user, course=session.course)
    session_attended.send(sender=SessionAttendance, user=user, session=session, attendance=attendance)
    course_completion_check(user=user, course=session.course)
    return attendance


_CHECK_IN_PROBLEMS = {
    checkin.MALFORMED: _("This check-in link is incomplete. Scan the QR code on the screen again."),
    checkin.FORGED: _("This check-in code is not valid. Scan the QR code on the screen or type the code shown."),
    checkin.EXPIRED: _(
        "This check-in code has expired. Scan the code on the screen again: it changes every 30 seconds."
    ),
    checkin.OTHER_SESSION: _("This check-in code belongs to another session."),
    checkin.MALFORMED_CODE: _("Type the six digits shown under the QR code on the screen."),
    checkin.WRONG_CODE: _(
        "That is not the code on the screen. Type the six digits shown now: the code changes every 30 seconds."
    ),
}


def _count_code_attempt(*, user: User, session: TrainingSession) -> None:
    """Count one typed code against the trainee's and the session's limits (every try counts, a right one too, so
    a guesser who is locked out stays locked out until the window passes); refuse when either is exceeded."""
    for scope, key, rate in (
        ("check-in-code-person", str(user.pk), settings.CHECK_IN_CODE_RATE_PER_PERSON),
        ("check-in-code-session", str(session.pk), settings.CHECK_IN_CODE_RATE_PER_SESSION),
    ):
        if rate_limit_hit(scope=scope, key=key, rate=rate):
            minutes = max(parse_rate(rate)[1] // 60, 1)
            raise CourseActionError(
                _(
                    "Too many codes have been typed. Scan the QR code on the screen or ask the staff to mark you "
                    "present; you can type a code again within %(minutes)d minutes."
                )
                % {"minutes": minutes},
                code="rate_limited",
            )


@transaction.atomic
def session_check_in(
    *, user: User, session: TrainingSession, token: str = "", code: str = "", now=None
) -> SessionAttendance:
    """A registered trainee checks in with the projector's QR token or six-digit code, during check-in hours
    (30 minutes before the start until the end); more than 15 minutes after the start counts as late.

    Who may check in is settled before any code is looked at, so only a registered trainee who has not checked in
    yet can try a code at all, and each typed code counts against the limits first."""
    _require_trainee(user)
    now = now or timezone.now()
    if session.status != SessionStatus.SCHEDULED:
        raise CourseActionError(_("This session is not taking place."), code="not_scheduled")
    problem = rules.check_in_problem(now=now, start=session.start, end=session.end)
    if problem is not None:
        raise CourseActionError(gettext(problem), code="outside_hours")
    if not SessionRegistration.objects.filter(
        session=session, user=user, status=RegistrationStatus.REGISTERED
    ).exists():
        raise CourseActionError(
            _("You are not registered for this session, so you cannot check in."), code="not_registered"
        )
    existing = SessionAttendance.objects.filter(session=session, user=user).first()
    if existing is not None:
        raise CourseActionError(
            _("You already checked in at %(time)s.")
            % {"time": timezone.localtime(existing.checked_in_at).strftime("%H:%M")},
            code="already_checked_in",
        )
    window = checkin.window_at(now.timestamp())
    if token:
        verdict = checkin.verify_token(token, session_id=session.pk, now_window=window)
        method = CheckInMethod.QR
    else:
        _count_code_attempt(user=user, session=session)
        verdict = checkin.verify_code(code, session_id=session.pk, now_window=window)
        method = CheckInMethod.CODE
    if not verdict.ok:
        raise CourseActionError(_CHECK_IN_PROBLEMS[verdict.problem], code=verdict.problem)
    status = (
        AttendanceStatus.LATE if rules.is_late(checked_in_at=now, start=session.start) else AttendanceStatus.PRESENT
    )
    return attendance_record(session=session, user=user, status=status, method=method, checked_in_at=now)


@transaction.atomic
def attendance_mark(
    *, actor: User, session: TrainingSession, user: User, status: str, checked_in_at=None
) -> SessionAttendance:
    """A registrar marks a registered trainee present or late by hand, during or after the session; the time of
    arrival, when given, must fall within check-in hours (otherwise it is now, or the end of a past session)."""
    _require_session_staff(actor)
    if status not in AttendanceStatus.values:
        raise CourseActionError(_("Choose present or late."), code="bad_status")
    now = timezone.now()
    if now < session.start - rules.CHECK_IN_OPENS_BEFORE:
        raise CourseActionError(
            _("Attendance can be recorded from 30 minutes before the session starts."), code="too_early"
        )
    if checked_in_at is not None and rules.check_in_problem(now=checked_in_at, start=session.start, end=session.end):
        raise CourseActionError(
            _("The time of arrival must fall within the session's check-in hours."), code="bad_time"
        )
    attendance = attendance_record(
        session=session,
        user=user,
        status=status,
        method=CheckInMethod.MANUAL,
        checked_in_at=checked_in_at or min(now, session.end),
        recorded_by=actor,
    )
    log(instance=session, action="courses.attendance_mark", user=actor, data={"trainee": user.pk, "status": status})
    return attendance


class AttendanceImportError(CourseActionError):
    """An attendance file was refused; ``errors`` lists (row number, message) and nothing was saved."""

    def __init__(self, message, *, errors: list[tuple[int, str]]):
        super().__init__(message, code="import_refused")
        self.errors = errors


@dataclass(frozen=True)
class AttendanceImportResult:
    recorded: int
    already_recorded: int


@transaction.atomic
def attendance_import(*, actor: User, session: TrainingSession, file) -> AttendanceImportResult:
    """Import attendance from an Excel sheet with a phone column and a status column (出席/迟到 or
    present/late). All or nothing: any bad row (unknown phone, not registered, bad status, duplicate) refuses the
    whole file with every row's problem. Trainees already recorded (for instance by QR) are left as they are."""
    _require_session_staff(actor)
    if timezone.now() < session.start - rules.CHECK_IN_OPENS_BEFORE:
        raise CourseActionError(
            _("Attendance can be recorded from 30 minutes before the session starts."), code="too_early"
        )
    rows, errors = attendance_import_rows(file)
    phones = [phone for _number, phone, _status in rows if phone]
    users = {user.phone: user for user in User.objects.filter(phone__in=phones)}
    registered = set(
        SessionRegistration.objects.filter(
            session=session, status=RegistrationStatus.REGISTERED, user__phone__in=phones
        ).values_list("user__phone", flat=True)
    )
    attended = set(SessionAttendance.objects.filter(session=session).values_list("user__phone", flat=True))
    seen: dict[str, int] = {}
    to_record = []
    already = 0
    for number, phone, status in rows:
        if phone in seen:
            errors.append((number, gettext("This phone number is also on row %(row)d.") % {"row": seen[phone]}))
            continue
        seen[phone] = number
        user = users.get(phone)
        if user is None:
            errors.append((number, gettext("No trainee has this phone number.")))
        elif phone not in registered:
            errors.append(
                (number, gettext("%(name)s is not registered for this session.") % {"name": user.display_name})
            )
        elif phone in attended:
            already += 1
        else:
            to_record.append((user, status))
    if errors:
        errors.sort()
        raise AttendanceImportError(
            _("Nothing was imported: correct these rows and upload the file again."), errors=errors
        )
    when = min(timezone.now(), session.end)
    for user, status in to_record:
        attendance_record(
            session=session,
            user=user,
            status=status,
            method=CheckInMethod.IMPORT,
            checked_in_at=when,
            recorded_by=actor,
        )
    log(
        instance=session,
        action="courses.attendance_import",
        user=actor,
        data={"recorded": [user.pk for user, _status in to_record], "already_recorded": already},
    )
    return AttendanceImportResult(recorded=len(to_record), already_recorded=already)


_STATUS_WORDS = {
    "出席": AttendanceStatus.PRESENT,
    "到": AttendanceStatus.PRESENT,
    "已到": AttendanceStatus.PRESENT,
    "present": AttendanceStatus.PRESENT,
    "迟到": AttendanceStatus.LATE,
    "late": AttendanceStatus.LATE,
}


# No session has more places than this (TrainingSession.capacity), so no valid attendance file has more rows.
MAX_ATTENDANCE_ROWS = 1000


def attendance_import_rows(file) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """Read (row number, normalised phone, status) rows from an attendance workbook, and the rows' problems.

    The first row holds the headings; the phone column is headed 手机号 (or phone) and the status column 状态
    (or status). Blank rows are skipped.
    """
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from academy.spreadsheets import inflates_too_far

    if inflates_too_far(file):
        raise AttendanceImportError(
            _("This workbook unpacks to far more data than an attendance sheet holds."), errors=[]
        )
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise AttendanceImportError(_("This file is not an Excel workbook (.xlsx)."), errors=[]) from error
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    headings = [str(cell or "").strip().lower() for cell in next(lines, ())]
    phone_column = next(
        (i for i, h in enumerate(headings) if h in {"手机号", "手机号码", "phone", "mobile phone"}), None
    )
    status_column = next((i for i, h in enumerate(headings) if h in {"状态", "出勤", "status", "attendance"}), None)
    if phone_column is None or status_column is None:
        raise AttendanceImportError(
            _("The first row must have the headings 手机号 and 状态 (download the template)."), errors=[]
        )
    rows, errors = [], []
    for number, line in enumerate(lines, start=2):
        cells = list(line) + [None] * (max(phone_column, status_column) + 1 - len(line))
        raw_phone, raw_status = cells[phone_column], cells[status_column]
        if raw_phone in (None, "") and raw_status in (None, ""):
            continue
        if len(rows) + len(errors) >= MAX_ATTENDANCE_ROWS:
            workbook.close()
            raise AttendanceImportError(
                _("An attendance file may hold at most %(rows)d rows (a session has at most that many places).")
                % {"rows": MAX_ATTENDANCE_ROWS},
                errors=[],
            )
        try:
            phone = normalise_phone(str(raw_phone if raw_phone is not None else "").strip().removesuffix(".0"))
        except ValidationError:
            phone = ""
        status = _STATUS_WORDS.get(str(raw_status or "").strip().lower())
        if not phone:
            errors.append((number, gettext("“%(value)s” is not a mobile phone number.") % {"value": raw_phone or ""}))
            continue
        if status is None:
            errors.append(
                (number, gettext("Status must be 出席 or 迟到, not “%(value)s”.") % {"value": raw_status or ""})
            )
            continue
        rows.append((number, phone, status))
    workbook.close()
    return rows, errors


@transaction.atomic
def session_reminders_send(*, now=None) -> int:
    """Text (and email, when they have an address) every registered trainee of a session starting tomorrow,
    once per registration: ``reminded_at`` records it. Returns how many were reminded."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    registrations = (
        SessionRegistration.objects.select_for_update()
        .filter(
            status=RegistrationStatus.REGISTERED,
            reminded_at__isnull=True,
            session__status=SessionStatus.SCHEDULED,
            session__start__date=tomorrow,
        )
        .select_related("user", "session", "session__venue")
    )
    count = 0
    for registration in registrations:
        session, user = registration.session, registration.user
        text = gettext(
            "Reminder: 《%(title)s》 starts tomorrow %(when)s at %(venue)s (%(address)s). Check in with the QR code on site."
        ) % {
            "title": session.title,
            "when": timezone.localtime(session.start).strftime("%H:%M"),
            "venue": session.venue.name,
            "address": session.venue.address,
        }
        notices.session_reminder(registration)  # site inbox, SMS and WeChat, as the trainee chose
        if user.email:
            subject = gettext("Training tomorrow: %(title)s") % {"title": session.title}
            transaction.on_commit(
                lambda email=user.email, subject=subject, text=text: send_mail(
                    subject, text, None, [email], fail_silently=True
                )
            )
        registration.reminded_at = now
        registration.save(update_fields=["reminded_at"])
        count += 1
    return count


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

    from .selectors import video_length_seconds

    existing = VideoProgress.objects.select_for_update().filter(user=user, lesson=lesson).first()
    # The stored length (a row, not the file: reading the file here downloaded it from S3 under the row lock).
    known = video_length_seconds(document=video.value["video"]) or (existing.duration if existing else None)
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
            error.code,
            user.pk,
            lesson.pk,
            duration,
            played[:20],
            position,
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
    ratings = {
        "content_rating": content_rating,
        "lecturer_rating": lecturer_rating,
        "usefulness_rating": usefulness_rating,
    }
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
        raise CourseActionError(
            _("You have already given feedback on this course."), code="feedback_refused"
        ) from error
    # Drop the cached averages now and again after commit, so a request in between cannot keep a stale copy.
    cache.delete(selectors.feedback_summary_key(course.pk))
    transaction.on_commit(lambda: cache.delete(selectors.feedback_summary_key(course.pk)))
    return feedback


def video_length_record(*, document_id: int) -> VideoLength | None:
    """Read a video document's length from its file and store it (run by tasks.video_length_task after an upload).

    The file is read outside any transaction (on S3 it is a download); only the write is atomic. Safe to run twice.
    """
    from wagtail.documents import get_document_model

    from .video import video_file_duration_seconds

    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None or not document.file:
        return None
    seconds = video_file_duration_seconds(document)
    with transaction.atomic():
        length, _created = VideoLength.objects.update_or_create(
            document_id=document.pk, defaults={"file_name": document.file.name, "seconds": seconds}
        )
    return length
