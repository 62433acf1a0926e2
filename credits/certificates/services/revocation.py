"""Revoking a certificate (by a registrar, or because its holder deleted their account) and reinstating one
revoked in error: changes of state, audited, never a delete."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from academy.models import User

from ...choices import CertificateRequestStatus, CertificateStatus
from ...models import Certificate, CertificateRequest
from ...services import CreditActionError, require_registrar, trainee_record_changed
from .. import rules as certificate_rules


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate with a reason: a change of state, audited, never a delete. Verification shows it at
    once; posts that relied on it no longer count it."""
    require_registrar(actor)
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
    require_registrar(actor)
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
    trainee_record_changed(trainee_id=holder.pk)  # an update in bulk sends no signal for the requests declined
    return {
        "certificates_revoked": revoked,
        "certificate_names_masked": masked,
        "certificate_requests_declined": declined,
    }
