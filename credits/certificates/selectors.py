"""Reads for certificates: lookup by verification code, who may see or download what, the approval queue,
reminders due, the transcript (学习档案) and stored PDF files no certificate names."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from wagtail.models import Site

from academy.models import User
from academy.selectors import users_visible_to
from courses.choices import AttendanceStatus
from courses.models import Competency, CourseCompletion, SessionAttendance

from .. import rules
from ..choices import CertificateRequestStatus, CertificateStatus, VerificationState
from ..models import (
    CERTIFICATE_UPLOAD_DIR,
    Certificate,
    CertificateRequest,
    CertificateSettings,
    CreditEntry,
    ProgrammePage,
)
from ..selectors import credit_balance_by_competency, today
from . import rules as certificate_rules


def certificate_by_code(raw: str) -> Certificate | None:
    """The certificate a typed or scanned code names, or None for unknown or malformed codes (no query for
    malformed ones)."""
    code = certificate_rules.verification_code_parse(raw)
    if code is None:
        return None
    return Certificate.objects.select_related("programme").filter(verification_code=code).first()


def verification_state(certificate: Certificate, *, on: date | None = None) -> str:
    """Valid, expired or revoked as the public sees it today: revocation wins over expiry."""
    if certificate.status == CertificateStatus.REVOKED:
        return VerificationState.REVOKED
    if certificate_rules.is_expired(valid_until=certificate.valid_until, today=on or today()):
        return VerificationState.EXPIRED
    return VerificationState.VALID


def certificate_settings() -> CertificateSettings:
    """The default site's certificate settings (created with defaults on first use)."""
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return CertificateSettings.for_site(site)


def certificates_of(holder: User) -> QuerySet[Certificate]:
    """A holder's certificates, newest first, with what renewed each."""
    return Certificate.objects.filter(holder=holder).select_related("programme", "renewed_by", "renews")


def certificates_visible_to(viewer: User) -> QuerySet[Certificate]:
    """Certificates a member of staff may see: registrars all, street administrators their street's holders'."""
    return Certificate.objects.filter(holder__in=users_visible_to(viewer)).select_related(
        "holder", "programme", "revoked_by", "issued_by"
    )


def certificate_downloadable_by(viewer: User, certificate: Certificate) -> bool:
    """The holder, registrars, and the administrator of the holder's street; nobody else."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if certificate.holder_id == viewer.pk:
        return True
    return users_visible_to(viewer).filter(pk=certificate.holder_id).exists()


def certificate_tip(*, holder: User, programme: ProgrammePage) -> Certificate | None:
    """The latest certificate of a holder's chain for a programme (revoked ones included), or None."""
    return (
        Certificate.objects.filter(holder=holder, programme=programme, renewed_by__isnull=True)
        .order_by("-issued_on", "-pk")
        .first()
    )


def continuing_credits(*, certificate: Certificate) -> dict[int, Decimal]:
    """Credits the holder earned after the certificate was issued, per competency id (one query)."""
    return credit_balance_by_competency(
        trainee=certificate.holder, since=certificate.issued_on + timedelta(days=1), until=None
    )


def pending_requests() -> QuerySet[CertificateRequest]:
    return CertificateRequest.objects.filter(status=CertificateRequestStatus.PENDING).select_related(
        "holder", "programme"
    )


def certificates_for_reminders(*, on: date) -> QuerySet[Certificate]:
    """Valid certificates expiring within the longest reminder period, not yet renewed, with reminders sent."""
    horizon = on + timedelta(days=max(certificate_rules.REMINDER_DAYS))
    return (
        Certificate.objects.valid_on(on)
        .filter(valid_until__lte=horizon, renewed_by__isnull=True)
        .select_related("holder", "programme")
        .prefetch_related("reminders")
    )


def bulk_issue_candidates(programme: ProgrammePage, *, cohort=None, on: date | None = None) -> QuerySet[User]:
    """Whom a bulk issue checks: a cohort's active members, or else the active people of the programme's party who
    have earned credits; either way without those who hold a current certificate of the programme."""
    on = on or today()
    if cohort is not None:
        people = cohort.roster.filter(is_active=True)
    else:
        people = User.objects.filter(is_active=True, credit_entries__isnull=False)
        if programme.party:
            people = people.filter(party=programme.party)
    current = Certificate.objects.valid_on(on).filter(programme=programme).values("holder_id")
    return people.exclude(pk__in=current).distinct().order_by("pk")


# Transcript ---------------------------------------------------------------------------------------------------


@dataclass
class TranscriptCourse:
    code: str
    title: str
    competency: str
    credits: Decimal
    hours: Decimal
    completed_on: date


@dataclass
class TranscriptAttendance:
    """One training session the trainee attended (absence is not recorded, so not printed)."""

    attended_on: date
    session: str
    course: str
    hours: Decimal
    late: bool
    status: str


@dataclass
class Transcript:
    """What 学习档案 prints: courses completed, credits, attendance at offline sessions and certificates."""

    trainee: User
    courses: list[TranscriptCourse]
    competencies: list[tuple[str, Decimal]]
    total: Decimal
    ledger: list[tuple[str, int, Decimal]]
    certificates: list[Certificate]
    printed_on: date
    attendance: list[TranscriptAttendance] = field(default_factory=list)

    @property
    def attended_hours(self) -> Decimal:
        return sum((row.hours for row in self.attendance), Decimal("0.0"))

    @property
    def late_count(self) -> int:
        return sum(1 for row in self.attendance if row.late)


