"""Writes about the ledger (awards, adjustments, reversals), offline hours, cohorts and API clients; certificates
and posts have their own ``services`` in their sub-packages."""

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from academy.models import User
from courses import services as course_services
from courses.choices import RegistrationStatus, SessionStatus
from courses.models import Competency, CoursePage, SessionRegistration, TrainingSession

from . import rules, selectors
from .choices import CreditKind
from .models import ApiClient, Cohort, CreditEntry, OfflineHoursEntry, TraineeRecordVersion


class CreditActionError(Exception):
    """Something the rules do not allow; ``message`` is translated and safe to show."""

    def __init__(self, message, *, code: str, shortfalls: list[str] | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.shortfalls = shortfalls or []


def require_registrar(actor: User) -> None:
    """Refuse (``CreditActionError``, code ``not_allowed``) unless ``actor`` is an active registrar: the check every
    registrar-only write in credits makes first, the certificate services included."""
    if not (actor.is_authenticated and actor.is_active and actor.is_registrar):
        raise CreditActionError(_("Only registrars may do this."), code="not_allowed")


def completion_source_key(*, course_id: int, user_id: int) -> str:
    return f"course:{course_id}:user:{user_id}"


@transaction.atomic
def credit_award_for_completion(*, user: User, course: CoursePage, completed_on: date) -> CreditEntry:
    """Award a course's credits for its completion, exactly once per trainee and course.

    The unique ``source_key`` decides: a second or concurrent report finds the first row (or loses the insert
    inside its own savepoint) and returns that row without writing another.
    """
    key = completion_source_key(course_id=course.pk, user_id=user.pk)
    existing = CreditEntry.objects.filter(source_key=key).first()
    if existing is not None:
        return existing
    entry = CreditEntry(
        trainee=user,
        competency_id=course.competency_id,
        amount=course.credits,
        kind=CreditKind.COURSE_COMPLETION,
        source_key=key,
        course=course,
        earned_on=completed_on,
        note=f"{course.code} {course.title}"[:255],
    )
    # Uniqueness is left to the database so that the check and the insert cannot be separated by another writer.
    entry.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return CreditEntry.objects.get(source_key=key)
    return entry


def _parse_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError) as error:
        raise CreditActionError(_("Enter the credits as a number, e.g. 1.5 or -0.5."), code="invalid") from error
    if not value.is_finite() or abs(value) >= Decimal("10000"):
        raise CreditActionError(_("Enter the credits as a number, e.g. 1.5 or -0.5."), code="invalid")
    return value


def _lock_trainee(trainee: User) -> None:
    # Serialises balance checks for one trainee on PostgreSQL; SQLite serialises every writer anyway.
    User.objects.select_for_update().filter(pk=trainee.pk).first()


@transaction.atomic
def credit_adjust(
    *,
    actor: User,
    trainee: User,
    competency: Competency,
    amount: Decimal | str,
    reason: str,
    earned_on: date | None = None,
) -> CreditEntry:
    """A registrar's manual adjustment: needs a reason, is never zero, never leaves the competency's balance
    below zero, and is written to Wagtail's audit log."""
    require_registrar(actor)
    value = _parse_amount(amount)
    reason = (reason or "").strip()
    _lock_trainee(trainee)
    problem = rules.adjustment_problem(
        amount=value, reason=reason, balance=selectors.credit_balance(trainee=trainee, competency=competency)
    )
    if problem is not None:
        raise CreditActionError(gettext(problem), code="invalid")
    entry = CreditEntry(
        trainee=trainee,
        competency=competency,
        amount=value,
        kind=CreditKind.ADJUSTMENT,
        earned_on=earned_on or selectors.today(),
        recorded_by=actor,
        note=reason[:255],
    )
    entry.full_clean()
    entry.save()
    log(
        instance=entry,
        action="credits.adjust",
        user=actor,
        data={"trainee": trainee.pk, "competency": competency.name, "amount": str(value), "reason": reason},
    )
    return entry


@transaction.atomic
def credit_reverse(*, actor: User, entry: CreditEntry, reason: str) -> CreditEntry:
    """Cancel a ledger row with a new row of the opposite amount, dated like the original so that every window
    that counted the original also counts its reversal. A row is reversed at most once."""
    require_registrar(actor)
    reason = (reason or "").strip()
    if not reason:
        raise CreditActionError(_("Give a reason for the reversal."), code="invalid")
    if entry.kind == CreditKind.REVERSAL:
        raise CreditActionError(_("A reversal cannot itself be reversed; record an adjustment."), code="invalid")
    _lock_trainee(entry.trainee)
    if CreditEntry.objects.filter(reverses=entry).exists():
        raise CreditActionError(_("This entry has already been reversed."), code="already_reversed")
    balance = selectors.credit_balance(trainee=entry.trainee, competency=entry.competency)
    if balance - entry.amount < 0:
        raise CreditActionError(
            _("This reversal would leave the competency with a negative balance."), code="negative_balance"
        )
    reversal = CreditEntry(
        trainee=entry.trainee,
        competency=entry.competency,
        amount=-entry.amount,
        kind=CreditKind.REVERSAL,
        course=entry.course,
        earned_on=entry.earned_on,
        recorded_by=actor,
        note=reason[:255],
        reverses=entry,
    )
    reversal.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError as error:
        raise CreditActionError(_("This entry has already been reversed."), code="already_reversed") from error
    log(instance=reversal, action="credits.reverse", user=actor, data={"reverses": entry.pk, "reason": reason})
    return reversal


