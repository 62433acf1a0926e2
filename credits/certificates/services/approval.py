"""The registrars' approval queue and the automatic check after a holder's credits changed: each programme the
holder now meets is issued, queued for approval or renewed, as its stage decides."""

import contextlib
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from academy.models import User

from ... import selectors
from ...choices import CertificateRequestStatus
from ...models import Certificate, CertificateRequest, ProgrammePage
from ...services import CreditActionError, require_registrar
from .. import rules as certificate_rules
from .. import selectors as cert_selectors
from ..rules import Step
from . import issuing

logger = logging.getLogger("credits.certificates")


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
    require_registrar(actor)
    if request.status != CertificateRequestStatus.PENDING:
        raise CreditActionError(_("This request has already been decided."), code="decided")
    certificate = issuing.certificate_issue(holder=request.holder, programme=request.programme, actor=actor)
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
    require_registrar(actor)
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
    certificates whose renewal rule is met; ``certificates.rules.next_step`` decides which, for each programme. A
    revoked certificate is never replaced automatically."""
    issued = []
    on = selectors.today()
    for programme in selectors.programmes_for(holder):
        tip = cert_selectors.certificate_tip(holder=holder, programme=programme)
        facts = {
            "valid_until": tip.valid_until if tip else None,
            "today": on,
            "renewal_credits": programme.renewal_credits,
            "issue_mode": programme.issue_mode,
        }
        stage = certificate_rules.certificate_stage(
            status=tip.status if tip else None, valid_until=tip.valid_until if tip else None, on=on
        )
        step = certificate_rules.next_step(stage=stage, **facts)
        if step == Step.JUDGE:
            requirements = selectors.programme_requirements(programme)
            judgement = selectors.judgement_for(trainee=holder, requirements=requirements)
            step = certificate_rules.next_step(stage=stage, met=judgement.eligibility.met, **facts)
        if step == Step.RENEW:
            with contextlib.suppress(CreditActionError):  # not met yet: the reminders say what is missing
                issued.append(issuing.certificate_renew(certificate=tip, on=on))
        elif step == Step.QUEUE:
            certificate_request_create(holder=holder, programme=programme)
        elif step == Step.ISSUE:
            try:
                issued.append(
                    issuing.certificate_issue(
                        holder=holder, programme=programme, requirements=requirements, judgement=judgement
                    )
                )
            except CreditActionError as error:
                logger.info("Certificate not issued automatically to %s: %s", holder.pk, error.message)
    return issued
