"""Reads for credits. Eligibility for one trainee and one programme is a fixed number of queries."""

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.db.models import DateField, DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.utils import timezone

from academy.cache import VersionedCache
from academy.models import User
from courses.choices import DeliveryMode
from courses.models import Competency, CourseCompletion, CoursePage

from . import quantities, recommendations, rules
from .choices import CertificateRequestStatus
from .models import (
    ApiClient,
    Certificate,
    CertificateRequest,
    CreditEntry,
    OfflineHoursEntry,
    ProgrammeCompetencyMinimum,
    ProgrammePage,
    ProgrammeRequiredCourse,
    TraineeRecordVersion,
)

OFFLINE_MODES = (DeliveryMode.OFFLINE, DeliveryMode.BLENDED)


def today() -> date:
    return timezone.localdate()


# Balances ---------------------------------------------------------------------------------------------------


def credit_balance_by_competency(
    *, trainee: User, since: date | None = None, until: date | None = None
) -> dict[int, Decimal]:
    """A trainee's credits per competency id, optionally only those earned from ``since`` to ``until`` (one query)."""
    entries = CreditEntry.objects.filter(trainee=trainee)
    if since is not None:
        entries = entries.filter(earned_on__gte=since)
    if until is not None:
        entries = entries.filter(earned_on__lte=until)
    rows = entries.order_by().values_list("competency_id").annotate(total=Sum("amount"))
    return {competency_id: total for competency_id, total in rows if total}


def credit_balance_total(*, trainee: User, since: date | None = None, until: date | None = None) -> Decimal:
    """A trainee's total credits, optionally inside a date window (one query)."""
    return sum(credit_balance_by_competency(trainee=trainee, since=since, until=until).values(), rules.ZERO)


def credit_balance(*, trainee: User, competency: Competency) -> Decimal:
    """A trainee's all-time balance in one competency (one query)."""
    total = CreditEntry.objects.filter(trainee=trainee, competency=competency).aggregate(total=Sum("amount"))["total"]
    return total or rules.ZERO


def ledger_for(trainee: User) -> QuerySet[CreditEntry]:
    """A trainee's ledger rows, newest first, with what each came from (one query). Of the course only its title
    and address are read: a course page row is wide, and the ledger of a long-standing trainee is long."""
    return (
        CreditEntry.objects.filter(trainee=trainee)
        .select_related("competency", "course", "recorded_by", "reversed_by")
        .only(
            *(field.attname for field in CreditEntry._meta.concrete_fields),
            "competency__name",
            "course__title",
            "course__url_path",
            "recorded_by__real_name",
            "recorded_by__phone",
            "recorded_by__email",
            "recorded_by__username",
            "reversed_by__id",
        )
    )


# Programmes and eligibility ---------------------------------------------------------------------------------


def programme_requirements(programme: ProgrammePage) -> rules.Requirements:
    """A programme's requirements as the rules see them (two queries, or none when prefetched)."""
    minimums = programme.competency_minimums.all()
    required = programme.required_courses.all()
    if not _is_prefetched(programme, "competency_minimums"):
        minimums = minimums.select_related("competency")
    if not _is_prefetched(programme, "required_courses"):
        required = required.select_related("course")
    return rules.Requirements(
        total_credits=programme.total_credits,
        window_months=programme.window_months,
        min_offline_hours=programme.min_offline_hours,
        minimums=tuple(
            rules.CompetencyMinimum(row.competency_id, row.competency.name, row.credits) for row in minimums
        ),
        required_courses=tuple(
            rules.RequiredCourse(row.course_id, row.course.title, row.course.code) for row in required
        ),
        # One more query, only for a programme with a final exam.
        final_exam=(
            rules.RequiredCourse(programme.final_exam_id, programme.final_exam.title, programme.final_exam.code)
            if programme.final_exam_id
            else None
        ),
    )


def _is_prefetched(instance, name: str) -> bool:
    return name in getattr(instance, "_prefetched_objects_cache", {})


