"""Pure calculations for courses: no ORM, unit-testable without a database."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from .choices import DeliveryMode, QuestionKind


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
) -> bool:
    """A course is complete when every required lesson is done and its quiz, if any, is passed.

    Offline courses complete by attendance at a session, never online; a course with nothing to do online
    (no required lesson and no quiz) is not completed by enrolling.
    """
    if delivery_mode == DeliveryMode.OFFLINE:
        return False
    required = set(required_lesson_ids)
    if not required and not has_quiz:
        return False
    return required <= set(done_lesson_ids) and (quiz_passed or not has_quiz)


def progress_percent(*, done: int, total: int) -> int:
    """Share of lessons done, as a whole per cent for a progress bar."""
    if total <= 0:
        return 0
    return min(100, (done * 100) // total)


def free_preview_allowed(*, free_preview: bool, is_first_lesson: bool) -> bool:
    """Only the first lesson of a course may be read without enrolling."""
    return free_preview and is_first_lesson
