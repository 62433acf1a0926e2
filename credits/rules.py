"""Pure rules for credits and eligibility: no ORM, no I/O. Selectors gather the facts; these functions decide.

Every shortfall is named and quantified in words a trainee understands ("法规运用还差 1.5 学分"); messages are
translated when read, so a result computed once reads correctly in whichever language the page is shown.
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext, gettext_noop

from .quantities import ONE_PLACE, ZERO, quantity


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier, clamped to the month's last day (31 March − 1 month = 28/29 Feb)."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window_start(*, as_of: date, months: int) -> date:
    """The first day on which earned credit still counts for a programme with a window of ``months``."""
    return months_before(as_of, months)


@dataclass(frozen=True)
class LedgerLine:
    """What eligibility needs of one ledger row."""

    competency_id: int
    amount: Decimal
    earned_on: date


def credits_in_window(lines: Iterable[LedgerLine], *, since: date, until: date) -> dict[int, Decimal]:
    """Sum ledger lines per competency for rows earned from ``since`` to ``until`` inclusive (order-free)."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if since <= line.earned_on <= until:
            totals[line.competency_id] += line.amount
    return {competency_id: total for competency_id, total in totals.items() if total != 0}


@dataclass(frozen=True)
class CompetencyMinimum:
    competency_id: int
    name: str
    credits: Decimal


@dataclass(frozen=True)
class RequiredCourse:
    course_id: int
    title: str
    code: str = ""


@dataclass(frozen=True)
class Requirements:
    """A programme's graduation requirements (结业标准)."""

    total_credits: Decimal
    window_months: int
    minimums: tuple[CompetencyMinimum, ...] = ()
    required_courses: tuple[RequiredCourse, ...] = ()
    min_offline_hours: Decimal = ZERO
    final_exam: RequiredCourse | None = None  # 结业考试: its course, completed once its drawn quiz is passed


@dataclass(frozen=True)
class Facts:
    """A trainee's record as it stands: credits per competency inside the programme's window, the courses
    they have completed, and hours of offline learning inside the window."""

    credits_by_competency: Mapping[int, Decimal] = field(default_factory=dict)
    completed_course_ids: frozenset[int] = frozenset()
    offline_hours: Decimal = ZERO

    @property
    def total_credits(self) -> Decimal:
        return sum(self.credits_by_competency.values(), ZERO)


class ShortfallKind:
    COMPETENCY = "competency"
    COURSE = "course"
    FINAL_EXAM = "final_exam"
    OFFLINE_HOURS = "offline_hours"
    TOTAL = "total"


@dataclass(frozen=True)
class Shortfall:
    """One unmet requirement: what, and by how much."""

    kind: str
    subject: str = ""
    missing: Decimal | None = None
    course_id: int | None = None  # for a required course not completed

    @property
    def message(self) -> str:
        if self.kind == ShortfallKind.COMPETENCY:
            return gettext("%(competency)s still needs %(credits)s credits") % {
                "competency": self.subject,
                "credits": quantity(self.missing),
            }
        if self.kind == ShortfallKind.COURSE:
            return gettext("Required course 《%(title)s》 not completed") % {"title": self.subject}
        if self.kind == ShortfallKind.FINAL_EXAM:
            return gettext("Final exam 《%(title)s》 not passed") % {"title": self.subject}
        if self.kind == ShortfallKind.OFFLINE_HOURS:
            return gettext("Offline learning still needs %(hours)s hours") % {"hours": quantity(self.missing)}
        return gettext("Total credits still need %(credits)s more") % {"credits": quantity(self.missing)}

    def __str__(self):
        return self.message


@dataclass(frozen=True)
class CompetencyProgress:
    competency_id: int
    name: str
    earned: Decimal
    required: Decimal

    @property
    def percent(self) -> int:
        return percent(self.earned, self.required)


@dataclass(frozen=True)
class Eligibility:
    """Met or not, with every shortfall, plus the progress figures a trainee sees."""

    met: bool
    shortfalls: tuple[Shortfall, ...]
    total_earned: Decimal = ZERO
    total_required: Decimal = ZERO
    competencies: tuple[CompetencyProgress, ...] = ()
    courses_done: int = 0
    courses_required: int = 0
    offline_hours: Decimal = ZERO
    offline_hours_required: Decimal = ZERO
    final_exam_required: bool = False
    final_exam_passed: bool = False

    @property
    def percent(self) -> int:
        """How far through the whole programme (see ``programme_percent``): what the progress bar shows."""
        return programme_percent(self)

    @property
    def credits_percent(self) -> int:
        """The total-credits requirement alone (one of the parts of ``percent``)."""
        return percent(self.total_earned, self.total_required)

    @property
    def messages(self) -> list[str]:
        return [shortfall.message for shortfall in self.shortfalls]


def percent(earned: Decimal, required: Decimal) -> int:
    """Progress towards a requirement, 0–100; a requirement of nothing is already complete."""
    if required <= 0:
        return 100
    return max(0, min(100, int(earned * 100 / required)))


def _share(done: Decimal, needed: Decimal) -> Decimal:
    """The part of one requirement done, 0 to 1; a requirement of nothing is done."""
    if needed <= 0:
        return Decimal(1)
    return max(Decimal(0), min(Decimal(1), Decimal(done) / Decimal(needed)))


