"""Reads for people and places, including which people a member of staff may see."""

from django.db.models import QuerySet

from .cache import VersionedCache
from .models import Community, Street, User
from .roles import STAFF_GROUPS

# Forgotten when anyone's groups, permissions or flags change (academy.receivers).
ADMIN_ACCESS = VersionedCache("academy:admin-access", timeout=300)


def may_use_admin(user) -> bool:
    """Whether someone may open the Wagtail admin, cached per person: only for drawing the user bar on public
    pages, where Wagtail's own check would cost a signed-in trainee two permission queries on every page. The admin
    itself checks afresh on every request."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Stored as "yes"/"no": the cache cannot tell a stored False from a miss.
    return (
        ADMIN_ACCESS.get_or_build(str(user.pk), lambda: "yes" if user.has_perm("wagtailadmin.access_admin") else "no")
        == "yes"
    )


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


def trainees_visible_to(viewer: User, *, street_id: int | None = None) -> QuerySet[User]:
    """The learners among the people a member of staff may see: active accounts that are not staff themselves.
    Reports, dashboards and the roster count these. ``street_id`` narrows further (never widens)."""
    people = users_visible_to(viewer).filter(is_active=True, is_superuser=False).exclude(groups__name__in=STAFF_GROUPS)
    if street_id is not None:
        people = people.filter(street_id=street_id)
    return people


def streets_visible_to(viewer: User) -> QuerySet[Street]:
    """The streets whose people a member of staff may see: all for registrars, their own for a street administrator."""
    streets = Street.objects.select_related("district")
    if not viewer.is_authenticated or not viewer.is_active:
        return streets.none()
    if viewer.is_registrar:
        return streets
    if viewer.is_street_administrator:
        return streets.filter(pk=viewer.managed_street_id)
    return streets.none()


def communities_visible_to(viewer: User) -> QuerySet[Community]:
    """Communities in the streets the viewer may see."""
    return Community.objects.filter(street__in=streets_visible_to(viewer)).select_related("street")
