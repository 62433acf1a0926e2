"""Mainland China mobile numbers: parsing, validation and the one normal form we store (+86 and 11 digits)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()（）.]")

# The numbers normalise_phone accepts, as a pattern an API schema can declare (so that a client, and schemathesis,
# know what is valid): ASCII or full-width digits, an optional +86 / 0086 / 86, and spaces, dashes, dots or
# brackets anywhere. Every string it matches normalises; a few odd spellings normalise_phone also accepts (a
# full-width plus sign, say) it does not, so an API refuses them as malformed rather than guessing.
_SEPARATOR = "[ ().（）-]*"
_DIGIT = f"{_SEPARATOR}[0-9０-９]"
MAINLAND_MOBILE_INPUT_PATTERN = (
    rf"^{_SEPARATOR}(\+86|0086|86)?{_SEPARATOR}[1１]{_SEPARATOR}[3-9３-９](?:{_DIGIT}){{9}}{_SEPARATOR}$"
)


def normalise_phone(raw: str) -> str:
    """Return the number as +86XXXXXXXXXXX, or raise ValidationError with a message a trainee understands.

    Accepts what people type: spaces and dashes, full-width digits, and the +86 / 86 / 0086 prefixes.
    """
    if raw is None:
        raise ValidationError(_("Enter a mobile phone number."), code="required")
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    text = _SEPARATORS.sub("", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not MAINLAND_MOBILE.match(text) or not text.isascii():
        raise ValidationError(
            _("Enter a valid mainland mobile number: 11 digits starting with 1, e.g. 138 0013 8000."),
            code="invalid_phone",
        )
    return f"+86{text}"


def mask_phone(phone: str) -> str:
    """Show a stored number as 138****8000 so lists do not expose it whole."""
    digits = phone[3:] if phone and phone.startswith("+86") else (phone or "")
    if len(digits) != 11:
        return digits
    return f"{digits[:3]}****{digits[7:]}"


def display_phone(phone: str) -> str:
    """Show a stored number the way people write it: 138 0013 8000."""
    digits = phone[3:] if phone and phone.startswith("+86") else (phone or "")
    if len(digits) != 11:
        return digits
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
