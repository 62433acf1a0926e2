"""The one place courses' signals call into credits (connected in CreditsConfig.ready())."""

from django.utils import timezone

from . import services


def award_credit_for_completion(sender, *, user, course, completion, **kwargs):
    """A course was completed: award its credits, once, dated the day it was completed."""
    services.credit_award_for_completion(
        user=user, course=course, completed_on=timezone.localdate(completion.completed_at)
    )
