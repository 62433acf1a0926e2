"""Choices used by scenarios."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Ending(models.TextChoices):
    """How a scenario ended, best first (``rules.ENDING_RANK`` orders them)."""

    GOOD = "good", pgettext_lazy("scenario ending", "Good")
    ACCEPTABLE = "acceptable", pgettext_lazy("scenario ending", "Acceptable")
    POOR = "poor", pgettext_lazy("scenario ending", "Poor")


class Role(models.TextChoices):
    """The part a trainee plays: one post in each of the three parties."""

    RC_SPECIALIST = "rc", _("Residents' committee specialist")
    OC_MEMBER = "oc", _("Owners' committee member")
    PC_MANAGER = "pc", _("Property manager")


class Speaker(models.TextChoices):
    """Who speaks in a scene: one of the three parties (residents stand for the owners themselves) or the narrator."""

    NARRATOR = "narrator", _("Narrator")
    RESIDENTS = "residents", _("Residents")
    OWNERS_COMMITTEE = "oc", _("Owners' committee")
    PROPERTY_COMPANY = "pc", _("Property company")
    RESIDENTS_COMMITTEE = "rc", _("Residents' committee")
