"""Writes of the notification centre: ``notify`` (the one entry point for every app), sending a delivery in a task
worker (claim, send, record), and the inbox's read marks.

Exactly-once where it can be, at-most-once where it cannot: the site inbox row is written in the caller's
transaction. A phone message cannot be taken back, so a delivery is claimed (PENDING → SENDING, committed)
before its provider is called and recorded (SENT, with the reply) after. A worker killed in between leaves it
SENDING; the requeued task (academy/task_queue.py) then finds it SENDING and marks it UNCERTAIN for staff to
look at instead of sending it a second time. A provider's refusal is not uncertain: it is retried with back-off."""

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from academy.absolute import absolute_url

from . import rules, selectors
from .choices import Channel, DeliveryStatus, Event
from .models import ChannelOptOut, Delivery, Notification, NotificationProfile
from .senders import OutgoingMessage, SendError, get_sender

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 200  # deliveries per task: one task row per 200 messages keeps a 10,000-person notice to 50-100 rows


class NotifyError(ValueError):
    """A caller named an unknown event or left out a placeholder its text needs (a programming error)."""


class StaffNoticeError(ValueError):
    """A staff notice that cannot go out as asked: the sender may not send one, its text is empty or too long, or
    nobody would receive it. ``message`` is the translated sentence to show."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def quiet_hours() -> tuple[time, time] | None:
    """The academy's quiet hours from ``settings.NOTIFICATIONS_QUIET_HOURS`` ("21:00-08:00"; empty: none)."""
    value = settings.NOTIFICATIONS_QUIET_HOURS
    if not value:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError as error:
        raise ImproperlyConfigured(f"NOTIFICATIONS_QUIET_HOURS must look like 21:00-08:00, not {value!r}") from error
    return start, end


def _reachable_channels(user, profile, senders: Mapping[str, object], wechat_template_id: str) -> dict[str, str]:
    """channel → address for each channel the person can be reached on here."""
    reachable = {}
    if senders.get(Channel.SMS) and user.phone and user.phone_verified:
        reachable[Channel.SMS] = user.phone
    if profile is not None:
        if senders.get(Channel.WECHAT) and profile.wechat_openid and wechat_template_id:
            reachable[Channel.WECHAT] = profile.wechat_openid
        if senders.get(Channel.WORK) and profile.work_user_id:
            reachable[Channel.WORK] = profile.work_user_id
    return reachable


