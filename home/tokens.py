"""Signed tokens that let a person without an account see and cancel their own event sign-up."""

import base64
import binascii

from django.core import signing
from django.http import Http404

from .models import EventSignup

SALT = "home.event-signup"


def signup_token(signup: EventSignup) -> str:
    """A URL-safe token naming this sign-up; it cannot be forged or pointed at another sign-up."""
    signed = signing.dumps({"signup": signup.pk, "phone": signup.phone}, salt=SALT, compress=True)
    # Wagtail serves page sub-paths made of [A-Za-z0-9_-] only, so the signed value (with ":") is re-encoded.
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def signup_from_token(token: str, *, event) -> EventSignup:
    """The sign-up the token names, on this event; 404 if the token is forged or the sign-up is gone."""
    try:
        signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        data = signing.loads(signed, salt=SALT)
    except (binascii.Error, UnicodeDecodeError, ValueError, signing.BadSignature) as error:
        raise Http404 from error
    signup = EventSignup.objects.filter(pk=data.get("signup"), phone=data.get("phone"), event=event).first()
    if signup is None:
        raise Http404
    return signup
