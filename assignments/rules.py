"""Pure rules of written assignments (no ORM): which change a submission's state allows, the due date, how long a
submission has waited, and a rubric's scores. Unit-tested without a database."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext_lazy as _

from .choices import SubmissionStatus

SUBMIT = "submit"  # the trainee hands in (first time, a replacement before review, or again after a return)
PASS = "pass"  # noqa: S105  (an action's name, not a password)
RETURN = "return"

# The states in which a lecturer has something to review.
WAITING = frozenset({SubmissionStatus.SUBMITTED, SubmissionStatus.RESUBMITTED})

# (state before, action) → state after. Anything not listed is refused.
_TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, SUBMIT): SubmissionStatus.SUBMITTED,
    (SubmissionStatus.SUBMITTED, SUBMIT): SubmissionStatus.SUBMITTED,  # replaced before anyone reviewed it
    (SubmissionStatus.RESUBMITTED, SUBMIT): SubmissionStatus.RESUBMITTED,
    (SubmissionStatus.RETURNED, SUBMIT): SubmissionStatus.RESUBMITTED,
    (SubmissionStatus.SUBMITTED, PASS): SubmissionStatus.PASSED,
    (SubmissionStatus.RESUBMITTED, PASS): SubmissionStatus.PASSED,
    (SubmissionStatus.SUBMITTED, RETURN): SubmissionStatus.RETURNED,
    (SubmissionStatus.RESUBMITTED, RETURN): SubmissionStatus.RETURNED,
}


class TransitionRefused(Exception):
    """The action does not fit the submission's state; ``message`` is translated and safe to show."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def next_status(current: str | None, action: str) -> str:
    """The state after ``action`` on a submission now in ``current`` (None: nothing handed in yet).

    Raises ``TransitionRefused`` with the reason when the action is not allowed: a passed assignment changes no
    more; a returned one waits for the trainee; only a submission waiting for review can be passed or returned."""
    after = _TRANSITIONS.get((current, action))
    if after is not None:
        return after
    if current == SubmissionStatus.PASSED:
        raise TransitionRefused(_("This assignment has been passed; it can no longer be changed."))
    if action == SUBMIT:
        raise TransitionRefused(_("This submission cannot be changed now."))
    if current is None:
        raise TransitionRefused(_("Nothing has been handed in yet."))
    raise TransitionRefused(_("This submission is not waiting for review: the trainee has not handed it in again."))


def can_submit(current: str | None) -> bool:
    """Whether the trainee may hand in (or replace) their work now."""
    return (current, SUBMIT) in _TRANSITIONS


def due_on(*, enrolled_at_local: date, due_days: int) -> date:
    """The due date: ``due_days`` days after the day of enrolment (in the academy's time zone)."""
    return enrolled_at_local + timedelta(days=due_days)


def is_late(*, due: date, handed_in_local: date) -> bool:
    return handed_in_local > due


@dataclass(frozen=True)
class Waited:
    """How long a submission has waited for review, as a lecturer's queue shows it."""

    days: int
    hours: int

    @property
    def total_hours(self) -> int:
        return self.days * 24 + self.hours


def waited(*, since: datetime, now: datetime) -> Waited:
    """Whole days and hours from ``since`` to ``now`` (never negative)."""
    seconds = max(0, int((now - since).total_seconds()))
    hours = seconds // 3600
    return Waited(days=hours // 24, hours=hours % 24)


@dataclass(frozen=True)
class CriterionScore:
    """A criterion as scored: its name, the level chosen and the points (a snapshot: later rubric edits leave it)."""

    criterion_id: str
    criterion: str
    level: str
    points: int
    max_points: int

    def as_dict(self) -> dict:
        return {
            "criterion_id": self.criterion_id,
            "criterion": self.criterion,
            "level": self.level,
            "points": self.points,
            "max_points": self.max_points,
        }


class ScoreError(ValueError):
    """A score that does not fit the rubric; ``message`` is translated."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def score_rubric(rubric: Sequence[Mapping], chosen: Mapping[str, int]) -> list[CriterionScore]:
    """Score ``chosen`` (criterion id → index of the chosen level) against ``rubric`` (each criterion as
    ``{"id", "name", "levels": [{"label", "points"}, …]}``). Every criterion must be scored with one of its levels."""
    scores = []
    for criterion in rubric:
        levels = criterion["levels"]
        index = chosen.get(criterion["id"])
        if index is None:
            raise ScoreError(_("Score every criterion: “%(name)s” has no level chosen.") % {"name": criterion["name"]})
        if not 0 <= index < len(levels):
            raise ScoreError(_("“%(name)s” has no such level.") % {"name": criterion["name"]})
        level = levels[index]
        scores.append(
            CriterionScore(
                criterion_id=criterion["id"],
                criterion=criterion["name"],
                level=level["label"],
                points=int(level["points"]),
                max_points=max(int(item["points"]) for item in levels),
            )
        )
    return scores


def total(scores: Sequence[CriterionScore]) -> tuple[int, int]:
    """Points scored and points possible."""
    return sum(score.points for score in scores), sum(score.max_points for score in scores)
