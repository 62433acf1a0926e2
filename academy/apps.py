from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    """People and places: users, the district/street/community registry, roles, accounts."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "academy"
    verbose_name = _("Academy")

    def ready(self):
        from . import checks  # noqa: F401  (registers system checks)