def completions_and_offline_hours(trainee: User) -> tuple[frozenset[int], list[tuple[Decimal, date]]]:
    """Completed course ids (ever) and every (hours, earned_on) offline-hours row, in one query (UNION ALL).

    Offline hours are the hours of training sessions actually attended (``OfflineHoursEntry`` rows, one per
    trainee and session), not the nominal hours of completed offline courses."""
    zero = Value(rules.ZERO, output_field=DecimalField(max_digits=4, decimal_places=1))
    no_day = Value(None, output_field=DateField())
    completions = (
        CourseCompletion.objects.filter(user=trainee)
        .annotate(row=Value("c"), h=zero, day=no_day)
        .values_list("row", "course_id", "h", "day")
    )
    hours = (
        OfflineHoursEntry.objects.filter(trainee=trainee)
        .annotate(row=Value("h"))
        .values_list("row", "course_id", "hours", "earned_on")
    )
    completed, hour_rows = set(), []
    for row, course_id, value, earned_on in completions.order_by().union(hours.order_by(), all=True):
        if row == "c":
            completed.add(course_id)
        else:
            if isinstance(earned_on, str):  # SQLite hands back a union's dates as text
                earned_on = date.fromisoformat(earned_on)
            hour_rows.append((Decimal(str(value)).quantize(quantities.ONE_PLACE), earned_on))
    return frozenset(completed), hour_rows


def offline_hours_in_window(rows: list[tuple[Decimal, date]], *, since: date, until: date) -> Decimal:
    """Sum (hours, earned_on) rows earned from ``since`` to ``until`` inclusive."""
    return sum((hours for hours, earned_on in rows if since <= earned_on <= until), rules.ZERO)


def offline_hours_for(trainee: User) -> QuerySet[OfflineHoursEntry]:
    """A trainee's offline-hours rows, newest first, with their session and course."""
    return OfflineHoursEntry.objects.filter(trainee=trainee).select_related("session", "course", "session__venue")


def trainee_facts(*, trainee: User, requirements: rules.Requirements, as_of: date | None = None) -> rules.Facts:
    """What the rules need to know about a trainee for one programme (two queries)."""
    as_of = as_of or today()
    since = rules.window_start(as_of=as_of, months=requirements.window_months)
    completed, hour_rows = completions_and_offline_hours(trainee)
    hours = offline_hours_in_window(hour_rows, since=since, until=as_of)
    return rules.Facts(
        credits_by_competency=credit_balance_by_competency(trainee=trainee, since=since, until=as_of),
        completed_course_ids=completed,
        offline_hours=hours,
    )


def eligibility_for(
    *,
    trainee: User,
    programme: ProgrammePage,
    as_of: date | None = None,
    requirements: rules.Requirements | None = None,
) -> rules.Eligibility:
    """Whether a trainee meets a programme's requirements today, with every shortfall (at most four queries)."""
    requirements = requirements or programme_requirements(programme)
    return rules.evaluate(requirements, trainee_facts(trainee=trainee, requirements=requirements, as_of=as_of))


@dataclass(frozen=True)
class Judgement:
    """A holder's record for one programme as read today, and what the rules make of it: read once, then passed
    from the automatic check to the issue so eligibility is not evaluated twice (see ``eligibility_for`` for
    the eligibility alone)."""

    facts: rules.Facts
    eligibility: rules.Eligibility


def judgement_for(*, trainee: User, requirements: rules.Requirements) -> Judgement:
    """Read a trainee's record against a programme's requirements today and evaluate it (two queries)."""
    facts = trainee_facts(trainee=trainee, requirements=requirements, as_of=today())
    return Judgement(facts=facts, eligibility=rules.evaluate(requirements, facts))


def programmes_live(*, posts: bool = True) -> QuerySet[ProgrammePage]:
    """Live programmes with their requirement rows (and posts) prefetched."""
    return (
        ProgrammePage.objects.live()
        .order_by("path")
        .prefetch_related(
            Prefetch("competency_minimums", ProgrammeCompetencyMinimum.objects.select_related("competency")),
            Prefetch("required_courses", ProgrammeRequiredCourse.objects.select_related("course")),
            *(["posts"] if posts else []),
        )
    )


def programmes_for(trainee: User) -> list[ProgrammePage]:
    """The live programmes meant for a trainee's party (or for every party)."""
    programmes = programmes_live()
    if trainee.party:
        programmes = programmes.filter(Q(party=trainee.party) | Q(party=""))
    return list(programmes)


# The catalogue: programmes, competencies and live courses, cached ------------------------------------------

