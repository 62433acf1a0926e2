"""Signed tokens that let a person without an account see and cancel their own event sign-up."""

from django.core import signing
from django.http import Http404

from .models import EventSignup

SALT = "home.event-signup"


def signup_token(signup: EventSignup) -> str:
    """A URL-safe token naming this sign-up; it cannot be forged or pointed at another sign-up."""
    return signing.dumps({"signup": signup.pk, "phone": signup.phone}, salt=SALT, compress=True)


def signup_from_token(token: str, *, event) -> EventSignup:
    """The sign-up the token names, on this event; 404 if the token is forged or the sign-up is gone."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise Http404 from error
    signup = EventSignup.objects.filter(pk=data.get("signup"), phone=data.get("phone"), event=event).first()
    if signup is None:
        raise Http404
    return signup
