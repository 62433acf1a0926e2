"""The academy's reports in the Wagtail admin: each a ``ReportView`` with filters scoped to what the viewer may
see, and XLSX / CSV downloads streamed row by row with every cell neutralised against formula injection."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise, cached_property
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


@dataclass(frozen=True)
class ReportField:
    """One field of a report, named once: the column on screen (``column``, the export path unless given; None for
    the download only) and the spreadsheet column ``export`` under the same heading (``export_label`` when the
    download says more), so a report's table and its download cannot drift apart."""

    export: str
    label: Promise | str
    column: str | None = ""
    column_class: type[Column] = ReadableColumn
    export_label: Promise | str | None = None


class AcademyReportView(StreamingExportMixin, ReportView):
    """A report over the people the viewer may see. Subclasses list their ``fields`` and name their rows in
    ``rows(**filters)``; the columns, the download's fields and its headings are made from ``fields``."""

    header_icon = "table"
    paginate_by = 50
    url_name = ""
    filterset_class = ReportFilterSet
    fields: tuple[ReportField, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.columns = [
            field.column_class(field.column or field.export, label=field.label)
            for field in cls.fields
            if field.column is not None
        ]
        cls.list_export = [field.export for field in cls.fields]
        cls.export_headings = {field.export: field.export_label or field.label for field in cls.fields}

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
    fields = (
        ReportField("code", pgettext_lazy("course code", "Code")),
        ReportField("title", _("Course")),
        ReportField("competency.name", _("Competency"), column="competency"),
        ReportField("enrolled", _("Enrolled")),
        ReportField("completed", pgettext_lazy("report column", "Completed")),
    )

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
    fields = (
        ReportField("competency.name", _("Competency"), column="competency"),
        ReportField("party_label", _("Party")),
        ReportField("credits", _("Credits")),
        ReportField("trainees", _("Trainees with credits")),
    )

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
    fields = (
        ReportField("street.name", _("Street"), column="street"),
        ReportField("post.name", _("Post"), column="post"),
        ReportField("trainees", _("Trainees")),
        ReportField("qualified", STANDING_LABELS[rules.Standing.QUALIFIED]),
        ReportField("requirements_met", STANDING_LABELS[rules.Standing.REQUIREMENTS_MET]),
        ReportField("in_progress", STANDING_LABELS[rules.Standing.IN_PROGRESS]),
        ReportField("not_started", STANDING_LABELS[rules.Standing.NOT_STARTED]),
        ReportField("qualified_percent", pgettext_lazy("post standing", "Qualified %")),
    )

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
    fields = (
        ReportField("number", pgettext_lazy("certificate number", "Number")),
        ReportField("holder.real_name", _("Holder"), column="holder"),
        ReportField("holder.phone_display", _("Mobile phone")),
        ReportField("holder.street.name", _("Street"), column="holder.street"),
        ReportField("programme.title", _("Programme"), column="programme"),
        ReportField("valid_until", _("Valid until")),
    )

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
    fields = (
        ReportField("title", _("Session")),
        ReportField("course.title", _("Course"), column="course"),
        ReportField("start", _("Date")),
        ReportField("venue.name", _("Venue"), column="venue"),
        ReportField("capacity", _("Capacity")),
        ReportField("registered", _("Registered")),
        ReportField("attended", _("Attended")),
        ReportField("late", _("Late")),
        ReportField("no_show", _("No-show")),
        ReportField(
            "attendance_rate",
            _("Attendance rate"),
            column_class=AttendanceRateColumn,
            export_label=_("Attendance rate (%)"),
        ),
    )

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
    fields = (
        ReportField("trainee.real_name", _("Trainee"), column="trainee"),
        ReportField("trainee.phone_display", _("Mobile phone")),
        ReportField("post.name", _("Post"), column="post"),
        ReportField("street.name", _("Street"), column="street"),
        ReportField("community", _("Community")),
        ReportField("compound", _("Compound")),
        ReportField("start_date", _("Start date")),
        ReportField("certificate", _("Certificate when appointed"), column=None),
        ReportField("override_reason", _("Reason for override")),
    )

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