# Forgotten whenever a page, a requirement row or a competency changes (receivers in CreditsConfig.ready).
CATALOGUE = VersionedCache("credits:catalogue", timeout=60)


@dataclass(frozen=True)
class ProgrammeSummary:
    """A live programme as pages that show progress need it: its address and its requirements."""

    pk: int
    title: str
    slug: str
    url: str
    party: str
    requirements: rules.Requirements


@dataclass(frozen=True)
class LiveCourse:
    audiences: frozenset[str]
    candidate: recommendations.CandidateCourse


@dataclass(frozen=True)
class Catalogue:
    competencies: tuple[Competency, ...]
    programmes: tuple[ProgrammeSummary, ...]
    courses: tuple[LiveCourse, ...]

    def programmes_for(self, trainee: User) -> list[ProgrammeSummary]:
        """The programmes meant for a trainee's party (or for every party), as ``programmes_for`` chooses them."""
        return [p for p in self.programmes if not trainee.party or p.party in (trainee.party, "")]


def _catalogue_build() -> Catalogue:
    courses = (
        CoursePage.objects.live()
        .order_by("code")
        .only("id", "title", "code", "competency_id", "credits", "hours", "delivery_mode", "audiences", "url_path")
    )
    return Catalogue(
        competencies=tuple(Competency.objects.all()),
        programmes=tuple(
            ProgrammeSummary(p.pk, p.title, p.slug, p.url or "", p.party, programme_requirements(p))
            for p in programmes_live(posts=False)
        ),
        courses=tuple(
            LiveCourse(
                frozenset(course.audiences),
                recommendations.CandidateCourse(
                    course_id=course.pk,
                    title=course.title,
                    code=course.code,
                    competency_id=course.competency_id,
                    credits=course.credits,
                    hours=course.hours,
                    offline=course.delivery_mode in OFFLINE_MODES,
                    url=course.url or "",
                ),
            )
            for course in courses
        ),
    )


def catalogue() -> Catalogue:
    """The live programmes (with their requirements), the competencies and the live courses, read once and cached:
    every trainee's page needs all three, and they change only when an editor publishes. Pages that decide (issuing a
    certificate) read the programme itself instead."""
    return CATALOGUE.get_or_build("all", _catalogue_build)


@dataclass
class ProgrammeProgress:
    programme: ProgrammeSummary
    eligibility: rules.Eligibility
    certificate: Certificate | None
    # Requirements met, certificate waiting for a registrar's approval: the request in the queue.
    pending_request: CertificateRequest | None = None


@dataclass
class MyCredits:
    """Everything 我的学分 shows, gathered in a fixed number of queries."""

    competencies: list[tuple[Competency, Decimal]]
    total: Decimal
    programmes: list[ProgrammeProgress]
    ledger: list[CreditEntry]
    offline_hours_total: Decimal = rules.ZERO
    completed_course_ids: frozenset[int] = frozenset()


def my_credits_for(trainee: User, *, as_of: date | None = None) -> MyCredits:
    """A trainee's credits per competency, each relevant programme's progress and the ledger (three queries, with
    the catalogue cached; seven more when it is not).

    The ledger is read once and every programme's window is summed from it with the same pure function the
    rules use, so the figures here and the eligibility decision cannot disagree.
    """
    as_of = as_of or today()
    ledger = list(ledger_for(trainee))
    lines = [rules.LedgerLine(entry.competency_id, entry.amount, entry.earned_on) for entry in ledger]
    known = catalogue()
    balances = rules.credits_in_window(lines, since=date.min, until=date.max)
    rows = [(competency, balances.get(competency.pk, rules.ZERO)) for competency in known.competencies]
    completed, hour_rows = completions_and_offline_hours(trainee)
    programmes = known.programmes_for(trainee)
    certificates = {
        certificate.programme_id: certificate
        for certificate in valid_certificates(trainee=trainee, programmes=[p.pk for p in programmes], on=as_of)
    }
    progress = []
    for programme in programmes:
        requirements = programme.requirements
        since = rules.window_start(as_of=as_of, months=requirements.window_months)
        hours = offline_hours_in_window(hour_rows, since=since, until=as_of)
        facts = rules.Facts(rules.credits_in_window(lines, since=since, until=as_of), completed, hours)
        progress.append(
            ProgrammeProgress(programme, rules.evaluate(requirements, facts), certificates.get(programme.pk))
        )
    # Only a programme met without a certificate can be waiting for approval: no query for anyone else.
    waiting = [item.programme.pk for item in progress if item.eligibility.met and item.certificate is None]
    if waiting:
        pending = {
            request.programme_id: request for request in pending_certificate_requests(trainee, programmes=waiting)
        }
        progress = [replace(item, pending_request=pending.get(item.programme.pk)) for item in progress]
    return MyCredits(
        competencies=rows,
        total=sum((value for _c, value in rows), rules.ZERO),
        programmes=progress,
        ledger=ledger,
        offline_hours_total=sum((hours for hours, _day in hour_rows), rules.ZERO),
        completed_course_ids=completed,
    )


