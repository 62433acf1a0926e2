"""Roster import: read an uploaded Excel file of trainees and list every problem by row before anything is saved.

The file is read as every import reads it (``spreadsheet_import``: size, type, headings); what a row means is
checked here; the write is ``services.roster_import`` (all or nothing).
"""

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import spreadsheet_import
from .choices import Party
from .models import Community, Street, User
from .phone import normalise_phone
from .roles import STAFF_GROUPS

MAX_ROWS = 10_000

# Column keys, with the headings the template uses (translated) and the headings people also type.
COLUMNS = (
    ("phone", _("Mobile phone"), ("手机号", "手机", "手机号码", "phone", "mobile phone")),
    ("name", _("Name"), ("姓名", "name", "real name")),
    ("party", _("Party"), ("三方", "所属三方", "party")),
    ("street", _("Street"), ("街道", "street")),
    ("community", _("Community"), ("社区", "community")),
    ("employer", _("Employer"), ("工作单位", "单位", "employer", "organisation")),
)
PARTY_ALIASES = {
    Party.RESIDENTS_COMMITTEE: ("rc", "居委会", "社区居委会", "residents' committee"),
    Party.OWNERS_COMMITTEE: ("oc", "业委会", "业主委员会", "owners' committee"),
    Party.PROPERTY_COMPANY: ("pc", "物业", "物业公司", "物业服务企业", "property company"),
}
NAME_MAX, EMPLOYER_MAX = 50, 100
SHEET = spreadsheet_import.SheetFormat(
    columns=COLUMNS,
    required=tuple(key for key, _label, _aliases in COLUMNS if key != "employer"),
    max_rows=MAX_ROWS,
    too_large=_("The file is larger than %(size)s MB; split the roster into smaller files."),
    too_many_rows=_("A roster may hold at most %(rows)s trainees per file."),
    no_rows=_("The workbook has no trainees under its heading row."),
    inflates=_("This workbook unpacks to far more data than a roster holds; save it again as .xlsx."),
)


@dataclass
class RosterRow:
    """One checked row, in the form the import service writes (ids, not names)."""

    row: int
    phone: str
    name: str
    party: str
    street_id: int | None
    community_id: int | None
    employer: str
    street_name: str = ""
    community_name: str = ""
    existing_user_id: int | None = None

    @property
    def party_label(self) -> str:
        return str(Party(self.party).label) if self.party in Party.values else ""


@dataclass
class RosterProblem:
    row: int
    message: str


@dataclass
class RosterPreview:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RosterProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.existing_user_id is None)

    @property
    def update_count(self) -> int:
        return len(self.rows) - self.new_count


def check_upload(upload) -> bytes:
    """The uploaded file's bytes, or ImportFileError when it is too large or not an .xlsx workbook."""
    return spreadsheet_import.check_upload(upload, SHEET)


def read_rows(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {column key: text}) for every non-empty row under the header row."""
    return spreadsheet_import.read_rows(content, SHEET)


def _party_lookup() -> dict[str, str]:
    lookup = {}
    for party, aliases in PARTY_ALIASES.items():
        for alias in (*aliases, str(party.label), gettext(str(party.label))):
            lookup[alias.lower()] = party.value
    return lookup


def check_rows(records: list[tuple[int, dict[str, str]]]) -> RosterPreview:
    """Check every row against the registry and the file itself (three queries, whatever the number of rows)."""
    streets: dict[str, list[Street]] = {}
    for street in Street.objects.all():
        streets.setdefault(street.name, []).append(street)
        if street.name.endswith("街道"):
            streets.setdefault(street.name[: -len("街道")], []).append(street)
    communities = {(c.street_id, c.name): c for c in Community.objects.all()}
    parties = _party_lookup()
    preview = RosterPreview()
    first_row_of_phone: dict[str, int] = {}
    checked = []
    for number, record in records:
        problems = []

        def problem(message, number=number, problems=problems):
            problems.append(RosterProblem(number, message))

        phone = ""
        if not record.get("phone"):
            problem(gettext("Mobile phone is missing."))
        else:
            try:
                phone = normalise_phone(record["phone"])
            except ValidationError:
                problem(gettext("“%(phone)s” is not a mainland mobile number.") % {"phone": record["phone"]})
        if phone:
            if phone in first_row_of_phone:
                problem(
                    gettext("Phone %(phone)s already appears in row %(row)s of this file.")
                    % {"phone": record["phone"], "row": first_row_of_phone[phone]}
                )
            else:
                first_row_of_phone[phone] = number
        name = record.get("name", "")
        if not name:
            problem(gettext("Name is missing."))
        elif len(name) > NAME_MAX:
            problem(gettext("Name is longer than %(max)s characters.") % {"max": NAME_MAX})
        party = parties.get(record.get("party", "").lower(), "")
        if not party:
            problem(
                gettext("Party “%(party)s” is not one of 居委会, 业委会, 物业.") % {"party": record.get("party", "")}
            )
        street_name = record.get("street", "")
        street = None
        matches = streets.get(street_name, [])
        if not street_name:
            problem(gettext("Street is missing."))
        elif not matches:
            problem(gettext("Unknown street “%(street)s”.") % {"street": street_name})
        elif len({s.pk for s in matches}) > 1:
            problem(gettext("Street “%(street)s” exists in more than one district.") % {"street": street_name})
        else:
            street = matches[0]
        community = None
        community_name = record.get("community", "")
        if community_name and street is not None:
            community = communities.get((street.pk, community_name))
            if community is None:
                problem(
                    gettext("Community “%(community)s” is not in %(street)s.")
                    % {"community": community_name, "street": street.name}
                )
        employer = record.get("employer", "")
        if len(employer) > EMPLOYER_MAX:
            problem(gettext("Employer is longer than %(max)s characters.") % {"max": EMPLOYER_MAX})
        preview.problems.extend(problems)
        checked.append(
            RosterRow(
                row=number,
                phone=phone,
                name=name,
                party=party,
                street_id=street.pk if street else None,
                community_id=community.pk if community else None,
                employer=employer,
                street_name=street.name if street else street_name,
                community_name=community_name,
            )
        )
    staff = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name__in=STAFF_GROUPS)
    existing = {
        phone: (pk, in_staff_group or superuser)
        for phone, pk, in_staff_group, superuser in User.objects.filter(phone__in=list(first_row_of_phone))
        .annotate(in_staff_group=Exists(staff))
        .values_list("phone", "pk", "in_staff_group", "is_superuser")
    }
    for row in checked:
        if row.phone in existing:
            pk, is_staff = existing[row.phone]
            if is_staff:
                preview.problems.append(
                    RosterProblem(
                        row.row,
                        gettext("Phone %(phone)s belongs to a staff account; staff are not changed by an import.")
                        % {"phone": row.phone[3:]},
                    )
                )
            row.existing_user_id = pk
    preview.problems.sort(key=lambda p: p.row)
    preview.rows = checked
    return preview


def template_workbook() -> bytes:
    """The roster template: headings and one example row."""
    from openpyxl import Workbook  # here, not at the top: few requests need openpyxl

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Trainees")
    sheet.append([gettext(str(label)) for _key, label, _aliases in COLUMNS])
    sheet.append(
        [
            "13800138000",
            "张三",
            gettext(str(Party.RESIDENTS_COMMITTEE.label)),
            "湖墅街道",
            "信义坊社区",
            "信义坊社区居委会",
        ]
    )
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 18
    for cell in sheet["A"]:
        cell.number_format = "@"  # phones as text, so Excel keeps every digit
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
