"""Choices used by credits."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditKind(models.TextChoices):
    """Where a ledger row came from."""

    COURSE_COMPLETION = "course", _("Course completion")
    ATTENDANCE = "attendance", _("Attendance")
    ADJUSTMENT = "adjustment", _("Manual adjustment")
    IMPORT = "import", _("Import")
    REVERSAL = "reversal", _("Reversal")


class IssueMode(models.TextChoices):
    """How a programme's certificate is issued once its requirements are met."""

    AUTOMATIC = "auto", _("Automatically")
    APPROVAL = "approval", _("After registrar approval")


class CertificateStatus(models.TextChoices):
    """A certificate is valid until revoked; expiry is a date, not a status."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class CertificateRequestStatus(models.TextChoices):
    """A request for a certificate waiting in the registrars' approval queue."""

    PENDING = "pending", _("Waiting for approval")
    ISSUED = "issued", _("Issued")
    DECLINED = "declined", _("Declined")


class BulkIssueStatus(models.TextChoices):
    """Where a bulk issuing run is."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class VerificationState(models.TextChoices):
    """What the public verification page says about a certificate: expiry is derived from the dates."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
