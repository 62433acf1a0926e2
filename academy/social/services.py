"""Linking a WeChat or DingTalk identity to the person's own account (never a new account)."""

import time

from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

PARKED_SESSION_KEY = "academy_social_login_parked"
PARKED_SECONDS = 30 * 60  # long enough to find the phone and wait for an SMS code


def social_link_validate(*, user, account: SocialAccount) -> None:
    """Raise a ValidationError when ``account`` (a provider identity) may not be linked to, or log in, ``user``:
    DingTalk is for staff only, and an identity belongs to one person (it is never moved from another)."""
    provider = account.get_provider()
    if account.provider == "dingtalk" and not user.is_staff_member:
        raise ValidationError(_("Log-in with DingTalk is for the academy's staff only."), code="staff_only")
    taken = SocialAccount.objects.filter(provider=account.provider, uid=account.uid).exclude(user_id=user.pk)
    if taken.exists():
        raise ValidationError(
            _(
                "This %(provider)s account is already linked to another account of the academy. Log in to that "
                "account instead, or unlink it there first."
            )
            % {"provider": provider.name},
            code="linked_to_other",
        )


def social_login_park(*, request, sociallogin: SocialLogin) -> None:
    """Keep an identity nobody has linked yet in the session while its owner logs in with their phone."""
    request.session[PARKED_SESSION_KEY] = {"at": time.time(), "login": sociallogin.serialize()}


def social_login_parked(*, request) -> SocialLogin | None:
    """The identity waiting to be linked in this session (None: none, or it waited too long)."""
    parked = request.session.get(PARKED_SESSION_KEY)
    if not parked or time.time() - parked.get("at", 0) > PARKED_SECONDS:
        return None
    try:
        return SocialLogin.deserialize(parked["login"])
    except (KeyError, LookupError, ValueError, TypeError):
        return None


def social_login_unpark(*, request) -> None:
    """Forget the identity waiting in this session."""
    request.session.pop(PARKED_SESSION_KEY, None)


@transaction.atomic
def social_account_link(*, request, user, sociallogin: SocialLogin) -> SocialAccount:
    """Link the parked identity to ``user`` (who has just logged in with their phone); refused with a
    ValidationError, changing nothing, when ``social_link_validate`` says no."""
    account = sociallogin.account
    social_link_validate(user=user, account=account)
    existing = SocialAccount.objects.filter(provider=account.provider, uid=account.uid, user_id=user.pk).first()
    if existing is not None:  # linked meanwhile (another tab): nothing to add
        social_login_unpark(request=request)
        return existing
    account.pk = None
    account._state.adding = True
    sociallogin.connect(request, user)
    social_login_unpark(request=request)
    return sociallogin.account
