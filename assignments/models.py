"""Written assignments (作业): a course's assignment with its brief and rubric, a trainee's submission with its
files, and each review a lecturer writes. States change only through services.py."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from courses.models import CoursePage

from .blocks import RubricBlock
from .choices import FileKind, ReviewOutcome, SubmissionStatus
from .fields import FileKindsField
from .rules import WAITING

# Every submitted file is kept under this directory of the private storage (never reachable by a URL of its own).
SUBMISSION_UPLOAD_DIR = "assignments"
MAX_HAND_IN_MB = 100


def private_storage():
    """Files trainees hand in are private, like certificate PDFs: served only by a view that checks who asks."""
    return storages["private"]


def submission_file_upload_to(instance: "SubmissionFile", filename: str) -> str:
    # An unguessable name per file; the trainee's own name for it is kept in ``original_name``.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"{SUBMISSION_UPLOAD_DIR}/{instance.submission_id}/{uuid.uuid4().hex}{suffix}"


class Assignment(index.Indexed, models.Model):
    """A course's written assignment: what to do, how it is scored, what may be handed in and by when."""

    course = models.OneToOneField(
        CoursePage, on_delete=models.PROTECT, related_name="assignment", verbose_name=_("course")
    )
    title = models.CharField(_("title"), max_length=100, help_text=_("For example “组织一次业主大会的方案”."))
    brief = RichTextField(
        _("brief"),
        features=["h3", "bold", "italic", "ol", "ul", "link"],
        help_text=_("What the trainee must do and hand in."),
    )
    rubric = StreamField(
        RubricBlock(),
        verbose_name=_("rubric"),
        help_text=_("The criteria the lecturer scores, each with its levels and their points."),
    )
    file_kinds = FileKindsField(
        _("accepted files"),
        blank=True,
        help_text=_("Leave all unticked to accept text only. Files are checked by their content, not their name."),
    )
    max_files = models.PositiveSmallIntegerField(
        _("most files"), default=5, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    max_file_mb = models.PositiveSmallIntegerField(
        _("largest file (MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    due_days = models.PositiveSmallIntegerField(
        _("due (days after enrolment)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    required_for_completion = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("The course is complete only once a lecturer has passed this assignment."),
    )

    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        FieldPanel("brief"),
        FieldPanel("rubric"),
        MultiFieldPanel(
            [
                FieldPanel("file_kinds"),
                FieldRowPanel([FieldPanel("max_files"), FieldPanel("max_file_mb")]),
            ],
            heading=_("What may be handed in"),
        ),
        FieldRowPanel([FieldPanel("due_days"), FieldPanel("required_for_completion")]),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["course__title"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        # One hand-in is one request; the proxy takes up to 100 MB on /assignments/ (deploy/nginx/academy.conf).
        if self.max_files and self.max_file_mb and self.max_files * self.max_file_mb > MAX_HAND_IN_MB:
            raise ValidationError(
                _("At most %(mb)s MB may be handed in at once: lower the number of files or their size.")
                % {"mb": MAX_HAND_IN_MB}
            )

    def rubric_data(self) -> list[dict]:
        """The rubric as plain data for scoring: [{id, name, description, levels: [{label, points, description}]}]."""
        return [
            {
                "id": block.id,
                "name": block.value["name"],
                "description": block.value["description"],
                "levels": [
                    {"label": level["label"], "points": level["points"], "description": level["description"]}
                    for level in block.value["levels"]
                ],
            }
            for block in self.rubric
        ]

    @property
    def max_points(self) -> int:
        return sum(max(level["points"] for level in criterion["levels"]) for criterion in self.rubric_data())


class SubmissionQuerySet(models.QuerySet):
    def waiting(self):
        """Submissions a lecturer has yet to review (handed in, or handed in again after a return)."""
        return self.filter(status__in=list(WAITING))


class Submission(models.Model):
    """A trainee's work on one assignment: the current text and files, and where it stands."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("assignment")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("trainee")
    )
    status = models.CharField(_("status"), max_length=12, choices=SubmissionStatus.choices)
    text = models.TextField(_("written answer"), blank=True, max_length=20000)
    version = models.PositiveSmallIntegerField(_("times handed in"), default=1)
    first_submitted_at = models.DateTimeField(_("first handed in"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("handed in"), help_text=_("The latest time the trainee handed it in."))

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["submitted_at"]
        constraints = [models.UniqueConstraint(fields=["assignment", "user"], name="submission_once_per_trainee")]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.user} · {self.assignment}"

    @property
    def is_waiting(self) -> bool:
        return self.status in WAITING


class SubmissionFile(models.Model):
    """A file handed in with a submission, checked by its content and stored privately."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="files", verbose_name=_("submission")
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=submission_file_upload_to, max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=FileKind.choices)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class Review(models.Model):
    """A lecturer's review of a submission: a score per rubric criterion (a snapshot), feedback and the outcome."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("submission")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignment_reviews",
        verbose_name=_("reviewed by"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=ReviewOutcome.choices)
    scores = models.JSONField(_("scores"), default=list)
    points = models.PositiveSmallIntegerField(_("points"))
    max_points = models.PositiveSmallIntegerField(_("points possible"))
    feedback = models.TextField(pgettext_lazy("assignment", "feedback"), max_length=5000)
    version = models.PositiveSmallIntegerField(_("version reviewed"))
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-reviewed_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["submission", "version"], name="review_once_per_version")]

    def __str__(self):
        return f"{self.submission} · {self.get_outcome_display()}"
