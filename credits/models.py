"""Credits: the append-only ledger, programmes and their requirements, posts, appointments, certificates and
the API clients of other governance systems."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from academy.choices import Party
from academy.records import PersonalRecord
from academy.search import SUMMARY_BOOST
from academy.serving import CachedServingMixin
from courses.models import Competency, CoursePage

from .certificates.rules import mask_name, verification_code_display, verification_code_new
from .choices import BulkIssueStatus, CertificateRequestStatus, CertificateStatus, CreditKind, IssueMode


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


class CreditEntry(PersonalRecord, models.Model):
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


class ProgrammeIndexPage(CachedServingMixin, Page):
    """培训项目: lists the programmes a trainee can graduate from."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["credits.ProgrammePage"]
    max_count = 1

    class Meta:
        verbose_name = _("programme index")
        verbose_name_plural = _("programme indexes")

    def get_programmes(self):
        """The live programmes under this index, in the order editors arranged them."""
        return ProgrammePage.objects.child_of(self).live().order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = self.get_programmes()
        return context


class ProgrammePage(CachedServingMixin, Page):
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
    renewal_credits = models.DecimalField(
        _("credits to renew"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0.0"),
        validators=[MinValueValidator(Decimal("0.0"))],
        help_text=_(
            "Continuing credits a holder must earn after the certificate is issued to have it renewed (from 90 days "
            "before expiry). 0 means the certificate cannot be renewed: the holder graduates again."
        ),
    )

    final_exam = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("final exam"),
        help_text=_(
            "Optional: the programme's final exam (结业考试), a course whose quiz draws its paper from the question "
            "bank by a blueprint. When set, graduation also needs it passed (its course completed: the quiz passed, "
            "and any required lessons done)."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("party"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("total_credits"), FieldPanel("min_offline_hours"), FieldPanel("window_months")]
                ),
                InlinePanel("competency_minimums", label=_("Minimum per competency")),
                InlinePanel("required_courses", label=_("Required courses")),
                FieldPanel("final_exam"),
            ],
            heading=_("Requirements"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("certificate_validity_years"), FieldPanel("issue_mode"), FieldPanel("renewal_credits")]
                )
            ],
            heading=_("Certificate"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description", boost=SUMMARY_BOOST),
        index.FilterField("party"),
    ]

    parent_page_types = ["credits.ProgrammeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def clean(self):
        super().clean()
        if self.final_exam_id:
            from assessments.models import Blueprint

            if not Blueprint.objects.filter(quiz__course_id=self.final_exam_id).exists():
                raise ValidationError(
                    {"final_exam": _("The final exam must be a course whose quiz has a blueprint (组卷规则).")}
                )

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
        verbose_name_plural = _("minimums per competency")
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
        verbose_name_plural = _("required courses")
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


def private_storage():
    """Where certificate PDFs are kept: ``STORAGES["private"]``, which has no public URL."""
    return storages["private"]


# Every certificate PDF is stored under this directory of the private storage, and nothing else is: the orphan
# sweep (sweep_orphan_certificate_files) walks only this directory.
CERTIFICATE_UPLOAD_DIR = "certificates"


def certificate_upload_to(instance, filename: str) -> str:
    return f"{CERTIFICATE_UPLOAD_DIR}/{instance.issued_on:%Y}/{filename}"


class CertificateIsImmutable(Exception):
    """Raised when code tries to change an issued certificate's identity or delete a certificate."""


# What a certificate says and who it says it about: fixed once it is issued. Status, revocation, expiry and the
# rendered PDF (file, SHA-256, template version) may still change. The one exception is explicit and narrow: the
# name snapshot may be replaced by its own masked form (张三明 → 张*明) when the holder deletes their account.
CERTIFICATE_IDENTITY_FIELDS = (
    "number",
    "holder",
    "programme",
    "holder_name",
    "credits_snapshot",
    "issued_on",
    "verification_code",
)


def _identity_attnames(names) -> set[str]:
    fields = {field.name: field.attname for field in Certificate._meta.concrete_fields}
    return {fields.get(name, name) for name in names} & {fields[name] for name in CERTIFICATE_IDENTITY_FIELDS}


class CertificateQuerySet(models.QuerySet):
    """Certificates are never deleted, and a bulk update may touch only status, revocation and PDF fields."""

    def graduations(self):
        """Certificates that record a graduation (结业): a programme met and its certificate issued, on
        ``issued_on``. A renewal (a certificate that ``renews`` another) continues a graduation rather than
        being a new one, and a revoked certificate no longer stands for one."""
        return self.filter(renews__isnull=True).exclude(status=CertificateStatus.REVOKED)

    def valid_on(self, day: date):
        """Certificates valid on ``day``: issued on or before it, not revoked, not expired (``valid_until`` is the
        last valid day). The one definition every check, report and appointment reads."""
        return self.filter(status=CertificateStatus.VALID, issued_on__lte=day, valid_until__gte=day)

    def update(self, **kwargs):
        touched = _identity_attnames(kwargs) | (set(kwargs) & set(CERTIFICATE_IDENTITY_FIELDS))
        if touched:
            raise CertificateIsImmutable(f"An issued certificate's {', '.join(sorted(touched))} cannot be changed.")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        if set(fields) & set(CERTIFICATE_IDENTITY_FIELDS) or _identity_attnames(fields):
            raise CertificateIsImmutable("An issued certificate's identity cannot be changed.")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def delete(self):
        raise CertificateIsImmutable("Certificates cannot be deleted; revoke them instead.")


class Certificate(PersonalRecord, models.Model):
    """A graduation certificate (结业证书) of a programme: numbered, with an unguessable verification code, the
    holder's name and credits as they were at issue, and its PDF rendered once and kept privately."""

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("holder")
    )
    programme = models.ForeignKey(
        ProgrammePage, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("programme")
    )
    number = models.CharField(_("number"), max_length=64, unique=True)
    verification_code = models.CharField(
        _("verification code"),
        max_length=16,
        unique=True,
        default=verification_code_new,
        editable=False,
        help_text=_("80 random bits in Crockford base32, stored without hyphens and in capitals."),
    )
    holder_name = models.CharField(_("name on the certificate"), max_length=50, blank=True)
    programme_title = models.CharField(_("programme on the certificate"), max_length=255, blank=True)
    credits_snapshot = models.JSONField(
        _("credits at issue"),
        default=list,
        blank=True,
        help_text=_("The credits by competency counted for graduation: [{competency, credits}, …]."),
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
        help_text=_("Empty when issued automatically."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    renews = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name=_("renews"),
        help_text=_("The certificate this one replaces."),
    )
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=certificate_upload_to, blank=True, max_length=200
    )
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    template_version = models.CharField(_("template version"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("issued_on")), name="certificate_valid_after_issue"
            ),
            models.CheckConstraint(
                condition=(Q(status=CertificateStatus.VALID) & Q(revoked_at__isnull=True))
                | (Q(status=CertificateStatus.REVOKED) & Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="certificate_revocation_has_time_and_reason",
            ),
            # One programme period, one certificate: a holder has at most one unrevoked first certificate of a
            # programme, and each certificate is renewed at most once (``renews`` is one-to-one).
            models.UniqueConstraint(
                fields=["holder", "programme"],
                condition=Q(renews__isnull=True, status=CertificateStatus.VALID),
                name="certificate_first_issue_once",
            ),
        ]
        indexes = [models.Index(fields=["holder", "programme", "status", "valid_until"], name="certificate_validity")]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self._refuse_identity_change(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise CertificateIsImmutable("Certificates cannot be deleted; revoke them instead.")

    def _refuse_identity_change(self, update_fields) -> None:
        names = (
            CERTIFICATE_IDENTITY_FIELDS
            if update_fields is None
            else [
                name for name in CERTIFICATE_IDENTITY_FIELDS if name in update_fields or f"{name}_id" in update_fields
            ]
        )
        if not names:
            return
        attnames = [self._meta.get_field(name).attname for name in names]
        stored = type(self)._base_manager.filter(pk=self.pk).values(*attnames).first()
        if stored is None:
            return
        changed = [attname for attname in attnames if getattr(self, attname) != stored[attname]]
        if changed == ["holder_name"] and self.holder_name == mask_name(stored["holder_name"]):
            return  # the account-deletion exception: the name may only become its own masked form
        if changed:
            raise CertificateIsImmutable(f"An issued certificate's {', '.join(changed)} cannot be changed.")

    @property
    def verification_code_display(self) -> str:
        return verification_code_display(self.verification_code)

    @property
    def is_revoked(self) -> bool:
        return self.status == CertificateStatus.REVOKED


class CertificateNumberCounter(models.Model):
    """The last serial number used in a year; its row is locked while a certificate is numbered, so numbers are
    handed out without duplicates or gaps (a rolled-back issue rolls the counter back with it)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_serial = models.PositiveIntegerField(_("last serial number"), default=0)

    class Meta:
        verbose_name = _("certificate number counter")
        verbose_name_plural = _("certificate number counters")

    def __str__(self):
        return f"{self.year}: {self.last_serial}"


class CertificateRequest(PersonalRecord, models.Model):
    """A trainee met a programme that issues only after registrar approval: a row in the approval queue."""

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificate_requests",
        verbose_name=_("trainee"),
    )
    programme = models.ForeignKey(
        ProgrammePage, on_delete=models.PROTECT, related_name="certificate_requests", verbose_name=_("programme")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CertificateRequestStatus.choices, default=CertificateRequestStatus.PENDING
    )
    requested_at = models.DateTimeField(_("requirements met at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    certificate = models.OneToOneField(
        Certificate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="request",
        verbose_name=_("certificate"),
    )

    class Meta:
        verbose_name = _("certificate request")
        verbose_name_plural = _("certificate approval queue")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "programme"],
                condition=Q(status=CertificateRequestStatus.PENDING),
                name="certificate_request_pending_once",
            ),
            models.CheckConstraint(
                condition=~Q(status=CertificateRequestStatus.DECLINED) | ~Q(decline_reason=""),
                name="certificate_request_decline_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.holder} · {self.programme}"


class BulkIssueRun(PersonalRecord, models.Model):
    """One bulk issue of a programme's certificates (to everyone who meets it, or to a cohort's members who do),
    run as a task; its counts are updated as it goes."""

    programme = models.ForeignKey(
        ProgrammePage, on_delete=models.PROTECT, related_name="bulk_issue_runs", verbose_name=_("programme")
    )
    cohort = models.ForeignKey(
        "Cohort",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bulk_issue_runs",
        verbose_name=_("cohort"),
        help_text=_("Empty when the run was for everyone who meets the programme."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BulkIssueStatus.choices, default=BulkIssueStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("trainees to check"), default=0)
    processed = models.PositiveIntegerField(_("checked"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    messages = models.JSONField(_("messages"), default=list, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk issue")
        verbose_name_plural = _("bulk issues")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.cohort or self.programme} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))


class CertificateReminder(PersonalRecord, models.Model):
    """An expiry reminder that was sent, so that each is sent once."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("certificate")
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    channels = models.CharField(_("sent by"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [models.UniqueConstraint(fields=["certificate", "days_before"], name="certificate_reminder_once")]

    def __str__(self):
        return f"{self.certificate} · {self.days_before}"


@register_setting(icon="doc-full")
class CertificateSettings(BaseSiteSetting):
    """What every certificate prints besides its own data: the academy's name, the signatory and the seal."""

    academy_name = models.CharField(
        _("academy name"), max_length=100, default="杭州市拱墅区三方学院", help_text=_("Printed as the issuer.")
    )
    signatory_name = models.CharField(_("signatory"), max_length=50, blank=True, help_text=_("For example “王立新”."))
    signatory_title = models.CharField(
        _("signatory's title"), max_length=50, blank=True, help_text=_("For example “院长”.")
    )
    seal = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seal (公章)"),
        help_text=_("A PNG with a transparent background, printed over the signature; about 400 pixels square."),
    )

    panels = [
        FieldPanel("academy_name"),
        FieldRowPanel([FieldPanel("signatory_name"), FieldPanel("signatory_title")]),
        FieldPanel("seal"),
    ]

    class Meta:
        verbose_name = _("certificate settings")
        verbose_name_plural = _("certificate settings")


class Appointment(PersonalRecord, models.Model):
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
    compound = models.CharField(
        _("compound"), max_length=100, blank=True, help_text=_("The residential compound (“小区”).")
    )
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

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("For example “街道基层治理平台”."))
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


class OfflineHoursEntry(PersonalRecord, models.Model):
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

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("For example “2026年第3期小区专员岗前培训班”.")
    )
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


class TraineeRecordVersion(PersonalRecord, models.Model):
    """A number that changes whenever anything 我的学分 shows of one trainee changes (a ledger or offline-hours row,
    a completion, an enrolment, a session registration or attendance, a certificate or a certificate request).

    The trainee's dashboard is cached under it (``selectors.dashboard_for``). It is a row of its own, read in the
    request, rather than a number in the cache: with the per-process cache of several gunicorn workers, a number
    kept in one worker's cache would leave the others serving the old dashboard; and rather than a field on the
    user, so that saving a user object read before the change cannot write the old number back.
    """

    trainee = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("trainee"),
    )
    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("trainee record version")
        verbose_name_plural = _("trainee record versions")

    def __str__(self):
        return f"{self.trainee_id}: {self.version}"
