"""Register academy admin screens."""

from wagtail import hooks

from .viewsets import PeopleViewSetGroup, PlacesViewSetGroup


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return [PeopleViewSetGroup(), PlacesViewSetGroup()]
