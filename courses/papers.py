"""Where a quiz's questions come from when they are not the fixed questions written on the quiz: a *paper source*.

Courses cannot import the apps above it (academy ← courses ← assessments ← credits ← home), so an app that draws
papers (assessments: a paper drawn per attempt from the question bank) registers a source here from its
``AppConfig.ready()``. The quiz's page, the learner API and the scoring service ask ``source_for(quiz)``; a quiz no
source claims keeps its fixed questions, exactly as before."""

from typing import Protocol

from .rules import QuizScore


class PaperSource(Protocol):
    """A quiz's paper drawn per attempt: shown, scored and explained by the source that drew it."""

    def applies(self, quiz) -> bool:
        """Whether this source supplies the quiz's questions."""

    def question_count(self, quiz) -> int:
        """How many questions each paper has (for the course page and the API)."""

    def presented(self, *, quiz, user) -> list[dict]:
        """The trainee's open paper (drawn on first sight, then the same until submitted), as the page and the
        API show it: {id, number, kind, text, case, options: [{id, text}]}; never which option is correct."""

    def score(self, *, quiz, user, answers: dict[str, list[str]], pass_mark: int) -> QuizScore:
        """Score answers against the open paper exactly as it was shown; raise ``rules.AnswerError``."""

    def attach(self, *, quiz, user, attempt) -> None:
        """Close the open paper: it belongs to ``attempt`` from now on."""

    def attempt_questions(self, attempt) -> list[dict] | None:
        """The questions of a submitted attempt as shown, with each one's explanation (for the result page)."""


_sources: list[PaperSource] = []


def register(source: PaperSource) -> None:
    """Called once by the app that draws papers (idempotent, so a second ``ready()`` adds nothing)."""
    if not any(type(existing) is type(source) for existing in _sources):
        _sources.append(source)


def source_for(quiz) -> PaperSource | None:
    """The source that supplies this quiz's questions, or None for its fixed questions."""
    if quiz is None:
        return None
    for source in _sources:
        if source.applies(quiz):
            return source
    return None