def transcript_attendance(trainee: User) -> list[TranscriptAttendance]:
    """The sessions a trainee attended, oldest first, with their hours and whether they came late (one query)."""
    from django.utils import timezone

    rows = (
        SessionAttendance.objects.filter(user=trainee)
        .select_related("session", "session__course")
        .order_by("session__start", "pk")
    )
    return [
        TranscriptAttendance(
            attended_on=timezone.localdate(row.session.start),
            session=row.session.title,
            course=row.session.course.title,
            hours=row.session.hours or Decimal("0.0"),
            late=row.status == AttendanceStatus.LATE,
            status=str(row.get_status_display()),
        )
        for row in rows
    ]


def transcript_for(trainee: User, *, on: date | None = None) -> Transcript:
    """A trainee's learning record (six queries)."""
    from django.utils import timezone

    from ..choices import CreditKind

    completions = (
        CourseCompletion.objects.filter(user=trainee)
        .select_related("course", "course__competency")
        .order_by("completed_at")
    )
    courses = [
        TranscriptCourse(
            code=c.course.code,
            title=c.course.title,
            competency=c.course.competency.name if c.course.competency_id else "",
            credits=c.course.credits,
            hours=c.course.hours,
            completed_on=timezone.localdate(c.completed_at),
        )
        for c in completions
    ]
    balances = credit_balance_by_competency(trainee=trainee)
    competencies = [(c.name, balances.get(c.pk, rules.ZERO)) for c in Competency.objects.all()]
    kinds = dict(CreditKind.choices)
    ledger = [
        (str(kinds.get(row["kind"], row["kind"])), row["rows"], row["total"])
        for row in CreditEntry.objects.filter(trainee=trainee)
        .order_by("kind")
        .values("kind")
        .annotate(rows=Count("pk"), total=Sum("amount"))
    ]
    return Transcript(
        trainee=trainee,
        courses=courses,
        competencies=competencies,
        total=sum((value for _name, value in competencies), rules.ZERO),
        ledger=ledger,
        certificates=list(certificates_of(trainee).order_by("issued_on", "pk")),
        printed_on=on or today(),
        attendance=transcript_attendance(trainee),
    )


# Stored PDF files ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredFile:
    """A file in the certificates' storage: its name (as ``Certificate.pdf`` stores it), size and modified time."""

    name: str
    size: int
    modified: datetime


def certificate_file_storage():
    """The storage certificate PDFs are kept in (``STORAGES["private"]``, as the field binds it)."""
    return Certificate._meta.get_field("pdf").storage


def certificate_stored_names(storage=None) -> Iterator[list[str]]:
    """The names of every file under the certificates' directory, a directory at a time, walking it with
    ``storage.listdir`` (FileSystemStorage and django-storages' S3Storage alike). Nothing outside it is listed."""
    storage = storage or certificate_file_storage()
    pending = [CERTIFICATE_UPLOAD_DIR]
    while pending:
        directory = pending.pop()
        try:
            directories, files = storage.listdir(directory)
        except FileNotFoundError:  # FileSystemStorage before the first certificate; S3 just lists nothing
            continue
        pending.extend(f"{directory}/{name}" for name in sorted(directories, reverse=True))
        yield [f"{directory}/{name}" for name in sorted(files)]


def certificate_orphan_files(
    *, older_than: timedelta, now: datetime | None = None, storage=None
) -> Iterator[StoredFile]:
    """Files under the certificates' directory that no ``Certificate.pdf`` names and that were last modified longer
    ago than ``older_than``: left by a worker killed between storing a PDF and committing its row, or by a
    replaced or deleted PDF whose removal after commit never ran. A younger file may belong to an issue still in
    progress (the file is stored first, the row commits later), so it is never reported. Only unreferenced files
    are looked at closely (on S3 that is one request each)."""
    storage = storage or certificate_file_storage()
    cutoff = (now or timezone.now()) - older_than
    for names in certificate_stored_names(storage):
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            referenced = set(Certificate.objects.filter(pdf__in=chunk).values_list("pdf", flat=True))
            for name in chunk:
                if name in referenced:
                    continue
                try:
                    modified = storage.get_modified_time(name)
                    if modified >= cutoff:
                        continue
                    size = storage.size(name)
                except FileNotFoundError:  # removed since it was listed
                    continue
                yield StoredFile(name=name, size=size, modified=modified)


def verification_facts(certificate: Certificate) -> dict:
    """Everything the public may know about a certificate: nothing personal beyond the masked name."""
    state = verification_state(certificate)
    # The day in Shanghai: a revocation at 00:30 on 7 December there is 16:30 on 6 December in UTC.
    revoked_on = timezone.localtime(certificate.revoked_at).date() if certificate.revoked_at else None
    return {
        "state": state,
        "state_label": VerificationState(state).label,
        "number": certificate.number,
        "programme": certificate.programme_title or certificate.programme.title,
        "holder": certificate_rules.mask_name(certificate.holder_name),
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "issued_on_text": certificate_rules.chinese_date(certificate.issued_on),
        "valid_until_text": certificate_rules.chinese_date(certificate.valid_until),
        "revoked_on": revoked_on,
        "revoked_on_text": certificate_rules.chinese_date(revoked_on) if revoked_on else "",
        "revoked_reason": certificate.revoked_reason if state == VerificationState.REVOKED else "",
        "verification_code": certificate.verification_code_display,
    }
