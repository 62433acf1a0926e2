"""Street administrators see only their own street's people, in every trainee admin view and export."""

import pytest
from django.urls import reverse

from tests.factories import StreetFactory, UserFactory, make_editor, make_registrar, make_street_administrator

pytestmark = pytest.mark.django_db


@pytest.fixture
def streets(staff_groups):
    return StreetFactory(name="湖墅街道"), StreetFactory(name="米市巷街道")


@pytest.fixture
def people(streets):
    hushu, mishixiang = streets
    return UserFactory(real_name="湖墅学员", street=hushu), UserFactory(real_name="米市巷学员", street=mishixiang)


def test_street_administrator_lists_only_their_own_streets_trainees(client, streets, people):
    client.force_login(make_street_administrator(streets[0]))
    response = client.get(reverse("academy_trainees:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "湖墅学员" in html
    assert "米市巷学员" not in html


def test_street_administrator_filtering_by_another_street_still_shows_nobody_from_it(client, streets, people):
    client.force_login(make_street_administrator(streets[0]))
    response = client.get(reverse("academy_trainees:index"), {"street": streets[1].pk})
    assert "米市巷学员" not in response.content.decode()


def test_street_administrator_cannot_open_another_streets_trainee_by_url(client, streets, people):
    client.force_login(make_street_administrator(streets[0]))
    own, other = people
    assert client.get(reverse("academy_trainees:inspect", args=[own.pk])).status_code == 200
    assert client.get(reverse("academy_trainees:inspect", args=[other.pk])).status_code in (403, 404)
    assert client.get(reverse("academy_trainees:edit", args=[other.pk])).status_code in (302, 403, 404)
    assert client.get(reverse("academy_trainees:history", args=[other.pk])).status_code in (403, 404)


def test_street_administrator_cannot_edit_even_their_own_streets_trainee(client, streets, people):
    client.force_login(make_street_administrator(streets[0]))
    own, _ = people
    response = client.post(reverse("academy_trainees:edit", args=[own.pk]), {"real_name": "改名"})
    assert response.status_code in (302, 403)
    own.refresh_from_db()
    assert own.real_name == "湖墅学员"


def test_street_administrator_export_contains_only_their_street(client, streets, people):
    client.force_login(make_street_administrator(streets[0]))
    response = client.get(reverse("academy_trainees:index"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "湖墅学员" in body
    assert "米市巷学员" not in body


def test_registrar_sees_every_street(client, streets, people):
    client.force_login(make_registrar())
    html = client.get(reverse("academy_trainees:index")).content.decode()
    assert "湖墅学员" in html and "米市巷学员" in html


def test_registrar_edits_a_trainee_and_a_duplicate_phone_is_refused(client, streets, people):
    client.force_login(make_registrar())
    own, other = people
    data = {
        "real_name": "湖墅学员",
        "phone": other.phone,
        "email": "",
        "party": "rc",
        "organisation": "",
        "job_title": "",
        "street": own.street_id,
        "community": "",
        "compound": "",
        "is_active": "on",
    }
    response = client.post(reverse("academy_trainees:edit", args=[own.pk]), data)
    assert response.status_code == 200
    assert "该手机号已被其他账号注册" in response.content.decode()
    response = client.post(reverse("academy_trainees:edit", args=[own.pk]), {**data, "phone": "137 0000 2222"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.phone == "+8613700002222"


def test_editors_cannot_reach_trainee_records(client, streets, people):
    client.force_login(make_editor())
    assert client.get(reverse("academy_trainees:index")).status_code in (302, 403)
    assert client.get(reverse("academy_trainees:inspect", args=[people[0].pk])).status_code in (302, 403, 404)


def test_trainees_cannot_open_the_admin(client, people):
    client.force_login(people[0])
    response = client.get(reverse("academy_trainees:index"))
    assert response.status_code == 302
