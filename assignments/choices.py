"""Choices of the assignments app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubmissionStatus(models.TextChoices):
    """Where a trainee's submission stands. Waiting for a lecturer: submitted, resubmitted."""

    SUBMITTED = "submitted", pgettext_lazy("assignment", "Submitted")
    RETURNED = "returned", _("Returned for revision")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    PASSED = "passed", pgettext_lazy("assignment", "Passed")


class ReviewOutcome(models.TextChoices):
    PASSED = "passed", _("Pass")
    RETURNED = "returned", _("Return for revision")


class FileKind(models.TextChoices):
    """The kinds of file a trainee may attach, each recognised by its content (files.py). HEIC is not offered:
    iOS and WeChat convert a photo to JPEG when the page accepts only JPEG and PNG, and Pillow cannot read HEIC."""

    PDF = "pdf", _("PDF document")
    JPEG = "jpeg", _("JPEG photo")
    PNG = "png", _("PNG image")
    DOCX = "docx", _("Word document (.docx)")
