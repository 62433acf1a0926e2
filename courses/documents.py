"""Files made from training sessions: the calendar entry, the attendance sheet and the import template (Excel),
the printable sign-in sheet (PDF) and the projector's QR code (SVG)."""

import io
from urllib.parse import urlsplit

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.ics import CalendarEvent, calendar
from academy.phone import display_phone
from academy.spreadsheets import neutralise

from .models import TrainingSession


def session_calendar(*, session: TrainingSession, url: str) -> str:
    """An iCalendar file with the session, its venue and how to get there."""
    venue = session.venue
    description = "\n".join(
        part
        for part in (
            session.course.title,
            session.lecturer.name if session.lecturer else "",
            session.notes,
            venue.directions,
            url,
        )
        if part
    )
    return calendar(
        [
            CalendarEvent(
                uid=f"session-{session.pk}@{urlsplit(url).hostname or 'academy'}",
                start=session.start,
                end=session.end,
                summary=session.title,
                location=f"{venue.name}，{venue.full_address}",
                description=description,
                url=url,
            )
        ]
    )


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attendance_workbook(*, session: TrainingSession, roster: list[dict]) -> bytes:
    """The attendance sheet: every registration the viewer may see with its attendance, text cells neutralised
    against formula injection."""
    from openpyxl import Workbook  # here, not at the top: few requests need openpyxl

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Attendance"))
    sheet.append(
        [neutralise(f"{session.title} · {timezone.localtime(session.start):%Y-%m-%d %H:%M} · {session.venue.name}")]
    )
    sheet.append(
        [_("No."), _("Name"), _("Mobile phone"), _("Party"), _("Street"), _("Organisation"), _("Registration"),
         _("Attendance"), _("Checked in at"), _("Method")]
    )  # fmt: skip
    for number, row in enumerate(roster, start=1):
        user, registration, attendance = row["user"], row["registration"], row["attendance"]
        sheet.append(
            [
                number,
                neutralise(user.real_name or user.display_name),
                display_phone(user.phone or ""),
                user.get_party_display(),
                neutralise(user.street.name) if user.street else "",
                neutralise(user.organisation),
                registration.get_status_display(),
                attendance.get_status_display() if attendance else _("Absent"),
                timezone.localtime(attendance.checked_in_at).strftime("%Y-%m-%d %H:%M") if attendance else "",
                attendance.get_method_display() if attendance else "",
            ]
        )
    return _save(workbook)


def import_template_workbook() -> bytes:
    """The attendance import template: 手机号 and 状态 columns with one example row and the allowed values."""
    from openpyxl import Workbook  # here, not at the top: few requests need openpyxl
    from openpyxl.styles import Font  # here, not at the top: few requests need openpyxl

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Attendance")
    sheet.append(["手机号", "状态", "姓名（可不填）"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["13800138000", "出席", "张晓明"])
    sheet.append(["13900139000", "迟到", "李秀英"])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 18
    notes = workbook.create_sheet(title=_("How to fill in"))
    notes.append([_("One row per trainee who attended. Status is 出席 (present) or 迟到 (late).")])
    notes.append([_("Only trainees registered for the session can be imported; one bad row refuses the whole file.")])
    return _save(workbook)


def sign_in_sheet_pdf(*, session: TrainingSession, roster: list[dict], base_url: str) -> bytes:
    """A printable A4 portrait sign-in sheet: name, party and a signature column for each registered trainee."""
    from weasyprint import HTML

    html = render_to_string(
        "courses/documents/sign_in_sheet.html",
        {"session": session, "rows": [row for row in roster if row["registration"].status == "registered"]},
    )
    return HTML(string=html, base_url=base_url).write_pdf()


def qr_svg(url: str) -> str:
    """A QR code for ``url`` as inline SVG, scaled by CSS (medium error correction survives a projector)."""
    import segno  # here, not at the top: few requests need it (docs/performance.md, section 16)

    qr = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=10, border=2, xmldecl=False, svgns=True, nl=False, svgclass="qr", lineclass=None)
    return buffer.getvalue().decode()
