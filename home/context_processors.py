"""Template context for every page of the site."""

from django.utils.functional import SimpleLazyObject

from .selectors import site_chrome_for


def site_chrome(request) -> dict:
    """``site_chrome``: the menu links and footer of base.html, read (from the cache) only when a template uses it."""
    return {"site_chrome": SimpleLazyObject(lambda: site_chrome_for(request))}
