"""Every write in courses: enrolment, lesson progress, quiz attempts and course completion."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from academy.models import User

from . import rules, selectors
from .models import CourseCompletion, CoursePage, Enrolment, LessonPage, LessonProgress, QuizAttempt
from .signals import course_completed


class CourseActionError(Exception):
    """A trainee asked for something the rules do not allow; ``message`` is translated and safe to show."""

    def __init__(self, message, *, code: str, question_id: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.question_id = question_id


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
