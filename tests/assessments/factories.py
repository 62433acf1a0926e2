"""Factories for the question bank."""

from assessments.choices import Difficulty, QuestionStatus, QuestionType
from assessments.models import BankOption, BankQuestion


def make_question(*, competency, text: str = "", kind: str = QuestionType.SINGLE, options=4, correct=(0,), **kwargs):
    """A bank question with ``options`` options, those at the ``correct`` positions correct (live by default)."""
    kwargs.setdefault("status", QuestionStatus.LIVE)
    kwargs.setdefault("difficulty", Difficulty.MEDIUM)
    question = BankQuestion.objects.create(
        competency=competency, kind=kind, text=text or f"题目 {BankQuestion.objects.count() + 1}", **kwargs
    )
    if kind != QuestionType.FILL_BLANK:
        BankOption.objects.bulk_create(
            BankOption(question=question, text=f"选项{index + 1}", correct=index in correct, sort_order=index)
            for index in range(options)
        )
    return question
