"""Choices used by courses."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeliveryMode(models.TextChoices):
    """How a course is taught."""

    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    BLENDED = "blended", _("Blended")


class QuestionKind(models.TextChoices):
    """The three kinds of quiz question."""

    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "truefalse", _("True or false")


class SessionStatus(models.TextChoices):
    """Where an offline training session stands."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class SessionPhase(models.TextChoices):
    """Where a session stands as a person should be told now: its stored status, with time taken into account."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", pgettext_lazy("training session", "In progress")
    ENDED = "ended", pgettext_lazy("training session", "Ended")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationStatus(models.TextChoices):
    """A trainee's place in a session."""

    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class AttendanceStatus(models.TextChoices):
    """How a trainee attended (absence is the lack of a row)."""

    PRESENT = "present", _("Present")
    LATE = "late", _("Late")


class CheckInMethod(models.TextChoices):
    """How attendance came to be recorded."""

    QR = "qr", _("QR code")
    CODE = "code", _("Six-digit code")
    MANUAL = "manual", _("Marked by staff")
    IMPORT = "import", _("Imported from Excel")
