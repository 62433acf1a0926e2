"""Credits: the append-only ledger, programmes and their requirements, posts, appointments, certificates and
the API clients of other governance systems."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from academy.choices import Party
from courses.models import Competency, CoursePage

from .choices import CertificateStatus, CreditKind, IssueMode


class LedgerIsAppendOnly(Exception):
    """Raised when code tries to change or delete a ledger row: corrections are new rows."""


class CreditEntryQuerySet(models.QuerySet):
    """Ledger querysets may read and insert, never update or delete in bulk."""

    def update(self, **kwargs):
        raise LedgerIsAppendOnly("Credit entries cannot be updated; record a reversal or an adjustment instead.")

    def delete(self):
        raise LedgerIsAppendOnly("Credit entries cannot be deleted; record a reversal instead.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise LedgerIsAppendOnly("Credit entries cannot be updated; record a reversal or an adjustment instead.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise LedgerIsAppendOnly("Credit entries cannot be updated; use get_or_create or a service.")


class CreditEntry(models.Model):
    """One row of the credit ledger (学分台账): append-only; a balance is the sum of rows."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_entries", verbose_name=_("trainee")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="credit_entries", verbose_name=_("competency")
    )
    amount = models.DecimalField(
        _("credits"), max_digits=5, decimal_places=1, help_text=_("Negative for reversals and deductions.")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CreditKind.choices)
    # NULL rather than "" for rows without a source, so that the unique constraint only binds real keys.
    source_key = models.CharField(  # noqa: DJ001
        _("source key"),
        max_length=100,
        null=True,
        blank=True,
        help_text=_("Identifies what was awarded, e.g. course:12:user:34; an award is recorded once per key."),
    )
    course = models.ForeignKey(
        CoursePage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    earned_on = models.DateField(_("earned on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("Empty when the system recorded the row (for example on course completion)."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )

    objects = CreditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit ledger")
        ordering = ["-earned_on", "-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"], condition=Q(source_key__isnull=False), name="credit_entry_source_once"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="credit_entry_amount_not_zero"),
            models.CheckConstraint(
                condition=(Q(kind=CreditKind.REVERSAL) & Q(reverses__isnull=False))
                | (~Q(kind=CreditKind.REVERSAL) & Q(reverses__isnull=True)),
                name="credit_entry_reversal_points_at_row",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CreditKind.ADJUSTMENT) | ~Q(note=""), name="credit_entry_adjustment_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["trainee", "earned_on", "competency", "amount"], name="credit_entry_balance")]

    def __str__(self):
        return f"{self.trainee} · {self.competency} · {self.amount:+}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise LedgerIsAppendOnly("Credit entries cannot be changed; record a reversal or an adjustment instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly("Credit entries cannot be deleted; record a reversal instead.")


class ProgrammeIndexPage(Page):
    """培训项目: lists the programmes a trainee can graduate from."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["credits.ProgrammePage"]
    max_count = 1

    class Meta:
        verbose_name = _("programme index")

    def get_programmes(self):
        """The live programmes under this index, in the order editors arranged them."""
        return ProgrammePage.objects.child_of(self).live().order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = self.get_programmes()
        return context


class ProgrammePage(Page):
    """A training programme (培训项目) and its requirements for graduation (结业标准)."""

    party = models.CharField(
        _("audience"),
        max_length=2,
        choices=Party.choices,
        blank=True,
        help_text=_("The party this programme is for; leave empty for all three."),
    )
    description = RichTextField(_("description"), blank=True)
    total_credits = models.DecimalField(
        _("total credits"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.0"))],
        help_text=_("Credits needed in all, across every competency, inside the window."),
    )
    min_offline_hours = models.DecimalField(
        _("minimum offline hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0.0"),
        validators=[MinValueValidator(Decimal("0.0"))],
        help_text=_("Hours of completed offline or blended courses needed."),
    )
    window_months = models.PositiveSmallIntegerField(
        _("window (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Credits count only if earned within this many months before the day eligibility is checked."),
    )
    certificate_validity_years = models.PositiveSmallIntegerField(
        _("certificate validity (years)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    issue_mode = models.CharField(
        _("certificate issue"), max_length=10, choices=IssueMode.choices, default=IssueMode.AUTOMATIC
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("party"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("total_credits"), FieldPanel("min_offline_hours"), FieldPanel("window_months")]),
                InlinePanel("competency_minimums", label=_("Minimum per competency")),
                InlinePanel("required_courses", label=_("Required courses")),
            ],
            heading=_("Requirements"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("certificate_validity_years"), FieldPanel("issue_mode")])],
            heading=_("Certificate"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description"), index.FilterField("party")]

    parent_page_types = ["credits.ProgrammeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("programme")

    def get_context(self, request, *args, **kwargs):
        from .views import programme_context

        context = super().get_context(request, *args, **kwargs)
        context.update(programme_context(request=request, programme=self))
        return context


class ProgrammeCompetencyMinimum(Orderable):
    """A programme's minimum credits in one competency."""

    programme = ParentalKey(
        ProgrammePage, on_delete=models.CASCADE, related_name="competency_minimums", verbose_name=_("programme")
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency"))
    credits = models.DecimalField(
        _("minimum credits"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )

    panels = [FieldRowPanel([FieldPanel("competency"), FieldPanel("credits")])]

    class Meta(Orderable.Meta):
        verbose_name = _("minimum per competency")
        constraints = [
            models.UniqueConstraint(fields=["programme", "competency"], name="programme_minimum_once_per_competency")
        ]


class ProgrammeRequiredCourse(Orderable):
    """A course that must be completed to graduate from a programme."""

    programme = ParentalKey(
        ProgrammePage, on_delete=models.CASCADE, related_name="required_courses", verbose_name=_("programme")
    )
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="+", verbose_name=_("course"))

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        verbose_name = _("required course")
        constraints = [models.UniqueConstraint(fields=["programme", "course"], name="programme_required_course_once")]


class Post(index.Indexed, models.Model):
    """A post (岗位) such as 小区专员; it names the programmes whose certificate qualifies someone for it."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True, help_text=_("Used by the integration API."))
    party = models.CharField(_("party"), max_length=2, choices=Party.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    programmes = models.ManyToManyField(
        ProgrammePage,
        related_name="posts",
        verbose_name=_("qualifying programmes"),
        help_text=_("A valid certificate of any one of these programmes qualifies a trainee for this post."),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("party"),
        FieldPanel("description"),
        FieldPanel("programmes"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self):
        return self.name


class Certificate(models.Model):
    """A graduation certificate (结业证书) of a programme. The certificates issue adds numbering, the PDF and
    public verification; eligibility for posts already reads it."""

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("holder")
    )
    programme = models.ForeignKey(
        ProgrammePage, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("programme")
    )
    number = models.CharField(_("number"), max_length=64, unique=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("issued_on")), name="certificate_valid_after_issue"),
            models.CheckConstraint(
                condition=(Q(status=CertificateStatus.VALID) & Q(revoked_at__isnull=True))
                | (Q(status=CertificateStatus.REVOKED) & Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="certificate_revocation_has_time_and_reason",
            ),
        ]
        indexes = [models.Index(fields=["holder", "programme", "status", "valid_until"], name="certificate_validity")]

    def __str__(self):
        return self.number

    def is_valid_on(self, day: date) -> bool:
        return self.status == CertificateStatus.VALID and self.valid_until >= day


class Appointment(models.Model):
    """Someone took up a post (上岗) in a street's compound, on the strength of a certificate or an override."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("trainee")
    )
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("post"))
    street = models.ForeignKey(
        "academy.Street", on_delete=models.PROTECT, related_name="appointments", verbose_name=_("street")
    )
    community = models.ForeignKey(
        "academy.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("community"),
    )
    compound = models.CharField(_("compound"), max_length=100, blank=True, help_text=_("The residential compound (小区)."))
    start_date = models.DateField(_("start date"))
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("certificate"),
        help_text=_("The certificate that qualified the trainee when appointed."),
    )
    override_reason = models.TextField(
        _("reason for override"),
        blank=True,
        help_text=_("Only registrars may appoint someone without a valid certificate, and must say why."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("appointed by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(certificate__isnull=False) | ~Q(override_reason=""),
                name="appointment_needs_certificate_or_reason",
            )
        ]

    def __str__(self):
        return f"{self.trainee} · {self.post}"

    def clean(self):
        super().clean()
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError({"community": _("This community is not in the chosen street.")})


class ApiClient(models.Model):
    """Another governance system allowed to ask the eligibility API; only a hash of its token is stored."""

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("For example 街道基层治理平台."))
    token_prefix = models.CharField(_("token begins"), max_length=8, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=60, validators=[MinValueValidator(1), MaxValueValidator(6000)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=True, revoked_at__isnull=True) | Q(is_active=False, revoked_at__isnull=False),
                name="api_client_revoked_has_time",
            )
        ]

    def __str__(self):
        return self.name


