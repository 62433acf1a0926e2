"""``{% chrome_fragment %}``: base.html's header, elder-mode switch and footer, rendered once per variant and cached.

On a title-only page the three cost 1.3 ms of a 9.8 ms request (docs/performance.md, "Issue 22 — this session"):
URL reversals, translations, the language list. What they show is content and settings (the menu's links, the
footer's text, both from ``site_chrome``), the language, the elder mode and, for the header only, whether someone is
logged in; so each is rendered once per template, host, language, elder mode and (header) anonymous visitor, and
cached under the content generation (academy.cache): a change to a page, a site or the site settings shows at once.

Two things in them belong to one request and are never cached: the CSRF token of the two forms (the footer's
language switch and the elder switch post) and the address they return to (``next_path``). The fragment is rendered
with a placeholder for each, and every request puts its own in their place; the token is the context's
``csrf_token``, so asking for it has the same effect as ``{% csrf_token %}`` (the CSRF cookie is sent), and a page
rendered for the full-page cache keeps that cache's own placeholder (academy/page_cache.py).
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from academy.cache import VersionedCache
from academy.page_cache import CSRF_PLACEHOLDER

register = template.Library()

FRAGMENTS = VersionedCache("academy:chrome", timeout=300)
PATH_PLACEHOLDER = "academyChromeNextPathPlaceholder5b9d2a"


def _render(context, template_name: str, **values) -> str:
    """The template rendered as ``{% include %}`` renders it, with ``values`` added to the context."""
    fragment = context.template.engine.get_template(template_name)
    with context.push(**values):
        return fragment.render(context)


@register.simple_tag(takes_context=True)
def chrome_fragment(context, template_name: str, *, anonymous_only: bool = False) -> str:
    """``{% chrome_fragment "components/footer.html" %}``: the template included, from the cache (see the module's
    docstring). ``anonymous_only=True`` for a fragment that shows a logged-in visitor's own links: theirs is
    rendered afresh every time."""
    request = context.get("request")
    token = context.get("csrf_token")
    user = getattr(request, "user", None)
    logged_in = user is not None and user.is_authenticated
    if request is None or not token or str(token) == "NOTPROVIDED" or (anonymous_only and logged_in):
        return _render(context, template_name, next_path=request.get_full_path() if request is not None else "")

    def build() -> str:
        return str(_render(context, template_name, csrf_token=CSRF_PLACEHOLDER, next_path=PATH_PLACEHOLDER))

    elder = "elder" if context.get("elder_mode") else "plain"
    html = FRAGMENTS.get_or_build(f"{template_name}:{request.get_host()}:{get_language()}:{elder}", build)
    html = html.replace(CSRF_PLACEHOLDER, escape(str(token))).replace(PATH_PLACEHOLDER, escape(request.get_full_path()))
    return mark_safe(html)  # noqa: S308  (rendered by the template engine; only escaped values put into it)
