from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """The question bank (题库), laws and articles, blueprints and the papers drawn from them for course quizzes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from academy.signals import personal_data_requested
        from courses import papers

        from . import privacy
        from .papers import BankPaperSource

        papers.register(BankPaperSource())
        personal_data_requested.connect(privacy.personal_data, dispatch_uid="assessments-personal-data")
