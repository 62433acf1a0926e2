"""Pure rules for certificates: verification codes, numbers, masked names, Chinese dates, expiry and reminders,
and the stage of a holder's certificate for a programme with the next step it calls for.

No ORM and no I/O, so that each is unit-tested on its own. (Kept apart from ``credits/rules.py``, which is
eligibility.)
"""

import enum
import secrets
from datetime import date, timedelta
from decimal import Decimal

from ..choices import CertificateStatus, IssueMode

# Crockford's base32: digits and letters without I, L, O and U. Readers may type I or L for 1 and O for 0.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CROCKFORD_TYPOS = str.maketrans({"I": "1", "L": "1", "O": "0"})
CODE_LENGTH = 16  # 16 symbols × 5 bits = 80 bits
CODE_GROUP = 4
# The longest input worth parsing: 16 symbols, three hyphens and some stray spaces. Anything longer is junk.
CODE_MAX_INPUT = 32

REMINDER_DAYS = (90, 30, 7)
RENEWAL_OPENS_DAYS_BEFORE_EXPIRY = 90


def verification_code_new() -> str:
    """A fresh code: 80 random bits as 16 Crockford symbols, stored without hyphens."""
    value = secrets.randbits(CODE_LENGTH * 5)
    symbols = []
    for _i in range(CODE_LENGTH):
        value, index = divmod(value, 32)
        symbols.append(CROCKFORD_ALPHABET[index])
    return "".join(symbols)


def verification_code_display(code: str) -> str:
    """XXXX-XXXX-XXXX-XXXX, as printed and as it appears in the verification URL."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def verification_code_parse(raw: str) -> str | None:
    """The stored form of what someone typed or scanned, or None when it cannot be a code.

    Case-insensitive; hyphens and spaces are ignored; I and L read as 1 and O as 0, as Crockford specifies.
    Anything too long, of the wrong length or outside the alphabet (SQL, HTML, U, punctuation) is refused.
    """
    if not isinstance(raw, str) or len(raw) > CODE_MAX_INPUT:
        return None
    cleaned = raw.strip().upper().replace("-", "").replace(" ", "").translate(CROCKFORD_TYPOS)
    if len(cleaned) != CODE_LENGTH or any(symbol not in CROCKFORD_ALPHABET for symbol in cleaned):
        return None
    return cleaned


def certificate_number_format(pattern: str, *, year: int, serial: int) -> str:
    """The printed number, e.g. 拱三方证〔2026〕第000123号 from ``拱三方证〔{year}〕第{serial:06d}号``."""
    return pattern.format(year=year, serial=serial)


def mask_name(name: str) -> str:
    """张*明 for three or more characters, 张* for two; one character stays as it is.

    Works on code points, so a name with a character beyond the BMP (𠮷) masks like any other.
    """
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}*{name[-1]}"


def chinese_date(day: date) -> str:
    """2026年11月30日 (Arabic numerals, no leading zeros, as official documents print them today)."""
    return f"{day.year}年{day.month}月{day.day}日"


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def valid_until_for(*, issued_on: date, years: int) -> date:
    """A certificate issued on 1 December 2026 for three years is valid until 30 November 2029."""
    return add_years(issued_on, years) - timedelta(days=1)


def is_expired(*, valid_until: date, today: date) -> bool:
    return valid_until < today


def reminder_due(*, valid_until: date, today: date, already_sent: set[int]) -> int | None:
    """Which reminder (90 or 30 days before expiry) is due today, if one is and has not been sent.

    Only the most urgent threshold counts: a certificate found 20 days before expiry gets the 30-day reminder,
    never a late 90-day one as well.
    """
    days_left = (valid_until - today).days
    if days_left < 0:
        return None
    due = [days for days in REMINDER_DAYS if days_left <= days]
    if not due:
        return None
    threshold = min(due)
    return None if threshold in already_sent else threshold


def renewal_window_open(*, valid_until: date, today: date) -> bool:
    """Renewal opens 90 days before expiry and stays open after it."""
    return (valid_until - today).days <= RENEWAL_OPENS_DAYS_BEFORE_EXPIRY


def renewal_valid_until(*, old_valid_until: date, today: date, years: int) -> date:
    """A renewal continues from the old certificate's expiry, or from today when it has already lapsed."""
    start = max(old_valid_until + timedelta(days=1), today)
    return valid_until_for(issued_on=start, years=years)


def snapshot_total(snapshot: list[dict]) -> Decimal:
    """The total of a certificate's credits snapshot."""
    return sum((Decimal(row["credits"]) for row in snapshot), Decimal("0.0"))


# Stage and next step ----------------------------------------------------------------------------------------


class Stage(enum.StrEnum):
    """Where a holder stands with a programme's certificate, read from the latest certificate of their chain."""

    NONE = "none"  # never held one
    CURRENT = "current"  # the latest is valid and has not expired on the day asked about
    LAPSED = "lapsed"  # the latest is valid but expired: a new one renews it
    REVOKED = "revoked"  # the latest was revoked: only a registrar issues again


class Step(enum.StrEnum):
    """What the automatic check does next for one holder and programme."""

    LEAVE = "leave"  # revoked: never replaced automatically
    HOLD = "hold"  # current, and renewal is not open (or the programme has no renewal rule)
    RENEW = "renew"  # current and renewal is open: renew if the continuing credits are earned
    JUDGE = "judge"  # eligibility decides: read the holder's record, then ask again with ``met``
    WAIT = "wait"  # does not meet the programme yet
    QUEUE = "queue"  # meets an approval programme: into the registrars' queue
    ISSUE = "issue"  # meets an automatic programme: issue now


def certificate_stage(*, status: str | None, valid_until: date | None, on: date) -> Stage:
    """The stage of a holder whose latest certificate has ``status`` and ``valid_until`` (both None: none yet)."""
    if status is None:
        return Stage.NONE
    if status == CertificateStatus.REVOKED:
        return Stage.REVOKED
    return Stage.CURRENT if valid_until >= on else Stage.LAPSED


def next_step(
    *,
    stage: Stage,
    valid_until: date | None,
    today: date,
    renewal_credits: Decimal,
    issue_mode: str,
    met: bool | None = None,
) -> Step:
    """The one decision of the automatic check after a holder's credits changed. ``met`` is whether the holder
    meets the programme today, None while it has not been read: eligibility costs queries, so it is read only
    when the answer is ``Step.JUDGE``, and then the question is asked again with it."""
    if stage == Stage.REVOKED:
        return Step.LEAVE
    if stage == Stage.CURRENT:
        if renewal_credits > 0 and renewal_window_open(valid_until=valid_until, today=today):
            return Step.RENEW
        return Step.HOLD
    if met is None:
        return Step.JUDGE
    if not met:
        return Step.WAIT
    return Step.QUEUE if issue_mode == IssueMode.APPROVAL else Step.ISSUE
