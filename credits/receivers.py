"""The one place courses' signals call into credits (connected in CreditsConfig.ready())."""

from django.db import transaction
from django.utils import timezone

from . import services


def _check_certificates_after_commit(user) -> None:
    """Once the transaction commits, check whether the trainee now meets a programme (and so gets a certificate)."""
    from .tasks import certificates_check_task

    user_id = user.pk
    transaction.on_commit(lambda: certificates_check_task.enqueue(user_id=user_id))


def award_credit_for_completion(sender, *, user, course, completion, **kwargs):
    """A course was completed: award its credits, once, dated the day it was completed."""
    services.credit_award_for_completion(
        user=user, course=course, completed_on=timezone.localdate(completion.completed_at)
    )
    _check_certificates_after_commit(user)


def record_offline_hours_for_attendance(sender, *, user, session, attendance, **kwargs):
    """A trainee attended a training session: record its offline hours, once, dated the day they attended."""
    services.offline_hours_record_for_attendance(
        user=user, session=session, attended_on=timezone.localdate(attendance.checked_in_at)
    )
    _check_certificates_after_commit(user)


# Every model whose rows 我的学分 shows of one trainee, with the field naming that trainee: a row saved or deleted
# makes their cached dashboard stale (selectors.dashboard_for). Connected in CreditsConfig.ready(), one sender each.
DASHBOARD_RECORDS = (
    ("credits.CreditEntry", "trainee_id"),
    ("credits.OfflineHoursEntry", "trainee_id"),
    ("credits.Certificate", "holder_id"),
    ("credits.CertificateRequest", "holder_id"),
    ("courses.CourseCompletion", "user_id"),
    ("courses.Enrolment", "user_id"),
    ("courses.SessionRegistration", "user_id"),
    ("courses.SessionAttendance", "user_id"),
)


def _deleting_accounts(origin) -> bool:
    """Whether a delete cascades from deleting accounts (a user, or a queryset of users): their record version goes
    with them, and bumping it would write a row for an account about to vanish (refused at commit)."""
    from django.contrib.auth import get_user_model

    model = getattr(origin, "model", None) or type(origin)
    return origin is not None and issubclass(model, get_user_model())


def connect_dashboard_records() -> None:
    """Connect ``trainee_record_changed`` to each of ``DASHBOARD_RECORDS`` (a sender each, so that bulk deletes of
    other models keep Django's fast path)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label, field in DASHBOARD_RECORDS:
        model = apps.get_model(label)

        def changed(sender, instance, field=field, origin=None, **kwargs):
            trainee_id = getattr(instance, field)
            if trainee_id is None or _deleting_accounts(origin):
                return
            services.trainee_record_changed(trainee_id=trainee_id)

        for signal in (post_save, post_delete):
            signal.connect(changed, sender=model, weak=False, dispatch_uid=f"credits-dashboard-{label}-{id(signal)}")
