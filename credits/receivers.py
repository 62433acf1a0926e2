"""The one place courses' signals call into credits (connected in CreditsConfig.ready())."""

from django.utils import timezone

from . import services


def award_credit_for_completion(sender, *, user, course, completion, **kwargs):
    """A course was completed: award its credits, once, dated the day it was completed."""
    services.credit_award_for_completion(
        user=user, course=course, completed_on=timezone.localdate(completion.completed_at)
    )


def record_offline_hours_for_attendance(sender, *, user, session, attendance, **kwargs):
    """A trainee attended a training session: record its offline hours, once, dated the day they attended."""
    services.offline_hours_record_for_attendance(
        user=user, session=session, attended_on=timezone.localdate(attendance.checked_in_at)
    )