def programme_percent(eligibility: Eligibility) -> int:
    """Progress through a whole programme, 0–100, as a trainee reads it beside "met" or "not yet met".

    Every requirement the programme sets counts as one equal part: the total credits, each competency's minimum,
    the required courses (the share completed) and the offline hours; each part is capped at done, so credit beyond
    one requirement does not make up for another. The result is rounded down and is 100 only when the programme is
    met: with anything still to do it stays at 99 or below, so "100%" never sits beside "not yet met". Equal parts
    rather than weights by credits, because a required course or a few offline hours stop graduation just as
    surely as missing credits do, and a trainee should see that they are not nearly there.
    """
    if eligibility.met:
        return 100
    parts = [_share(eligibility.total_earned, eligibility.total_required)]
    parts += [_share(row.earned, row.required) for row in eligibility.competencies]
    if eligibility.courses_required:
        parts.append(_share(Decimal(eligibility.courses_done), Decimal(eligibility.courses_required)))
    if eligibility.offline_hours_required > 0:
        parts.append(_share(eligibility.offline_hours, eligibility.offline_hours_required))
    if eligibility.final_exam_required:
        parts.append(Decimal(1) if eligibility.final_exam_passed else Decimal(0))
    return min(99, int(sum(parts, Decimal(0)) * 100 / len(parts)))


def evaluate(requirements: Requirements, facts: Facts) -> Eligibility:
    """Decide whether the facts meet the requirements, naming every shortfall in a stable order:
    competencies (as the programme lists them), required courses, the final exam (结业考试, when the programme has
    one: passed once its course is completed), offline hours, then the total."""
    shortfalls: list[Shortfall] = []
    progress = []
    for minimum in requirements.minimums:
        earned = facts.credits_by_competency.get(minimum.competency_id, ZERO)
        progress.append(CompetencyProgress(minimum.competency_id, minimum.name, earned, minimum.credits))
        if earned < minimum.credits:
            shortfalls.append(Shortfall(ShortfallKind.COMPETENCY, minimum.name, minimum.credits - earned))
    done = 0
    for course in requirements.required_courses:
        if course.course_id in facts.completed_course_ids:
            done += 1
        else:
            shortfalls.append(Shortfall(ShortfallKind.COURSE, course.title, course_id=course.course_id))
    exam = requirements.final_exam
    exam_passed = exam is not None and exam.course_id in facts.completed_course_ids
    if exam is not None and not exam_passed:
        shortfalls.append(Shortfall(ShortfallKind.FINAL_EXAM, exam.title, course_id=exam.course_id))
    if facts.offline_hours < requirements.min_offline_hours:
        shortfalls.append(
            Shortfall(ShortfallKind.OFFLINE_HOURS, missing=requirements.min_offline_hours - facts.offline_hours)
        )
    total = facts.total_credits
    if total < requirements.total_credits:
        shortfalls.append(Shortfall(ShortfallKind.TOTAL, missing=requirements.total_credits - total))
    return Eligibility(
        met=not shortfalls,
        shortfalls=tuple(shortfalls),
        total_earned=total,
        total_required=requirements.total_credits,
        competencies=tuple(progress),
        courses_done=done,
        courses_required=len(requirements.required_courses),
        offline_hours=facts.offline_hours,
        offline_hours_required=requirements.min_offline_hours,
        final_exam_required=exam is not None,
        final_exam_passed=exam_passed,
    )


def adjustment_problem(*, amount: Decimal, reason: str, balance: Decimal) -> str | None:
    """Why a manual adjustment may not be recorded (an untranslated msgid), or None when it may."""
    if not reason.strip():
        return gettext_noop("Give a reason for the adjustment.")
    if amount == 0:
        return gettext_noop("The adjustment cannot be zero.")
    if amount != amount.quantize(ONE_PLACE):
        return gettext_noop("Credits have one decimal place.")
    if balance + amount < 0:
        return gettext_noop("This adjustment would leave the competency with a negative balance.")
    return None


# Qualification standing (reports, admin home panels, the trainee list's programme filter, appointments) ---------


class Standing:
    """Where a trainee stands for a programme or a post: the same words in reports, charts, filters, appointments
    and the eligibility API.

    ``QUALIFIED`` is the one meaning of "qualified for a post": holding a valid certificate of a qualifying
    programme. Meeting a programme's requirements without that certificate is ``REQUIREMENTS_MET`` ("requirements
    met, certificate pending"), its own state, never counted as qualified. A programme's standing (requirements
    only, ``PROGRAMME_ORDER``) is never ``QUALIFIED``: certificates are a post's business."""

    QUALIFIED = "qualified"
    REQUIREMENTS_MET = "requirements_met"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"

    ORDER = (QUALIFIED, REQUIREMENTS_MET, IN_PROGRESS, NOT_STARTED)
    PROGRAMME_ORDER = (REQUIREMENTS_MET, IN_PROGRESS, NOT_STARTED)


def has_started(requirements: Requirements, facts: Facts) -> bool:
    """Some credit inside the window, a required course completed, or some offline hours: the trainee has begun."""
    required = {course.course_id for course in requirements.required_courses}
    return facts.total_credits > 0 or bool(required & facts.completed_course_ids) or facts.offline_hours > 0


def programme_standing(requirements: Requirements, facts: Facts) -> str:
    """Requirements met when every requirement is met, in progress once started, otherwise not started."""
    if evaluate(requirements, facts).met:
        return Standing.REQUIREMENTS_MET
    return Standing.IN_PROGRESS if has_started(requirements, facts) else Standing.NOT_STARTED
