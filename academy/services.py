"""Writes for people and places."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.log_actions import log

from .models import Community, User

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


class RosterImportError(Exception):
    """The roster still has problems when it is confirmed; nothing was imported."""

    def __init__(self, problems):
        super().__init__("; ".join(f"{p.row}: {p.message}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class RosterImportResult:
    created: int
    updated: int


ROSTER_UPDATE_FIELDS = ["real_name", "party", "street", "community", "organisation"]


@transaction.atomic
def roster_import(*, actor: User, records: list[tuple[int, dict[str, str]]]) -> RosterImportResult:
    """Import a checked roster, all or nothing: rows are checked again inside the transaction (streets or phones may
    have changed since the preview), new phones become trainees, existing phones are updated, never duplicated."""
    from .roster import check_rows

    if not actor.is_active or not actor.is_registrar:
        raise PermissionDenied
    preview = check_rows(records)
    if not preview.ok:
        raise RosterImportError(preview.problems)
    communities = Community.objects.in_bulk([row.community_id for row in preview.rows if row.community_id])
    existing = User.objects.select_for_update().in_bulk([row.phone for row in preview.rows], field_name="phone")
    created, updated = [], []
    for row in preview.rows:
        user = existing.get(row.phone)
        if user is None:
            # Imported trainees log in by phone (SMS code); the username is internal and never shown.
            user = User(username=f"t-{uuid.uuid4().hex[:16]}", phone=row.phone)
            user.set_unusable_password()
            created.append(user)
        else:
            updated.append(user)
        user.real_name = row.name
        user.party = row.party
        user.street_id = row.street_id
        user.community = communities.get(row.community_id) if row.community_id else None
        if row.employer:
            user.organisation = row.employer
        # street and community were looked up while checking; excluding them saves two queries per row.
        user.full_clean(
            exclude=["password", "street", "community", "managed_street"],
            validate_unique=False,
            validate_constraints=False,
        )
    User.objects.bulk_create(created, batch_size=500)
    User.objects.bulk_update(updated, ROSTER_UPDATE_FIELDS, batch_size=500)
    # The import has no object of its own: it is logged against the registrar who ran it, naming the trainees.
    log(
        instance=actor,
        action="academy.roster_import",
        user=actor,
        data={
            "created": [user.pk for user in created],
            "updated": [user.pk for user in updated],
        },
    )
    return RosterImportResult(created=len(created), updated=len(updated))
