"""Simulated trainees answering drawn papers, for the demo data and the benchmark (never for real trainees).

Each simulated trainee has an ability θ; each question a location b (from its difficulty), a slope a and a guessing
floor c, and is answered right with the three-parameter logistic chance c + (1 − c) / (1 + e^(−a(θ − b))), so strong
trainees answer hard questions better and the item analysis has realistic figures to show. A few questions get a
negative slope (a flawed key: strong trainees prefer a wrong option), as real banks have. Wrong answers prefer the
first authored distractors, as real distractors differ in how plausible they are. Everything comes from one seeded
``random.Random``: the same seed gives the same answers.

Papers are drawn with the same rules as ``services.paper_open`` (``rules.draw_questions`` over the drawable
questions of the blueprint's pools, ``services._shown_question`` for what is shown and the key), scored with
``rules.paper_score`` and recorded with ``services.item_responses_record``, but in bulk: a paper needs no enrolment,
no lock and no page."""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from courses.models import Quiz, QuizAttempt

from . import rules, selectors, services
from .choices import Difficulty, QuestionType
from .models import BankQuestion, Blueprint, Paper

LOCATION = {Difficulty.EASY: -1.3, Difficulty.MEDIUM: -0.2, Difficulty.HARD: 0.9}
FLAWED_SHARE = 0.07
WRONG_BLANK = "不确定"


@dataclass(frozen=True)
class Behaviour:
    """How a simulated question responds to ability."""

    location: float
    slope: float
    guess: float


def chance_right(ability: float, behaviour: Behaviour) -> float:
    """The three-parameter logistic chance of a right answer."""
    return behaviour.guess + (1 - behaviour.guess) / (1 + math.exp(-behaviour.slope * (ability - behaviour.location)))


class PaperSimulator:
    """Draws, answers and scores papers of one quiz's blueprint for simulated trainees."""

    def __init__(self, *, quiz: Quiz, rng: random.Random):
        self.quiz, self.rng = quiz, rng
        blueprint = Blueprint.objects.prefetch_related("pools").get(quiz=quiz)
        drawn_from = selectors.blueprint_pools(blueprint)
        self.pools, self.cases = drawn_from.pools, drawn_from.cases
        ids = {pk for _count, candidates in self.pools for pk in candidates}
        self.questions = {
            question.pk: question
            for question in BankQuestion.objects.filter(pk__in=ids)
            .select_related("case")
            .prefetch_related("options", "citations__law")
        }
        self.behaviour = {}
        for pk in sorted(self.questions):
            question = self.questions[pk]
            options = len(question.options.all())
            flawed = rng.random() < FLAWED_SHARE
            self.behaviour[pk] = Behaviour(
                location=LOCATION.get(question.difficulty, 0.0) + rng.uniform(-0.6, 0.6),
                slope=-rng.uniform(0.4, 0.9) if flawed else rng.uniform(0.7, 2.2),
                guess=0.0 if question.kind == QuestionType.FILL_BLANK else 1 / max(options, 2) * 0.8,
            )

    def draw(self) -> tuple[list[dict], dict]:
        """One paper as shown and its key."""
        chosen = rules.draw_questions(self.pools, seen=set(), rng=self.rng, cases=self.cases)
        shown, key = [], {}
        for number, pk in enumerate(chosen, start=1):
            entry, answer = services._shown_question(self.questions[pk], self.rng)
            entry["number"] = number
            shown.append(entry)
            key[entry["id"]] = answer
        return shown, key

    def answer(self, key: dict, ability: float) -> dict[str, list[str]]:
        """A simulated trainee's answers to a drawn paper."""
        answers = {}
        for token, entry in key.items():
            right = self.rng.random() < chance_right(ability, self.behaviour[entry["question"]])
            if entry["kind"] == QuestionType.FILL_BLANK:
                answers[token] = [entry["answers"][0] if right else WRONG_BLANK]
                continue
            if right:
                answers[token] = list(entry["correct"])
                continue
            # Distractors in authored order (option ids grow with it), the first ones the more tempting.
            by_option = sorted(entry["options"].items(), key=lambda item: item[1])
            wrong = [t for t, _pk in by_option if t not in entry["correct"]]
            if entry["kind"] == QuestionType.MULTIPLE and len(entry["correct"]) > 1 and self.rng.random() < 0.5:
                answers[token] = list(entry["correct"])[1:]  # one right option missed
                continue
            pick = self.rng.choices(wrong, weights=[len(wrong) - index for index in range(len(wrong))])[0]
            answers[token] = (list(entry["correct"])[:1] if entry["kind"] == QuestionType.MULTIPLE else []) + [pick]
        return answers

    @transaction.atomic
    def submit(self, trainees: Sequence[tuple[object, float, int]]) -> int:
        """Draw, answer, score and store one paper for each (trainee, ability, attempt number); returns how many."""
        papers, attempts = [], []
        for user, ability, number in trainees:
            shown, key = self.draw()
            answers = self.answer(key, ability)
            result = rules.paper_score(key, answers, pass_mark=self.quiz.pass_mark)
            attempts.append(
                QuizAttempt(
                    user=user,
                    course_id=self.quiz.course_id,
                    quiz=self.quiz,
                    number=number,
                    answers=answers,
                    wrong_questions=list(result.wrong_question_ids),
                    question_count=result.question_count,
                    correct_count=result.correct_count,
                    score=result.score,
                    passed=result.passed,
                )
            )
            papers.append(Paper(user=user, quiz=self.quiz, number=number, questions=shown, key=key))
        QuizAttempt.objects.bulk_create(attempts, batch_size=1000)
        for paper, attempt in zip(papers, attempts, strict=True):
            paper.attempt = attempt
        Paper.objects.bulk_create(papers, batch_size=1000)
        services.item_responses_record(submissions=list(zip(papers, attempts, strict=True)))
        return len(attempts)