@transaction.atomic
def api_client_create(*, actor: User, name: str, requests_per_minute: int = 60) -> tuple[ApiClient, str]:
    """Create an API client and return it with its token; only the token's SHA-256 is stored, so this is the one
    time anyone sees it."""
    require_registrar(actor)
    token = secrets.token_urlsafe(32)
    client = ApiClient(
        name=(name or "").strip(),
        token_prefix=token[:8],
        token_hash=selectors.token_hash(token),
        requests_per_minute=requests_per_minute,
        created_by=actor,
    )
    client.full_clean()
    client.save()
    log(
        instance=client,
        action="credits.api_client_create",
        user=actor,
        data={
            "name": client.name,
            "token_prefix": client.token_prefix,
            "requests_per_minute": client.requests_per_minute,
        },
    )
    return client, token


@transaction.atomic
def api_client_revoke(*, actor: User, client: ApiClient) -> ApiClient:
    """Revoke a client's token for good; its requests get 401 from now on."""
    require_registrar(actor)
    if not client.is_active:
        return client
    client.is_active = False
    client.revoked_at = timezone.now()
    client.full_clean()
    client.save(update_fields=["is_active", "revoked_at"])
    log(
        instance=client,
        action="credits.api_client_revoke",
        user=actor,
        data={"name": client.name, "token_prefix": client.token_prefix},
    )
    return client


def api_client_touch(*, client: ApiClient) -> None:
    """Note when a client last called (at most one write a minute per client)."""
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)


# Offline training -------------------------------------------------------------------------------------------


def attendance_source_key(*, session_id: int, user_id: int) -> str:
    return f"attendance:{session_id}:user:{user_id}"


@transaction.atomic
def offline_hours_record_for_attendance(
    *, user: User, session: TrainingSession, attended_on: date
) -> OfflineHoursEntry:
    """Record the offline hours a session earned, exactly once per trainee and session (the unique source key
    decides, as for credit awards)."""
    key = attendance_source_key(session_id=session.pk, user_id=user.pk)
    existing = OfflineHoursEntry.objects.filter(source_key=key).first()
    if existing is not None:
        return existing
    entry = OfflineHoursEntry(
        trainee=user,
        session=session,
        course_id=session.course_id,
        hours=session.hours,
        source_key=key,
        earned_on=attended_on,
    )
    entry.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return OfflineHoursEntry.objects.get(source_key=key)
    return entry


@dataclass(frozen=True)
class CohortRegistrationResult:
    """What registering a cohort for its sessions did."""

    registered: int
    waitlisted: int
    already: int
    skipped_sessions: tuple[str, ...] = ()


@transaction.atomic
def cohort_register_for_sessions(*, actor: User, cohort: Cohort) -> CohortRegistrationResult:
    """A registrar registers every trainee on a cohort's roster for each of its sessions that is still to come;
    full sessions put the rest on the waiting list. Running it again registers only newcomers."""
    require_registrar(actor)
    registered = waitlisted = already = 0
    skipped = []
    trainees = list(cohort.roster.filter(is_active=True).order_by("pk"))
    for session in cohort.sessions.select_related("course").order_by("start"):
        if session.status == SessionStatus.CANCELLED or session.end < timezone.now():
            skipped.append(session.title)
            continue
        existing = set(
            SessionRegistration.objects.active()
            .filter(session=session, user__in=trainees)
            .values_list("user_id", flat=True)
        )
        for trainee in trainees:
            if trainee.pk in existing:
                already += 1
                continue
            registration = course_services.session_registration_add(actor=actor, user=trainee, session=session)
            if registration.status == RegistrationStatus.REGISTERED:
                registered += 1
            else:
                waitlisted += 1
    return CohortRegistrationResult(registered, waitlisted, already, tuple(skipped))


# What 我的学分 shows changed --------------------------------------------------------------------------------------


@transaction.atomic
def trainee_record_changed(*, trainee_id: int) -> None:
    """Move a trainee's record version on (in the transaction of the change), so that their cached dashboard is not
    served again (``selectors.dashboard_for``). Called by the receivers of every model the dashboard reads
    (``receivers.DASHBOARD_RECORDS``) and by the services that change those rows in bulk."""
    versions = TraineeRecordVersion.objects.filter(trainee_id=trainee_id)
    if versions.update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():
            TraineeRecordVersion.objects.create(trainee_id=trainee_id, version=1)
    except IntegrityError:  # created by a concurrent change in the meantime
        versions.update(version=F("version") + 1)
