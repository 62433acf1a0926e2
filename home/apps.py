from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The content site: home page, standard pages, news, events, venues, search."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = _("Content site")
