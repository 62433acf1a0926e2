"""Reads behind the academy's reports, the admin home panels and the trainee list's filters.

Every function takes the viewer and reads only the people the viewer may see. None of them runs a query per
trainee: standings come from ledger sums and completions aggregated for the whole population at once (a few
queries), then decided by the pure functions in ``credits.rules`` — the same ones a trainee's own page (我的学分)
uses, so a report and a trainee's page cannot disagree.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from academy.choices import Party
from academy.models import Street, User
from academy.selectors import streets_visible_to, trainees_visible_to
from courses.choices import AttendanceStatus, RegistrationStatus, SessionStatus
from courses.models import (
    Competency,
    CourseCompletion,
    CoursePage,
    Enrolment,
    SessionAttendance,
    SessionRegistration,
    TrainingSession,
)

from .. import rules
from ..models import Appointment, Certificate, CreditEntry, OfflineHoursEntry, Post, ProgrammePage
from ..posts import rules as post_rules
from ..posts.selectors import appointments_visible_to
from ..selectors import programme_requirements, programmes_live, today

EXPIRING_DAYS = 90
DECIMAL = DecimalField(max_digits=9, decimal_places=1)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# Facts for a whole population ------------------------------------------------------------------------------


@dataclass
class PopulationFacts:
    """Ledger sums per window, required-course completions, offline hours per window and valid certificates for
    every trainee in a population, each gathered in one aggregated query."""

    balances: dict[int, dict[int, dict[int, Decimal]]] = field(default_factory=dict)  # window → trainee → comp
    completed: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    offline_hours: dict[int, dict[int, Decimal]] = field(default_factory=dict)  # window → trainee → hours
    certified: set[tuple[int, int]] = field(default_factory=set)  # (trainee, programme)

    def facts(self, trainee_id: int, requirements: rules.Requirements) -> rules.Facts:
        window = requirements.window_months
        return rules.Facts(
            credits_by_competency=self.balances.get(window, {}).get(trainee_id, {}),
            completed_course_ids=frozenset(self.completed.get(trainee_id, ())),
            offline_hours=self.offline_hours.get(window, {}).get(trainee_id, rules.ZERO),
        )


def population_facts(
    population: QuerySet[User], programmes: list[ProgrammePage], requirements: dict[int, rules.Requirements], *, as_of
) -> PopulationFacts:
    """Gather what the rules need for every trainee in ``population`` and every programme: one ledger and one
    offline-hours query per distinct window length, one query for required completions and one for certificates."""
    ids = population.order_by().values("pk")
    facts = PopulationFacts()
    for window in sorted({r.window_months for r in requirements.values()}):
        since = rules.window_start(as_of=as_of, months=window)
        per_trainee: dict[int, dict[int, Decimal]] = defaultdict(dict)
        rows = (
            CreditEntry.objects.filter(trainee_id__in=ids, earned_on__gte=since, earned_on__lte=as_of)
            .order_by()
            .values_list("trainee_id", "competency_id")
            .annotate(total=Sum("amount"))
        )
        for trainee_id, competency_id, total in rows:
            if total:
                per_trainee[trainee_id][competency_id] = total
        facts.balances[window] = per_trainee
        if any(r.min_offline_hours > 0 for r in requirements.values() if r.window_months == window):
            # Attended session hours, as eligibility counts them (credits.selectors.completions_and_offline_hours).
            hours = (
                OfflineHoursEntry.objects.filter(trainee_id__in=ids, earned_on__gte=since, earned_on__lte=as_of)
                .order_by()
                .values_list("trainee_id")
                .annotate(hours=Sum("hours"))
            )
            facts.offline_hours[window] = dict(hours)
    required = {course.course_id for r in requirements.values() for course in r.required_courses}
    if required:
        for user_id, course_id in CourseCompletion.objects.filter(user_id__in=ids, course_id__in=required).values_list(
            "user_id", "course_id"
        ):
            facts.completed[user_id].add(course_id)
    facts.certified = set(
        Certificate.objects.valid_on(as_of)
        .filter(
            holder_id__in=ids,
            programme__in=[p.pk for p in programmes],
        )
        .values_list("holder_id", "programme_id")
    )
    return facts


# Qualification by street -----------------------------------------------------------------------------------


@dataclass
class QualificationRow:
    """One street's standing for one post: how many trainees stand where (``rules.Standing``)."""

    street: Street
    post: Post
    qualified: int = 0
    requirements_met: int = 0
    in_progress: int = 0
    not_started: int = 0

    @property
    def trainees(self) -> int:
        return self.qualified + self.requirements_met + self.in_progress + self.not_started

    @property
    def qualified_percent(self) -> int:
        return round(self.qualified * 100 / self.trainees) if self.trainees else 0

    def count(self, standing: str) -> int:
        """How many trainees of the street have ``standing`` for the post."""
        return getattr(self, standing)


