"""Register academy admin screens."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import PeopleViewSetGroup, PlacesViewSetGroup, VenueViewSet


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return [PeopleViewSetGroup(), PlacesViewSetGroup()]


register_snippet(VenueViewSet)
