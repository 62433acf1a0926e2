"""The admin's header and <title> in one language: Wagtail joins a view's title and subtitle with an ASCII colon in
code (``f"{title}: {subtitle}"``, no message to translate), which reads "新增: 学员" in Chinese. The join becomes a
translatable format, so Chinese gets its full-width colon (新增：学员) and English keeps "Add: Trainee"."""

from django.utils.translation import gettext


def header_title(view) -> str:
    """Wagtail's ``get_header_title``, with the title and subtitle joined as the language writes it."""
    title, subtitle = view.get_page_title(), view.get_page_subtitle()
    if not subtitle:
        return title
    return gettext("%(title)s: %(subtitle)s") % {"title": title, "subtitle": subtitle}


def install() -> None:
    from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

    WagtailAdminTemplateMixin.get_header_title = header_title
