"""Admin screens for certificates: the list and inspect view with revoke / reinstate / re-render / download, a
manual issue form, the registrars' approval queue and bulk issuing with its progress."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, HeaderButton, ListingButton

from academy.admin_titles import TitledAdminViewMixin
from academy.admin_views import ReadableViewSetMixin

from ..choices import CertificateRequestStatus, CertificateStatus
from ..models import BulkIssueRun, Certificate, CertificateRequest
from ..services import CreditActionError
from .forms import BulkIssueForm, CertificateIssueForm, ReasonForm
from .services import approval, bulk, files, issuing, revocation


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "view")


class ScopedInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        obj = super().get_object()
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, "view", obj):
            raise Http404
        return obj


class PolicyFormView(TitledAdminViewMixin, FormView):
    """A small admin form guarded by one permission-policy action."""

    parent_url_name = "credits_certificates:index"
    parent_label = _("Certificates")
    permission_policy = None
    action = ""
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Certificates -------------------------------------------------------------------------------------------------


class CertificateIndexView(ScopedIndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.permission_policy.user_has_permission(self.request.user, "issue"):
            buttons.append(
                HeaderButton(_("Issue a certificate"), url=reverse("credits_certificates:issue"), icon_name="plus")
            )
            buttons.append(
                HeaderButton(_("Issue in bulk"), url=reverse("credits_bulk_issues:add"), icon_name="doc-full")
            )
        return buttons


class CertificateInspectView(ScopedInspectView):
    @cached_property
    def header_more_buttons(self):
        user, certificate, policy = self.request.user, self.object, self.permission_policy
        buttons = []
        if certificate.pdf and policy.user_has_permission(user, "download"):
            buttons.append(
                Button(
                    _("Download PDF"),
                    url=reverse("credits_certificate_download", args=[certificate.pk]),
                    icon_name="download",
                    priority=10,
                )
            )
        if policy.user_has_permission(user, "revoke") and certificate.status == CertificateStatus.VALID:
            buttons.append(
                Button(
                    _("Revoke"),
                    url=reverse("credits_certificates:revoke", args=[certificate.pk]),
                    icon_name="cross",
                    priority=20,
                )
            )
        if policy.user_has_permission(user, "reinstate") and certificate.status == CertificateStatus.REVOKED:
            buttons.append(
                Button(
                    _("Reinstate"),
                    url=reverse("credits_certificates:reinstate", args=[certificate.pk]),
                    icon_name="undo",
                    priority=20,
                )
            )
        if policy.user_has_permission(user, "render"):
            buttons.append(
                Button(
                    _("Render the PDF again"),
                    url=reverse("credits_certificates:render", args=[certificate.pk]),
                    icon_name="repeat",
                    priority=30,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "header_more_buttons": self.header_more_buttons}


class CertificateReasonView(PolicyFormView):
    """Revoke or reinstate one certificate, with a reason."""

    form_class = ReasonForm
    template_name = "credits/admin/certificate_reason.html"

    def dispatch(self, request, *args, pk, **kwargs):
        self.certificate = get_object_or_404(Certificate.objects.select_related("holder", "programme"), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("Revoke certificate") if self.action == "revoke" else gettext("Reinstate certificate")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "certificate": self.certificate, "action": self.action}

    def form_valid(self, form):
        service = revocation.certificate_revoke if self.action == "revoke" else revocation.certificate_reinstate
        try:
            service(actor=self.request.user, certificate=self.certificate, reason=form.cleaned_data["reason"])
        except CreditActionError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        done = (
            gettext("Certificate %(number)s revoked.")
            if self.action == "revoke"
            else gettext("Certificate %(number)s reinstated.")
        )
        messages.success(self.request, done % {"number": self.certificate.number})
        return redirect("credits_certificates:inspect", self.certificate.pk)


class CertificateRenderView(PolicyFormView):
    """Render a certificate's PDF again from its snapshots (confirm, then POST)."""

    action = "render"
    form_class = ReasonForm  # unused fields; the confirmation posts nothing else
    template_name = "credits/admin/certificate_render.html"
    page_title = _("Render the PDF again")

    def dispatch(self, request, *args, pk, **kwargs):
        self.certificate = get_object_or_404(Certificate, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "certificate": self.certificate}

    def post(self, request, *args, **kwargs):
        files.certificate_render_pdf(certificate=self.certificate, actor=request.user)
        messages.success(
            request, gettext("The PDF of %(number)s was rendered again.") % {"number": self.certificate.number}
        )
        return redirect("credits_certificates:inspect", self.certificate.pk)