@transaction.atomic
def notify(
    *,
    event: str,
    recipients: Iterable,
    context: Mapping[str, object],
    link: str = "",
    key: str = "",
    occurs_at: datetime | None = None,
    sent_by=None,
    now: datetime | None = None,
) -> list[Notification]:
    """Tell each recipient that ``event`` happened: a notice in their site inbox, and a delivery on each channel
    their preferences select (SMS, WeChat, work notice), sent by the task workers once the caller's transaction
    commits, at 08:00 if it is night (quiet hours), never past their daily cap (essential notices excepted).

    ``context`` fills the event's placeholders (``rules.EVENT_PLACEHOLDERS``; ``{name}`` is filled per person).
    ``link`` is the path of the page the notice is about. ``key`` names the occasion (``certificate:12:expiring:30``)
    so that calling again for it notifies nobody twice. ``occurs_at`` is when the subject happens (a session's
    start): a session cancelled for the same day may break quiet hours. Returns the notices created."""
    if event not in Event.values:
        raise NotifyError(f"unknown event {event!r}")
    missing = rules.EVENT_PLACEHOLDERS[event] - set(context)
    if missing:
        raise NotifyError(f"{event} needs {', '.join(sorted(missing))} in its context")
    now = now or timezone.now()
    local_now = timezone.localtime(now)
    occurs_on = timezone.localtime(occurs_at).date() if occurs_at else None
    users = list({user.pk: user for user in recipients}.values())
    if key:
        already = set(Notification.objects.filter(recipient__in=users, key=key).values_list("recipient_id", flat=True))
        users = [user for user in users if user.pk not in already]
    if not users:
        return []

    title_text, body_text, wechat_template_id = selectors.message_texts(event=event, language=settings.LANGUAGE_CODE)
    senders = {channel: get_sender(channel) for channel in (Channel.SMS, Channel.WECHAT, Channel.WORK)}
    user_ids = [user.pk for user in users]
    profiles = selectors.profiles_of(user_ids)
    opt_outs = selectors.opt_outs_of(user_ids, event=event)
    quiet = quiet_hours()
    phone_due = rules.send_at(channel=Channel.SMS, event=event, local_now=local_now, occurs_on=occurs_on, quiet=quiet)
    already_today = selectors.phone_notices_on(user_ids, day=phone_due.date())
    cap = settings.NOTIFICATIONS_DAILY_CAP

    notifications = []
    planned: list[list[tuple[str, str]]] = []
    for user in users:
        values = {**context, "name": user.real_name or user.get_username()}
        notifications.append(
            Notification(
                recipient=user,
                event=event,
                title=rules.render(title_text, values)[:200],
                body=rules.render(body_text, values),
                link=link,
                key=key,
                sent_by=sent_by,
            )
        )
        profile = profiles.get(user.pk)
        reachable = _reachable_channels(user, profile, senders, wechat_template_id)
        chosen = rules.chosen_channels(
            event=event,
            reachable=reachable,
            switched_off=opt_outs.get(user.pk, ()),
            essential_only=bool(profile and profile.essential_only),
        )
        planned.append([(channel, reachable[channel]) for channel in chosen])
    notifications = Notification.objects.bulk_create(notifications)

    deliveries = []
    for notification, channels in zip(notifications, planned, strict=True):
        deliveries.append(
            Delivery(
                notification=notification,
                channel=Channel.SITE,
                status=DeliveryStatus.SENT,
                due_at=now,
                sent_at=now,
                attempts=1,
            )
        )
        over_cap = channels and rules.over_daily_cap(
            channel=Channel.SMS, event=event, sent_today=already_today.get(notification.recipient_id, 0), cap=cap
        )
        for channel, address in channels:
            due = rules.send_at(channel=channel, event=event, local_now=local_now, occurs_on=occurs_on, quiet=quiet)
            skipped = over_cap and channel in rules.INTRUSIVE_CHANNELS
            deliveries.append(
                Delivery(
                    notification=notification,
                    channel=channel,
                    address=address,
                    due_at=due,
                    status=DeliveryStatus.SKIPPED if skipped else DeliveryStatus.PENDING,
                    note=gettext("Daily limit of %(cap)s notices reached.") % {"cap": cap} if skipped else "",
                )
            )
    deliveries = Delivery.objects.bulk_create(deliveries)
    pending = [delivery for delivery in deliveries if delivery.status == DeliveryStatus.PENDING]
    transaction.on_commit(lambda: deliveries_enqueue(deliveries=pending, now=now))
    return notifications


def deliveries_enqueue(*, deliveries: list[Delivery], now: datetime) -> None:
    """Hand deliveries to the task workers in batches: due ones now; later ones (quiet hours, retries) with
    ``run_after`` where the backend can defer, else ``send_due_notifications`` picks them up when due."""
    from .tasks import deliver_notifications

    by_due: dict[datetime | None, list[int]] = {}
    can_defer = deliver_notifications.get_backend().supports_defer
    for delivery in deliveries:
        if delivery.due_at <= now:
            by_due.setdefault(None, []).append(delivery.pk)
        elif can_defer:
            by_due.setdefault(delivery.due_at, []).append(delivery.pk)
    for due, ids in by_due.items():
        task = deliver_notifications if due is None else deliver_notifications.using(run_after=due)
        for start in range(0, len(ids), BATCH_SIZE):
            task.enqueue(ids[start : start + BATCH_SIZE])


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    """Take a due delivery for sending (committed before the provider is called), or say why not (None)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("notification").filter(pk=delivery_id).first()
        if delivery is None:
            return None
        if delivery.status == DeliveryStatus.SENDING:
            # Claimed by a worker that never wrote back: it died mid-send, and the message may have left.
            delivery.status = DeliveryStatus.UNCERTAIN
            delivery.note = gettext("The worker stopped while sending; not sent again to avoid a duplicate.")
            delivery.save(update_fields=["status", "note"])
            logger.warning("Delivery %s (%s) left mid-send: marked uncertain", delivery.pk, delivery.idempotency_key)
            return None
        if delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.RETRY) or delivery.due_at > now:
            return None
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.save(update_fields=["status", "attempts", "last_attempt_at"])
        return delivery


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one due delivery through its channel's sender and record the outcome; returns its new status.
    Not atomic on purpose: the claim commits before the provider is called (see the module docstring).

    Written in the academy's language whoever set it off: with the immediate task backend a delivery is sent in the
    thread of the request that caused it, and a registrar reading the admin in English must not send a Chinese
    trainee's WeChat or DingTalk message with English words in it (a button's "View details")."""
    with translation.override(settings.LANGUAGE_CODE):
        return _delivery_send(delivery_id=delivery_id, now=now)


