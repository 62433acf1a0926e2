"""The question bank as the paper source of courses' quizzes that have a blueprint (see ``courses/papers.py``)."""

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from courses.models import Quiz, QuizAttempt
from courses.papers import PaperState
from courses.rules import attempts_left

from . import rules, selectors, services
from .models import Blueprint, Paper


class BankPaperSource:
    """A paper drawn per attempt from the bank: shown, scored and explained exactly as it was drawn."""

    def applies(self, quiz: Quiz) -> bool:
        return Blueprint.objects.filter(quiz=quiz).exists()

    def question_count(self, quiz: Quiz) -> int:
        return Blueprint.objects.filter(quiz=quiz).aggregate(total=Sum("pools__count"))["total"] or 0

    @staticmethod
    def _time_limit(quiz: Quiz) -> int | None:
        return Blueprint.objects.filter(quiz=quiz).values_list("time_limit", flat=True).first()

    @staticmethod
    def _may_draw(*, quiz: Quiz, user) -> bool:
        attempts = list(
            QuizAttempt.objects.filter(user=user, course_id=quiz.course_id).values_list("passed", flat=True)
        )
        return attempts_left(max_attempts=quiz.max_attempts, used=len(attempts), passed=any(attempts)) > 0

    def presented(self, *, quiz: Quiz, user) -> list[dict]:
        if self._time_limit(quiz):  # a timed paper is drawn only when the trainee starts it (see ``start``)
            paper = self._open(quiz=quiz, user=user)
            return paper.questions if paper is not None else []
        if not self._may_draw(quiz=quiz, user=user):
            return []  # nothing left to take: draw no paper (it would mark its questions as seen for nothing)
        return services.paper_open(user=user, quiz=quiz).questions

    def state(self, *, quiz: Quiz, user) -> PaperState:
        time_limit = self._time_limit(quiz)
        paper = self._open(quiz=quiz, user=user)
        if paper is None:
            return PaperState(time_limit=time_limit)
        now = timezone.now()
        return PaperState(
            time_limit=time_limit,
            started=True,
            deadline=paper.deadline,
            seconds_left=rules.seconds_left(paper.deadline, now),
            time_up=rules.paper_time_state(paper.deadline, now) != rules.TimeState.OPEN,
            saved=dict(paper.saved_answers),
        )

    def start(self, *, quiz: Quiz, user) -> None:
        if self._may_draw(quiz=quiz, user=user):
            services.paper_open(user=user, quiz=quiz)

    def save(self, *, quiz: Quiz, user, answers) -> PaperState:
        paper = self._open(quiz=quiz, user=user)
        if paper is None:
            raise rules.AnswerError(gettext_noop("Open the quiz before saving answers."))
        services.paper_answers_save(paper=paper, answers=answers)
        return self.state(quiz=quiz, user=user)

    def close_expired(self, *, quiz: Quiz, user):
        paper = self._open(quiz=quiz, user=user)
        return services.paper_close_expired(paper=paper) if paper is not None else None

    def answers_to_score(self, *, quiz: Quiz, user, answers):
        paper = self._open(quiz=quiz, user=user)
        if paper is None:
            return answers
        state = rules.paper_time_state(paper.deadline, timezone.now())
        if state == rules.TimeState.OVER:  # sent after time ran out: only what was saved in time counts
            return rules.paper_answers_kept(paper.key, paper.saved_answers)
        if state == rules.TimeState.GRACE:  # sent as time ran out: what was answered counts, the rest is wrong
            return rules.paper_answers_kept(paper.key, answers)
        return answers

    def score(self, *, quiz: Quiz, user, answers, pass_mark: int):
        paper = self._open(quiz=quiz, user=user)
        if paper is None:
            raise rules.AnswerError(gettext_noop("Open the quiz before submitting answers."))
        if rules.paper_time_state(paper.deadline, timezone.now()) != rules.TimeState.OPEN:
            # Time is up: what was answered is scored, an unanswered or malformed answer is simply wrong.
            return rules.paper_score(paper.key, rules.paper_answers_kept(paper.key, answers), pass_mark=pass_mark)
        problem = rules.paper_answers_problem(paper.key, answers)
        if problem is not None:
            raise problem
        return rules.paper_score(paper.key, answers, pass_mark=pass_mark)

    def attach(self, *, quiz: Quiz, user, attempt) -> None:
        paper = self._open(quiz=quiz, user=user, number=attempt.number)
        if paper is not None:
            paper.attempt = attempt
            paper.save(update_fields=["attempt"])
            services.item_responses_record(submissions=[(paper, attempt)])

    def attempt_questions(self, attempt) -> list[dict] | None:
        paper = Paper.objects.filter(attempt=attempt).first()
        if paper is None:
            return None
        return selectors.paper_review(paper=paper, attempt=attempt)

    @staticmethod
    def _open(*, quiz: Quiz, user, number: int | None = None) -> Paper | None:
        if number is None:
            number = services.paper_number(user=user, quiz=quiz)
        return Paper.objects.filter(user=user, quiz=quiz, number=number, attempt__isnull=True).first()