class CertificateIssueView(PolicyFormView):
    """A registrar issues one certificate by hand (the holder must meet the programme)."""

    action = "issue"
    form_class = CertificateIssueForm
    template_name = "credits/admin/certificate_issue.html"
    page_title = _("Issue a certificate")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "viewer": self.request.user}

    def form_valid(self, form):
        try:
            certificate = issuing.certificate_issue(
                holder=form.cleaned_data["trainee"], programme=form.cleaned_data["programme"], actor=self.request.user
            )
        except CreditActionError as error:
            form.add_error(None, error.message)
            for shortfall in error.shortfalls:
                form.add_error(None, shortfall)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Certificate %(number)s issued.") % {"number": certificate.number})
        return redirect("credits_certificates:inspect", certificate.pk)


class CertificateViewSet(ReadableViewSetMixin, ModelViewSet):
    """证书: every certificate issued; revocation is a change of state, never a delete."""

    model = Certificate
    icon = "doc-full"
    menu_label = _("Certificates")
    url_prefix = "credits/certificates"
    url_namespace = "credits_certificates"
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["number", "holder", "programme", "issued_on", "valid_until", "status"]
    list_filter = ["programme", "status", "issued_on", "valid_until"]
    list_export = [
        "number",
        "holder_name",
        "programme_title",
        "issued_on",
        "valid_until",
        "status",
        "revoked_at",
        "revoked_reason",
        "pdf_sha256",
    ]
    export_filename = "certificates"
    search_fields = ["number", "holder_name", "holder__phone"]
    inspect_view_fields = [
        "number", "holder", "holder_name", "programme", "programme_title", "credits_snapshot", "issued_on",
        "valid_until", "status", "revoked_at", "revoked_reason", "revoked_by", "issued_by", "renews",
        "verification_code", "pdf_sha256", "template_version", "created_at",
    ]  # fmt: skip
    form_fields = ["holder_name"]  # never used: add, edit and delete are refused by the permission policy

    def _reason_view(self, action):
        return CertificateReasonView.as_view(permission_policy=self.permission_policy, action=action)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("issue/", CertificateIssueView.as_view(permission_policy=self.permission_policy), name="issue"),
            path("revoke/<id:pk>/", self._reason_view("revoke"), name="revoke"),
            path("reinstate/<id:pk>/", self._reason_view("reinstate"), name="reinstate"),
            path(
                "render/<id:pk>/",
                CertificateRenderView.as_view(permission_policy=self.permission_policy),
                name="render",
            ),
        ]


# Approval queue -----------------------------------------------------------------------------------------------


def request_decisions(
    viewer, certificate_request: CertificateRequest, *, permission_policy
) -> list[tuple[str, str, str]]:
    """(action, label, URL) for what ``viewer`` may decide on a request: approve and decline while it is pending."""
    if certificate_request.status != CertificateRequestStatus.PENDING:
        return []
    labels = {"approve": gettext("Approve and issue"), "decline": gettext("Decline")}
    return [
        (action, label, reverse(f"credits_certificate_requests:{action}", args=[certificate_request.pk]))
        for action, label in labels.items()
        if permission_policy.user_has_permission(viewer, action)
    ]


class RequestIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("holder", "programme", "certificate")

    def get_list_buttons(self, instance):
        """A pending row shows "Approve and issue" and "Decline" as labelled buttons, not inside the ⋯ menu."""
        icons = {"approve": "check", "decline": "cross"}
        decisions = [
            ListingButton(
                label,
                url=url,
                icon_name=icons[action],
                classname="academy-decision",
                attrs={"data-testid": f"request-{action}-{instance.pk}"},
                priority=index,
            )
            for index, (action, label, url) in enumerate(
                request_decisions(self.request.user, instance, permission_policy=self.permission_policy)
            )
        ]
        return decisions + super().get_list_buttons(instance)


class RequestInspectView(ScopedInspectView):
    """The request's details, with its decisions as labelled buttons in the header and again below the details."""

    template_name = "credits/admin/certificate_request_inspect.html"

    @cached_property
    def decisions(self):
        return request_decisions(self.request.user, self.object, permission_policy=self.permission_policy)

    @cached_property
    def header_buttons(self):
        icons = {"approve": "check", "decline": "cross"}
        return [
            HeaderButton(label, url=url, icon_name=icons[action], priority=index)
            for index, (action, label, url) in enumerate(self.decisions)
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "decisions": self.decisions}