def _delivery_send(*, delivery_id: int, now: datetime | None) -> str:
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first() or ""
    notification = delivery.notification
    sender = get_sender(delivery.channel)
    in_flight = [DeliveryStatus.SENDING, DeliveryStatus.UNCERTAIN]
    try:
        if sender is None:
            raise SendError(gettext("This channel is not configured here."))
        _title, _body, template_id = selectors.message_texts(event=notification.event, language=settings.LANGUAGE_CODE)
        reply = sender.send(
            OutgoingMessage(
                address=delivery.address,
                title=notification.title,
                body=notification.body,
                link=absolute_url(notification.link) if notification.link else "",
                event=notification.event,
                idempotency_key=str(delivery.idempotency_key),
                template_id=template_id,
            )
        )
    except SendError as error:
        retry = delivery.attempts < MAX_ATTEMPTS
        status = DeliveryStatus.RETRY if retry else DeliveryStatus.FAILED
        due = now + rules.retry_delay(delivery.attempts) if retry else delivery.due_at
        Delivery.objects.filter(pk=delivery.pk, status__in=in_flight).update(
            status=status, due_at=due, provider_reply=error.reply[:2000], note=""
        )
        logger.warning("Delivery %s attempt %s refused: %s", delivery.pk, delivery.attempts, error.reply)
        if retry:
            delivery.due_at = due
            deliveries_enqueue(deliveries=[delivery], now=now)
        return status
    Delivery.objects.filter(pk=delivery.pk, status__in=in_flight).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), provider_reply=str(reply)[:2000], note=""
    )
    return DeliveryStatus.SENT


def deliveries_send(*, delivery_ids: Iterable[int], now: datetime | None = None) -> int:
    """Send each delivery of a batch (what one task does); returns how many were sent."""
    return sum(delivery_send(delivery_id=pk, now=now) == DeliveryStatus.SENT for pk in delivery_ids)


def deliveries_dispatch_due(*, now: datetime | None = None) -> int:
    """Enqueue every delivery whose time has come (deferred to 08:00, or a retry) and that no task holds yet:
    run it every minute where the task backend cannot defer. A delivery enqueued twice is sent once (``_claim``)."""
    now = now or timezone.now()
    due = list(selectors.deliveries_due(now=now).only("pk", "due_at"))
    deliveries_enqueue(deliveries=due, now=now)
    return len(due)


@transaction.atomic
def staff_notice_send(*, actor, recipients: Iterable, title: str, text: str, about: Model, link: str = "") -> int:
    """A registrar's own notice (``Event.STAFF_NOTICE``) to a group of trainees: a cohort's roster, a session's
    registrants. Each active recipient gets it in their site inbox and on their phone as their preferences say, like
    any notice; the sending is audited on ``about`` (the cohort or session) with who sent what to how many. Refused,
    with nothing sent or written, when the sender is not a registrar, the title or text is empty or too long, or
    nobody would receive it. Returns how many were told."""
    if not (actor.is_authenticated and actor.is_active and actor.is_registrar):
        raise StaffNoticeError(_("Only registrars may send notices to trainees."), code="not_allowed")
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise StaffNoticeError(_("Write a title and a text for the notice."), code="empty")
    if len(title) > rules.STAFF_NOTICE_TITLE_MAX or len(text) > rules.STAFF_NOTICE_TEXT_MAX:
        raise StaffNoticeError(
            _("A notice has at most %(title)d characters of title and %(text)d of text.")
            % {"title": rules.STAFF_NOTICE_TITLE_MAX, "text": rules.STAFF_NOTICE_TEXT_MAX},
            code="too_long",
        )
    people = [person for person in recipients if person.is_active]
    if not people:
        raise StaffNoticeError(
            _("Nobody would receive this notice: there are no trainees to send it to."), code="nobody"
        )
    told = len(
        notify(
            event=Event.STAFF_NOTICE,
            recipients=people,
            context={"title": title, "text": text},
            link=link,
            sent_by=actor,
        )
    )
    log(
        instance=about,
        action="notifications.staff_notice",
        user=actor,
        data={"title": title, "text": text, "recipients": told},
    )
    return told


