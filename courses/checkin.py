"""Rotating check-in tokens for the projector page.

Every 30 seconds (a *window*) the projector shows a new QR code and a new six-digit code for its session. Both
are HMAC-SHA256 of the session id and the window number under a key derived from ``SECRET_KEY`` (Django's
``salted_hmac`` with a purpose of its own), so nobody without the key can make one and a code for one session
is worthless for another. The QR token carries the session id and window in clear so that a refusal can say
why (expired, another session, forged); the MAC decides, and 80 bits of it cannot be guessed. The current and the
previous window are accepted, which leaves 30–60 seconds between the code appearing and the phone sending it.

A six-digit code can be guessed, one in 500,000 per try, so a typed code is either right or wrong: an old code
and a never-valid one get the same answer (telling them apart would tell a guesser which codes were once real),
and the number of tries is limited per person and per session (``courses.services.session_check_in``).
"""

import time
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac

WINDOW_SECONDS = 30
ACCEPTED_WINDOWS = 2  # the current window and the one before it
_SALT = "courses.checkin"
_TOKEN_HEX = 20  # 80 bits of MAC in the QR token
_CODE_DIGITS = 6


def window_at(timestamp: float | None = None) -> int:
    """The number of the 30-second window containing ``timestamp`` (now when omitted)."""
    return int((time.time() if timestamp is None else timestamp) // WINDOW_SECONDS)


def seconds_left(timestamp: float | None = None) -> int:
    """Seconds until the current window ends, for the projector's countdown."""
    now = time.time() if timestamp is None else timestamp
    return WINDOW_SECONDS - int(now % WINDOW_SECONDS)


def _mac(kind: str, session_id: int, window: int) -> str:
    return salted_hmac(_SALT, f"{kind}:{session_id}:{window}", algorithm="sha256").hexdigest()


def token_for(session_id: int, window: int) -> str:
    """The QR token for a session in a window: ``<session>-<window>-<mac>``."""
    return f"{session_id}-{window}-{_mac('qr', session_id, window)[:_TOKEN_HEX]}"


def code_for(session_id: int, window: int) -> str:
    """The six-digit fallback code for a session in a window."""
    return f"{int(_mac('code', session_id, window), 16) % 10**_CODE_DIGITS:0{_CODE_DIGITS}d}"


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a token or code: ``ok``, or ``problem`` is one of the PROBLEM_* names."""

    ok: bool
    problem: str = ""


MALFORMED = "malformed"
FORGED = "forged"
EXPIRED = "expired"
OTHER_SESSION = "other_session"
# Typed codes: only these two answers, whatever the code once was.
MALFORMED_CODE = "malformed_code"
WRONG_CODE = "wrong_code"


def verify_token(token: str, *, session_id: int, now_window: int | None = None) -> Verdict:
    """Check a QR token for ``session_id`` against the current and previous window."""
    now_window = window_at() if now_window is None else now_window
    parts = (token or "").strip().split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[2]) != _TOKEN_HEX:
        return Verdict(False, MALFORMED)
    token_session, token_window = int(parts[0]), int(parts[1])
    if not constant_time_compare(token, token_for(token_session, token_window)):
        return Verdict(False, FORGED)
    if token_session != session_id:
        return Verdict(False, OTHER_SESSION)
    if not now_window - ACCEPTED_WINDOWS < token_window <= now_window:
        return Verdict(False, EXPIRED)
    return Verdict(True)


def verify_code(code: str, *, session_id: int, now_window: int | None = None) -> Verdict:
    """Check a typed six-digit code for ``session_id``: accepted in the current and previous window. Anything else
    is simply wrong: whether it was valid once, or for another session, is not said."""
    now_window = window_at() if now_window is None else now_window
    code = (code or "").strip()
    if len(code) != _CODE_DIGITS or not code.isdigit():
        return Verdict(False, MALFORMED_CODE)
    matches = [
        constant_time_compare(code, code_for(session_id, window))
        for window in range(now_window, now_window - ACCEPTED_WINDOWS, -1)
    ]
    return Verdict(True) if any(matches) else Verdict(False, WRONG_CODE)
