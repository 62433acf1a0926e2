"""Excel export of an event's sign-ups for staff."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from academy.phone import display_phone
from academy.spreadsheets import FORMULA_PREFIXES, neutralise  # noqa: F401  (re-exported for existing callers)

from .models import EventPage


def signups_workbook(*, event: EventPage) -> bytes:
    """An .xlsx file listing who signed up for the event, in sign-up order."""
    from openpyxl import Workbook  # here, not at the top: few requests need openpyxl

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Sign-ups"))
    sheet.append([neutralise(event.title)])
    sheet.append([_("No."), _("Name"), _("Mobile phone"), _("Account"), _("Signed up at")])
    signups = event.signups.select_related("user").order_by("created_at", "pk")
    for number, signup in enumerate(signups, start=1):
        sheet.append(
            [
                number,
                neutralise(signup.name),
                display_phone(signup.phone),
                neutralise(signup.user.username) if signup.user else "",
                timezone.localtime(signup.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
