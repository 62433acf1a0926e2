"""Choices used by the question bank."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.choices import QuestionKind


class QuestionType(models.TextChoices):
    """The kinds of bank question: the three kinds a course quiz has, plus fill-in-the-blank."""

    SINGLE = QuestionKind.SINGLE.value, _("Single choice")
    MULTIPLE = QuestionKind.MULTIPLE.value, _("Multiple choice")
    TRUE_FALSE = QuestionKind.TRUE_FALSE.value, _("True or false")
    FILL_BLANK = "blank", _("Fill in the blank")


class Difficulty(models.TextChoices):
    """How hard an editor judges a question to be (item analysis later measures it)."""

    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class QuestionStatus(models.TextChoices):
    """Where a question stands: only live questions are drawn into papers."""

    DRAFT = "draft", _("Draft")
    LIVE = "live", pgettext_lazy("question status", "Live")
    RETIRED = "retired", _("Retired")


class BlankMatch(models.TextChoices):
    """How a fill-in-the-blank answer is compared with the accepted answers."""

    EXACT = "exact", _("Exactly as written")
    LISTED = "listed", _("Any listed answer (ignoring spaces, width and case)")
