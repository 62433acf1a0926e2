"""Admin screens for credits: the read-only ledger with its adjustment form, appointments (street-scoped),
posts (a snippet) and the integration API's clients. Programmes are pages and live in the page tree."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton, ListingButton

from academy.admin_titles import TitledAdminViewMixin
from academy.admin_views import ReadableViewSetMixin, ServiceRefusalMixin
from academy.roster_views import RosterImportViewSet
from academy.selectors import users_visible_to
from academy.spreadsheets import StreamingExportMixin
from academy.viewsets import TraineeViewSet
from courses.services import CourseActionError
from courses.viewsets import CourseCompletionViewSet, EnrolmentViewSet
from notifications.admin_views import StaffNoticeView

from . import notices, services
from .certificates.viewsets import BulkIssueViewSet, CertificateRequestViewSet, CertificateViewSet
from .filters import AcademyTraineeFilterSet
from .forms import ApiClientForm, CohortForm, CreditAdjustForm
from .models import ApiClient, Cohort, CreditEntry
from .posts.viewsets import AppointmentViewSet, PostViewSet
from .reports.views import ReportsViewSet

# Ledger ---------------------------------------------------------------------------------------------------


class LedgerIndexView(StreamingExportMixin, generic.IndexView):
    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "view").select_related(
            "trainee", "competency", "recorded_by", "course"
        )

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.permission_policy.user_has_permission(self.request.user, "adjust"):
            buttons.append(HeaderButton(_("Adjust credits"), url=reverse("credits_ledger:adjust"), icon_name="plus"))
        return buttons


class LedgerInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset) if queryset is not None else super().get_object()
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, "view", obj):
            raise Http404
        return obj


class CreditAdjustView(TitledAdminViewMixin, FormView):
    """A registrar adds or deducts credits with a reason; the service refuses bad input and writes nothing."""

    form_class = CreditAdjustForm
    template_name = "credits/admin/adjust.html"
    page_title = _("Adjust credits")
    parent_url_name = "credits_ledger:index"
    parent_label = _("Credit ledger")
    header_icon = "pick"
    permission_policy = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "adjust"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "viewer": self.request.user}

    def form_valid(self, form):
        try:
            entry = services.credit_adjust(
                actor=self.request.user,
                trainee=form.cleaned_data["trainee"],
                competency=form.cleaned_data["competency"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except services.CreditActionError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Recorded %(amount)s credits in %(competency)s for %(name)s.")
            % {"amount": entry.amount, "competency": entry.competency.name, "name": entry.trainee.display_name},
        )
        return redirect("credits_ledger:index")


class CreditLedgerViewSet(ReadableViewSetMixin, ModelViewSet):
    """学分台账: every ledger row, read only; corrections are made as new rows through "Adjust credits"."""

    model = CreditEntry
    icon = "list-ul"
    menu_label = _("Credit ledger")
    url_prefix = "credits/ledger"
    url_namespace = "credits_ledger"
    index_view_class = LedgerIndexView
    inspect_view_class = LedgerInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["trainee", "competency", "amount", "kind", "earned_on", "recorded_by", "note"]
    list_filter = ["kind", "competency", "earned_on"]
    list_export = [
        "trainee",
        "competency",
        "amount",
        "kind",
        "source_key",
        "earned_on",
        "recorded_at",
        "recorded_by",
        "note",
    ]
    export_filename = "credit-ledger"
    search_fields = ["trainee__real_name", "trainee__phone", "note", "source_key"]
    inspect_view_fields = [
        "trainee", "competency", "amount", "kind", "source_key", "course", "earned_on", "recorded_at", "recorded_by",
        "note", "reverses",
    ]  # fmt: skip
    form_fields = ["note"]  # never used: add, edit and delete are refused by the permission policy

    @property
    def adjust_view(self):
        return CreditAdjustView.as_view(permission_policy=self.permission_policy)

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("adjust/", self.adjust_view, name="adjust")]


# API clients ----------------------------------------------------------------------------------------------


class ApiClientCreateView(ServiceRefusalMixin, generic.CreateView):
    """Create the client, then show its token once: only its hash is stored."""

    refusal_errors = (services.CreditActionError,)

    def save_instance(self):
        client, self.token = services.api_client_create(
            actor=self.request.user,
            name=self.form.cleaned_data["name"],
            requests_per_minute=self.form.cleaned_data["requests_per_minute"],
        )
        return client

    def save_action(self):
        return TemplateResponse(
            self.request,
            "credits/admin/api_client_created.html",
            {
                "client": self.object,
                "token": self.token,
                "index_url": reverse("credits_api_clients:index"),
                "page_title": self.object.name,
            },
        )


class ApiClientRevokeView(TitledAdminViewMixin, FormView):
    template_name = "credits/admin/api_client_revoke.html"
    page_title = _("Revoke API client")
    parent_url_name = "credits_api_clients:index"
    parent_label = _("API clients")
    header_icon = "key"
    permission_policy = None

    def dispatch(self, request, *args, pk, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "revoke"):
            raise PermissionDenied
        self.client = get_object_or_404(ApiClient, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        from django import forms

        return forms.Form

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "client": self.client}

    def form_valid(self, form):
        services.api_client_revoke(actor=self.request.user, client=self.client)
        messages.success(self.request, gettext("%(name)s can no longer use the API.") % {"name": self.client.name})
        return redirect("credits_api_clients:index")


class ApiClientViewSet(ReadableViewSetMixin, ModelViewSet):
    """Other governance systems allowed to ask the eligibility API."""

    model = ApiClient
    icon = "key"
    menu_label = _("API clients")
    url_prefix = "credits/api-clients"
    url_namespace = "credits_api_clients"
    add_view_class = ApiClientCreateView
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["name", "requests_per_minute"]
    list_display = [
        "name",
        "token_prefix",
        "is_active",
        "requests_per_minute",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    inspect_view_fields = [
        "name",
        "token_prefix",
        "is_active",
        "requests_per_minute",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]

    def get_form_class(self, for_update=False):
        return ApiClientForm

    @property
    def revoke_view(self):
        return ApiClientRevokeView.as_view(permission_policy=self.permission_policy)

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("revoke/<id:pk>/", self.revoke_view, name="revoke")]


# Cohorts --------------------------------------------------------------------------------------------------


class CohortIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("programme")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission(self.request.user, "change"):
            buttons.append(
                ListingButton(
                    _("Register for its sessions"),
                    url=reverse("credits_cohorts:register", args=[instance.pk]),
                    icon_name="date",
                    priority=5,
                )
            )
            buttons.append(
                ListingButton(
                    _("Send a notice"),
                    url=reverse("credits_cohorts:notice", args=[instance.pk]),
                    icon_name="mail",
                    priority=6,
                )
            )
        return buttons


class CohortInspectView(generic.InspectView):
    """A cohort's details; its roster lists only the trainees the viewer may see (a street administrator: their
    own street's), with a count of the others, so that another street's people are never named."""

    def get_roster_display_value(self):
        visible = users_visible_to(self.request.user)
        shown = list(self.object.roster.filter(pk__in=visible.values("pk")).order_by("real_name", "pk"))
        hidden = self.object.roster.exclude(pk__in=visible.values("pk")).count()
        names = ", ".join(str(person) for person in shown) or "-"
        if hidden:
            names += " " + gettext("(and %(count)d trainees of other streets)") % {"count": hidden}
        return names


class CohortRegisterView(TitledAdminViewMixin, FormView):
    """A registrar registers a cohort's whole roster for each of its sessions still to come."""

    template_name = "credits/admin/cohort_register.html"
    page_title = _("Register a cohort for its sessions")
    parent_url_name = "credits_cohorts:index"
    parent_label = _("Cohorts")
    header_icon = "date"
    permission_policy = None

    def dispatch(self, request, *args, pk, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.cohort = get_object_or_404(Cohort, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.cohort.name

    def get_form_class(self):
        from django import forms

        return forms.Form

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "cohort": self.cohort,
            "trainees": self.cohort.roster.count(),
            "sessions": self.cohort.sessions.select_related("venue").order_by("start"),
        }

    def form_valid(self, form):
        try:
            result = services.cohort_register_for_sessions(actor=self.request.user, cohort=self.cohort)
        except (services.CreditActionError, CourseActionError) as error:
            messages.error(self.request, error.message)
            return redirect("credits_cohorts:index")
        messages.success(
            self.request,
            gettext("%(registered)d places taken, %(waitlisted)d on waiting lists, %(already)d already registered.")
            % {"registered": result.registered, "waitlisted": result.waitlisted, "already": result.already},
        )
        return redirect("credits_cohorts:index")


class CohortNoticeView(StaffNoticeView):
    """A registrar sends a notice to every trainee on a cohort's roster (the admin's one staff-notice form)."""

    parent_url_name = "credits_cohorts:index"
    parent_label = _("Cohorts")
    permission_policy = None

    def dispatch(self, request, *args, pk, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.cohort.name

    def get_page_subtitle(self):
        return gettext("Send a notice to the cohort's trainees")

    @property
    def audience(self):
        return gettext("Every trainee on the roster of this cohort of 《%(programme)s》.") % {
            "programme": self.cohort.programme.title
        }

    def get_recipients(self):
        return notices.cohort_trainees_to_tell(self.cohort)

    def get_about(self):
        return self.cohort

    def get_back_url(self):
        return reverse("credits_cohorts:index")


class CohortViewSet(ReadableViewSetMixin, ModelViewSet):
    """班次/期: a programme's intake, its roster and its sessions; registrars manage them."""

    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    url_prefix = "credits/cohorts"
    url_namespace = "credits_cohorts"
    index_view_class = CohortIndexView
    inspect_view_class = CohortInspectView
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["name", "programme", "roster", "sessions"]
    list_display = ["name", "programme", "created_at"]
    list_filter = ["programme"]
    search_fields = ["name"]

    def get_form_class(self, for_update=False):
        return CohortForm

    @property
    def register_view(self):
        return CohortRegisterView.as_view(permission_policy=self.permission_policy)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("register/<id:pk>/", self.register_view, name="register"),
            path("notice/<id:pk>/", CohortNoticeView.as_view(permission_policy=self.permission_policy), name="notice"),
        ]


# The "三方学院" menu group ----------------------------------------------------------------------------------


class AcademyTraineeViewSet(TraineeViewSet):
    """The trainee screens of academy, with the filters that need credits (programme standing, certificates)."""

    filterset_class = AcademyTraineeFilterSet


class AcademyViewSetGroup(ModelViewSetGroup):
    """三方学院: every academy record in one menu. Assembled here because credits is the rightmost of the apps
    whose screens it holds (academy ← courses ← credits)."""

    menu_label = _("Three-Party Academy")
    menu_icon = "group"
    menu_order = 200
    items = (
        AcademyTraineeViewSet,
        EnrolmentViewSet,
        CourseCompletionViewSet,
        CreditLedgerViewSet,
        AppointmentViewSet,
        PostViewSet,
        ApiClientViewSet,
        CohortViewSet,
        CertificateViewSet,
        CertificateRequestViewSet,
        BulkIssueViewSet,
        RosterImportViewSet,
        ReportsViewSet,
    )
