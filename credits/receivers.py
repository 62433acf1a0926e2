"""The one place courses' signals call into credits (connected in CreditsConfig.ready())."""

from django.db import transaction
from django.utils import timezone

from . import services


def award_credit_for_completion(sender, *, user, course, completion, **kwargs):
    """A course was completed: award its credits, once, dated the day it was completed; once that commits,
    check whether the trainee now meets a programme (and so gets a certificate)."""
    from .tasks import certificates_check_task

    services.credit_award_for_completion(
        user=user, course=course, completed_on=timezone.localdate(completion.completed_at)
    )
    user_id = user.pk
    transaction.on_commit(lambda: certificates_check_task.enqueue(user_id=user_id))
