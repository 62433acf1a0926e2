"""Issuing one certificate: the plan (who, what it will say, refused with a message when the holder may not have
it), numbering, rendering and inserting it complete, and renewing one. Errors are ``CreditActionError`` with a
translated, showable message."""

import logging
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from academy.models import User
from courses.models import Competency

from ... import quantities, rules, selectors
from ...choices import CertificateRequestStatus, CertificateStatus
from ...models import Certificate, CertificateRequest, CertificateSettings, ProgrammePage
from ...services import CreditActionError, require_registrar
from .. import pdf as certificate_pdf
from .. import rules as certificate_rules
from .. import selectors as cert_selectors
from . import files, numbering

logger = logging.getLogger("credits.certificates")


@dataclass
class IssuePlan:
    """A certificate decided on but not yet numbered: who, which programme, the credits to print, the dates."""

    holder: User
    programme: ProgrammePage
    credits_by_competency: dict
    issued_on: date
    valid_until: date
    renews: Certificate | None


def _credits_snapshot(by_competency: dict[int, rules.Decimal], competencies: list[Competency]) -> list[dict]:
    return [
        {"competency": c.name, "code": c.code, "credits": quantities.quantity(by_competency[c.pk])}
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


def issue_plan(
    *,
    holder: User,
    programme: ProgrammePage,
    issued_on: date,
    requirements: rules.Requirements,
    judgement: selectors.Judgement | None = None,
) -> IssuePlan:
    """Decide whether a holder gets a programme's certificate (refused with a message: no real name, not met with
    the shortfalls, or already holding a current one) and what it will say. Reads only; ``judgement`` is today's
    reading of the holder against ``requirements`` when the caller already has it."""
    _require_real_name(holder)
    judgement = judgement or selectors.judgement_for(trainee=holder, requirements=requirements)
    facts, eligibility = judgement.facts, judgement.eligibility
    if not eligibility.met:
        raise CreditActionError(
            _("%(name)s does not yet meet 《%(programme)s》.")
            % {"name": holder.display_name, "programme": programme.title},
            code="not_eligible",
            shortfalls=eligibility.messages,
        )
    tip = cert_selectors.certificate_tip(holder=holder, programme=programme)
    stage = certificate_rules.certificate_stage(
        status=tip.status if tip else None, valid_until=tip.valid_until if tip else None, on=issued_on
    )
    if stage == certificate_rules.Stage.CURRENT:
        raise _already_issued(holder, programme)
    renews = tip if stage == certificate_rules.Stage.LAPSED else None  # graduated again after the last one lapsed
    return IssuePlan(
        holder=holder,
        programme=programme,
        credits_by_competency=dict(facts.credits_by_competency),
        issued_on=issued_on,
        valid_until=certificate_rules.valid_until_for(issued_on=issued_on, years=programme.certificate_validity_years),
        renews=renews,
    )


def certificate_build(
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


def after_insert(certificate: Certificate, *, actor: User | None) -> None:
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
    certificate = certificate_build(
        plan,
        number=numbering.certificate_number_allocate(year=plan.issued_on.year),
        actor=actor,
        competencies=competencies or list(Competency.objects.all()),
    )
    data, digest = certificate_pdf.certificate_pdf(
        certificate, certificate_settings=certificate_settings or cert_selectors.certificate_settings()
    )
    try:
        files.pdf_attach(certificate, data, digest)
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError as error:
            # The partial unique constraints decide, so two concurrent issues cannot both succeed.
            raise _already_issued(plan.holder, plan.programme) from error
        after_insert(certificate, actor=actor)
    except BaseException:
        files.pdfs_discard([certificate])
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
    judgement: selectors.Judgement | None = None,
) -> Certificate:
    """Issue a programme's certificate to a holder who meets it, numbered, with snapshots and its PDF.

    ``actor`` is the registrar issuing it (None when the system issues automatically). Refused, with a message,
    when the holder has no real name, does not meet the programme (the shortfalls are listed) or already holds
    a current certificate of it. A holder whose previous certificate has expired gets a new one that ``renews``
    it. ``issued_on`` backdates the certificate (imports, demo data); eligibility is always judged today
    (``judgement``, when the caller has just judged the holder against ``requirements``, is not read again).
    """
    if actor is not None:
        require_registrar(actor)
    plan = issue_plan(
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
        require_registrar(actor)
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
                "needed": quantities.quantity(programme.renewal_credits),
                "issued": certificate_rules.chinese_date(certificate.issued_on),
                "earned": quantities.quantity(total),
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
