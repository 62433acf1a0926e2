"""Register credits admin screens and the actions credits writes to Wagtail's audit log."""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .reports.panels import academy_panels
from .viewsets import AcademyViewSetGroup


@hooks.register("register_admin_viewset")
def register_academy_viewsets():
    return AcademyViewSetGroup()


@hooks.register("insert_global_admin_css")
def credits_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("credits/admin.css"))


@hooks.register("register_log_actions")
def register_credits_log_actions(actions):
    actions.register_action("credits.adjust", _("Adjust credits"), _("Credits adjusted by hand"))
    actions.register_action("credits.reverse", _("Reverse credits"), _("Credit entry reversed"))
    actions.register_action(
        "credits.appointment_override", _("Appoint without qualification"), _("Appointed by registrar override")
    )
    actions.register_action("credits.appointment_create", _("Appoint to a post"), _("Appointed to a post"))
    actions.register_action("credits.api_client_create", _("Create API client"), _("API client created"))
    actions.register_action("credits.api_client_revoke", _("Revoke API client"), _("API client revoked"))
    actions.register_action("credits.certificate_approve", _("Approve certificate"), _("Certificate request approved"))
    actions.register_action("credits.certificate_issue", _("Issue certificate"), _("Certificate issued"))
    actions.register_action("credits.certificate_renew", _("Renew certificate"), _("Certificate renewed"))
    actions.register_action("credits.certificate_revoke", _("Revoke certificate"), _("Certificate revoked"))
    actions.register_action("credits.certificate_reinstate", _("Reinstate certificate"), _("Certificate reinstated"))
    actions.register_action(
        "credits.certificate_render", _("Render certificate PDF"), _("Certificate PDF rendered again")
    )
    actions.register_action("credits.certificate_decline", _("Decline certificate"), _("Certificate request declined"))
    actions.register_action("credits.bulk_issue", _("Issue certificates in bulk"), _("Bulk issue started"))


hooks.register("construct_homepage_panels", academy_panels)
