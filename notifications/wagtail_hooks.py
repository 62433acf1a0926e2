"""Register the notification centre's admin screens."""

from wagtail import hooks

from .viewsets import NotificationsViewSetGroup


@hooks.register("register_admin_viewset")
def register_notifications_viewsets():
    return NotificationsViewSetGroup()