class OfflineHoursQuerySet(CreditEntryQuerySet):
    """Offline-hours rows, like ledger rows, are never updated or deleted in bulk."""


class OfflineHoursEntry(models.Model):
    """Offline hours (线下学时) a trainee earned by attending a training session: an append-only ledger of its own.

    Why not a row in ``CreditEntry``: a ledger row there carries credits and may never be zero, while attending
    earns hours, not credits (the course's credits come once, from its completion). Keeping hours in their own
    rows keeps every credit balance a plain sum of ``CreditEntry.amount`` and lets "minimum offline hours" be a
    plain sum of these rows inside the programme's window. One row per trainee and session, keyed
    ``attendance:<session id>:user:<user id>`` exactly like ledger awards.
    """

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offline_hours", verbose_name=_("trainee")
    )
    session = models.ForeignKey(
        "courses.TrainingSession", on_delete=models.PROTECT, related_name="+", verbose_name=_("session")
    )
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="+", verbose_name=_("course"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    kind = models.CharField(_("kind"), max_length=16, choices=CreditKind.choices, default=CreditKind.ATTENDANCE)
    source_key = models.CharField(_("source key"), max_length=100, unique=True)
    earned_on = models.DateField(_("earned on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = OfflineHoursQuerySet.as_manager()

    class Meta:
        verbose_name = _("offline hours")
        verbose_name_plural = _("offline hours")
        ordering = ["-earned_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="offline_hours_positive")]
        indexes = [models.Index(fields=["trainee", "earned_on", "hours"], name="offline_hours_balance")]

    def __str__(self):
        return f"{self.trainee} · {self.hours} h"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise LedgerIsAppendOnly("Offline hours cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly("Offline hours cannot be deleted.")


class Cohort(models.Model):
    """A cohort (班次/期) such as 2026年第3期小区专员岗前培训班: a programme, its roster and its sessions."""

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("For example 2026年第3期小区专员岗前培训班."))
    programme = models.ForeignKey(
        ProgrammePage, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("programme")
    )
    roster = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cohorts", verbose_name=_("trainees")
    )
    sessions = models.ManyToManyField(
        "courses.TrainingSession", blank=True, related_name="cohorts", verbose_name=_("sessions")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-created_at", "name"]

    def __str__(self):
        return self.name
