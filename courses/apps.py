from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Competencies, courses and lessons, quizzes, enrolment, lesson progress and course completion."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from academy.signals import account_anonymising, personal_data_requested

        from . import privacy, receivers  # noqa: F401  (receivers keeps the catalogue cache fresh when editors publish)

        personal_data_requested.connect(privacy.personal_data, dispatch_uid="courses-personal-data")
        account_anonymising.connect(privacy.anonymise, dispatch_uid="courses-anonymise")
