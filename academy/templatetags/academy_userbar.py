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
