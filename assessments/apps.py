from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """The question bank (题库): questions per competency, cases, and their import from Excel."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = _("Assessments")
