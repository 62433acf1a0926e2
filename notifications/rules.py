"""Pure rules of the notification centre (no ORM): placeholders, quiet hours, back-off, the daily cap and which
channels a notice takes. Unit-tested without a database."""

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta

from .choices import Channel, Event

# Placeholders each event's text may use ({name} is the recipient's name, always available). The caller supplies
# the rest in ``context``; a template that names any other placeholder is refused when an editor saves it.
COMMON_PLACEHOLDERS = frozenset({"name"})
EVENT_PLACEHOLDERS: dict[str, frozenset[str]] = {
    Event.CERTIFICATE_ISSUED: frozenset({"programme", "number"}),
    Event.CERTIFICATE_PENDING_REVIEW: frozenset({"programme", "trainee"}),
    Event.CERTIFICATE_EXPIRING: frozenset({"programme", "number", "expires_on", "days"}),
    Event.CERTIFICATE_EXPIRED: frozenset({"programme", "number", "expires_on"}),
    Event.WAITLIST_PROMOTED: frozenset({"session", "start", "venue"}),
    Event.SESSION_REMINDER: frozenset({"session", "start", "venue", "address"}),
    Event.SESSION_CANCELLED: frozenset({"session", "start"}),
    Event.SESSION_MOVED: frozenset({"session", "start", "venue", "address"}),
    Event.ASSIGNMENT_REVIEWED: frozenset({"assignment", "result"}),
    Event.APPOINTMENT_MADE: frozenset({"post"}),
    Event.REGISTRATION_CONFIRMED: frozenset({"session", "start", "venue"}),
    Event.STAFF_NOTICE: frozenset({"title", "text"}),
}

# Notices a person cannot switch off (neither by unsubscribing nor channel by channel): they change what the person
# must do or where to be.
ESSENTIAL_EVENTS = frozenset(
    {Event.SESSION_CANCELLED, Event.SESSION_MOVED, Event.CERTIFICATE_EXPIRED, Event.REGISTRATION_CONFIRMED}
)

# Channels that reach a phone and so are limited by quiet hours and the daily cap. The site inbox waits quietly.
INTRUSIVE_CHANNELS = frozenset({Channel.SMS, Channel.WECHAT})
QUIET_CHANNELS = frozenset({Channel.SMS, Channel.WECHAT})
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)

# A staff member's own notice (Event.STAFF_NOTICE): a short title, and a text that fits a few SMS segments.
STAFF_NOTICE_TITLE_MAX = 50
STAFF_NOTICE_TEXT_MAX = 300

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def allowed_placeholders(event: str) -> frozenset[str]:
    """The placeholders ``event``'s text may use."""
    return COMMON_PLACEHOLDERS | EVENT_PLACEHOLDERS.get(event, frozenset())


def unknown_placeholders(text: str, *, event: str) -> list[str]:
    """Placeholders in ``text`` that ``event`` does not supply, in the order they appear (empty when all are known).
    A stray brace counts as an unknown placeholder too, so that a typo never reaches a person as ``{进度``."""
    allowed = allowed_placeholders(event)
    unknown = [name for name in _PLACEHOLDER.findall(text) if name not in allowed]
    stripped = _PLACEHOLDER.sub("", text)
    if "{" in stripped or "}" in stripped:
        unknown.append("{" if "{" in stripped else "}")
    return list(dict.fromkeys(unknown))


def render(text: str, context: Mapping[str, object]) -> str:
    """``text`` with each ``{placeholder}`` replaced by its value (only plain names: no attribute or index access,
    unlike ``str.format``, so an editor's template cannot reach into an object)."""
    return _PLACEHOLDER.sub(lambda match: str(context.get(match.group(1), match.group(0))), text)


def in_quiet_hours(local: datetime, quiet: tuple[time, time] | None = (QUIET_FROM, QUIET_UNTIL)) -> bool:
    """Whether a local (Asia/Shanghai) moment falls in quiet hours (``quiet`` = from, until; None: never)."""
    if quiet is None:
        return False
    start, end = quiet
    return local.time() >= start or local.time() < end


def quiet_hours_end(local: datetime, until: time = QUIET_UNTIL) -> datetime:
    """The next 08:00 after a local moment in quiet hours (the same day before 08:00, else the next day)."""
    day = local.date() if local.time() < until else local.date() + timedelta(days=1)
    return datetime.combine(day, until, tzinfo=local.tzinfo)


def may_break_quiet_hours(*, event: str, occurs_on, today) -> bool:
    """Only a session cancelled on the day it was to happen is worth waking someone for."""
    return event == Event.SESSION_CANCELLED and occurs_on == today


def send_at(
    *,
    channel: str,
    event: str,
    local_now: datetime,
    occurs_on=None,
    quiet: tuple[time, time] | None = (QUIET_FROM, QUIET_UNTIL),
) -> datetime:
    """When a delivery may go out: now, or at the end of quiet hours when ``channel`` is quiet at night and it is
    night. ``quiet`` is (from, until), 21:00 and 08:00 unless the academy set other hours; None turns them off."""
    if (
        channel in QUIET_CHANNELS
        and in_quiet_hours(local_now, quiet)
        and not may_break_quiet_hours(event=event, occurs_on=occurs_on, today=local_now.date())
    ):
        return quiet_hours_end(local_now, quiet[1])
    return local_now


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number ``attempt`` (1, 2, …): 1, 5, 25, 125 minutes, at most 6 hours."""
    return min(timedelta(minutes=5 ** (attempt - 1)), timedelta(hours=6))


def chosen_channels(
    *,
    event: str,
    reachable: Iterable[str],
    switched_off: Iterable[str],
    essential_only: bool,
) -> list[str]:
    """The channels a notice takes besides the site inbox: those the person can be reached on (``reachable``: a
    verified phone, a linked WeChat, a work account), minus those they switched off for this event; none at all
    when they unsubscribed from everything but the essential and this event is not essential. An essential notice
    takes every channel the person can be reached on: it cannot be switched off (the settings page says so)."""
    if event in ESSENTIAL_EVENTS:
        return [channel for channel in reachable if channel != Channel.SITE]
    if essential_only:
        return []
    off = set(switched_off)
    return [channel for channel in reachable if channel != Channel.SITE and channel not in off]


def over_daily_cap(*, channel: str, event: str, sent_today: int, cap: int) -> bool:
    """Whether one more phone message today would pass the person's daily cap (essential notices always go)."""
    return channel in INTRUSIVE_CHANNELS and event not in ESSENTIAL_EVENTS and sent_today >= cap
