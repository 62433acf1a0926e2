"""Pure calculations for courses: no ORM, unit-testable without a database."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext_noop

from .choices import DeliveryMode, QuestionKind, RegistrationStatus, SessionStatus


@dataclass(frozen=True)
class QuestionSpec:
    """What scoring needs to know about one question."""

    id: str
    kind: str
    option_ids: tuple[str, ...]
    correct_option_ids: frozenset[str]


@dataclass(frozen=True)
class QuizScore:
    """The outcome of scoring one attempt."""

    question_count: int
    correct_count: int
    score: int  # per cent, rounded down so that a pass is never granted by rounding
    passed: bool
    wrong_question_ids: tuple[str, ...]


class AnswerError(ValueError):
    """The answers do not fit the quiz; ``message`` is for the trainee, ``question_id`` names the question."""

    def __init__(self, message: str, question_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.question_id = question_id


def answers_problem(questions: Sequence[QuestionSpec], answers: Mapping[str, Iterable[str]]) -> AnswerError | None:
    """The first thing wrong with a set of answers, or None when every question has a well-formed answer.

    Messages are English msgids marked with gettext_noop; the caller translates them with gettext.
    """
    by_id = {question.id: question for question in questions}
    unknown = [question_id for question_id in answers if question_id not in by_id]
    if unknown:
        return AnswerError(gettext_noop("The answers name a question that is not in this quiz."), unknown[0])
    for question in questions:
        chosen = list(answers.get(question.id, ()))
        if not chosen:
            return AnswerError(gettext_noop("Answer every question before submitting."), question.id)
        if len(set(chosen)) != len(chosen):
            return AnswerError(gettext_noop("An option was chosen twice."), question.id)
        if any(option_id not in question.option_ids for option_id in chosen):
            return AnswerError(gettext_noop("The answers name an option that is not in this question."), question.id)
        if question.kind != QuestionKind.MULTIPLE and len(chosen) != 1:
            return AnswerError(gettext_noop("Choose exactly one option for this question."), question.id)
    return None


def quiz_score(questions: Sequence[QuestionSpec], answers: Mapping[str, Iterable[str]], *, pass_mark: int) -> QuizScore:
    """Score answers that ``answers_problem`` accepted: a question is right when exactly its correct options are chosen."""
    wrong = tuple(
        question.id for question in questions if frozenset(answers.get(question.id, ())) != question.correct_option_ids
    )
    total = len(questions)
    correct = total - len(wrong)
    score = (correct * 100) // total if total else 0
    return QuizScore(total, correct, score, score >= pass_mark, wrong)


def attempts_left(*, max_attempts: int, used: int, passed: bool) -> int:
    """How many more attempts a trainee may make; none once the quiz is passed."""
    if passed:
        return 0
    return max(max_attempts - used, 0)


def course_is_complete(
    *,
    delivery_mode: str,
    required_lesson_ids: Iterable[int],
    done_lesson_ids: Iterable[int],
    has_quiz: bool,
    quiz_passed: bool,
    attended_session: bool = False,
) -> bool:
    """A course is complete when every required lesson is done and its quiz, if any, is passed.

    Offline courses complete by attending one of their sessions, never online. A blended course needs both
    parts: its online part done (every required lesson, the quiz if any; a blended course with nothing online
    has only the offline part) AND attendance at one of its sessions. An online course with nothing to do
    online (no required lesson and no quiz) is not completed by enrolling.
    """
    if delivery_mode == DeliveryMode.OFFLINE:
        return attended_session
    required = set(required_lesson_ids)
    online_done = required <= set(done_lesson_ids) and (quiz_passed or not has_quiz)
    if delivery_mode == DeliveryMode.BLENDED:
        return attended_session and online_done
    if not required and not has_quiz:
        return False
    return online_done


def progress_percent(*, done: int, total: int) -> int:
    """Share of lessons done, as a whole per cent for a progress bar."""
    if total <= 0:
        return 0
    return min(100, (done * 100) // total)


def free_preview_allowed(*, free_preview: bool, is_first_lesson: bool) -> bool:
    """Only the first lesson of a course may be read without enrolling."""
    return free_preview and is_first_lesson


# Offline training ------------------------------------------------------------------------------------------

CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=15)


def check_in_problem(*, now: datetime, start: datetime, end: datetime) -> str | None:
    """Why a trainee cannot check in right now (an untranslated msgid), or None: check-in opens 30 minutes
    before the start and closes at the end."""
    if now < start - CHECK_IN_OPENS_BEFORE:
        return gettext_noop("Check-in opens 30 minutes before the session starts.")
    if now > end:
        return gettext_noop("This session has ended; check-in is closed.")
    return None


def is_late(*, checked_in_at: datetime, start: datetime) -> bool:
    """Arriving more than 15 minutes after the start counts as late."""
    return checked_in_at > start + LATE_AFTER


def registration_problem(*, now: datetime, opens: datetime, closes: datetime, status: str) -> str | None:
    """Why a trainee may not register or cancel now (an untranslated msgid), or None."""
    if status == SessionStatus.CANCELLED:
        return gettext_noop("This session has been cancelled.")
    if status != SessionStatus.SCHEDULED:
        return gettext_noop("This session is not open for registration.")
    if now < opens:
        return gettext_noop("Registration for this session has not opened yet.")
    if now > closes:
        return gettext_noop("Registration for this session has closed.")
    return None


def place_for_new_registration(*, registered: int, capacity: int) -> str:
    """A new registration gets a seat while seats remain, else a place on the waiting list."""
    return RegistrationStatus.REGISTERED if registered < capacity else RegistrationStatus.WAITLISTED
