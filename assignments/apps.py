from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    """Written assignments (作业): a course's brief and rubric, trainees' submissions, lecturers' reviews."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "assignments"
    verbose_name = _("Assignments")

    def ready(self):
        from academy.signals import account_anonymising, personal_data_requested
        from courses import extensions
        from courses.api import api

        from . import privacy
        from .api import router
        from .course_hooks import AssignmentPassed, AssignmentSection

        extensions.register_condition(AssignmentPassed())
        extensions.register_section(AssignmentSection())
        personal_data_requested.connect(privacy.personal_data, dispatch_uid="assignments-personal-data")
        account_anonymising.connect(privacy.anonymise, dispatch_uid="assignments-anonymise")
        # ready() runs once per process, before the URLconf (and so the API's URLs) is loaded.
        api.add_router("/assignments/", router)
