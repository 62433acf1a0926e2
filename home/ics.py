"""iCalendar (RFC 5545) files for events, so people can add one to their phone's calendar."""

from urllib.parse import urlsplit

from academy.ics import CalendarEvent, calendar, escape_text, fold  # noqa: F401  (escape_text/fold re-exported)

from .models import EventPage


def event_calendar(*, event: EventPage, url: str) -> str:
    """One VEVENT in a VCALENDAR, times in UTC so every calendar app shows the right local time."""
    description = "\n".join(part for part in (event.introduction, event.organiser, url) if part)
    return calendar(
        [
            CalendarEvent(
                uid=f"event-{event.pk}@{urlsplit(url).hostname or 'academy'}",
                start=event.start,
                end=event.end,
                summary=event.title,
                location=f"{event.venue.name}，{event.venue.full_address}",
                description=description,
                url=url,
            )
        ]
    )
