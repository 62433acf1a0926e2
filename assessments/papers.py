"""The question bank as the paper source of courses' quizzes that have a blueprint (see ``courses/papers.py``)."""

from django.db.models import Sum
from django.utils.translation import gettext_noop

from courses.models import Quiz, QuizAttempt
from courses.rules import attempts_left

from . import rules, services
from .models import Blueprint, Paper


class BankPaperSource:
    """A paper drawn per attempt from the bank: shown, scored and explained exactly as it was drawn."""

    def applies(self, quiz: Quiz) -> bool:
        return Blueprint.objects.filter(quiz=quiz).exists()

    def question_count(self, quiz: Quiz) -> int:
        return Blueprint.objects.filter(quiz=quiz).aggregate(total=Sum("pools__count"))["total"] or 0

    def presented(self, *, quiz: Quiz, user) -> list[dict]:
        attempts = list(
            QuizAttempt.objects.filter(user=user, course_id=quiz.course_id).values_list("passed", flat=True)
        )
        if not attempts_left(max_attempts=quiz.max_attempts, used=len(attempts), passed=any(attempts)):
            return []  # nothing left to take: draw no paper (it would mark its questions as seen for nothing)
        return services.paper_open(user=user, quiz=quiz).questions

    def score(self, *, quiz: Quiz, user, answers, pass_mark: int):
        paper = self._open(quiz=quiz, user=user)
        if paper is None:
            raise rules.AnswerError(gettext_noop("Open the quiz before submitting answers."))
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
        return [
            {
                **question,
                "explanation": paper.key[question["id"]]["explanation"],
                "citations": paper.key[question["id"]]["citations"],
            }
            for question in paper.questions
        ]

    @staticmethod
    def _open(*, quiz: Quiz, user, number: int | None = None) -> Paper | None:
        if number is None:
            number = services.paper_number(user=user, quiz=quiz)
        return Paper.objects.filter(user=user, quiz=quiz, number=number, attempt__isnull=True).first()
