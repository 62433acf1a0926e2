"""Reads of the notification centre."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import override

from academy.social.config import APP_ID_KEY

from .choices import DeliveryStatus, Event
from .defaults import DEFAULT_TEXTS
from .models import ChannelOptOut, Delivery, MessageTemplate, Notification, NotificationProfile
from .rules import INTRUSIVE_CHANNELS


def message_texts(*, event: str, language: str) -> tuple[str, str, str]:
    """(title, text, WeChat template ID) of ``event``: the editor's template if there is one, else the default."""
    template = MessageTemplate.objects.filter(event=event).first()
    if template is not None:
        return template.title, template.body, template.wechat_template_id
    title, body = DEFAULT_TEXTS[Event(event)]
    with override(language):
        return str(title), str(body), ""


def inbox(*, user):
    """The person's own notices, newest first."""
    return Notification.objects.for_recipient(user)


def inbox_unread_count(*, user) -> int:
    """How many of the person's notices are unread (the number in the header)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.for_recipient(user).unread().count()


def inbox_notification(*, user, notification_id: int) -> Notification:
    """One of the person's own notices; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(Notification.objects.for_recipient(user), pk=notification_id)


def preferences_of(*, user) -> tuple[NotificationProfile | None, set[tuple[str, str]]]:
    """The person's notification settings (None: the defaults) and the (event, channel) pairs they switched off."""
    profile = NotificationProfile.objects.filter(user=user).first()
    return profile, set(ChannelOptOut.objects.filter(user=user).values_list("event", "channel"))


def profiles_of(user_ids: Iterable[int]) -> dict[int, NotificationProfile]:
    """Notification settings by user id (people with none have the defaults)."""
    return {profile.user_id: profile for profile in NotificationProfile.objects.filter(user_id__in=list(user_ids))}


def opt_outs_of(user_ids: Iterable[int], *, event: str) -> dict[int, set[str]]:
    """The channels each person switched off for ``event``."""
    switched_off: dict[int, set[str]] = {}
    for user_id, channel in ChannelOptOut.objects.filter(user_id__in=list(user_ids), event=event).values_list(
        "user_id", "channel"
    ):
        switched_off.setdefault(user_id, set()).add(channel)
    return switched_off


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first and the last moment of a local (Asia/Shanghai) day, as aware datetimes."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def phone_notices_on(user_ids: Iterable[int], *, day: date) -> dict[int, int]:
    """How many notices reach each person's phone (SMS or WeChat) on a local day, for the daily cap."""
    start, end = local_day_bounds(day)
    rows = (
        Delivery.objects.filter(
            notification__recipient_id__in=list(user_ids),
            channel__in=INTRUSIVE_CHANNELS,
            due_at__gte=start,
            due_at__lt=end,
        )
        .exclude(status=DeliveryStatus.SKIPPED)
        .values("notification__recipient_id")
        .annotate(notices=Count("notification", distinct=True))
    )
    return {row["notification__recipient_id"]: row["notices"] for row in rows}


def deliveries_due(*, now: datetime):
    """Deliveries waiting to be sent (first time or retry) whose time has come."""
    return Delivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRY], due_at__lte=now).order_by(
        "due_at", "id"
    )


WECHAT_PROVIDER = "weixin"  # allauth's provider id of WeChat log-in (academy/social/)


def official_account_openid(*, user) -> str:
    """The OpenID of the person's linked WeChat identity of the official account that sends WeChat messages ("" when
    they linked none, or only the QR log-in's website app, whose OpenID that account cannot send to)."""
    from allauth.socialaccount.models import SocialAccount

    app_id = settings.WECHAT_MP_APP_ID
    if not app_id:
        return ""
    accounts = SocialAccount.objects.filter(user=user, provider=WECHAT_PROVIDER).order_by("-last_login", "-pk")
    for account in accounts:
        if (account.extra_data or {}).get(APP_ID_KEY) == app_id:
            return account.uid
    return ""


def wechat_login_linked(*, user) -> bool:
    """Whether the person has linked any WeChat identity (log-in), whichever app it belongs to."""
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects.filter(user=user, provider=WECHAT_PROVIDER).exists()
