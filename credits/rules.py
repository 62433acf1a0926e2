"""Pure rules for credits and eligibility: no ORM, no I/O. Selectors gather the facts; these functions decide.

Every shortfall is named and quantified in words a trainee understands ("法规运用还差 1.5 学分"); messages are
translated when read, so a result computed once reads correctly in whichever language the page is shown.
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext, gettext_noop

ZERO = Decimal("0.0")
ONE_PLACE = Decimal("0.1")


def quantity(value: Decimal) -> str:
    """A credit or hour figure as people write it: 1.5, 2 (not 2.0), 0.5."""
    text = f"{Decimal(value).quantize(ONE_PLACE):f}"
    return text[:-2] if text.endswith(".0") else text


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
    return min(99, int(sum(parts, Decimal(0)) * 100 / len(parts)))


def evaluate(requirements: Requirements, facts: Facts) -> Eligibility:
    """Decide whether the facts meet the requirements, naming every shortfall in a stable order:
    competencies (as the programme lists them), required courses, offline hours, then the total."""
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


# Recommendations that close shortfalls ----------------------------------------------------------------------

EXACT_SEARCH_LIMIT = 12  # up to this many candidates per shortfall every subset is tried (4,096 at most)


@dataclass(frozen=True)
class CandidateCourse:
    """A course a trainee could still take, as the recommendation needs to know it."""

    course_id: int
    title: str
    code: str
    competency_id: int
    credits: Decimal
    hours: Decimal = ZERO
    offline: bool = False  # taught wholly or partly in class (counts towards offline hours)
    enrolled: bool = False
    required: bool = False  # named by the programme as a required course
    url: str = ""


@dataclass(frozen=True)
class Recommendation:
    """For one shortfall, what would close it (``closes`` is False when even all of it would not): courses, or for
    offline hours the training sessions to register for, besides those the trainee already holds a seat at."""

    shortfall: Shortfall
    courses: tuple[CandidateCourse, ...]
    closes: bool
    measure: str = "credits"  # or "hours"
    sessions: tuple["CandidateSession", ...] = ()
    booked: tuple["CandidateSession", ...] = ()

    def amount(self, course: CandidateCourse) -> Decimal:
        return course.hours if self.measure == "hours" else course.credits

    @property
    def entries(self) -> list[tuple[CandidateCourse, str]]:
        """Each recommended course with its credits (or hours) as written, e.g. "0.5"."""
        return [(course, quantity(self.amount(course))) for course in self.courses]

    @property
    def message(self) -> str:
        """ "法规运用还差 1.5 学分 — 《…》(1) +《…》(0.5)", translated when read."""
        if self.measure == "hours":
            return self._hours_message()
        if not self.courses and self.closes:
            return gettext("%(shortfall)s — the courses recommended above close it") % {
                "shortfall": self.shortfall.message
            }
        if not self.courses:
            return gettext("%(shortfall)s — no course in the catalogue can close it yet") % {
                "shortfall": self.shortfall.message
            }
        listed = " + ".join(f"《{course.title}》({quantity(self.amount(course))})" for course in self.courses)
        return gettext("%(shortfall)s — %(courses)s") % {"shortfall": self.shortfall.message, "courses": listed}

    def _hours_message(self) -> str:
        """ "线下学习还差 4 学时 — 《…》(3) + 《…》(1)"; sessions already booked are named as such."""
        listed = " + ".join(f"《{session.title}》({quantity(session.hours)})" for session in self.sessions)
        if listed:
            return gettext("%(shortfall)s — %(courses)s") % {"shortfall": self.shortfall.message, "courses": listed}
        if self.closes:
            return gettext("%(shortfall)s — the sessions you have a place at close it") % {
                "shortfall": self.shortfall.message
            }
        return gettext("%(shortfall)s — no session with free places is open for registration now") % {
            "shortfall": self.shortfall.message
        }


def _preference(subset: tuple[CandidateCourse, ...], need: Decimal, amount) -> tuple:
    """How good a closing subset is, smaller first: fewest courses, then most required courses, then most already
    enrolled in, then least credit beyond what is needed, then by code so that the choice is stable."""
    return (
        len(subset),
        -sum(course.required for course in subset),
        -sum(course.enrolled for course in subset),
        sum((amount(course) for course in subset), ZERO) - need,
        tuple(sorted(course.code for course in subset)),
    )


def _ordered(subset) -> tuple[CandidateCourse, ...]:
    """Show required courses first, then those already started, then the rest by code."""
    return tuple(sorted(subset, key=lambda course: (not course.required, not course.enrolled, course.code)))


def smallest_closing_set(
    candidates: Iterable[CandidateCourse], need: Decimal, *, amount=lambda course: course.credits
) -> tuple[tuple[CandidateCourse, ...], bool]:
    """The smallest set of candidates whose amounts add up to at least ``need``, and whether any set does.

    Among the smallest sets, prefer required courses, then courses the trainee is enrolled in, then the least
    extra credit. Up to ``EXACT_SEARCH_LIMIT`` candidates every subset is tried, size by size. Beyond that the
    size is still exact (the k largest amounts are the best k to take, so taking largest first finds the fewest
    courses), and the preferences break ties among equal amounts only.
    When nothing closes it, every useful candidate is returned, largest first.
    """
    from itertools import combinations

    pool = [course for course in candidates if amount(course) > 0]
    if need <= 0:
        return (), True
    pool.sort(key=lambda course: (-amount(course), not course.required, not course.enrolled, course.code))
    if sum((amount(course) for course in pool), ZERO) < need:
        return _ordered(pool), False
    if len(pool) <= EXACT_SEARCH_LIMIT:
        for size in range(1, len(pool) + 1):
            closing = [subset for subset in combinations(pool, size) if sum((amount(c) for c in subset), ZERO) >= need]
            if closing:
                return _ordered(min(closing, key=lambda subset: _preference(subset, need, amount))), True
    chosen, total = [], ZERO
    for course in pool:
        chosen.append(course)
        total += amount(course)
        if total >= need:
            break
    return _ordered(chosen), True


# Offline sessions that close an offline-hours shortfall ---------------------------------------------------


@dataclass(frozen=True)
class CandidateSession:
    """A training session that could add offline hours, as the recommendation needs to know it.

    The selector hands over only sessions that matter: those the trainee holds a seat at (``booked``) that have not
    ended, and those open to them now (registration window open, not started, not registered or waiting already).
    """

    session_id: int
    course_id: int
    title: str
    starts: datetime
    hours: Decimal
    venue: str = ""
    places_left: int = 0
    booked: bool = False  # the trainee already holds a seat: these hours are on their way
    required: bool = False  # a session of a course the programme requires

    @property
    def hours_text(self) -> str:
        return quantity(self.hours)

    @property
    def bookable(self) -> bool:
        return not self.booked and self.places_left > 0 and self.hours > 0


def _soonest(subset) -> tuple:
    """When a set of sessions would be behind the trainee: the latest start first, then the one before, and so on
    (comparing these tuples prefers the set finished soonest)."""
    return tuple(sorted((session.starts for session in subset), reverse=True))


def _session_preference(subset: tuple[CandidateSession, ...], need: Decimal) -> tuple:
    """Among equally small sets: most sessions of required courses, then finished soonest, then least extra hours,
    then by id so that the choice is stable."""
    return (
        -sum(session.required for session in subset),
        _soonest(subset),
        sum((session.hours for session in subset), ZERO) - need,
        tuple(sorted(session.session_id for session in subset)),
    )


def _sessions_shown(subset) -> tuple[CandidateSession, ...]:
    """Show sessions of required courses first, then soonest first."""
    return tuple(sorted(subset, key=lambda session: (not session.required, session.starts, session.session_id)))


def _one_per_course(subset) -> bool:
    courses = [session.course_id for session in subset]
    return len(courses) == len(set(courses))


def smallest_session_set(
    candidates: Iterable[CandidateSession], need: Decimal
) -> tuple[tuple[CandidateSession, ...], tuple[CandidateSession, ...], bool]:
    """The sessions to register for to close an offline-hours shortfall of ``need`` hours.

    Returns (booked, chosen, closes): the sessions the trainee already holds a seat at (their hours count towards
    ``need``), the smallest set of bookable sessions (a free place, not booked) whose hours close what is left, and
    whether they do. At most one session per course: the sessions of a course repeat the same class, and a course
    already booked is not offered again. Among the smallest sets, prefer sessions of required courses, then the
    set finished soonest, then the fewest extra hours. Up to ``EXACT_SEARCH_LIMIT`` bookable sessions every set
    is tried; beyond that the size is still exact (each course's longest session, longest first, reaches the need
    with the fewest sessions) and the preferences break ties among equal hours only.
    When nothing closes it, every course's longest session is returned (all of them still help).
    """
    from itertools import combinations

    candidates = list(candidates)
    booked = tuple(sorted((s for s in candidates if s.booked), key=lambda s: (s.starts, s.session_id)))
    remaining = need - sum((session.hours for session in booked), ZERO)
    if remaining <= 0:
        return booked, (), True
    booked_courses = {session.course_id for session in booked}
    pool = [session for session in candidates if session.bookable and session.course_id not in booked_courses]
    pool.sort(key=lambda s: (-s.hours, not s.required, s.starts, s.session_id))
    per_course: dict[int, CandidateSession] = {}
    for session in pool:  # longest first, so each course keeps its longest session (required, soonest on ties)
        per_course.setdefault(session.course_id, session)
    longest = list(per_course.values())
    if sum((session.hours for session in longest), ZERO) < remaining:
        return booked, _sessions_shown(longest), False
    size, total = 0, ZERO
    for session in longest:
        size += 1
        total += session.hours
        if total >= remaining:
            break
    if len(pool) <= EXACT_SEARCH_LIMIT:
        closing = [
            subset
            for subset in combinations(pool, size)
            if _one_per_course(subset) and sum((s.hours for s in subset), ZERO) >= remaining
        ]
        return booked, _sessions_shown(min(closing, key=lambda subset: _session_preference(subset, remaining))), True
    return booked, _sessions_shown(longest[:size]), True


def recommend(
    eligibility: Eligibility, candidates: Iterable[CandidateCourse], sessions: Iterable[CandidateSession] = ()
) -> tuple[Recommendation, ...]:
    """For each shortfall of an eligibility result, what would close it.

    * A competency shortfall: courses of that competency.
    * A required course not completed: that course.
    * Offline hours: training sessions with free places (see ``smallest_session_set``); hours are earned by
      attending a session, so courses are not recommended for them.
    * The total: any course not already recommended above, for whatever the courses above leave open.
    ``candidates`` are the courses the trainee has not completed, with the programme's required ones flagged;
    ``sessions`` the sessions the trainee holds a seat at or could register for now.
    """
    candidates = list(candidates)
    sessions = list(sessions)
    by_id = {course.course_id: course for course in candidates}
    recommendations: list[Recommendation] = []
    chosen_ids: set[int] = set()
    competency_ids = {row.name: row.competency_id for row in eligibility.competencies}
    for shortfall in eligibility.shortfalls:
        if shortfall.kind == ShortfallKind.COMPETENCY:
            competency_id = competency_ids.get(shortfall.subject)
            pool = [course for course in candidates if course.competency_id == competency_id]
            courses, closes = smallest_closing_set(pool, shortfall.missing)
            recommendations.append(Recommendation(shortfall, courses, closes))
        elif shortfall.kind == ShortfallKind.COURSE:
            matches = [course for course in candidates if course.course_id == shortfall.course_id]
            recommendations.append(Recommendation(shortfall, tuple(matches[:1]), bool(matches)))
        elif shortfall.kind == ShortfallKind.OFFLINE_HOURS:
            booked, chosen, closes = smallest_session_set(sessions, shortfall.missing)
            recommendations.append(
                Recommendation(shortfall, (), closes, measure="hours", sessions=chosen, booked=booked)
            )
            continue  # hours, not credits: nothing here counts towards the total below
        else:
            planned = sum((by_id[course_id].credits for course_id in chosen_ids if course_id in by_id), ZERO)
            pool = [course for course in candidates if course.course_id not in chosen_ids]
            courses, closes = smallest_closing_set(pool, shortfall.missing - planned)
            recommendations.append(Recommendation(shortfall, courses, closes))
        chosen_ids.update(course.course_id for course in recommendations[-1].courses)
    return tuple(recommendations)


# Qualification standing (reports, admin home panels, 我的学分, the trainee list's programme filter) -------------------------


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


def post_standing(*, certified: bool, programme_standings: Iterable[str]) -> str:
    """A trainee's standing for a post: qualified only with a valid certificate of a qualifying programme;
    otherwise the best of their standings for the qualifying programmes (requirements met, certificate pending;
    in progress; not started)."""
    if certified:
        return Standing.QUALIFIED
    best = Standing.NOT_STARTED
    for standing in programme_standings:
        # Only a certificate qualifies: a programme standing can at best be "requirements met".
        standing = Standing.REQUIREMENTS_MET if standing == Standing.QUALIFIED else standing
        if Standing.ORDER.index(standing) < Standing.ORDER.index(best):
            best = standing
    return best
