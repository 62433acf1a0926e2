"""Choices for the content site."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventCategory(models.TextChoices):
    """Who runs an event: the overseas-Chinese home, the cultural station, or the academy itself."""

    OVERSEAS_CHINESE_HOME = "overseas_chinese_home", _("Overseas-Chinese Home")
    CULTURAL_STATION = "cultural_station", _("Cultural Station")
    ACADEMY = "academy", _("Academy activity")
