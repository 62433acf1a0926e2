"""Writes for people and places."""

from typing import Any

from django.db import transaction

from .models import User

PROFILE_FIELDS = ("real_name", "email", "party", "organisation", "job_title", "street", "community", "compound")


@transaction.atomic
def user_update_profile(*, user: User, data: dict[str, Any]) -> User:
    """Save the profile fields a trainee may edit. The phone number is not among them: it changes only after
    the new number is verified (allauth's change-phone flow calls the adapter's ``set_phone``)."""
    fresh = User.objects.select_for_update().get(pk=user.pk)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(fresh, field, data[field])
    fresh.full_clean(exclude=["password"])
    fresh.save(update_fields=list(PROFILE_FIELDS))
    return fresh


@transaction.atomic
def user_set_elder_mode(*, user: User, enabled: bool) -> User:
    """Remember whether a person wants the elder-friendly mode (适老化): larger text, stronger contrast."""
    fresh = User.objects.select_for_update().get(pk=user.pk)
    fresh.elder_mode = bool(enabled)
    fresh.save(update_fields=["elder_mode"])
    return fresh
