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

        from .api import router
        from .certificate_api import router as certificates_router
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
