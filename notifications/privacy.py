"""The notification centre's answers to academy's personal-data signals (connected in NotificationsConfig.ready()):
a person's notices, deliveries and settings in their download; all of it removed when their account is deleted."""

from academy.privacy import PersonalDataPart

from .models import ChannelOptOut, Delivery, Notification, NotificationProfile


def personal_data(sender, *, user, **kwargs) -> PersonalDataPart:
    """Every notice the person was sent (with each channel's outcome) and their notification settings."""
    profile = NotificationProfile.objects.filter(user=user).first()
    notices = Notification.objects.for_recipient(user).prefetch_related("deliveries").order_by("created_at", "pk")
    return PersonalDataPart(
        sections={
            "notifications": [
                {
                    "event": n.get_event_display(),
                    "title": n.title,
                    "text": n.body,
                    "created_at": n.created_at,
                    "read_at": n.read_at,
                    "deliveries": [
                        {"channel": d.get_channel_display(), "status": d.get_status_display(), "sent_at": d.sent_at}
                        for d in n.deliveries.all()
                    ],
                }
                for n in notices
            ],
            "notification_settings": {
                "essential_only": bool(profile and profile.essential_only),
                "wechat_linked": bool(profile and profile.wechat_openid),
                "switched_off": sorted(
                    f"{event}:{channel}"
                    for event, channel in ChannelOptOut.objects.filter(user=user).values_list("event", "channel")
                ),
            },
        }
    )


def anonymise(sender, *, user, **kwargs) -> dict:
    """Delete the person's notices (their text names them), deliveries (phone number, OpenID) and settings."""
    _total, deleted = Notification.objects.filter(recipient=user).delete()  # with their deliveries
    NotificationProfile.objects.filter(user=user).delete()
    ChannelOptOut.objects.filter(user=user).delete()
    return {
        "notifications": deleted.get(Notification._meta.label, 0),
        "deliveries": deleted.get(Delivery._meta.label, 0),
    }