# Certificates held ------------------------------------------------------------------------------------------


def valid_certificates(*, trainee: User, programmes, on: date | None = None) -> QuerySet[Certificate]:
    """A trainee's valid, unexpired certificates of any of ``programmes`` (one query)."""
    on = on or today()
    return (
        Certificate.objects.valid_on(on)
        .filter(holder=trainee, programme__in=programmes)
        .select_related("programme")
        .order_by("-valid_until")
    )


def pending_certificate_requests(trainee: User, *, programmes=None) -> QuerySet[CertificateRequest]:
    """A trainee's certificate requests waiting for a registrar's approval (of ``programmes``, when given)."""
    requests = CertificateRequest.objects.filter(holder=trainee, status=CertificateRequestStatus.PENDING)
    if programmes is not None:
        requests = requests.filter(programme__in=programmes)
    return requests.select_related("programme").order_by("requested_at", "pk")


def valid_certificate_for(user: User, programmes, *, on: date | None = None) -> Certificate | None:
    """The longest-valid certificate the user holds of one of ``programmes``, or None."""
    return valid_certificates(trainee=user, programmes=programmes, on=on).first()


# API clients ------------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client whose token this is, or None (one query)."""
    if not token:
        return None
    return ApiClient.objects.filter(token_hash=token_hash(token), is_active=True).first()


# Recommendations ------------------------------------------------------------------------------------------


def course_candidates(
    trainee: User, *, completed: frozenset[int] | None = None
) -> list[recommendations.CandidateCourse]:
    """Live courses the trainee has not completed and that are meant for their party (one query for their
    enrolments, one more when ``completed`` course ids are not passed; the courses come from the catalogue)."""
    from courses.models import Enrolment

    if completed is None:
        completed = frozenset(CourseCompletion.objects.filter(user=trainee).values_list("course_id", flat=True))
    enrolled = set(Enrolment.objects.filter(user=trainee).values_list("course_id", flat=True))
    return [
        replace(course.candidate, enrolled=course.candidate.course_id in enrolled)
        for course in catalogue().courses
        if course.candidate.course_id not in completed and (not trainee.party or trainee.party in course.audiences)
    ]


def session_candidates(trainee: User, *, now=None) -> list[recommendations.CandidateSession]:
    """The training sessions that could add to a trainee's offline hours: those they hold a seat at and those they
    could register for now, with the places left (one query; see ``courses.selectors.sessions_for_offline_hours``)."""
    from courses.choices import RegistrationStatus
    from courses.selectors import sessions_for_offline_hours

    return [
        recommendations.CandidateSession(
            session_id=session.pk,
            course_id=session.course_id,
            title=session.title,
            starts=session.start,
            hours=session.hours,
            venue=session.venue.name,
            places_left=max(session.places_left, 0),
            booked=session.my_status == RegistrationStatus.REGISTERED,
        )
        for session in sessions_for_offline_hours(trainee, now=now, audience=trainee.party)
    ]


def needs_offline_hours(eligibilities) -> bool:
    """Whether any of these eligibility results is short of offline hours (then sessions are worth reading)."""
    return any(
        shortfall.kind == rules.ShortfallKind.OFFLINE_HOURS
        for eligibility in eligibilities
        for shortfall in eligibility.shortfalls
    )


