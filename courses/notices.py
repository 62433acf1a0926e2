"""Courses' notices, sent through the notification centre (``notifications.services.notify``): one function per
event, called from where the event happens, inside its transaction (the deliveries leave once it commits)."""

from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from notifications.choices import Event
from notifications.services import notify

from .choices import RegistrationStatus, SessionStatus


def _session_context(session) -> dict:
    return {
        "session": f"《{session.title}》",
        "start": timezone.localtime(session.start).strftime("%Y-%m-%d %H:%M"),
        "venue": session.venue.name,
        "address": session.venue.address,
    }


def session_link(session) -> str:
    """The path of the session's page, where every notice about it leads."""
    return reverse("courses_session", args=[session.pk])


def registration_placed(registration) -> None:
    """A trainee (or a registrar for them) took a seat: confirm it. A place on the waiting list is not confirmed."""
    if registration.status == RegistrationStatus.REGISTERED:
        session = registration.session
        notify(
            event=Event.REGISTRATION_CONFIRMED,
            recipients=[registration.user],
            context=_session_context(session),
            link=session_link(session),
        )


def waitlist_promoted(registration, session) -> None:
    """A seat freed up and went to the first on the waiting list."""
    notify(
        event=Event.WAITLIST_PROMOTED,
        recipients=[registration.user],
        context=_session_context(session),
        link=session_link(session),
    )


def session_reminder(registration) -> None:
    """The day before: remind one registered trainee (``reminded_at`` keeps it to once per registration)."""
    session = registration.session
    notify(
        event=Event.SESSION_REMINDER,
        recipients=[registration.user],
        context=_session_context(session),
        link=session_link(session),
    )


SESSION_FIELDS_NOTICED = ("start", "venue_id", "status")


def session_snapshot(session: Model) -> dict | None:
    """What a saved session's trainees were told (its start, venue and status), read before a change is saved."""
    if session.pk is None:
        return None
    return type(session).objects.filter(pk=session.pk).values(*SESSION_FIELDS_NOTICED).first()


def _to_the_minute(moment):
    """A start as trainees read it (to the minute): a form that drops the seconds has not moved the session."""
    return moment.replace(second=0, microsecond=0)


def session_trainees_to_tell(session) -> list:
    """Who hears about a session: everyone registered or on its waiting list (a cancelled place hears nothing)."""
    return [
        registration.user
        for registration in session.registrations.filter(
            status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
        )
        .select_related("user")
        .order_by("pk")
    ]


def session_changed(session, before: dict | None) -> None:
    """After a session is saved: tell its registered and waiting trainees when it was cancelled, or when it moved
    to another time or venue (with the new ones). A save that changes neither tells nobody."""
    if before is None or before["status"] == SessionStatus.DRAFT:
        return
    recipients = session_trainees_to_tell(session)
    if not recipients:
        return
    if session.status == SessionStatus.CANCELLED and before["status"] != SessionStatus.CANCELLED:
        notify(
            event=Event.SESSION_CANCELLED,
            recipients=recipients,
            context=_session_context(session),
            link=session_link(session),
            key=f"session:{session.pk}:cancelled:{before['start'].isoformat()}",
            occurs_at=before["start"],
        )
    elif session.status == SessionStatus.SCHEDULED and (
        _to_the_minute(before["start"]) != _to_the_minute(session.start) or before["venue_id"] != session.venue_id
    ):
        notify(
            event=Event.SESSION_MOVED,
            recipients=recipients,
            context=_session_context(session),
            link=session_link(session),
            key=f"session:{session.pk}:moved:{session.start.isoformat()}:{session.venue_id}",
        )
