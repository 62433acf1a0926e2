"""Pages of the content site: home, standard pages, news, events and their sign-ups, and site settings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from academy.phone import mask_phone
from academy.records import PersonalRecord
from academy.search import SUMMARY_BOOST
from academy.serving import CachedServingMixin

from .blocks import BodyBlock, NavigationLinkBlock
from .choices import EventCategory

PAGE_SIZE = 10


def _require_alt_text(page, pairs: dict[str, str]) -> None:
    """Raise a ValidationError naming each alt-text field left empty while its image is chosen."""
    errors = {
        alt_field: _("Describe the image for people who cannot see it.")
        for image_field, alt_field in pairs.items()
        if getattr(page, f"{image_field}_id") and not getattr(page, alt_field).strip()
    }
    if errors:
        raise ValidationError(errors)


def query_without_page(request) -> str:
    """The current query string minus ``page``, for pagination links that keep the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _paginate(request, items, per_page: int = PAGE_SIZE):
    """Return the requested page of items; a bad or out-of-range page number shows the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class HomePage(CachedServingMixin, Page):
    """The site's front page: a hero, featured courses, upcoming events, latest news and live figures."""

    hero_heading = models.CharField(_("hero heading"), max_length=100, blank=True)
    hero_text = models.CharField(_("hero text"), max_length=250, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hero image"),
        help_text=_("A wide picture, at least 1200 pixels across."),
    )
    hero_image_alt = models.CharField(
        _("hero image alt text"), max_length=200, blank=True, help_text=_("Required when an image is chosen.")
    )
    body = RichTextField(_("body"), blank=True)
    featured_courses = StreamField(
        [("course", blocks.PageChooserBlock(page_type="courses.CoursePage", label=_("Featured course")))],
        blank=True,
        verbose_name=_("featured courses"),
        help_text=_("Courses to recommend on the front page, in this order."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_image_alt"),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("featured_courses"),
        FieldPanel("body"),
        HelpPanel(content=_("Upcoming events, the latest news and the figures are filled in automatically.")),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_text", boost=SUMMARY_BOOST),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.StandardPage",
        "home.NewsIndexPage",
        "home.EventIndexPage",
        "courses.CourseIndexPage",
        "credits.ProgrammeIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def clean(self):
        super().clean()
        _require_alt_text(self, {"hero_image": "hero_image_alt"})

    @property
    def og_image(self):
        return self.hero_image

    def get_featured_pages(self) -> list[Page]:
        """The editor's chosen pages that are live and public, in the editor's order."""
        chosen = [block.value for block in self.featured_courses if block.value is not None]
        visible = set(Page.objects.live().public().filter(pk__in=[p.pk for p in chosen]).values_list("pk", flat=True))
        return [page.specific for page in chosen if page.pk in visible]

    def get_context(self, request, *args, **kwargs):
        from .selectors import home_cards_html, site_figures

        context = super().get_context(request, *args, **kwargs)
        context["cards"] = home_cards_html(self, request)
        context["figures"] = site_figures()
        return context


class StandardPage(CachedServingMixin, Page):
    """A page of text and pictures, such as 关于三方学院."""

    introduction = models.CharField(_("introduction"), max_length=250, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction", boost=SUMMARY_BOOST),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class NewsIndexPage(RoutablePageMixin, CachedServingMixin, Page):
    """The list of news, newest first, with a tag filter and an RSS feed."""

    introduction = models.CharField(_("introduction"), max_length=250, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index page")
        verbose_name_plural = _("news index pages")

    def get_news(self, tag: str = ""):
        """Live, public news under this index, newest first, optionally with one tag."""
        news = NewsPage.objects.live().public().descendant_of(self).order_by("-date", "-pk")
        if tag:
            news = news.filter(tags__name=tag)
        return news.select_related("cover_image").prefetch_related("tags")

    @path("")
    def news_list(self, request):
        tag = request.GET.get("tag", "")[:100]
        return self.render(
            request,
            context_overrides={
                "news": _paginate(request, self.get_news(tag)),
                "current_tag": tag,
                "filter_query": query_without_page(request),
            },
        )

    @path("rss/", name="rss")
    def rss(self, request):
        from .feeds import NewsFeed

        return NewsFeed(self)(request)


class NewsPageTag(TaggedItemBase):
    """A tag on a news item."""

    content_object = ParentalKey("home.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("news tag")
        verbose_name_plural = _("news tags")


class NewsPage(CachedServingMixin, Page):
    """One news item: a date, a cover image, tags and a body."""

    date = models.DateField(_("date"), default=timezone.localdate)
    introduction = models.CharField(
        _("introduction"), max_length=250, blank=True, help_text=_("One or two sentences shown in lists and feeds.")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    cover_image_alt = models.CharField(
        _("cover image alt text"), max_length=200, blank=True, help_text=_("Required when an image is chosen.")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("tags")]),
        FieldPanel("introduction"),
        MultiFieldPanel([FieldPanel("cover_image"), FieldPanel("cover_image_alt")], heading=_("Cover image")),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction", boost=SUMMARY_BOOST),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("date"),
    ]

    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []
    og_type = "article"

    class Meta:
        verbose_name = _("news page")
        verbose_name_plural = _("news pages")

    def clean(self):
        super().clean()
        _require_alt_text(self, {"cover_image": "cover_image_alt"})

    @property
    def og_image(self):
        return self.cover_image


class EventIndexPage(RoutablePageMixin, CachedServingMixin, Page):
    """The list of events: upcoming or past, filtered by category and month."""

    introduction = models.CharField(_("introduction"), max_length=250, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("event index page")
        verbose_name_plural = _("event index pages")

    @path("")
    def event_list(self, request):
        from .forms import EventFilterForm
        from .selectors import events_for_listing

        form = EventFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        past = filters.get("when") == "past"
        events = events_for_listing(
            index=self, past=past, category=filters.get("category") or "", month=filters.get("month")
        )
        return self.render(
            request,
            context_overrides={
                "events": _paginate(request, events),
                "filter_form": form,
                "past": past,
                "filter_query": query_without_page(request),
            },
        )


class EventPage(RoutablePageMixin, CachedServingMixin, Page):
    """An event of the overseas-Chinese home, the cultural station or the academy, with sign-up."""

    category = models.CharField(_("category"), max_length=32, choices=EventCategory.choices)
    start = models.DateTimeField(_("starts at"))
    end = models.DateTimeField(_("ends at"))
    venue = models.ForeignKey("academy.Venue", on_delete=models.PROTECT, related_name="events", verbose_name=_("venue"))
    organiser = models.CharField(
        _("organiser"), max_length=100, help_text=_("Who runs the event, e.g. 丰享家文化驿站.")
    )
    introduction = models.CharField(_("introduction"), max_length=250, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("image"),
    )
    image_alt = models.CharField(
        _("image alt text"), max_length=200, blank=True, help_text=_("Required when an image is chosen.")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    signup_enabled = models.BooleanField(
        _("sign-up open"), default=True, help_text=_("Untick to close sign-up, e.g. when the event is by invitation.")
    )
    capacity = models.PositiveIntegerField(
        _("places"), default=30, validators=[MinValueValidator(1)], help_text=_("How many people may sign up.")
    )
    signup_deadline = models.DateTimeField(
        _("sign-up closes at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to close sign-up when the event starts."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("venue"),
                FieldPanel("organiser"),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("introduction"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("signup_enabled"), FieldRowPanel([FieldPanel("capacity"), FieldPanel("signup_deadline")])],
            heading=_("Sign-up"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction", boost=SUMMARY_BOOST),
        index.SearchField("organiser"),
        index.SearchField("body"),
        index.RelatedFields("venue", [index.SearchField("name"), index.SearchField("address")]),
        index.FilterField("category"),
        index.FilterField("start"),
    ]

    parent_page_types = ["home.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event page")
        verbose_name_plural = _("event pages")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The event must end after it starts.")})
        if self.signup_deadline and self.start and self.signup_deadline > self.start:
            raise ValidationError({"signup_deadline": _("Sign-up must close before the event starts.")})
        _require_alt_text(self, {"image": "image_alt"})

    @property
    def og_image(self):
        return self.image

    @property
    def signup_closes_at(self):
        return self.signup_deadline or self.start

    def is_past(self, now=None) -> bool:
        return self.end <= (now or timezone.now())

    def is_signup_open(self, now=None) -> bool:
        """Whether sign-up is accepted now: enabled by the editor and before the deadline (or the start)."""
        return self.signup_enabled and (now or timezone.now()) < self.signup_closes_at

    def can_export_signups(self, user) -> bool:
        """Only staff who may edit this event see or download its sign-ups (they hold phone numbers)."""
        return user.is_authenticated and self.permissions_for_user(user).can_edit()

    def subpage_url(self, name: str, *args) -> str:
        return self.url + self.reverse_subpage(name, args=args)

    # The routes hand over to home/views.py, as courses' and credits' pages do to theirs.

    def get_context(self, request, *args, **kwargs):
        from .views import event_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_context(request=request, event=self))
        return context

    @path("")
    def event_detail(self, request):
        from .views import event_detail

        return event_detail(request, event=self)

    @path("ics/", name="ics")
    def ics(self, request):
        from .views import event_ics

        return event_ics(request, event=self)

    @re_path(r"^signed-up/(?P<token>[\w-]+)/$", name="signup_done")
    def signup_done(self, request, token):
        from .views import event_signup_done

        return event_signup_done(request, event=self, token=token)

    @re_path(r"^cancel/(?P<token>[\w-]+)/$", name="signup_cancel")
    def signup_cancel(self, request, token):
        from .views import event_signup_cancel_view

        return event_signup_cancel_view(request, event=self, token=token)

    @path("signups/export/", name="signup_export")
    def signup_export(self, request):
        from .views import event_signup_export

        return event_signup_export(request, event=self)


class EventSignup(PersonalRecord, models.Model):
    """One person's place at an event: a logged-in user, or a resident who gave a name and phone."""

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="signups", verbose_name=_("event"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_signups",
        verbose_name=_("user"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=16)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event sign-up")
        verbose_name_plural = _("event sign-ups")
        constraints = [models.UniqueConstraint(fields=["event", "phone"], name="event_signup_unique_phone")]

    def __str__(self):
        return f"{self.name} · {self.event}"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """The main navigation and footer, edited in Settings → Site settings."""

    nav_links = StreamField(
        [("link", NavigationLinkBlock())],
        blank=True,
        verbose_name=_("navigation links"),
        help_text=_("The links in the site's menu, after 'Home'."),
    )
    footer_text = models.TextField(
        _("footer text"),
        blank=True,
        help_text=_("Address, telephone and opening hours shown at the foot of every page."),
    )
    icp_number = models.CharField(
        _("ICP filing number"), max_length=50, blank=True, help_text=_("For example “浙ICP备00000000号”.")
    )

    panels = [FieldPanel("nav_links"), FieldPanel("footer_text"), FieldPanel("icp_number")]

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
