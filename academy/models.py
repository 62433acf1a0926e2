"""People and places: the user model and the district / street / community registry."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .choices import Party
from .phone import display_phone, mask_phone, normalise_phone
from .roles import EDITORS, LECTURERS, REGISTRARS, STAFF_GROUPS, STREET_ADMINISTRATORS


class District(models.Model):
    """A district (区) of the city, e.g. 拱墅区."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class Street(models.Model):
    """A street (街道) inside a district; street administrators see only their street's people."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets", verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=50, help_text=_("For example “湖墅街道”."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["district__order", "order", "name"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="street_unique_name_in_district")]

    def __str__(self):
        return self.name


class Community(models.Model):
    """A community (社区) inside a street, served by one residents' committee."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street"))
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["street__order", "name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="community_unique_name_in_street")]

    def __str__(self):
        return self.name


class AcademyUserManager(UserManager):
    """Creates users with a normalised phone and an empty (not NULL) email when none is given."""

    def _create_user(self, username, email, password, **extra_fields):
        phone = extra_fields.get("phone")
        if phone:
            extra_fields["phone"] = normalise_phone(phone)
        return super()._create_user(username, email or "", password, **extra_fields)


class User(AbstractUser):
    """A person who uses the academy: a trainee, or staff (editor, registrar, street administrator)."""

    phone = models.CharField(
        _("mobile phone"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Mainland mobile number, stored as +86 followed by 11 digits."),
    )
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    email = models.EmailField(_("email address"), blank=True)
    real_name = models.CharField(
        _("real name"), max_length=50, blank=True, help_text=_("As on the identity card; printed on certificates.")
    )
    party = models.CharField(_("party"), max_length=2, choices=Party.choices, blank=True)
    organisation = models.CharField(
        _("employer or organisation"), max_length=100, blank=True, help_text=_("For example “某某物业服务有限公司”.")
    )
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="residents", verbose_name=_("street")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("community"),
    )
    compound = models.CharField(
        _("compound"), max_length=100, blank=True, help_text=_("The residential compound (“小区”).")
    )
    job_title = models.CharField(_("job title"), max_length=50, blank=True)
    managed_street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrators",
        verbose_name=_("street administered"),
        help_text=_("For street administrators only: the one street whose people they may see."),
    )
    elder_mode = models.BooleanField(
        _("elder-friendly mode"), default=False, help_text=_("Larger text, stronger contrast and bigger buttons.")
    )

    objects = AcademyUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_unique_email_when_present"),
            models.CheckConstraint(
                condition=Q(community__isnull=True) | Q(street__isnull=False), name="user_community_needs_street"
            ),
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        super().clean()
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError({"community": _("This community is not in the chosen street.")})

    @property
    def display_name(self) -> str:
        """The name to greet someone by: real name, else a masked phone, else the username."""
        if self.real_name:
            return self.real_name
        if self.phone:
            return mask_phone(self.phone)
        return self.email or self.username

    def get_full_name(self) -> str:
        """What Wagtail shows for a person (its account menu, "Edited by", "To be created by"): their name, never
        the username (trainee-0001), which nobody knows them by."""
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone or "")

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone or "")

    @cached_property
    def group_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_registrar(self) -> bool:
        return self.is_superuser or REGISTRARS in self.group_names

    @property
    def is_street_administrator(self) -> bool:
        return STREET_ADMINISTRATORS in self.group_names and self.managed_street_id is not None

    @property
    def is_editor(self) -> bool:
        return EDITORS in self.group_names

    @property
    def is_staff_member(self) -> bool:
        """Anyone who works for the academy (Django staff, superusers, editors, registrars, street administrators),
        as opposed to trainees: staff-only channels such as DingTalk log-in are theirs."""
        return self.is_staff or self.is_superuser or bool(self.group_names & set(STAFF_GROUPS))

    @property
    def is_academy_staff(self) -> bool:
        """Staff whose accounts reach personal data: these must use MFA in production. Lecturers are among them: they
        read trainees' names and the files and photos they hand in."""
        return self.is_superuser or self.is_registrar or bool({STREET_ADMINISTRATORS, LECTURERS} & self.group_names)


class Trainee(User):
    """Proxy of User for the academy's trainee admin, so it has its own permission policy and screens."""

    class Meta:
        proxy = True
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")


class Venue(models.Model):
    """A place where events and offline training sessions happen, such as a cultural station or a training centre."""

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("For example “丰享家文化驿站”."))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="venues", verbose_name=_("district"))
    address = models.CharField(_("address"), max_length=200, help_text=_("Street address as shown to visitors."))
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the place is; shown on event pages.")
    )
    directions = models.CharField(
        _("directions"),
        max_length=250,
        blank=True,
        help_text=_("How to get there, e.g. nearest metro station or bus stop."),
    )
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("For example “周二至周日 9:00–17:00，周一闭馆”."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )

    class Meta:
        ordering = ["district__order", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self):
        return self.name

    @property
    def full_address(self) -> str:
        """District and address together, the way a calendar or a map app wants them."""
        return f"{self.district.name}{self.address}"


class SearchSynonymGroup(models.Model):
    """Words the district uses for one thing (业委会、业主委员会): a search for any of them finds them all."""

    terms = models.CharField(
        _("words"),
        max_length=300,
        help_text=_(
            "Two or more words that mean the same, separated by “、” or commas, for example “业委会、业主委员会”."
        ),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return "、".join(self.term_list)

    @property
    def term_list(self) -> list[str]:
        """The words of this group, in the order written, without blanks or repeats."""
        from .search.rules import split_terms

        return split_terms(self.terms)

    def clean(self):
        from .search.rules import synonym_terms_problem

        problem = synonym_terms_problem(self.terms)
        if problem:
            raise ValidationError({"terms": problem})


class SearchDocument(models.Model):
    """A page's words as the site search ranks them, title, summary and body apart (written by academy.search)."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("page")
    )
    title = models.TextField(_("title words"), blank=True)
    summary = models.TextField(_("summary words"), blank=True)
    body = models.TextField(_("body words"), blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return str(self.page_id)


class SearchWord(models.Model):
    """One word of a search document and how often the ranking counts it in each field: the site search looks a
    query's words up here, by an index on the word, instead of reading every document (written with the document)."""

    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="words", verbose_name=_("search document")
    )
    word = models.CharField(_("word"), max_length=100)
    title = models.PositiveIntegerField(_("hits in the title"))
    summary = models.PositiveIntegerField(_("hits in the summary"))
    body = models.PositiveIntegerField(_("hits in the body"))

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        # Its index serves the search's lookup by word (the page id is in it too: no table read to find the pages).
        constraints = [models.UniqueConstraint(fields=["word", "document"], name="searchword_unique_word_in_document")]

    def __str__(self):
        return self.word
