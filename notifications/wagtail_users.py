"""Wagtail's users app with the academy's user screens (``notifications.users_admin``): listed in INSTALLED_APPS in
place of ``wagtail.users``, as Wagtail documents for custom user forms. Kept apart from ``apps.py`` so that module
keeps one AppConfig, and free of model imports (it is imported while apps load)."""

from wagtail.users.apps import WagtailUsersAppConfig


class AcademyUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "notifications.users_admin.UserViewSet"
