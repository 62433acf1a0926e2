"""A certificate's stored PDF: attaching a rendered file, removing the files of rolled-back rows, rendering a
saved certificate again, and sweeping stored PDFs that no certificate names."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.log_actions import log

from academy.models import User

from ...models import CERTIFICATE_UPLOAD_DIR, Certificate
from ...services import require_registrar
from .. import pdf as certificate_pdf
from .. import selectors as cert_selectors

logger = logging.getLogger("credits.certificates")


def pdf_attach(certificate: Certificate, data: bytes, digest: str) -> None:
    """Store a rendered PDF privately and point the certificate at it (the row is saved by the caller)."""
    certificate.pdf.save(f"{certificate.verification_code}.pdf", ContentFile(data), save=False)
    certificate.pdf_sha256 = digest
    certificate.template_version = certificate_pdf.TEMPLATE_VERSION


def pdfs_discard(certificates: list[Certificate]) -> None:
    """Remove the stored files of certificates whose rows were rolled back (nothing may point at them)."""
    for certificate in certificates:
        if certificate.pdf:
            try:
                certificate.pdf.storage.delete(certificate.pdf.name)
            except OSError:
                logger.exception("Could not remove %s after a rollback", certificate.pdf.name)


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
    require_registrar(actor)
    old = certificate.pdf_sha256
    _pdf_replace(certificate)
    log(
        instance=certificate,
        action="credits.certificate_render",
        user=actor,
        data={"old_sha256": old, "sha256": certificate.pdf_sha256},
    )
    return certificate


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