class RequestDecisionView(PolicyFormView):
    """Approve (issue the certificate) or decline (with a reason) a queued request."""

    template_name = "credits/admin/certificate_request_decision.html"
    parent_url_name = "credits_certificate_requests:index"
    parent_label = _("Certificate approvals")

    def dispatch(self, request, *args, pk, **kwargs):
        self.certificate_request = get_object_or_404(
            CertificateRequest.objects.select_related("holder", "programme"), pk=pk
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        from django import forms

        return ReasonForm if self.action == "decline" else forms.Form

    def get_page_title(self):
        return gettext("Approve and issue") if self.action == "approve" else gettext("Decline")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "certificate_request": self.certificate_request,
            "action": self.action,
        }

    def form_valid(self, form):
        try:
            if self.action == "approve":
                certificate = approval.certificate_request_approve(
                    actor=self.request.user, request=self.certificate_request
                )
                messages.success(
                    self.request, gettext("Certificate %(number)s issued.") % {"number": certificate.number}
                )
            else:
                approval.certificate_request_decline(
                    actor=self.request.user, request=self.certificate_request, reason=form.cleaned_data["reason"]
                )
                messages.success(self.request, gettext("Request declined."))
        except CreditActionError as error:
            form.add_error(None, error.message)
            for shortfall in error.shortfalls:
                form.add_error(None, shortfall)
            return self.form_invalid(form)
        return redirect("credits_certificate_requests:index")


class CertificateRequestViewSet(ReadableViewSetMixin, ModelViewSet):
    """待审核证书: trainees who met a programme that issues after registrar approval."""

    model = CertificateRequest
    icon = "tasks"
    menu_label = _("Certificate approvals")
    url_prefix = "credits/certificate-requests"
    url_namespace = "credits_certificate_requests"
    index_view_class = RequestIndexView
    inspect_view_class = RequestInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["holder", "programme", "status", "requested_at", "decided_by", "certificate"]
    list_filter = ["status", "programme"]
    search_fields = ["holder__real_name", "holder__phone"]
    inspect_view_fields = [
        "holder",
        "programme",
        "status",
        "requested_at",
        "decided_at",
        "decided_by",
        "decline_reason",
        "certificate",
    ]
    form_fields = ["decline_reason"]  # never used: the policy refuses add/edit/delete

    def _decision_view(self, action):
        return RequestDecisionView.as_view(permission_policy=self.permission_policy, action=action)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("approve/<id:pk>/", self._decision_view("approve"), name="approve"),
            path("decline/<id:pk>/", self._decision_view("decline"), name="decline"),
        ]


# Bulk issue ---------------------------------------------------------------------------------------------------


class BulkIssueCreateView(PolicyFormView):
    action = "add"
    form_class = BulkIssueForm
    template_name = "credits/admin/bulk_issue_form.html"
    page_title = _("Issue in bulk")
    parent_url_name = "credits_bulk_issues:index"
    parent_label = _("Bulk issues")

    def form_valid(self, form):
        try:
            run = bulk.bulk_issue_run_start(actor=self.request.user, **form.run_target())
        except CreditActionError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return redirect("credits_bulk_issues:inspect", run.pk)


class BulkIssueInspectView(ScopedInspectView):
    """The run's progress; the page reloads itself every few seconds while the run is going."""

    template_name = "credits/admin/bulk_issue_progress.html"


class BulkIssueViewSet(ReadableViewSetMixin, ModelViewSet):
    """批量发证: runs and their progress."""

    model = BulkIssueRun
    icon = "doc-full-inverse"
    menu_label = _("Bulk issues")
    url_prefix = "credits/bulk-issues"
    url_namespace = "credits_bulk_issues"
    index_view_class = ScopedIndexView
    inspect_view_class = BulkIssueInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    # A run's figures, in the list and on its page alike.
    run_fields = ["programme", "cohort", "status", "total", "processed", "issued", "skipped", "failed"]
    list_display = [*run_fields, "created_at", "requested_by"]
    inspect_view_fields = [*run_fields, "requested_by", "created_at", "started_at", "finished_at"]
    form_fields = ["programme"]

    @property
    def add_view(self):
        return BulkIssueCreateView.as_view(permission_policy=self.permission_policy)
