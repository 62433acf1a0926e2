"""Writes of the content site: event sign-up and cancellation."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from academy.models import User
from academy.phone import normalise_phone

from .models import EventPage, EventSignup


def event_signup_create(*, event: EventPage, name: str, phone: str, user: User | None = None) -> EventSignup:
    """Sign someone up for an event, or raise ValidationError (closed, full, duplicate, bad phone) saving nothing.

    Capacity holds under concurrency on both databases. The row is inserted first: on SQLite that takes the
    write lock, so other sign-ups wait until this transaction ends. On PostgreSQL the event row is then
    locked with SELECT ... FOR UPDATE before counting, so concurrent sign-ups count one after another and
    each sees the others' committed rows. If the count exceeds capacity the whole transaction rolls back.
    """
    phone = normalise_phone(phone)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Enter your name."), code="required")
    if not event.live or not event.is_signup_open():
        raise ValidationError(_("Sign-up for this event is closed."), code="closed")
    signup = EventSignup(event=event, name=name, phone=phone, user=user)
    signup.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            signup.save()
            locked = EventPage.objects.select_for_update().only("pk", "capacity").get(pk=event.pk)
            if EventSignup.objects.filter(event_id=event.pk).count() > locked.capacity:
                raise _Full
    except IntegrityError as error:
        raise ValidationError(
            _("This mobile number has already signed up for this event."), code="duplicate"
        ) from error
    except _Full as error:
        raise ValidationError(_("Sorry, this event is full."), code="full") from error
    return signup


class _Full(Exception):
    """Raised inside the transaction so that the sign-up just inserted is rolled back."""


@transaction.atomic
def event_signup_cancel(*, signup: EventSignup) -> None:
    """Cancel a sign-up, freeing its place for someone else."""
    EventSignup.objects.filter(pk=signup.pk).delete()
