"""Every write about certificates: issuing (automatic, approved, bulk, renewal), numbering, the PDF, revoking and
reinstating, expiry reminders, and sweeping stored PDFs no certificate names. Errors are ``CreditActionError``
with a translated, showable message."""

import contextlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from academy.models import User
from academy.sms import SMSError
from courses.models import Competency

from . import certificate_pdf, certificate_rules, pdf_render, rules, selectors
from . import certificate_selectors as cert_selectors
from .choices import BulkIssueStatus, CertificateRequestStatus, CertificateStatus, IssueMode
from .models import (
    CERTIFICATE_UPLOAD_DIR,
    BulkIssueRun,
    Certificate,
    CertificateNumberCounter,
    CertificateReminder,
    CertificateRequest,
    CertificateSettings,
    Cohort,
    ProgrammePage,
)
from .services import CreditActionError, _require_registrar

logger = logging.getLogger("credits.certificates")


# Numbering ----------------------------------------------------------------------------------------------------


def _counter_locked(*, year: int) -> CertificateNumberCounter:
    """The year's counter row, locked until the caller's transaction ends (select_for_update on PostgreSQL;
    SQLite's IMMEDIATE transactions lock the database). Every issuer takes this lock before inserting a
    certificate, so whoever holds it may re-check what exists without being overtaken."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Certificate numbers must be allocated inside the certificate's transaction.")
    counter = CertificateNumberCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                CertificateNumberCounter.objects.create(year=year)
        except IntegrityError:
            pass  # another writer created this year's row first; lock theirs
        counter = CertificateNumberCounter.objects.select_for_update().get(year=year)
    return counter


def certificate_numbers_allocate(*, year: int, count: int) -> list[str]:
    """The next ``count`` consecutive numbers of ``year``. Must run inside the transaction that inserts the
    certificates: a rollback returns the numbers with the rows, so numbers have neither duplicates nor gaps."""
    counter = _counter_locked(year=year)
    first = counter.last_serial + 1
    counter.last_serial += count
    counter.save(update_fields=["last_serial"])
    return [
        certificate_rules.certificate_number_format(settings.CERTIFICATE_NUMBER_FORMAT, year=year, serial=serial)
        for serial in range(first, first + count)
    ]


def certificate_number_allocate(*, year: int) -> str:
    """The next number of ``year`` (see ``certificate_numbers_allocate``)."""
    return certificate_numbers_allocate(year=year, count=1)[0]


# Issuing ------------------------------------------------------------------------------------------------------


@dataclass
class IssuePlan:
    """A certificate decided on but not yet numbered: who, which programme, the credits to print, the dates."""

    holder: User
    programme: ProgrammePage
    credits_by_competency: dict
    issued_on: date
    valid_until: date
    renews: Certificate | None


@dataclass(frozen=True)
class Judgement:
    """A holder's record for one programme as read today, and what the rules make of it: read once, then passed
    from the automatic check to the issue so eligibility is not evaluated twice."""

    facts: rules.Facts
    eligibility: rules.Eligibility


def judge(*, holder: User, requirements: rules.Requirements) -> Judgement:
    """Read a holder's record against a programme's requirements today and evaluate it (two queries)."""
    facts = selectors.trainee_facts(trainee=holder, requirements=requirements, as_of=selectors.today())
    return Judgement(facts=facts, eligibility=rules.evaluate(requirements, facts))


def _credits_snapshot(by_competency: dict[int, rules.Decimal], competencies: list[Competency]) -> list[dict]:
    return [
        {"competency": c.name, "code": c.code, "credits": rules.quantity(by_competency[c.pk])}
        for c in competencies
        if by_competency.get(c.pk, rules.ZERO) > 0
    ]


def _require_real_name(holder: User) -> None:
    if not (holder.real_name or "").strip():
        raise CreditActionError(
            _(
                "%(who)s has no real name on record, and a certificate must carry the holder's name as on their "
                "identity card. Ask them to fill in their real name under My profile, then issue again."
            )
            % {"who": holder.display_name},
            code="no_real_name",
        )


def _already_issued(holder: User, programme: ProgrammePage) -> CreditActionError:
    return CreditActionError(
        _("%(name)s already holds a certificate of 《%(programme)s》 for this period.")
        % {"name": holder.display_name, "programme": programme.title},
        code="already_issued",
    )


def _issue_plan(
    *,
    holder: User,
    programme: ProgrammePage,
    issued_on: date,
    requirements: rules.Requirements,
    judgement: Judgement | None = None,
) -> IssuePlan:
    """Decide whether a holder gets a programme's certificate (refused with a message: no real name, not met with
    the shortfalls, or already holding a current one) and what it will say. Reads only; ``judgement`` is today's
    reading of the holder against ``requirements`` when the caller already has it."""
    _require_real_name(holder)
    judgement = judgement or judge(holder=holder, requirements=requirements)
    facts, eligibility = judgement.facts, judgement.eligibility
    if not eligibility.met:
        raise CreditActionError(
            _("%(name)s does not yet meet 《%(programme)s》.")
            % {"name": holder.display_name, "programme": programme.title},
            code="not_eligible",
            shortfalls=eligibility.messages,
        )
    tip = cert_selectors.certificate_tip(holder=holder, programme=programme)
    renews = None
    if tip is not None and tip.status == CertificateStatus.VALID:
        if tip.valid_until >= issued_on:
            raise _already_issued(holder, programme)
        renews = tip  # graduated again after the last certificate lapsed
    return IssuePlan(
        holder=holder,
        programme=programme,
        credits_by_competency=dict(facts.credits_by_competency),
        issued_on=issued_on,
        valid_until=certificate_rules.valid_until_for(issued_on=issued_on, years=programme.certificate_validity_years),
        renews=renews,
    )


def _certificate_build(
    plan: IssuePlan, *, number: str, actor: User | None, competencies: list[Competency]
) -> Certificate:
    """The unsaved certificate of a plan, with its number. Its row is inserted once, complete with the PDF: the
    identity fields are never written again."""
    holder, programme = plan.holder, plan.programme
    certificate = Certificate(
        holder=holder,
        programme=programme,
        number=number,
        holder_name=holder.real_name.strip(),
        programme_title=programme.title,
        credits_snapshot=_credits_snapshot(plan.credits_by_competency, competencies),
        issued_on=plan.issued_on,
        valid_until=plan.valid_until,
        issued_by=actor,
        renews=plan.renews,
    )
    certificate.full_clean(validate_unique=False, validate_constraints=False)
    return certificate


def _pdf_attach(certificate: Certificate, data: bytes, digest: str) -> None:
    """Store a rendered PDF privately and point the certificate at it (the row is saved by the caller)."""
    certificate.pdf.save(f"{certificate.verification_code}.pdf", ContentFile(data), save=False)
    certificate.pdf_sha256 = digest
    certificate.template_version = certificate_pdf.TEMPLATE_VERSION


def _pdfs_discard(certificates: list[Certificate]) -> None:
    """Remove the stored files of certificates whose rows were rolled back (nothing may point at them)."""
    for certificate in certificates:
        if certificate.pdf:
            try:
                certificate.pdf.storage.delete(certificate.pdf.name)
            except OSError:
                logger.exception("Could not remove %s after a rollback", certificate.pdf.name)


def _after_insert(certificate: Certificate, *, actor: User | None) -> None:
    """Close the holder's pending approval request and write the audit log, in the certificate's transaction (the
    holder is told by credits/notices.py, for every certificate issued)."""
    CertificateRequest.objects.filter(
        holder=certificate.holder, programme=certificate.programme, status=CertificateRequestStatus.PENDING
    ).update(
        status=CertificateRequestStatus.ISSUED, certificate=certificate, decided_at=timezone.now(), decided_by=actor
    )
    renews = certificate.renews
    log(
        instance=certificate,
        action="credits.certificate_renew" if renews else "credits.certificate_issue",
        user=actor,
        data={
            "number": certificate.number,
            "holder": certificate.holder_id,
            "programme": certificate.programme_id,
            "renews": renews.number if renews else None,
        },
    )


def _create(
    plan: IssuePlan,
    *,
    actor: User | None,
    competencies: list[Competency] | None = None,
    certificate_settings: CertificateSettings | None = None,
) -> Certificate:
    """Number, render, store and insert one certificate inside the caller's transaction. The row is inserted once,
    complete with its PDF and SHA-256; if anything fails, the number goes back with the rollback and the stored
    file is removed."""
    certificate = _certificate_build(
        plan,
        number=certificate_number_allocate(year=plan.issued_on.year),
        actor=actor,
        competencies=competencies or list(Competency.objects.all()),
    )
    data, digest = certificate_pdf.certificate_pdf(
        certificate, certificate_settings=certificate_settings or cert_selectors.certificate_settings()
    )
    try:
        _pdf_attach(certificate, data, digest)
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError as error:
            # The partial unique constraints decide, so two concurrent issues cannot both succeed.
            raise _already_issued(plan.holder, plan.programme) from error
        _after_insert(certificate, actor=actor)
    except BaseException:
        _pdfs_discard([certificate])
        raise
    return certificate


@transaction.atomic
def certificate_issue(
    *,
    holder: User,
    programme: ProgrammePage,
    actor: User | None = None,
    issued_on: date | None = None,
    requirements: rules.Requirements | None = None,
    competencies: list[Competency] | None = None,
    certificate_settings: CertificateSettings | None = None,
    judgement: Judgement | None = None,
) -> Certificate:
    """Issue a programme's certificate to a holder who meets it, numbered, with snapshots and its PDF.

    ``actor`` is the registrar issuing it (None when the system issues automatically). Refused, with a message,
    when the holder has no real name, does not meet the programme (the shortfalls are listed) or already holds
    a current certificate of it. A holder whose previous certificate has expired gets a new one that ``renews``
    it. ``issued_on`` backdates the certificate (imports, demo data); eligibility is always judged today
    (``judgement``, when the caller has just judged the holder against ``requirements``, is not read again).
    """
    if actor is not None:
        _require_registrar(actor)
    plan = _issue_plan(
        holder=holder,
        programme=programme,
        issued_on=issued_on or selectors.today(),
        requirements=requirements or selectors.programme_requirements(programme),
        judgement=judgement,
    )
    return _create(plan, actor=actor, competencies=competencies, certificate_settings=certificate_settings)


@transaction.atomic
def certificate_renew(*, certificate: Certificate, actor: User | None = None, on: date | None = None) -> Certificate:
    """Renew a certificate whose holder earned the programme's continuing credits since it was issued: a new
    certificate that ``renews`` it, valid from the old one's expiry (or today, if it has lapsed)."""
    if actor is not None:
        _require_registrar(actor)
    on = on or selectors.today()
    programme = certificate.programme
    if certificate.status != CertificateStatus.VALID:
        raise CreditActionError(_("A revoked certificate cannot be renewed."), code="revoked")
    if Certificate.objects.filter(renews=certificate).exists():
        raise CreditActionError(_("This certificate has already been renewed."), code="already_renewed")
    if programme.renewal_credits <= 0:
        raise CreditActionError(
            _("《%(programme)s》 has no renewal rule: graduate from it again instead.")
            % {"programme": programme.title},
            code="no_renewal",
        )
    if not certificate_rules.renewal_window_open(valid_until=certificate.valid_until, today=on):
        raise CreditActionError(_("Renewal opens 90 days before the certificate expires."), code="too_early")
    _require_real_name(certificate.holder)
    earned = cert_selectors.continuing_credits(certificate=certificate)
    total = sum(earned.values(), rules.ZERO)
    if total < programme.renewal_credits:
        raise CreditActionError(
            _("Renewal needs %(needed)s continuing credits since %(issued)s; %(earned)s earned so far.")
            % {
                "needed": rules.quantity(programme.renewal_credits),
                "issued": certificate_rules.chinese_date(certificate.issued_on),
                "earned": rules.quantity(total),
            },
            code="not_eligible",
        )
    plan = IssuePlan(
        holder=certificate.holder,
        programme=programme,
        credits_by_competency=earned,
        issued_on=on,
        valid_until=certificate_rules.renewal_valid_until(
            old_valid_until=certificate.valid_until, today=on, years=programme.certificate_validity_years
        ),
        renews=certificate,
    )
    return _create(plan, actor=actor)


