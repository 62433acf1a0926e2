"""Where a quiz's questions come from when they are not the fixed questions written on the quiz: a *paper source*.

Courses cannot import the apps above it (academy ← courses ← assessments ← credits ← home), so an app that draws
papers (assessments: a paper drawn per attempt from the question bank) registers a source here from its
``AppConfig.ready()``. The quiz's page, the learner API and the scoring service ask ``source_for(quiz)``; a quiz no
source claims keeps its fixed questions, exactly as before."""

import datetime
from dataclasses import dataclass, field
from typing import Protocol

from .rules import QuizScore


@dataclass(frozen=True)
class PaperState:
    """Where the trainee's paper for a quiz stands, by the server's clock: whether it is timed (and for how many
    minutes), whether it has been started, when its time runs out, how many seconds are left, and the answers saved
    so far (question id → chosen option ids, or the typed answer of a blank)."""

    time_limit: int | None = None
    started: bool = False
    deadline: datetime.datetime | None = None
    seconds_left: int | None = None
    time_up: bool = False
    saved: dict[str, list[str]] = field(default_factory=dict)


class PaperSource(Protocol):
    """A quiz's paper drawn per attempt: shown, scored and explained by the source that drew it."""

    def applies(self, quiz) -> bool:
        """Whether this source supplies the quiz's questions."""

    def question_count(self, quiz) -> int:
        """How many questions each paper has (for the course page and the API)."""

    def presented(self, *, quiz, user) -> list[dict]:
        """The trainee's open paper (drawn on first sight, then the same until submitted), as the page and the
        API show it: {id, number, kind, text, case, options: [{id, text}]}; never which option is correct."""

    def state(self, *, quiz, user) -> PaperState:
        """The open paper's time and saved answers (``started`` False while none is open)."""

    def start(self, *, quiz, user) -> None:
        """Draw the paper now (a timed quiz's clock starts here); the open paper again if there is one."""

    def save(self, *, quiz, user, answers: dict[str, list[str]]) -> PaperState:
        """Keep these answers on the server (an empty list clears one); raise ``rules.AnswerError`` and keep nothing
        when one is malformed or when time is up."""

    def close_expired(self, *, quiz, user):
        """Submit the trainee's open paper if its time is up, with the answers saved in time; the new attempt, or
        None."""

    def answers_to_score(self, *, quiz, user, answers: dict[str, list[str]]) -> dict[str, list[str]]:
        """The answers a submission is scored (and stored) with: those sent, or, when time is up, those saved."""

    def score(self, *, quiz, user, answers: dict[str, list[str]], pass_mark: int) -> QuizScore:
        """Score answers against the open paper exactly as it was shown; raise ``rules.AnswerError``."""

    def attach(self, *, quiz, user, attempt) -> None:
        """Close the open paper: it belongs to ``attempt`` from now on."""

    def attempt_questions(self, attempt) -> list[dict] | None:
        """The questions of a submitted attempt as shown, each with the trainee's answer, whether it was right, the
        correct options, the explanation, the articles cited and the lesson that covers it (the learner's review,
        for the attempt's own trainee only: the caller checks)."""


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
