"""A small iCalendar (RFC 5545) writer shared by events (home) and training sessions (courses), so that people
can add either to their phone's calendar."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

PRODID = "-//Gongshu Three-Party Academy//Calendar//ZH"


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character."""
    parts, current = [], ""
    for char in line:
        limit = 75 if not parts else 74  # continuation lines start with one space
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def utc_stamp(value: dt.datetime) -> str:
    """A DATE-TIME in UTC form (``…Z``), so every calendar app shows the right local time."""
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class CalendarEvent:
    """What one VEVENT says."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""


def calendar(events: list[CalendarEvent]) -> str:
    """A VCALENDAR holding ``events``, with CRLF line ends and folded lines."""
    stamp = utc_stamp(timezone.now())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_stamp(event.start)}",
            f"DTEND:{utc_stamp(event.end)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
