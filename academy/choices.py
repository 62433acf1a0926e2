"""Choices shared across the project."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Party(models.TextChoices):
    """The three parties that run a compound together (三方)."""

    RESIDENTS_COMMITTEE = "rc", _("Residents' committee")
    OWNERS_COMMITTEE = "oc", _("Owners' committee")
    PROPERTY_COMPANY = "pc", _("Property company")
