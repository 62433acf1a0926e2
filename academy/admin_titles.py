"""The admin's header and <title> in one language: Wagtail joins a view's title and subtitle with an ASCII colon in
code (``f"{title}: {subtitle}"``, no message to translate), which reads "新增: 学员" in Chinese. The join becomes a
translatable format, so Chinese gets its full-width colon (新增：学员) and English keeps "Add: Trainee".

A view of our own built on ``WagtailAdminTemplateMixin`` (a form or a page beside a viewset's screens) inherits its
breadcrumbs, which are only "首页" (Home): the slim header then reads 首页 and the page's title is nowhere to be
seen (it is only the screen reader's hidden <h1>). ``TitledAdminViewMixin`` ends the breadcrumbs with the page's
own title, after the listing it belongs to; tests/academy/test_admin_titles.py fails on a view that lacks it."""

from django.urls import reverse
from django.utils.translation import gettext
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


def header_title(view) -> str:
    """Wagtail's ``get_header_title``, with the title and subtitle joined as the language writes it."""
    title, subtitle = view.get_page_title(), view.get_page_subtitle()
    if not subtitle:
        return title
    return gettext("%(title)s: %(subtitle)s") % {"title": title, "subtitle": subtitle}


def install() -> None:
    WagtailAdminTemplateMixin.get_header_title = header_title


class TitledAdminViewMixin(WagtailAdminTemplateMixin):
    """A custom admin view whose header names the page: Home › the listing it belongs to › its title (and
    subtitle). ``parent_url_name`` and ``parent_label`` name the listing (optional)."""

    parent_url_name = ""
    parent_label = ""

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        if self.parent_url_name:
            items.append({"url": reverse(self.parent_url_name), "label": self.parent_label})
        items.append({"url": "", "label": self.get_header_title()})
        return items