def qualification_by_street(
    *, viewer: User, street: Street | None = None, post: Post | None = None, as_of: dt.date | None = None
) -> list[QualificationRow]:
    """For each visible street and each post: how many of the street's trainees of the post's party are qualified
    (a valid certificate of a qualifying programme), have met a qualifying programme's requirements but have no
    certificate yet, are in progress, or have not started; ``posts.rules.post_standing`` decides, as for appointments."""
    as_of = as_of or today()
    streets = list(streets_visible_to(viewer).filter(pk=street.pk) if street else streets_visible_to(viewer))
    posts_qs = Post.objects.prefetch_related("programmes")
    posts = list(posts_qs.filter(pk=post.pk) if post else posts_qs)
    if not streets or not posts:
        return []
    programmes = list(programmes_live())
    live_ids = {p.pk for p in programmes}
    requirements = {p.pk: programme_requirements(p) for p in programmes}
    population = trainees_visible_to(viewer).filter(street__in=[s.pk for s in streets])
    people = list(population.order_by().values_list("pk", "street_id", "party"))
    facts = population_facts(population, programmes, requirements, as_of=as_of)

    rows = {(s.pk, p.pk): QualificationRow(street=s, post=p) for s in streets for p in posts}
    post_programmes = {p.pk: [pr.pk for pr in p.programmes.all() if pr.pk in live_ids] for p in posts}
    for trainee_id, street_id, party in people:
        standings_cache: dict[int, str] = {}
        for post_obj in posts:
            if post_obj.party and post_obj.party != party:
                continue
            programme_ids = post_programmes[post_obj.pk]
            certified = any((trainee_id, pid) in facts.certified for pid in programme_ids)
            standings = []
            for pid in programme_ids:
                if pid not in standings_cache:
                    standings_cache[pid] = rules.programme_standing(
                        requirements[pid], facts.facts(trainee_id, requirements[pid])
                    )
                standings.append(standings_cache[pid])
            standing = post_rules.post_standing(certified=certified, programme_standings=standings)
            row = rows[(street_id, post_obj.pk)]
            setattr(row, standing, row.count(standing) + 1)
    return [rows[(s.pk, p.pk)] for s in streets for p in posts]


# Completion by course --------------------------------------------------------------------------------------


