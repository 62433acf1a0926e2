"""Choices of the notification centre: events, channels and delivery states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Event(models.TextChoices):
    """What happened: the kind of notice. Callers (courses, credits, staff) name one of these."""

    CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
    CERTIFICATE_PENDING_REVIEW = "certificate_pending_review", _("Certificate awaiting review")
    CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring")
    CERTIFICATE_EXPIRED = "certificate_expired", _("Certificate expired")
    WAITLIST_PROMOTED = "waitlist_promoted", _("Place freed from the waiting list")
    SESSION_REMINDER = "session_reminder", _("Training session tomorrow")
    SESSION_CANCELLED = "session_cancelled", _("Training session cancelled")
    SESSION_MOVED = "session_moved", _("Training session moved")
    ASSIGNMENT_REVIEWED = "assignment_reviewed", _("Assignment reviewed")
    APPOINTMENT_MADE = "appointment_made", _("Appointment to a post")
    REGISTRATION_CONFIRMED = "registration_confirmed", _("Registration confirmed")
    STAFF_NOTICE = "staff_notice", _("Notice from the academy")


class Channel(models.TextChoices):
    """Where a notice is delivered. The site inbox always gets it; the others follow the person's preferences."""

    SITE = "site", _("Site inbox")
    SMS = "sms", pgettext_lazy("channel", "SMS")
    WECHAT = "wechat", _("WeChat")
    WORK = "work", _("Work notice (staff)")


class DeliveryStatus(models.TextChoices):
    """Where one delivery stands."""

    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    RETRY = "retry", _("Waiting to retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", pgettext_lazy("delivery status", "Failed")
    UNCERTAIN = "uncertain", _("Interrupted while sending (not sent again)")
    SKIPPED = "skipped", _("Not sent")
