"""Register the notification centre's admin screens."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .viewsets import NotificationsViewSetGroup


@hooks.register("register_admin_viewset")
def register_notifications_viewsets():
    return NotificationsViewSetGroup()


@hooks.register("register_log_actions")
def register_notifications_log_actions(actions):
    actions.register_action("notifications.staff_notice", _("Send a notice"), _("Notice sent to trainees"))