def _pdf_replace(certificate: Certificate) -> None:
    """Render a saved certificate's PDF again and store it beside the old file; the row points at the new file
    and the old one is removed only once that commits (a rollback leaves the row and its file as they were)."""
    data, digest = certificate_pdf.certificate_pdf(
        certificate, certificate_settings=cert_selectors.certificate_settings()
    )
    old_name = certificate.pdf.name if certificate.pdf else ""
    storage = certificate.pdf.storage
    certificate.pdf.save(f"{certificate.verification_code}.pdf", ContentFile(data), save=False)
    new_name = certificate.pdf.name
    certificate.pdf_sha256 = digest
    certificate.template_version = certificate_pdf.TEMPLATE_VERSION
    try:
        with transaction.atomic():
            certificate.save(update_fields=["pdf", "pdf_sha256", "template_version"])
    except BaseException:
        storage.delete(new_name)
        raise
    if old_name and old_name != new_name:
        transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def certificate_render_pdf(*, certificate: Certificate, actor: User) -> Certificate:
    """Render a certificate's PDF again from its snapshots (after the seal or the template changed)."""
    _require_registrar(actor)
    old = certificate.pdf_sha256
    _pdf_replace(certificate)
    log(
        instance=certificate,
        action="credits.certificate_render",
        user=actor,
        data={"old_sha256": old, "sha256": certificate.pdf_sha256},
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate with a reason: a change of state, audited, never a delete. Verification shows it at
    once; posts that relied on it no longer count it."""
    _require_registrar(actor)
    reason = (reason or "").strip()
    if not reason:
        raise CreditActionError(_("Give a reason for revoking the certificate."), code="invalid")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise CreditActionError(_("This certificate is already revoked."), code="already_revoked")
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = actor
    certificate.full_clean(validate_unique=False)
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
    log(
        instance=certificate,
        action="credits.certificate_revoke",
        user=actor,
        data={"number": certificate.number, "reason": reason},
    )
    return certificate


@transaction.atomic
def certificate_reinstate(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Undo a revocation (made in error), with a reason; the audit log keeps both."""
    _require_registrar(actor)
    reason = (reason or "").strip()
    if not reason:
        raise CreditActionError(_("Give a reason for reinstating the certificate."), code="invalid")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != CertificateStatus.REVOKED:
        raise CreditActionError(_("This certificate is not revoked."), code="not_revoked")
    previous = {"revoked_at": certificate.revoked_at.isoformat(), "revoked_reason": certificate.revoked_reason}
    certificate.status = CertificateStatus.VALID
    certificate.revoked_at = None
    certificate.revoked_reason = ""
    certificate.revoked_by = None
    try:
        with transaction.atomic():
            certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
    except IntegrityError as error:
        raise CreditActionError(
            _("The holder has since been issued another certificate of this programme; it cannot be reinstated."),
            code="already_issued",
        ) from error
    log(
        instance=certificate,
        action="credits.certificate_reinstate",
        user=actor,
        data={"number": certificate.number, "reason": reason, **previous},
    )
    return certificate


# Approval queue and automatic issue ---------------------------------------------------------------------------


def certificate_request_create(*, holder: User, programme: ProgrammePage) -> CertificateRequest:
    """Put a holder who met an approval programme in the registrars' queue (once while pending)."""
    existing = CertificateRequest.objects.filter(
        holder=holder, programme=programme, status=CertificateRequestStatus.PENDING
    ).first()
    if existing is not None:
        return existing
    request = CertificateRequest(holder=holder, programme=programme)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        return CertificateRequest.objects.get(
            holder=holder, programme=programme, status=CertificateRequestStatus.PENDING
        )
    return request


@transaction.atomic
def certificate_request_approve(*, actor: User, request: CertificateRequest) -> Certificate:
    """A registrar approves a queued request: the certificate is issued (if the holder still meets it)."""
    _require_registrar(actor)
    if request.status != CertificateRequestStatus.PENDING:
        raise CreditActionError(_("This request has already been decided."), code="decided")
    certificate = certificate_issue(holder=request.holder, programme=request.programme, actor=actor)
    log(
        instance=request,
        action="credits.certificate_approve",
        user=actor,
        data={"number": certificate.number, "holder": request.holder_id, "programme": request.programme_id},
    )
    return certificate


@transaction.atomic
def certificate_request_decline(*, actor: User, request: CertificateRequest, reason: str) -> CertificateRequest:
    """A registrar declines a queued request, with a reason (audited)."""
    _require_registrar(actor)
    reason = (reason or "").strip()
    if not reason:
        raise CreditActionError(_("Give a reason for declining."), code="invalid")
    if request.status != CertificateRequestStatus.PENDING:
        raise CreditActionError(_("This request has already been decided."), code="decided")
    request.status = CertificateRequestStatus.DECLINED
    request.decline_reason = reason
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.full_clean(validate_unique=False, validate_constraints=False)
    request.save()
    log(instance=request, action="credits.certificate_decline", user=actor, data={"reason": reason})
    return request


def certificates_check_for(*, holder: User) -> list[Certificate]:
    """After a holder's credits changed: issue (or queue for approval) each programme they now meet, and renew
    certificates whose renewal rule is met. A revoked certificate is never replaced automatically."""
    issued = []
    on = selectors.today()
    for programme in selectors.programmes_for(holder):
        tip = cert_selectors.certificate_tip(holder=holder, programme=programme)
        if tip is not None and tip.status == CertificateStatus.REVOKED:
            continue
        if tip is not None and tip.valid_until >= on:
            if programme.renewal_credits > 0 and certificate_rules.renewal_window_open(
                valid_until=tip.valid_until, today=on
            ):
                with contextlib.suppress(CreditActionError):  # not met yet: the reminders say what is missing
                    issued.append(certificate_renew(certificate=tip, on=on))
            continue
        requirements = selectors.programme_requirements(programme)
        judgement = judge(holder=holder, requirements=requirements)
        if not judgement.eligibility.met:
            continue
        if programme.issue_mode == IssueMode.APPROVAL:
            certificate_request_create(holder=holder, programme=programme)
            continue
        try:
            issued.append(
                certificate_issue(holder=holder, programme=programme, requirements=requirements, judgement=judgement)
            )
        except CreditActionError as error:
            logger.info("Certificate not issued automatically to %s: %s", holder.pk, error.message)
    return issued


# Bulk issue ---------------------------------------------------------------------------------------------------


@transaction.atomic
def bulk_issue_run_start(
    *, actor: User, programme: ProgrammePage | None = None, cohort: Cohort | None = None
) -> BulkIssueRun:
    """Queue a bulk issue, for everyone who meets a programme or for the members of a cohort who meet the cohort's
    programme; the task runs after commit."""
    from .tasks import bulk_issue_task

    _require_registrar(actor)
    if cohort is not None:
        if programme is not None and programme.pk != cohort.programme_id:
            raise CreditActionError(
                _("Cohort %(cohort)s belongs to 《%(programme)s》; choose that programme or no programme.")
                % {"cohort": cohort.name, "programme": cohort.programme.title},
                code="invalid",
            )
        programme = cohort.programme
    if programme is None:
        raise CreditActionError(_("Choose a programme or a cohort."), code="invalid")
    run = BulkIssueRun(programme=programme, cohort=cohort, requested_by=actor)
    run.full_clean()
    run.save()
    log(
        instance=run,
        action="credits.bulk_issue",
        user=actor,
        data={"programme": programme.pk, "cohort": cohort.pk if cohort else None},
    )
    transaction.on_commit(lambda: bulk_issue_task.enqueue(run_id=run.pk))
    return run


MAX_RUN_MESSAGES = 200
# Certificates numbered, rendered and inserted per transaction, per render worker. Small enough that the counter
# (and on SQLite the database) is locked for well under a second at a time; large enough to keep every worker busy.
BULK_BATCH_PER_WORKER = 4


class _BulkProgress:
    """A run's counts and messages as it goes. ``save`` writes them inside the caller's transaction, so what the
    admin shows always matches the certificates that exist, even when the worker is killed half way."""

    def __init__(self, run: BulkIssueRun, *, carried: int):
        self.run_pk = run.pk
        self.counts = {"processed": carried, "issued": carried, "skipped": 0, "failed": 0}
        self.action_needed: list[str] = []  # no real name: a person can put that right
        self.other: list[str] = []  # not eligible, not of the programme's party, errors

    def skip(self, error: CreditActionError) -> None:
        self.counts["skipped"] += 1
        self.counts["processed"] += 1
        if error.code == "no_real_name":
            self.action_needed.append(error.message)
        elif error.code != "already_issued":
            shortfalls = gettext("; ").join(str(shortfall) for shortfall in error.shortfalls)
            self.other.append(f"{error.message} {shortfalls}".strip())

    def fail(self, holder: User, error: Exception) -> None:
        self.counts["failed"] += 1
        self.counts["processed"] += 1
        self.other.append(f"{holder.display_name}: {error}")

    def messages(self) -> list[str]:
        return (self.action_needed + self.other)[:MAX_RUN_MESSAGES]

    def save(self, *, issued: int = 0, **fields) -> None:
        counts = {
            **self.counts,
            "issued": self.counts["issued"] + issued,
            "processed": self.counts["processed"] + issued,
        }
        BulkIssueRun.objects.filter(pk=self.run_pk).update(messages=self.messages(), **counts, **fields)

    def issued(self, count: int) -> None:
        self.counts["issued"] += count
        self.counts["processed"] += count


def _bulk_plans(
    holders: list[User],
    *,
    programme: ProgrammePage,
    requirements: rules.Requirements,
    on: date,
    progress: _BulkProgress,
) -> list[IssuePlan]:
    """Who in a batch gets a certificate; everyone else is counted as skipped (or failed) with a message."""
    plans = []
    for holder in holders:
        try:
            if programme.party and holder.party != programme.party:
                raise CreditActionError(
                    _("%(name)s is not of the party 《%(programme)s》 is meant for.")
                    % {"name": holder.display_name, "programme": programme.title},
                    code="other_party",
                )
            plans.append(_issue_plan(holder=holder, programme=programme, issued_on=on, requirements=requirements))
        except CreditActionError as error:
            progress.skip(error)
        except Exception as error:  # one bad record must not stop the run; it is counted and logged
            logger.exception("Bulk issue could not check %s", holder.pk)
            progress.fail(holder, error)
    return plans


def _bulk_still_current(plans: list[IssuePlan]) -> tuple[list[IssuePlan], list[IssuePlan]]:
    """Split plans into those whose holder's certificates are as they were when checked, and the rest (someone
    issued or revoked one since). Call with the year's counter locked, so nothing changes until commit."""
    if not plans:
        return [], []
    tips: dict[int, int] = {}
    for holder_id, pk in (
        Certificate.objects.filter(
            programme=plans[0].programme, holder__in=[plan.holder.pk for plan in plans], renewed_by__isnull=True
        )
        .order_by("issued_on", "pk")
        .values_list("holder_id", "pk")
    ):
        tips[holder_id] = pk  # the latest wins, as in certificate_tip
    current, changed = [], []
    for plan in plans:
        seen = plan.renews.pk if plan.renews else None
        (current if tips.get(plan.holder.pk) == seen else changed).append(plan)
    return current, changed


def _bulk_issue_batch(
    plans: list[IssuePlan],
    *,
    actor: User,
    renderer: pdf_render.PdfRenderer,
    competencies: list[Competency],
    certificate_settings: CertificateSettings,
    progress: _BulkProgress,
) -> list[IssuePlan]:
    """Issue a batch in one transaction: lock the year's counter, number the plans still current, render their
    PDFs in parallel, store the files, insert the complete rows and save the run's progress; then commit. A kill
    or an error before the commit leaves no certificate row and no used number (and the stored files are removed
    when this process lives to do it). Returns the plans left out because their holder's certificates changed."""
    certificates: list[Certificate] = []
    try:
        with transaction.atomic():
            year = plans[0].issued_on.year
            _counter_locked(year=year)
            current, changed = _bulk_still_current(plans)
            if current:
                numbers = certificate_numbers_allocate(year=year, count=len(current))
                certificates = [
                    _certificate_build(plan, number=number, actor=actor, competencies=competencies)
                    for plan, number in zip(current, numbers, strict=True)
                ]
                htmls = [
                    certificate_pdf.certificate_html(c, certificate_settings=certificate_settings) for c in certificates
                ]
                for certificate, (data, digest) in zip(certificates, renderer.render(htmls), strict=True):
                    _pdf_attach(certificate, data, digest)
                for certificate in certificates:
                    certificate.save()
                    _after_insert(certificate, actor=actor)
            progress.save(issued=len(certificates))
    except BaseException:
        _pdfs_discard(certificates)
        raise
    progress.issued(len(certificates))
    return changed


def _bulk_issue_one_by_one(
    plans: list[IssuePlan],
    *,
    actor: User,
    requirements: rules.Requirements,
    competencies: list[Competency],
    certificate_settings: CertificateSettings,
    progress: _BulkProgress,
) -> None:
    """Issue each plan in its own transaction, deciding again from scratch (after a batch met a conflict)."""
    for plan in plans:
        try:
            with transaction.atomic():
                certificate_issue(
                    holder=plan.holder,
                    programme=plan.programme,
                    actor=actor,
                    requirements=requirements,
                    competencies=competencies,
                    certificate_settings=certificate_settings,
                )
                progress.save(issued=1)
            progress.issued(1)
            continue
        except CreditActionError as error:
            progress.skip(error)
        except Exception as error:  # counted and logged; the run goes on
            logger.exception("Bulk issue failed for %s", plan.holder.pk)
            progress.fail(plan.holder, error)
        progress.save()


def bulk_issue_run_execute(*, run: BulkIssueRun) -> BulkIssueRun:
    """Work through a bulk run in batches (see ``_bulk_issue_batch``), rendering PDFs in
    CERTIFICATE_RENDER_WORKERS processes; the counts are saved with each batch so the admin shows progress.

    Not atomic as a whole on purpose: a batch that meets a conflict is issued again one by one, and one failure
    does not undo the others. Running a run again (after its worker was killed, or it failed) carries on: those
    already issued keep their certificates and count as issued, everyone else is checked again.
    """
    programme = run.programme
    actor = run.requested_by
    requirements = selectors.programme_requirements(programme)
    competencies = list(Competency.objects.all())
    settings_obj = cert_selectors.certificate_settings()
    candidates = list(cert_selectors.bulk_issue_candidates(programme, cohort=run.cohort))
    carried = run.issued if run.started_at else 0
    progress = _BulkProgress(run, carried=carried)
    progress.save(
        status=BulkIssueStatus.RUNNING,
        total=carried + len(candidates),
        started_at=run.started_at or timezone.now(),
        finished_at=None,
    )
    workers = settings.CERTIFICATE_RENDER_WORKERS or pdf_render.default_workers()
    batch_size = max(1, workers) * BULK_BATCH_PER_WORKER
    try:
        with pdf_render.PdfRenderer(workers=workers, base_url=certificate_pdf.base_url()) as renderer:
            for start in range(0, len(candidates), batch_size):
                on = selectors.today()
                plans = _bulk_plans(
                    candidates[start : start + batch_size],
                    programme=programme,
                    requirements=requirements,
                    on=on,
                    progress=progress,
                )
                if not plans:
                    progress.save()
                    continue
                kwargs = {
                    "actor": actor,
                    "competencies": competencies,
                    "certificate_settings": settings_obj,
                    "progress": progress,
                }
                try:
                    changed = _bulk_issue_batch(plans, renderer=renderer, **kwargs)
                except Exception:
                    logger.exception("Bulk issue %s: a batch failed; issuing its certificates one by one", run.pk)
                    changed = plans
                _bulk_issue_one_by_one(changed, requirements=requirements, **kwargs)
        progress.save(status=BulkIssueStatus.DONE, finished_at=timezone.now())
    except BaseException:
        with contextlib.suppress(Exception):  # the database may be what failed; the original error matters more
            progress.save(status=BulkIssueStatus.FAILED, finished_at=timezone.now())
        raise
    run.refresh_from_db()
    return run


# Reminders ----------------------------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    sent: int = 0
    failed: int = 0


def certificate_reminders_send(*, on: date | None = None) -> ReminderResult:
    """Remind holders 90 and 30 days before expiry by SMS and email; each reminder is sent once (its row is
    written in the same transaction as the sending, and rolled back if sending fails)."""
    on = on or selectors.today()
    result = ReminderResult()
    for certificate in cert_selectors.certificates_for_reminders(on=on):
        sent_before = {reminder.days_before for reminder in certificate.reminders.all()}
        due = certificate_rules.reminder_due(valid_until=certificate.valid_until, today=on, already_sent=sent_before)
        if due is None:
            continue
        try:
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                _send_reminder(certificate, days_before=due)
        except IntegrityError:
            continue  # another run sent it a moment ago
        except (SMSError, OSError):
            logger.exception("Reminder for certificate %s could not be sent", certificate.pk)
            result.failed += 1
            continue
        result.sent += 1
    return result


def _send_reminder(certificate: Certificate, *, days_before: int) -> None:
    holder, programme = certificate.holder, certificate.programme
    reminder = CertificateReminder.objects.create(certificate=certificate, days_before=days_before)
    params = {
        "programme": certificate.programme_title or programme.title,
        "number": certificate.number,
        "date": certificate_rules.chinese_date(certificate.valid_until),
    }
    if programme.renewal_credits > 0:
        text = gettext(
            "Your certificate of 《%(programme)s》 (%(number)s) expires on %(date)s. Earn %(credits)s continuing "
            "credits to have it renewed; see My certificates."
        ) % {**params, "credits": rules.quantity(programme.renewal_credits)}
    else:
        text = (
            gettext("Your certificate of 《%(programme)s》 (%(number)s) expires on %(date)s; see My certificates.")
            % params
        )
    channels = ["notice"]  # the site inbox, SMS and WeChat as the holder chose: credits/notices.py, on this row
    if holder.email:
        send_mail(gettext("Your certificate expires soon"), text, None, [holder.email])
        channels.append("email")
    reminder.channels = ",".join(channels)
    reminder.save(update_fields=["channels"])


# Account deletion ---------------------------------------------------------------------------------------------

# Stored as the revocation reason (in the site's language, like a registrar's typed reason) and shown on the public
# verification page.
HOLDER_REQUEST_REASON = _("Cancelled at the holder's request")


@transaction.atomic
def certificates_revoke_for_deleted_account(*, holder: User) -> dict:
    """The holder is deleting their account: every valid certificate is revoked "at the holder's request" (so
    verification keeps telling the truth), every certificate's name snapshot becomes its masked form (the one
    allowed change to an issued certificate's identity, see ``Certificate``), stored PDFs, which print the full
    name, are deleted (staff may render one again, with the masked name), and pending requests are declined.
    Numbers stay allocated: the certificates remain, only the person is gone. Each revocation is audited."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(HOLDER_REQUEST_REASON)
    revoked = masked = 0
    for certificate in Certificate.objects.select_for_update().filter(holder=holder).order_by("pk"):
        fields = ["holder_name", "pdf", "pdf_sha256", "template_version"]
        if certificate.status == CertificateStatus.VALID:
            certificate.status = CertificateStatus.REVOKED
            certificate.revoked_at = timezone.now()
            certificate.revoked_reason = reason
            certificate.revoked_by = None
            fields += ["status", "revoked_at", "revoked_reason", "revoked_by"]
            revoked += 1
            log(
                instance=certificate,
                action="credits.certificate_revoke",
                user=holder,
                data={"number": certificate.number, "reason": reason, "account_deleted": True},
            )
        certificate.holder_name = certificate_rules.mask_name(certificate.holder_name)
        if certificate.pdf:
            # Deleted only once the transaction commits, so that a rolled-back deletion keeps its PDFs.
            storage, name = certificate.pdf.storage, certificate.pdf.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        certificate.pdf = ""
        certificate.pdf_sha256 = ""
        certificate.template_version = ""
        certificate.save(update_fields=fields)
        masked += 1
    declined = CertificateRequest.objects.filter(holder=holder, status=CertificateRequestStatus.PENDING).update(
        status=CertificateRequestStatus.DECLINED, decline_reason=reason, decided_at=timezone.now()
    )
    return {
        "certificates_revoked": revoked,
        "certificate_names_masked": masked,
        "certificate_requests_declined": declined,
    }


# Orphaned PDF files -------------------------------------------------------------------------------------------


@dataclass
class OrphanSweepResult:
    files: list[cert_selectors.StoredFile]  # deleted, or with dry_run what would be
    failed: list[str]  # could not be deleted (logged); tried again next run

    @property
    def bytes(self) -> int:
        return sum(stored.size for stored in self.files)


def certificate_orphan_files_sweep(
    *, older_than: timedelta, dry_run: bool = False, now: datetime | None = None
) -> OrphanSweepResult:
    """Delete the stored PDFs that no certificate names and that are older than ``older_than`` at ``now`` (see
    ``certificate_orphan_files``). Touches nothing outside the certificates' directory of the private storage;
    each file is checked again just before it goes, so a row that names it by now keeps it."""
    storage = cert_selectors.certificate_file_storage()
    result = OrphanSweepResult(files=[], failed=[])
    for stored in cert_selectors.certificate_orphan_files(older_than=older_than, now=now, storage=storage):
        parts = stored.name.split("/")
        if parts[0] != CERTIFICATE_UPLOAD_DIR or len(parts) < 2 or {"", ".", ".."} & set(parts):
            logger.warning("Not sweeping %r: not plainly under %s/", stored.name, CERTIFICATE_UPLOAD_DIR)
            continue
        if dry_run:
            result.files.append(stored)
            continue
        if Certificate.objects.filter(pdf=stored.name).exists():
            continue
        try:
            storage.delete(stored.name)
        except Exception:  # OSError, or botocore's ClientError on S3: report it, carry on with the others
            logger.exception("Could not delete the orphaned certificate file %s", stored.name)
            result.failed.append(stored.name)
            continue
        logger.info(
            "Deleted orphaned certificate file %s (%d bytes, modified %s)",
            stored.name,
            stored.size,
            stored.modified.isoformat(),
        )
        result.files.append(stored)
    return result
