"""Template tags of the content site."""

from django import template

from ..selectors import breadcrumbs_for

register = template.Library()


@register.simple_tag(takes_context=True)
def page_breadcrumbs(context, page):
    """``{% page_breadcrumbs page as crumbs %}``: the (label, address) pairs of the page's ancestors (cached)."""
    return breadcrumbs_for(page, context.get("request"))
