"""Factories shared by the whole suite. Apps add their own factories in tests/<app>/factories.py."""

import io
import zipfile

import factory
from django.contrib.auth.models import Group, Permission

from academy.choices import Party
from academy.models import Community, District, Street, User
from academy.roles import EDITORS, REGISTRARS, STREET_ADMINISTRATORS

PASSWORD = "Correct-Horse-42"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = "拱墅区"


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("district", "name")

    district = factory.SubFactory(DistrictFactory)
    name = factory.Iterator(["湖墅街道", "米市巷街道", "小河街道", "和睦街道"])


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("street", "name")

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"第{n}社区")


class UserFactory(factory.django.DjangoModelFactory):
    """A trainee with a verified phone, a real name and a street."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    phone = factory.Sequence(lambda n: f"+86139{n:08d}")
    phone_verified = True
    real_name = factory.Sequence(lambda n: f"学员{n}")
    party = Party.RESIDENTS_COMMITTEE
    street = factory.SubFactory(StreetFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def _in_group(user: User, name: str) -> User:
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def with_admin_access(user: User) -> User:
    """Let ``user`` into the Wagtail admin (the permission the admin's log-in checks)."""
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def make_registrar(**kwargs) -> User:
    return _in_group(UserFactory(is_staff=False, **kwargs), REGISTRARS)


def make_editor(**kwargs) -> User:
    return _in_group(UserFactory(**kwargs), EDITORS)


def make_street_administrator(street: Street, **kwargs) -> User:
    return _in_group(UserFactory(managed_street=street, **kwargs), STREET_ADMINISTRATORS)


def inflated(buffer: io.BytesIO, megabytes: int = 70) -> io.BytesIO:
    """The same workbook with one more member of ``megabytes`` of zeros: a few hundred KB on disk, far more inside."""
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, source.read(member))
        target.writestr("xl/padding.bin", b"\0" * (megabytes * 1024 * 1024))
    out.seek(0)
    return out
