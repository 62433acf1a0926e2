"""Register academy admin screens."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import PlacesViewSetGroup, VenueViewSet

# The trainee screens and the roster import join the "三方学院" menu group, which credits assembles (it is the
# rightmost academy app, so it may import the screens of academy, courses and credits alike).


@hooks.register("register_admin_viewset")
def register_places_viewsets():
    return PlacesViewSetGroup()


register_snippet(VenueViewSet)
