"""Register credits admin screens and the actions credits writes to Wagtail's audit log."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .dashboard import academy_panels
from .viewsets import AcademyViewSetGroup


@hooks.register("register_admin_viewset")
def register_academy_viewsets():
    return AcademyViewSetGroup()


@hooks.register("register_log_actions")
def register_credits_log_actions(actions):
    actions.register_action("credits.adjust", _("Adjust credits"), _("Credits adjusted by hand"))
    actions.register_action("credits.reverse", _("Reverse credits"), _("Credit entry reversed"))
    actions.register_action(
        "credits.appointment_override", _("Appoint without qualification"), _("Appointed by registrar override")
    )
    actions.register_action("credits.api_client_revoke", _("Revoke API client"), _("API client revoked"))


hooks.register("construct_homepage_panels", academy_panels)
