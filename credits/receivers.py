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
