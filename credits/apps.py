from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditsConfig(AppConfig):
    """The credit ledger, programmes and eligibility, posts and appointments, certificates, the integration API."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "credits"
    verbose_name = _("Credits and posts")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from courses.api import api
        from courses.models import CourseCompletion, SessionAttendance
        from courses.signals import course_completed, session_attended

        from . import notices  # noqa: F401  (connects the receivers that send credits' notices)
        from .api import router
        from .certificates.api import router as certificates_router
        from .models import (
            ApiClient,
            Appointment,
            BulkIssueRun,
            Certificate,
            CertificateRequest,
            Cohort,
            CreditEntry,
        )
        from .permissions import (
            ApiClientPermissionPolicy,
            AppointmentPermissionPolicy,
            BulkIssuePermissionPolicy,
            CertificatePermissionPolicy,
            CertificateRequestPermissionPolicy,
            CohortPermissionPolicy,
            LedgerPermissionPolicy,
        )
        from .receivers import award_credit_for_completion, record_offline_hours_for_attendance

        course_completed.connect(
            award_credit_for_completion, sender=CourseCompletion, dispatch_uid="credits-award-for-completion"
        )
        session_attended.connect(
            record_offline_hours_for_attendance, sender=SessionAttendance, dispatch_uid="credits-offline-hours"
        )
        from academy.signals import account_anonymising, personal_data_requested

        from . import privacy

        personal_data_requested.connect(privacy.personal_data, dispatch_uid="credits-personal-data")
        account_anonymising.connect(privacy.anonymise, dispatch_uid="credits-anonymise")
        self._forget_the_catalogue_on_change()
        from .receivers import connect_dashboard_records

        connect_dashboard_records()
        register_permission_policy(CreditEntry, LedgerPermissionPolicy(CreditEntry), exact_class=True)
        register_permission_policy(Appointment, AppointmentPermissionPolicy(Appointment), exact_class=True)
        register_permission_policy(ApiClient, ApiClientPermissionPolicy(ApiClient), exact_class=True)
        register_permission_policy(Cohort, CohortPermissionPolicy(Cohort), exact_class=True)
        register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate), exact_class=True)
        register_permission_policy(
            CertificateRequest, CertificateRequestPermissionPolicy(CertificateRequest), exact_class=True
        )
        register_permission_policy(BulkIssueRun, BulkIssuePermissionPolicy(BulkIssueRun), exact_class=True)
        # ready() runs once per process, before the URLconf (and so the API's URLs) is loaded.
        api.add_router("/", router)
        api.add_router("/certificates/", certificates_router)

    @staticmethod
    def _forget_the_catalogue_on_change():
        """The cached catalogue (selectors.catalogue) shows programmes, their requirement rows, competencies and
        live courses: forget it whenever any of them may have changed."""
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from courses.models import Competency, CoursePage

        from .models import ProgrammeCompetencyMinimum, ProgrammePage, ProgrammeRequiredCourse
        from .selectors import CATALOGUE, DASHBOARDS

        senders = [(signal, None) for signal in (page_published, page_unpublished, post_page_move)]
        senders += [(post_delete, Page)]
        for model in (ProgrammePage, CoursePage, ProgrammeCompetencyMinimum, ProgrammeRequiredCourse, Competency):
            senders += [(post_save, model), (post_delete, model)]
        for signal, sender in senders:
            signal.connect(CATALOGUE.forget, sender=sender, dispatch_uid=f"credits-catalogue-{id(signal)}-{sender}")
            signal.connect(DASHBOARDS.forget, sender=sender, dispatch_uid=f"credits-dashboards-{id(signal)}-{sender}")
