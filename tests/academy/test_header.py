"""The site's menu offers the admin to everyone who may use it: editors, registrars and street administrators
reach it through their group's permission (they are not is_staff), and trainees are not offered it."""

import pytest

from tests.factories import UserFactory, make_editor, make_registrar, make_street_administrator

pytestmark = pytest.mark.django_db

ADMIN_LINK = '<a href="/admin/">'


@pytest.mark.parametrize(
    "make",
    [make_editor, make_registrar, lambda: make_street_administrator(UserFactory().street)],
    ids=["editor", "registrar", "street-administrator"],
)
def test_staff_in_a_staff_group_are_offered_the_admin_in_the_menu(client, staff_groups, make):
    user = make()
    assert not user.is_staff
    client.force_login(user)
    assert ADMIN_LINK in client.get("/accounts/profile/").content.decode()


def test_trainees_are_not_offered_the_admin(client, staff_groups):
    client.force_login(UserFactory())
    assert ADMIN_LINK not in client.get("/accounts/profile/").content.decode()
