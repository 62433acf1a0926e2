"""Home's part in personal-data rights: event sign-ups in a trainee's download and in account deletion
(connected in HomeConfig.ready()), and the retention of sign-ups made without an account."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from academy.privacy import PersonalDataPart

from .models import EventSignup


def _signups_of(*, user, phone: str):
    match = Q(user=user)
    if phone:
        match |= Q(phone=phone)
    return EventSignup.objects.filter(match)


def personal_data(sender, *, user, **kwargs) -> PersonalDataPart:
    """Sign-ups made with the account, and those made without logging in but with the account's phone number."""
    signups = _signups_of(user=user, phone=user.phone or "").select_related("event").order_by("created_at")
    return PersonalDataPart(
        sections={
            "event_signups": [
                {
                    "event": s.event.title,
                    "starts": s.event.start,
                    "name": s.name,
                    "phone": s.phone,
                    "signed_up_at": s.created_at,
                    "with_account": s.user_id == user.pk,
                }
                for s in signups
            ]
        }
    )


def anonymise(sender, *, user, phone: str = "", **kwargs) -> dict:
    """Sign-ups hold only a name and a phone number, and no record depends on them: they are deleted (a place at
    an event still to come is freed)."""
    deleted, _by_model = _signups_of(user=user, phone=phone).delete()
    return {"event_signups_deleted": deleted}


def event_signup_retention_cutoff(*, now: datetime | None = None) -> datetime:
    """Sign-ups without an account for events that ended before this moment have been kept long enough."""
    return (now or timezone.now()) - timedelta(days=settings.EVENT_SIGNUP_RETENTION_DAYS)


@transaction.atomic
def event_signups_purge_expired(*, now: datetime | None = None) -> int:
    """Delete sign-ups made without an account (a name and a phone number) for events that ended more than
    ``EVENT_SIGNUP_RETENTION_DAYS`` ago; return how many. Sign-ups by logged-in trainees stay with the account,
    which its holder can download or delete. Run daily from cron: ``manage.py purge_event_signups``."""
    expired = EventSignup.objects.filter(user__isnull=True, event__end__lt=event_signup_retention_cutoff(now=now))
    deleted, _by_model = expired.delete()
    return deleted
