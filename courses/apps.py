from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Competencies, courses and lessons, quizzes, enrolment, lesson progress and course completion."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from . import receivers  # noqa: F401  (keeps the catalogue cache fresh when editors publish)
