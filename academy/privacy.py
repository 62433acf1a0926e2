"""Personal-data rights under PIPL: a trainee's copy of all their data, and deleting (anonymising) an account.

academy is the bottom of the app stack and cannot read the tables of courses, credits or home, so it sends the
signals in ``academy.signals`` and each app answers for its own records. The rule for deletion is written out in
docs/security.md ("Deleting an account"); in short, the person disappears but the facts others rely on stay:
ledger rows and totals stay with the anonymised account, certificate numbers stay allocated, and each valid
certificate is revoked "at the holder's request" so that verification says so.
"""

import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .models import User
from .signals import account_anonymising, personal_data_requested

# Stored as data (like demo names and street names), so that staff screens and exports show who this was not.
ANONYMISED_NAME = "已注销用户"
ANONYMISED_USERNAME_PREFIX = "deleted-"
ARCHIVE_JSON_NAME = "personal-data.json"


@dataclass
class PersonalDataPart:
    """One app's answer to a request for a person's data: named sections of plain JSON values, and files."""

    sections: dict[str, Any] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


class AccountDeletionRefused(Exception):
    """The account may not delete itself; ``message`` is translated and safe to show."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def profile_data(user: User) -> dict[str, Any]:
    """The account's own fields, as the person would recognise them."""
    return {
        "username": user.username,
        "real_name": user.real_name,
        "phone": user.phone or "",
        "phone_verified": user.phone_verified,
        "email": user.email,
        "party": user.get_party_display() if user.party else "",
        "organisation": user.organisation,
        "job_title": user.job_title,
        "street": str(user.street) if user.street_id else "",
        "community": str(user.community) if user.community_id else "",
        "compound": user.compound,
        "elder_mode": user.elder_mode,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def linked_accounts(user: User) -> list[dict[str, Any]]:
    """The WeChat and DingTalk identities linked to the account (log-in), with what the provider told us of them."""
    from allauth.socialaccount.models import SocialAccount

    return [
        {
            "provider": account.provider,
            "uid": account.uid,
            "linked_at": account.date_joined,
            "last_login": account.last_login,
            "profile": account.extra_data,
        }
        for account in SocialAccount.objects.filter(user=user).order_by("date_joined", "pk")
    ]


def personal_data_collect(*, user: User) -> PersonalDataPart:
    """Everything the academy holds about ``user``, gathered from every app."""
    collected = PersonalDataPart(sections={"profile": profile_data(user), "linked_accounts": linked_accounts(user)})
    for _receiver, part in personal_data_requested.send(sender=User, user=user):
        if isinstance(part, PersonalDataPart):
            collected.sections.update(part.sections)
            collected.files.update(part.files)
    return collected


def personal_data_archive(*, user: User) -> bytes:
    """A zip with ``personal-data.json`` (every section) and the files the apps added (transcript, certificates)."""
    collected = personal_data_collect(user=user)
    document = {"generated_at": timezone.now(), **collected.sections}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ARCHIVE_JSON_NAME, json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        for name, content in collected.files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def account_deletion_refusal(user: User) -> str | None:
    """Why this account cannot delete itself, or None.

    Staff accounts (editors, registrars, street administrators, superusers, anyone with admin access) are refused:
    their names stand behind audited decisions about other people (awards, revocations, appointments), so they are
    closed by a superuser (deactivated and removed from their groups), never erased by their holder.
    """
    if user.is_staff or user.is_superuser or user.group_names or user.managed_street_id:
        return str(
            _(
                "Staff accounts cannot be deleted here: your name stands behind decisions recorded about other "
                "people. Ask the academy's administrator to close your account."
            )
        )
    return None


def account_is_anonymised(user: User) -> bool:
    return user.username.startswith(ANONYMISED_USERNAME_PREFIX) and not user.is_active


def _sessions_delete(user: User) -> int:
    """Delete every stored session of ``user`` (changing the password hash already invalidates them; this also
    removes them from the session table)."""
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def account_anonymise(*, user: User) -> User:
    """Delete a trainee's account by anonymising it, with an audit log entry; see the module docstring."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    fresh = User.objects.select_for_update().get(pk=user.pk)
    refusal = account_deletion_refusal(fresh)
    if refusal is not None:
        raise AccountDeletionRefused(refusal)
    if account_is_anonymised(fresh):
        raise AccountDeletionRefused(_("This account has already been deleted."))
    summary: dict[str, Any] = {}
    for _receiver, counts in account_anonymising.send(
        sender=User, user=fresh, phone=fresh.phone or "", email=fresh.email
    ):
        if isinstance(counts, dict):
            summary.update(counts)
    fresh.username = f"{ANONYMISED_USERNAME_PREFIX}{uuid.uuid4().hex}"
    fresh.real_name = ANONYMISED_NAME
    fresh.first_name = fresh.last_name = ""
    fresh.phone = None
    fresh.phone_verified = False
    fresh.email = ""
    fresh.party = ""
    fresh.organisation = ""
    fresh.job_title = ""
    fresh.street = None
    fresh.community = None
    fresh.compound = ""
    fresh.elder_mode = False
    fresh.is_active = False
    fresh.set_unusable_password()
    fresh.save()
    fresh.user_permissions.clear()
    summary["email_addresses_deleted"] = EmailAddress.objects.filter(user=fresh).delete()[0]
    summary["authenticators_deleted"] = Authenticator.objects.filter(user=fresh).delete()[0]
    # Unlinked, so the WeChat or DingTalk identity can never reach this account again (nor be refused as "taken").
    summary["linked_accounts_deleted"] = SocialAccount.objects.filter(user=fresh).delete()[0]
    summary["sessions_deleted"] = _sessions_delete(fresh)
    log(instance=fresh, action="academy.account_delete", user=fresh, data=summary)
    return fresh