@transaction.atomic
def preferences_update(
    *, user, essential_only: bool, switched_off: set[tuple[str, str]], unlink_wechat: bool = False
) -> NotificationProfile:
    """Save a person's own choices: unsubscribed from all but the essential or not, the (event, channel) pairs they
    switched off (every other pair is on; an essential notice's pairs cannot be off), and, if they ask, unlink their
    WeChat (``wechat_unlink``)."""
    if unlink_wechat:
        wechat_unlink(user=user)
    profile, _created = NotificationProfile.objects.select_for_update().get_or_create(user=user)
    profile.essential_only = essential_only
    profile.full_clean()
    profile.save()
    ChannelOptOut.objects.filter(user=user).delete()
    ChannelOptOut.objects.bulk_create(
        ChannelOptOut(user=user, event=event, channel=channel)
        for event, channel in sorted(switched_off)
        if event not in rules.ESSENTIAL_EVENTS  # cannot be switched off: nothing to keep
    )
    return profile


@transaction.atomic
def notification_mark_read(*, notification: Notification, now: datetime | None = None) -> None:
    """Mark one notice read (reading it again keeps the first time)."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now or timezone.now())


@transaction.atomic
def notifications_mark_all_read(*, user, now: datetime | None = None) -> int:
    """Mark every unread notice of the person read; returns how many."""
    return Notification.objects.for_recipient(user).unread().update(read_at=now or timezone.now())


@transaction.atomic
def wechat_openid_sync(*, user) -> str:
    """The one rule for the OpenID WeChat messages go to: the person's linked WeChat identity of the official account
    that sends them (an OpenID is per app, so the QR log-in's website-app OpenID cannot receive them); none linked,
    none kept. Called whenever a WeChat link is added, refreshed or removed. Returns the OpenID kept ("" for none)."""
    openid = selectors.official_account_openid(user=user)
    profile = NotificationProfile.objects.select_for_update().filter(user=user).first()
    if profile is None and not openid:
        return ""
    if profile is None:
        profile = NotificationProfile(user=user)
    if profile.wechat_openid != openid or profile.pk is None:
        profile.wechat_openid = openid
        profile.full_clean()
        profile.save()
    return openid


@transaction.atomic
def wechat_unlink(*, user) -> None:
    """Unlink every WeChat identity of the person (log-in and messages alike) and forget the OpenID."""
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.filter(user=user, provider=selectors.WECHAT_PROVIDER).delete()
    wechat_openid_sync(user=user)


@transaction.atomic
def work_user_id_set(*, user, work_user_id: str) -> NotificationProfile:
    """Set the staff member's DingTalk (浙政钉) user ID, which staff work notices are sent to ("" clears it)."""
    profile, _created = NotificationProfile.objects.select_for_update().get_or_create(user=user)
    profile.work_user_id = work_user_id.strip()
    profile.full_clean()
    profile.save()
    return profile


def work_user_id_fill_from_dingtalk(*, user, union_id: str) -> str:
    """After a staff member linked DingTalk: look their user ID up from the log-in's unionId with the work-notice
    app and keep it. Returns the user ID ("" when the work-notice app is not configured or does not know them; an
    ID set by hand is then left alone)."""
    from .senders import DingTalkWorkNoticeSender

    sender = DingTalkWorkNoticeSender()
    if not union_id or not sender.is_configured():
        return ""
    try:
        work_user_id = sender.user_id_by_union_id(union_id)
    except SendError as error:
        logger.warning("No DingTalk user ID for %s: %s", user.pk, error.reply)
        return ""
    work_user_id_set(user=user, work_user_id=work_user_id)
    return work_user_id
