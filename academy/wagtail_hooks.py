"""Register academy admin screens."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import page_cache, serving
from .viewsets import PlacesViewSetGroup, SearchSynonymViewSet, VenueViewSet

# The trainee screens and the roster import join the "三方学院" menu group, which credits assembles (it is the
# rightmost academy app, so it may import the screens of academy, courses and credits alike).


@hooks.register("register_admin_viewset")
def register_places_viewsets():
    return PlacesViewSetGroup()


register_snippet(VenueViewSet)
register_snippet(SearchSynonymViewSet)


@hooks.register("register_log_actions")
def register_academy_log_actions(actions):
    actions.register_action("academy.groups_change", _("Change roles"), _("Roles (groups) changed"))
    actions.register_action("academy.roster_import", _("Import roster"), _("Roster imported"))
    actions.register_action("academy.account_delete", _("Delete account"), _("Account deleted at the holder's request"))


# Which page a request serves, for the full-page cache; ordered after Wagtail's own view-restriction check, which
# answers first for a restricted page (and a restricted page is never stored either way).
hooks.register("before_serve_page", page_cache.mark_page, order=1000)

# The view restrictions of the page being served, from the cache (academy/serving.py), before Wagtail's own
# check_view_restrictions (an on_serve_page hook, which runs after every before_serve_page hook) reads them.
hooks.register("before_serve_page", serving.attach_view_restrictions)
