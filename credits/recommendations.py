"""Pure rules that recommend what closes a trainee's shortfalls: the smallest set of catalogue courses for a
credit shortfall, the soonest sessions for an offline-hours one. No ORM, no I/O; selectors gather the candidates."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext

from .quantities import ZERO, quantity
from .rules import Eligibility, Shortfall, ShortfallKind

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
    * A required course not completed, or the final exam not passed: that course.
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
        elif shortfall.kind in (ShortfallKind.COURSE, ShortfallKind.FINAL_EXAM):
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
