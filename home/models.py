"""Pages of the content site."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's front page: who the academy is for and where to start."""

    hero_heading = models.CharField(_("hero heading"), max_length=100, blank=True)
    hero_text = models.CharField(_("hero text"), max_length=250, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("hero_heading"), FieldPanel("hero_text")], heading=_("Hero")),
        FieldPanel("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
