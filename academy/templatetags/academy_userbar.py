"""``{% academy_userbar %}``: Wagtail's user bar, without its permission queries on every page for people who cannot
use the admin (see ``academy.selectors.may_use_admin``)."""

from django import template
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

from academy.selectors import may_use_admin

register = template.Library()


@register.simple_tag(takes_context=True)
def academy_userbar(context, position="bottom-right"):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not may_use_admin(user):
        return ""
    return wagtailuserbar(context, position)


@register.filter
def can_use_admin(user) -> bool:
    """``{% if user|can_use_admin %}``: whether the menu offers the admin (the same cached rule as the user bar).
    Editors, registrars and street administrators reach the admin through their group's permission, not is_staff."""
    return user is not None and may_use_admin(user)
