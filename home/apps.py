from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The content site: home page, standard pages, news, events, venues, search."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = _("Content site")

    def ready(self):
        from academy.signals import account_anonymising, personal_data_requested

        from . import privacy

        personal_data_requested.connect(privacy.personal_data, dispatch_uid="home-personal-data")
        account_anonymising.connect(privacy.anonymise, dispatch_uid="home-anonymise")
