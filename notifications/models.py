"""Notices (one per person and event, the site inbox), their deliveries per channel, editable message templates
and each person's preferences."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from academy.records import PersonalRecord

from . import rules
from .choices import Channel, DeliveryStatus, Event


class MessageTemplate(models.Model):
    """An editor's wording for one event, replacing the built-in default; placeholders are checked on save."""

    event = models.CharField(_("event kind"), max_length=40, choices=Event.choices, unique=True)
    title = models.CharField(_("title"), max_length=100, help_text=_("Shown in the site inbox and in WeChat."))
    body = models.TextField(
        _("text"),
        max_length=500,
        help_text=_(
            "Sent as it is by SMS and WeChat. Placeholders in braces, e.g. {name}; each event lists the ones it has."
        ),
    )
    wechat_template_id = models.CharField(
        _("WeChat template ID"),
        max_length=64,
        blank=True,
        help_text=_("The template's ID in the official account's back end; without it no WeChat message is sent."),
    )

    panels = [FieldPanel("event"), FieldPanel("title"), FieldPanel("body"), FieldPanel("wechat_template_id")]

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["event"]

    def __str__(self):
        return self.get_event_display()

    def clean(self):
        errors = {}
        allowed = "、".join(f"{{{name}}}" for name in sorted(rules.allowed_placeholders(self.event)))
        for field in ("title", "body"):
            unknown = rules.unknown_placeholders(getattr(self, field) or "", event=self.event)
            if unknown:
                errors[field] = gettext("Unknown placeholder(s) %(unknown)s. This event has: %(allowed)s.") % {
                    "unknown": "、".join(name if name in ("{", "}") else f"{{{name}}}" for name in unknown),
                    "allowed": allowed,
                }
        if errors:
            raise ValidationError(errors)


class NotificationProfile(models.Model):
    """A person's notification settings and the addresses the academy may reach them at besides the phone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_profile",
        verbose_name=_("person"),
    )
    essential_only = models.BooleanField(
        _("only essential notices"),
        default=False,
        help_text=_("Unsubscribed from everything but cancelled or moved sessions, confirmations and expiries."),
    )
    wechat_openid = models.CharField(
        _("WeChat OpenID"), max_length=64, blank=True, help_text=_("Set when the person links WeChat.")
    )
    work_user_id = models.CharField(
        _("work account ID"), max_length=64, blank=True, help_text=_("Staff only: the DingTalk (浙政钉) user ID.")
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)


class ChannelOptOut(PersonalRecord, models.Model):
    """A person has switched one channel off for one event (no row: the channel is on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_opt_outs", verbose_name=_("person")
    )
    event = models.CharField(_("event kind"), max_length=40, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("channel switched off")
        verbose_name_plural = _("channels switched off")
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "channel"], name="notifications_opt_out_once"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} · {self.get_channel_display()}"


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(PersonalRecord, models.Model):
    """One notice to one person: what the site inbox shows, and what every channel's delivery carries."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    event = models.CharField(_("event kind"), max_length=40, choices=Event.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True, help_text=_("The page the notice is about."))
    key = models.CharField(
        _("occasion key"),
        max_length=100,
        blank=True,
        help_text=_("Names what the notice is about (e.g. certificate:12:expiring:30) so that it is sent once."),
    )
    created_at = models.DateTimeField(_("delivered to the inbox"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by staff member"),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="notifications_key_once_per_recipient"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notifications_inbox_unread")]

    def __str__(self):
        return self.title


class Delivery(PersonalRecord, models.Model):
    """One notice on one channel: its state, attempts and the provider's reply, for staff to see what was sent.

    ``idempotency_key`` names the delivery to the provider and in the logs; the state machine (PENDING → SENDING →
    SENT, committed before the provider is called) is what keeps a requeued task from sending it twice."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    address = models.CharField(
        _("recipient address"), max_length=64, blank=True, help_text=_("Phone number, OpenID or user ID.")
    )
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    due_at = models.DateTimeField(_("due"), db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_reply = models.TextField(_("provider reply"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("Why it was not sent, or failed."))

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notifications_delivery_once"),
        ]

    def __str__(self):
        return f"{self.notification} · {self.get_channel_display()}"
