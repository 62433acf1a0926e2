from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    """Scenario practice (情景演练): branching role-play lessons for dispute mediation, their plays and funnels."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "scenarios"
    verbose_name = _("Scenario practice")

    def ready(self):
        from academy.signals import personal_data_requested
        from courses import lesson_kinds, roster

        from . import privacy
        from .roster import PreparationColumn

        personal_data_requested.connect(privacy.personal_data, dispatch_uid="scenarios-personal-data")

        # A scenario is a kind of lesson: courses lists it under a course without importing this app.
        lesson_kinds.register("scenarios.ScenarioPage")
        roster.register(PreparationColumn())
