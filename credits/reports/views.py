"""The academy's reports in the Wagtail admin: each a ``ReportView`` with filters scoped to what the viewer may
see, and XLSX / CSV downloads streamed row by row with every cell neutralised against formula injection."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet

from academy.admin_views import ReadableColumn
from academy.models import Street, User
from academy.selectors import streets_visible_to
from academy.spreadsheets import StreamingExportMixin
from courses.choices import DeliveryMode
from courses.models import Competency, CoursePage

from .. import rules
from ..models import Post, ProgrammePage
from ..selectors import programmes_live
from . import queries

# Every screen names a post standing with these words (report columns, chart legends).
STANDING_LABELS = {
    rules.Standing.QUALIFIED: pgettext_lazy("post standing", "Qualified"),
    rules.Standing.REQUIREMENTS_MET: _("Requirements met, certificate pending"),
    rules.Standing.IN_PROGRESS: pgettext_lazy("post standing", "In progress"),
    rules.Standing.NOT_STARTED: _("Not started"),
}


def may_read_reports(user) -> bool:
    """Registrars (everything) and street administrators (their street); not editors, not trainees."""
    return bool(user.is_authenticated and user.is_active and (user.is_registrar or user.is_street_administrator))


class ReportFilterSet(WagtailFilterSet):
    """Filters whose values the report's selector reads; the street choice lists only the viewer's streets."""

    street = django_filters.ModelChoiceFilter(label=_("Street"), queryset=Street.objects.none(), method="keep")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(
            data, queryset if queryset is not None else User.objects.none(), request=request, prefix=prefix
        )
        if "street" in self.filters:
            self.filters["street"].queryset = streets_visible_to(request.user)

    def keep(self, queryset, name, value):
        return queryset

    def values(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.form.cleaned_data.items() if value not in (None, "")}


class AcademyReportView(StreamingExportMixin, ReportView):
    """A report over the people the viewer may see. Subclasses name their rows in ``rows(**filters)``."""

    header_icon = "table"
    paginate_by = 50
    url_name = ""
    filterset_class = ReportFilterSet

    def dispatch(self, request, *args, **kwargs):
        if not may_read_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "queryset": User.objects.none()}

    @cached_property
    def filter_values(self) -> dict:
        return self.filters.values() if self.filters else {}

    def rows(self, **filters):
        raise NotImplementedError

    def get_filtered_queryset(self):
        return self.rows(**self.filter_values)

    def get_index_url(self):
        return reverse(f"academy_reports:{self.url_name}")

    def get_index_results_url(self):
        return reverse(f"academy_reports:{self.url_name}_results")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("academy_reports:index"), "label": _("Academy reports")},
            {"url": "", "label": self.get_page_title()},
        ]


# Completion by course -------------------------------------------------------------------------------------


class CompletionFilterSet(ReportFilterSet):
    competency = django_filters.ModelChoiceFilter(
        label=_("Competency"), queryset=Competency.objects.order_by("order"), method="keep"
    )


class CompletionByCourseReport(AcademyReportView):
    page_title = _("Completion by course")
    url_name = "completion_by_course"
    filterset_class = CompletionFilterSet
    export_filename = "completion-by-course"
    columns = [
        ReadableColumn("code", label=pgettext_lazy("course code", "Code")),
        ReadableColumn("title", label=_("Course")),
        ReadableColumn("competency", label=_("Competency")),
        ReadableColumn("enrolled", label=_("Enrolled")),
        ReadableColumn("completed", label=pgettext_lazy("report column", "Completed")),
    ]
    list_export = ["code", "title", "competency.name", "enrolled", "completed"]
    export_headings = {
        "code": pgettext_lazy("course code", "Code"),
        "title": _("Course"),
        "competency.name": _("Competency"),
        "enrolled": _("Enrolled"),
        "completed": pgettext_lazy("report column", "Completed"),
    }

    def rows(self, **filters):
        return queries.completion_by_course(viewer=self.request.user, **filters)


# Credits by competency and party --------------------------------------------------------------------------


class CreditsFilterSet(ReportFilterSet):
    since = django_filters.DateFilter(
        label=_("Earned from"), method="keep", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("Earned until"), method="keep", widget=forms.DateInput(attrs={"type": "date"})
    )


class CreditsByCompetencyReport(AcademyReportView):
    page_title = _("Credits by competency and party")
    url_name = "credits_by_competency"
    filterset_class = CreditsFilterSet
    export_filename = "credits-by-competency-and-party"
    columns = [
        ReadableColumn("competency", label=_("Competency")),
        ReadableColumn("party_label", label=_("Party")),
        ReadableColumn("credits", label=_("Credits")),
        ReadableColumn("trainees", label=_("Trainees with credits")),
    ]
    list_export = ["competency.name", "party_label", "credits", "trainees"]
    export_headings = {
        "competency.name": _("Competency"),
        "party_label": _("Party"),
        "credits": _("Credits"),
        "trainees": _("Trainees with credits"),
    }

    def rows(self, **filters):
        return queries.credits_by_competency_and_party(viewer=self.request.user, **filters)


# Qualification by street ----------------------------------------------------------------------------------


class QualificationFilterSet(ReportFilterSet):
    post = django_filters.ModelChoiceFilter(label=_("Post"), queryset=Post.objects.all(), method="keep")


class QualificationByStreetReport(AcademyReportView):
    """Each street's trainees for each post by ``rules.Standing``: qualified (a valid certificate), requirements met
    with the certificate pending, in progress, not started."""

    page_title = _("Qualification by street")
    url_name = "qualification_by_street"
    filterset_class = QualificationFilterSet
    export_filename = "qualification-by-street"
    headings = {
        "street.name": _("Street"),
        "post.name": _("Post"),
        "trainees": _("Trainees"),
        "qualified": STANDING_LABELS[rules.Standing.QUALIFIED],
        "requirements_met": STANDING_LABELS[rules.Standing.REQUIREMENTS_MET],
        "in_progress": STANDING_LABELS[rules.Standing.IN_PROGRESS],
        "not_started": STANDING_LABELS[rules.Standing.NOT_STARTED],
        "qualified_percent": pgettext_lazy("post standing", "Qualified %"),
    }
    columns = [ReadableColumn(name.removesuffix(".name"), label=label) for name, label in headings.items()]
    list_export = list(headings)
    export_headings = headings

    def rows(self, **filters):
        return queries.qualification_by_street(viewer=self.request.user, **filters)


# Certificates expiring ------------------------------------------------------------------------------------


class ExpiringFilterSet(ReportFilterSet):
    days = django_filters.NumberFilter(
        label=_("Expiring within (days)"),
        method="keep",
        min_value=1,
        max_value=3650,
        help_text=_("90 when left empty."),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=ProgrammePage.objects.none(), method="keep"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes_live()


class CertificatesExpiringReport(AcademyReportView):
    page_title = _("Certificates expiring")
    url_name = "certificates_expiring"
    filterset_class = ExpiringFilterSet
    export_filename = "certificates-expiring"
    columns = [
        ReadableColumn("number", label=pgettext_lazy("certificate number", "Number")),
        ReadableColumn("holder", label=_("Holder")),
        ReadableColumn("holder.phone_display", label=_("Mobile phone")),
        ReadableColumn("holder.street", label=_("Street")),
        ReadableColumn("programme", label=_("Programme")),
        ReadableColumn("valid_until", label=_("Valid until")),
    ]
    list_export = [
        "number",
        "holder.real_name",
        "holder.phone_display",
        "holder.street.name",
        "programme.title",
        "valid_until",
    ]
    export_headings = {
        "number": pgettext_lazy("certificate number", "Number"),
        "holder.real_name": _("Holder"),
        "holder.phone_display": _("Mobile phone"),
        "holder.street.name": _("Street"),
        "programme.title": _("Programme"),
        "valid_until": _("Valid until"),
    }

    def rows(self, days=None, **filters):
        return queries.certificates_expiring(
            viewer=self.request.user, days=int(days or queries.EXPIRING_DAYS), **filters
        )


# Attendance by session ------------------------------------------------------------------------------------


class AttendanceFilterSet(ReportFilterSet):
    since = django_filters.DateFilter(
        label=_("Sessions from"), method="keep", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("Sessions until"), method="keep", widget=forms.DateInput(attrs={"type": "date"})
    )
    course = django_filters.ModelChoiceFilter(label=_("Course"), queryset=CoursePage.objects.none(), method="keep")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["course"].queryset = (
            CoursePage.objects.live()
            .filter(delivery_mode__in=[DeliveryMode.OFFLINE, DeliveryMode.BLENDED])
            .order_by("code", "pk")
        )


class AttendanceRateColumn(Column):
    """The attendance rate as "85%", or a dash before the session has ended."""

    def get_value(self, instance):
        rate = instance.attendance_rate
        return "—" if rate is None else f"{rate}%"


class AttendanceBySessionReport(AcademyReportView):
    page_title = _("Attendance by session")
    url_name = "attendance_by_session"
    filterset_class = AttendanceFilterSet
    export_filename = "attendance-by-session"
    columns = [
        ReadableColumn("title", label=_("Session")),
        ReadableColumn("course", label=_("Course")),
        ReadableColumn("start", label=_("Date")),
        ReadableColumn("venue", label=_("Venue")),
        ReadableColumn("capacity", label=_("Capacity")),
        ReadableColumn("registered", label=_("Registered")),
        ReadableColumn("attended", label=_("Attended")),
        ReadableColumn("late", label=_("Late")),
        ReadableColumn("no_show", label=_("No-show")),
        AttendanceRateColumn("attendance_rate", label=_("Attendance rate")),
    ]
    list_export = [
        "title", "course.title", "start", "venue.name", "capacity", "registered", "attended", "late", "no_show",
        "attendance_rate",
    ]  # fmt: skip
    export_headings = {
        "title": _("Session"),
        "course.title": _("Course"),
        "start": _("Date"),
        "venue.name": _("Venue"),
        "capacity": _("Capacity"),
        "registered": _("Registered"),
        "attended": _("Attended"),
        "late": _("Late"),
        "no_show": _("No-show"),
        "attendance_rate": _("Attendance rate (%)"),
    }

    def rows(self, **filters):
        return queries.attendance_by_session(viewer=self.request.user, **filters)


# Post holders who are not qualified -----------------------------------------------------------------------


class UnqualifiedFilterSet(ReportFilterSet):
    post = django_filters.ModelChoiceFilter(label=_("Post"), queryset=Post.objects.all(), method="keep")


class UnqualifiedPostHoldersReport(AcademyReportView):
    page_title = _("Post holders who are not qualified")
    url_name = "unqualified_post_holders"
    filterset_class = UnqualifiedFilterSet
    export_filename = "unqualified-post-holders"
    columns = [
        ReadableColumn("trainee", label=_("Trainee")),
        ReadableColumn("trainee.phone_display", label=_("Mobile phone")),
        ReadableColumn("post", label=_("Post")),
        ReadableColumn("street", label=_("Street")),
        ReadableColumn("community", label=_("Community")),
        ReadableColumn("compound", label=_("Compound")),
        ReadableColumn("start_date", label=_("Start date")),
        ReadableColumn("override_reason", label=_("Reason for override")),
    ]
    list_export = [
        "trainee.real_name", "trainee.phone_display", "post.name", "street.name", "community", "compound", "start_date",
        "certificate", "override_reason",
    ]  # fmt: skip
    export_headings = {
        "trainee.real_name": _("Trainee"),
        "trainee.phone_display": _("Mobile phone"),
        "post.name": _("Post"),
        "street.name": _("Street"),
        "community": _("Community"),
        "compound": _("Compound"),
        "start_date": _("Start date"),
        "certificate": _("Certificate when appointed"),
        "override_reason": _("Reason for override"),
    }

    def rows(self, **filters):
        return queries.unqualified_post_holders(viewer=self.request.user, **filters)


REPORTS = (
    QualificationByStreetReport,
    CompletionByCourseReport,
    CreditsByCompetencyReport,
    CertificatesExpiringReport,
    AttendanceBySessionReport,
    UnqualifiedPostHoldersReport,
)


def reports_index(request):
    """The list of academy reports."""
    if not may_read_reports(request.user):
        raise PermissionDenied
    items = [{"title": report.page_title, "url": reverse(f"academy_reports:{report.url_name}")} for report in REPORTS]
    return TemplateResponse(
        request,
        "credits/admin/reports_index.html",
        {"reports": items, "page_title": _("Academy reports"), "header_icon": "table"},
    )


class ReportsViewSet(ViewSet):
    """学院报表: one menu item leading to the list of reports."""

    name = "academy_reports"
    url_prefix = "academy/reports"
    icon = "table"
    menu_label = _("Reports")

    @cached_property
    def menu_item_class(self):
        return type(
            "AcademyReportsMenuItem", (MenuItem,), {"is_shown": lambda self, request: may_read_reports(request.user)}
        )

    def get_urlpatterns(self):
        patterns = [path("", reports_index, name="index")]
        for report in REPORTS:
            patterns += [
                path(f"{report.url_name}/", report.as_view(), name=report.url_name),
                path(
                    f"{report.url_name}/results/", report.as_view(results_only=True), name=f"{report.url_name}_results"
                ),
            ]
        return patterns