def recommendations_for(
    *,
    requirements: rules.Requirements,
    eligibility: rules.Eligibility,
    candidates: list[recommendations.CandidateCourse],
    sessions: list[recommendations.CandidateSession] = (),
) -> tuple[recommendations.Recommendation, ...]:
    """What would close each of a programme's shortfalls (no queries: candidates and sessions are passed in)."""
    required = {course.course_id for course in requirements.required_courses}
    flagged = [
        recommendations.CandidateCourse(**{**candidate.__dict__, "required": candidate.course_id in required})
        for candidate in candidates
    ]
    flagged_sessions = [replace(session, required=session.course_id in required) for session in sessions]
    return recommendations.recommend(eligibility, flagged, flagged_sessions)


# 我的学分, cached per trainee ------------------------------------------------------------------------------------

# Entries are keyed on the trainee's record version (moved on by every change to the rows the dashboard reads, see
# receivers.DASHBOARD_RECORDS), their party, the day, the catalogue's version and the content generation (pages,
# sessions and every registration: the places left). Forgotten with the catalogue.
DASHBOARDS = VersionedCache("credits:dashboard", timeout=600)


@dataclass
class Dashboard:
    """What 我的学分 shows: the trainee's credits, and each programme's progress with what would close its
    shortfalls."""

    my_credits: MyCredits
    programme_rows: list[tuple[ProgrammeProgress, tuple[recommendations.Recommendation, ...]]]
    # The sessions on offer change with time alone (a registration opening or closing, a session starting): the
    # moment this answer stops holding, or None when no session was read or none is ahead.
    valid_until: datetime | None = None


def trainee_record_version(trainee: User) -> int:
    """The trainee's record version (one query; 0 before their first change)."""
    version = TraineeRecordVersion.objects.filter(trainee_id=trainee.pk).values_list("version", flat=True).first()
    return version or 0


def _dashboard_build(trainee: User, *, now: datetime, as_of: date) -> Dashboard:
    from courses.selectors import sessions_for_offline_hours_change_at

    my_credits = my_credits_for(trainee, as_of=as_of)
    unmet = [item for item in my_credits.programmes if not item.eligibility.met and item.certificate is None]
    candidates = course_candidates(trainee, completed=my_credits.completed_course_ids) if unmet else []
    # Sessions are read (one query, and one for when they change) only when some programme is short of offline hours.
    needs_sessions = needs_offline_hours(item.eligibility for item in unmet)
    sessions = session_candidates(trainee, now=now) if needs_sessions else []
    by_programme = {
        item.programme.pk: recommendations_for(
            requirements=item.programme.requirements,
            eligibility=item.eligibility,
            candidates=candidates,
            sessions=sessions,
        )
        for item in unmet
    }
    return Dashboard(
        my_credits=my_credits,
        programme_rows=[(item, by_programme.get(item.programme.pk, ())) for item in my_credits.programmes],
        valid_until=sessions_for_offline_hours_change_at(now=now) if needs_sessions else None,
    )


@dataclass(frozen=True)
class DashboardKey:
    """Where a trainee's dashboard is cached now, and the moment and day it is read for."""

    key: str
    now: datetime
    as_of: date

    def fresh(self, valid_until: datetime | None) -> bool:
        """Whether an entry that holds until ``valid_until`` may still be served."""
        return valid_until is None or self.now < valid_until


def dashboard_key(trainee: User) -> DashboardKey:
    """The cache key of a trainee's dashboard (one query, for their record version): their record version, party,
    today's date, and with ``DASHBOARDS`` the catalogue's version and the content generation."""
    # The version is read before the rows it stands for: a change committed in between is then cached under the old
    # version, which the change has already moved on, and never under the new one with the old rows.
    version = trainee_record_version(trainee)
    now = timezone.now()
    as_of = timezone.localdate(now)
    return DashboardKey(DASHBOARDS.key(f"{trainee.pk}:{version}:{trainee.party}:{as_of.isoformat()}"), now, as_of)


def dashboard_for(trainee: User, *, key: DashboardKey | None = None) -> Dashboard:
    """我的学分 for a trainee: from the cache when their record, the catalogue and the pages are as they were (see
    ``DASHBOARDS``), else the reads of ``my_credits_for``, ``course_candidates`` and ``session_candidates``."""
    key = key or dashboard_key(trainee)
    dashboard = cache.get(key.key)
    if dashboard is None or not key.fresh(dashboard.valid_until):
        dashboard = _dashboard_build(trainee, now=key.now, as_of=key.as_of)
        cache.set(key.key, dashboard, DASHBOARDS.timeout)
    return dashboard
