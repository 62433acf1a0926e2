"""Reads for people and places, including which people a member of staff may see."""

from django.db.models import QuerySet

from .models import User


def users_visible_to(viewer: User, *, model: type[User] = User) -> QuerySet[User]:
    """The people a member of staff may see: everyone for registrars and superusers, their own street's
    people for a street administrator, nobody for anyone else. ``model`` may be a proxy such as Trainee."""
    people = model.objects.select_related("street", "community")
    if not viewer.is_authenticated or not viewer.is_active:
        return people.none()
    if viewer.is_registrar:
        return people
    if viewer.is_street_administrator:
        return people.filter(street_id=viewer.managed_street_id)
    return people.none()
