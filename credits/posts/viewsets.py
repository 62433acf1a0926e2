"""Admin screens for posts (a snippet) and appointments (street-scoped: street administrators see and appoint only
in their own street)."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from academy.admin_views import ReadableColumn, ReadableViewSetMixin, ServiceRefusalMixin
from academy.spreadsheets import StreamingExportMixin

from ..filters import AppointmentFilterSet
from ..forms import AppointmentForm
from ..models import Appointment, Post
from ..services import CreditActionError
from . import services as post_services

# Appointments ---------------------------------------------------------------------------------------------


class AppointmentIndexView(StreamingExportMixin, generic.IndexView):
    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "view")


class AppointmentCreateView(ServiceRefusalMixin, generic.CreateView):
    """Appointing goes through ``appointment_create``; its refusal (not qualified, an override without a reason)
    shows the form again with every shortfall."""

    refusal_errors = (CreditActionError,)

    def save_instance(self):
        data = self.form.cleaned_data
        return post_services.appointment_create(
            actor=self.request.user,
            trainee=data["trainee"],
            post=data["post"],
            street=data["street"],
            community=data.get("community"),
            compound=data.get("compound", ""),
            start_date=data["start_date"],
            override_reason=data.get("override_reason") or "",
        )


class AppointmentInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset) if queryset is not None else super().get_object()
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, "view", obj):
            raise Http404
        return obj


class AppointmentHistoryView(history.HistoryView):
    """An appointment's history only for someone who may see the appointment (not another street's)."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset) if queryset is not None else super().get_object()
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, "view", obj):
            raise Http404
        return obj


class AppointmentViewSet(ReadableViewSetMixin, ModelViewSet):
    """上岗任命: who holds which post where, and whether they are still qualified; street administrators see and
    appoint only in their own street."""

    model = Appointment
    icon = "user"
    menu_label = _("Post holders")
    url_prefix = "credits/appointments"
    url_namespace = "credits_appointments"
    index_view_class = AppointmentIndexView
    add_view_class = AppointmentCreateView
    inspect_view_class = AppointmentInspectView
    history_view_class = AppointmentHistoryView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["trainee", "post", "street", "community", "compound", "start_date", "override_reason"]
    list_display = [
        "trainee", "post", "street", "community", "compound", "start_date",
        ReadableColumn("qualified_now", label=_("Qualified now")),
    ]  # fmt: skip
    filterset_class = AppointmentFilterSet
    list_export = [
        "trainee",
        "post",
        "street",
        "community",
        "compound",
        "start_date",
        "certificate",
        "override_reason",
        "qualified_now",
    ]
    export_filename = "post-holders"
    export_headings = {"qualified_now": _("Qualified now")}
    search_fields = ["trainee__real_name", "compound"]
    inspect_view_fields = [
        "trainee", "post", "street", "community", "compound", "start_date", "certificate", "override_reason",
        "created_by", "created_at",
    ]  # fmt: skip

    def get_form_class(self, for_update=False):
        return AppointmentForm


# Posts ----------------------------------------------------------------------------------------------------


class PostViewSet(ReadableViewSetMixin, SnippetViewSet):
    """岗位: each names the programmes whose certificate qualifies for it."""

    model = Post
    icon = "tag"
    menu_label = _("Posts")
    list_display = ["name", "slug", "party"]
    list_filter = ["party"]
    search_fields = ["name"]
    copy_view_enabled = False