def completion_by_course(
    *, viewer: User, street: Street | None = None, competency: Competency | None = None
) -> QuerySet[CoursePage]:
    """Live courses with how many visible trainees enrolled and completed each (one query: counted in
    correlated subqueries, so neither count multiplies the other)."""
    population = trainees_visible_to(viewer, street_id=street.pk if street else None).order_by().values("pk")

    def counted(model, user_field):
        rows = (
            model.objects.filter(course=OuterRef("pk"), **{f"{user_field}__in": population})
            .order_by()
            .values("course")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    courses = (
        CoursePage.objects.live()
        .select_related("competency")
        .annotate(enrolled=counted(Enrolment, "user"), completed=counted(CourseCompletion, "user"))
        .order_by("competency__order", "code", "pk")
    )
    if competency is not None:
        courses = courses.filter(competency=competency)
    return courses


# Credits by competency and party ---------------------------------------------------------------------------


@dataclass
class CreditsRow:
    competency: Competency
    party: str
    credits: Decimal
    trainees: int

    @property
    def party_label(self) -> str:
        return str(Party(self.party).label) if self.party in Party.values else ""


def credits_by_competency_and_party(
    *, viewer: User, street: Street | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> list[CreditsRow]:
    """Credits earned per competency and party by visible trainees (net of reversals), with how many trainees
    earned them; every competency × party appears, zeros included (two queries)."""
    population = trainees_visible_to(viewer, street_id=street.pk if street else None).order_by().values("pk")
    entries = CreditEntry.objects.filter(trainee_id__in=population)
    if since:
        entries = entries.filter(earned_on__gte=since)
    if until:
        entries = entries.filter(earned_on__lte=until)
    sums = {
        (competency_id, party): (total, people)
        for competency_id, party, total, people in entries.order_by()
        .values_list("competency_id", "trainee__party")
        .annotate(total=Sum("amount"), people=Count("trainee", distinct=True))
    }
    return [
        CreditsRow(competency, party, *sums.get((competency.pk, party), (rules.ZERO, 0)))
        for competency in Competency.objects.order_by("order", "pk")
        for party in Party.values
    ]


# Attendance by session ------------------------------------------------------------------------------------


def attendance_by_session(
    *,
    viewer: User,
    street: Street | None = None,
    course: CoursePage | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[TrainingSession]:
    """Sessions that were held or are scheduled (not drafts, not cancelled), newest first, each annotated with
    figures about the visible trainees only (a street administrator: their street's):

    ``registered`` holders of a place (not the waiting list, not cancelled); ``attended`` attendance rows (present
    or late, walk-ins added by staff included); ``late`` the late ones; ``no_show`` holders of a place with no
    attendance, once the session has ended (before, they may still come: 0); ``attendance_rate`` the percentage of
    holders of a place who attended, rounded, once the session has ended (None before, or with nobody registered).

    One query whatever the number of sessions: each figure is a correlated subquery."""
    now = now or timezone.now()
    population = trainees_visible_to(viewer, street_id=street.pk if street else None).order_by().values("pk")

    def counted(rows):
        rows = rows.filter(session=OuterRef("pk"), user__in=population).order_by().values("session")
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0))

    places = SessionRegistration.objects.filter(status=RegistrationStatus.REGISTERED)
    came = SessionAttendance.objects.filter(session=OuterRef("session"), user=OuterRef("user"))
    sessions = (
        TrainingSession.objects.exclude(status__in=[SessionStatus.DRAFT, SessionStatus.CANCELLED])
        .select_related("course", "venue")
        .annotate(
            registered=counted(places),
            attended=counted(SessionAttendance.objects.all()),
            late=counted(SessionAttendance.objects.filter(status=AttendanceStatus.LATE)),
            registered_attended=counted(places.filter(Exists(came))),
        )
        .annotate(
            no_show=Case(
                When(end__lte=now, then=F("registered") - F("registered_attended")),
                default=Value(0),
                output_field=IntegerField(),
            ),
            # Integer arithmetic rounds half up on every database: (200·a + r) div (2·r) = round(100·a / r).
            attendance_rate=Case(
                When(
                    end__lte=now,
                    registered__gt=0,
                    then=(F("registered_attended") * 200 + F("registered")) / (F("registered") * 2),
                ),
                default=None,
                output_field=IntegerField(),
            ),
        )
        .order_by("-start", "-pk")
    )
    if course is not None:
        sessions = sessions.filter(course=course)
    if since is not None:
        sessions = sessions.filter(start__gte=_start_of(since))
    if until is not None:
        sessions = sessions.filter(start__lt=_start_of(until + dt.timedelta(days=1)))
    return sessions


# Certificates and post holders -----------------------------------------------------------------------------


def certificates_expiring(
    *, viewer: User, days: int = EXPIRING_DAYS, street: Street | None = None, programme: ProgrammePage | None = None
) -> QuerySet[Certificate]:
    """Valid certificates of visible holders that expire within ``days`` days from today, soonest first."""
    day = today()
    certificates = (
        Certificate.objects.valid_on(day)
        .filter(
            valid_until__lte=day + dt.timedelta(days=days),
            holder_id__in=trainees_visible_to(viewer, street_id=street.pk if street else None).order_by().values("pk"),
        )
        .select_related("holder", "holder__street", "holder__community", "programme")
        .order_by("valid_until", "pk")
    )
    if programme is not None:
        certificates = certificates.filter(programme=programme)
    return certificates


def unqualified_post_holders(
    *, viewer: User, street: Street | None = None, post: Post | None = None
) -> QuerySet[Appointment]:
    """Appointments whose holder no longer has a valid certificate of a programme that qualifies for the post."""
    appointments = appointments_visible_to(viewer).filter(qualified_now=False)
    if street is not None:
        appointments = appointments.filter(street=street)
    if post is not None:
        appointments = appointments.filter(post=post)
    return appointments.order_by("street__order", "post__name", "start_date", "pk")


# Trainee list filters (SQL forms of the same rules) ---------------------------------------------------------


def with_programme_standing(
    people: QuerySet[User], programme: ProgrammePage, *, as_of: dt.date | None = None
) -> QuerySet:
    """Annotate ``programme_met`` and ``programme_started`` on a queryset of people: the SQL form of
    ``rules.evaluate(...).met`` and ``rules.has_started`` for one programme, one correlated subquery per
    requirement (a constant number, whatever the number of people). Tests check it agrees with the rules."""
    as_of = as_of or today()
    requirements = programme_requirements(programme)
    since = rules.window_start(as_of=as_of, months=requirements.window_months)
    window = CreditEntry.objects.filter(trainee=OuterRef("pk"), earned_on__gte=since, earned_on__lte=as_of).order_by()

    def summed(entries, column="amount"):
        rows = entries.values("trainee").annotate(total=Sum(column)).values("total")
        return Coalesce(Subquery(rows, output_field=DECIMAL), Value(Decimal("0")), output_field=DECIMAL)

    total = summed(window)
    required_ids = [course.course_id for course in requirements.required_courses]
    done = CourseCompletion.objects.filter(user=OuterRef("pk"), course_id__in=required_ids).order_by()
    done_count = Coalesce(
        Subquery(done.values("user").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
    )
    offline = OfflineHoursEntry.objects.filter(
        trainee=OuterRef("pk"), earned_on__gte=since, earned_on__lte=as_of
    ).order_by()
    hours = Coalesce(
        Subquery(offline.values("trainee").annotate(total=Sum("hours")).values("total"), output_field=DECIMAL),
        Value(Decimal("0")),
        output_field=DECIMAL,
    )
    people = people.annotate(_total=total, _done=done_count, _hours=hours)
    met = Q(
        _total__gte=requirements.total_credits, _done__gte=len(required_ids), _hours__gte=requirements.min_offline_hours
    )
    for index, minimum in enumerate(requirements.minimums):
        name = f"_min{index}"
        people = people.annotate(**{name: summed(window.filter(competency_id=minimum.competency_id))})
        met &= Q(**{f"{name}__gte": minimum.credits})
    started = Q(_total__gt=0) | Q(_hours__gt=0)
    if required_ids:
        started |= Q(_done__gt=0)
    return people.annotate(
        programme_met=ExpressionWrapper(met, output_field=BooleanField()),
        programme_started=ExpressionWrapper(started, output_field=BooleanField()),
    )


def filter_programme_standing(people: QuerySet[User], programme: ProgrammePage, standing: str) -> QuerySet[User]:
    """People whose standing for ``programme`` is ``standing`` (a ``rules.Standing`` value)."""
    people = with_programme_standing(people, programme)
    if standing == rules.Standing.REQUIREMENTS_MET:
        return people.filter(programme_met=True)
    if standing == rules.Standing.IN_PROGRESS:
        return people.filter(programme_met=False, programme_started=True)
    return people.filter(programme_met=False, programme_started=False)


class CertificateState:
    VALID = "valid"
    EXPIRING = "expiring"
    NONE = "none"


def filter_certificate_state(people: QuerySet[User], state: str, *, days: int = EXPIRING_DAYS) -> QuerySet[User]:
    """People holding a valid certificate, one that expires within ``days`` days, or no valid certificate at all."""
    day = today()
    valid = Certificate.objects.valid_on(day).filter(holder=OuterRef("pk"))
    if state == CertificateState.EXPIRING:
        return people.filter(Exists(valid.filter(valid_until__lte=day + dt.timedelta(days=days))))
    if state == CertificateState.VALID:
        return people.filter(Exists(valid))
    return people.filter(~Exists(valid))


# Admin home figures ----------------------------------------------------------------------------------------


@dataclass
class KeyFigures:
    trainees: int
    enrolments: int
    completions: int
    credits: Decimal
    valid_certificates: int
    expiring_certificates: int
    post_holders: int
    unqualified_post_holders: int


def key_figures(*, viewer: User) -> KeyFigures:
    """The admin home's headline numbers for the people the viewer may see (a handful of aggregate queries)."""
    population = trainees_visible_to(viewer).order_by().values("pk")
    day = today()
    certificates = (
        Certificate.objects.valid_on(day)
        .filter(holder_id__in=population)
        .aggregate(
            valid=Count("pk"), expiring=Count("pk", filter=Q(valid_until__lte=day + dt.timedelta(days=EXPIRING_DAYS)))
        )
    )
    appointments = appointments_visible_to(viewer).aggregate(
        total=Count("pk"), unqualified=Count("pk", filter=Q(qualified_now=False))
    )
    return KeyFigures(
        trainees=trainees_visible_to(viewer).count(),
        enrolments=Enrolment.objects.filter(user_id__in=population).count(),
        completions=CourseCompletion.objects.filter(user_id__in=population).count(),
        credits=CreditEntry.objects.filter(trainee_id__in=population).aggregate(total=Sum("amount"))["total"]
        or rules.ZERO,
        valid_certificates=certificates["valid"],
        expiring_certificates=certificates["expiring"],
        post_holders=appointments["total"],
        unqualified_post_holders=appointments["unqualified"],
    )


def graduations_per_month(*, viewer: User, months: int = 12) -> list[tuple[dt.date, int]]:
    """Graduations (``Certificate.objects.graduations()``: programmes met and certified, not course completions)
    of visible trainees in each of the last ``months`` months by issue date, oldest first, zeros included."""
    this_month = today().replace(day=1)
    first = rules.months_before(this_month, months - 1)
    counts = dict(
        Certificate.objects.graduations()
        .filter(holder_id__in=trainees_visible_to(viewer).order_by().values("pk"), issued_on__gte=first)
        .annotate(month=TruncMonth("issued_on"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    return [
        (m, counts.get(m, 0)) for m in (rules.months_before(this_month, back) for back in range(months - 1, -1, -1))
    ]


def credits_by_competency(*, viewer: User) -> list[tuple[Competency, Decimal]]:
    """Net credits earned per competency by visible trainees (two queries)."""
    totals = dict(
        CreditEntry.objects.filter(trainee_id__in=trainees_visible_to(viewer).order_by().values("pk"))
        .order_by()
        .values_list("competency_id")
        .annotate(total=Sum("amount"))
    )
    return [(c, totals.get(c.pk) or rules.ZERO) for c in Competency.objects.order_by("order", "pk")]
