"""The community chooser on a trainee's profile offers, and accepts, only the chosen street's communities; the
server re-renders the right list without JavaScript, and a script re-fills it when the street changes."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from academy.services import user_update_profile
from tests.factories import CommunityFactory, StreetFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def streets():
    hushu, mishixiang = StreetFactory(name="湖墅街道"), StreetFactory(name="米市巷街道")
    return {
        "hushu": hushu,
        "mishixiang": mishixiang,
        "xinyifang": CommunityFactory(street=hushu, name="信义坊社区"),
        "hushu_south": CommunityFactory(street=hushu, name="湖墅南社区"),
        "xiangyuan": CommunityFactory(street=mishixiang, name="祥园社区"),
    }


def community_options(html: str) -> list[str]:
    select = re.search(r'<select name="community".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)


def profile_data(user, **changes):
    data = {
        "real_name": user.real_name,
        "phone": user.phone,
        "email": "",
        "party": user.party,
        "organisation": "",
        "job_title": "",
        "street": user.street_id or "",
        "community": user.community_id or "",
        "compound": "",
    }
    return {**data, **changes}


def test_profile_lists_only_the_chosen_streets_communities_and_all_of_them_for_the_script(client, streets):
    user = UserFactory(street=streets["hushu"])
    client.force_login(user)
    html = client.get(reverse("academy_profile")).content.decode()
    assert community_options(html) == ["信义坊社区", "湖墅南社区"]
    data = json.loads(
        re.search(r'<script id="street-communities" type="application/json">(.*?)</script>', html).group(1)
    )
    assert data[str(streets["mishixiang"].pk)] == [[streets["xiangyuan"].pk, "祥园社区"]]
    assert 'data-community-chooser="street-communities"' in html and "community_chooser.js" in html


def test_no_street_means_no_community_to_choose(client, streets):
    user = UserFactory(street=None)
    client.force_login(user)
    assert community_options(client.get(reverse("academy_profile")).content.decode()) == []


def test_a_community_of_another_street_is_refused_and_nothing_is_saved(client, streets):
    user = UserFactory(street=streets["hushu"], compound="旧小区")
    client.force_login(user)
    response = client.post(
        reverse("academy_profile"), profile_data(user, community=streets["xiangyuan"].pk, compound="新小区")
    )
    assert response.status_code == 200
    assert "该社区不属于所选街道。" in response.content.decode()
    user.refresh_from_db()
    assert user.community is None and user.compound == "旧小区"


def test_without_javascript_a_new_street_re_renders_with_its_own_communities(client, streets):
    user = UserFactory(street=streets["hushu"])
    user.community = streets["xinyifang"]
    user.save()
    client.force_login(user)
    # The street changed, the (unscripted) community list still held the old street's community.
    response = client.post(reverse("academy_profile"), profile_data(user, street=streets["mishixiang"].pk))
    html = response.content.decode()
    assert response.status_code == 200 and "该社区不属于所选街道。" in html
    assert community_options(html) == ["祥园社区"]
    user.refresh_from_db()
    assert user.street == streets["hushu"] and user.community == streets["xinyifang"]
    response = client.post(
        reverse("academy_profile"),
        profile_data(user, street=streets["mishixiang"].pk, community=streets["xiangyuan"].pk),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.street, user.community) == (streets["mishixiang"], streets["xiangyuan"])


def test_a_garbled_street_is_refused_with_no_communities_offered(client, streets):
    user = UserFactory(street=streets["hushu"])
    client.force_login(user)
    response = client.post(
        reverse("academy_profile"), profile_data(user, street="湖墅", community=streets["xinyifang"].pk)
    )
    assert response.status_code == 200 and community_options(response.content.decode()) == []
    user.refresh_from_db()
    assert user.community is None


def test_the_service_refuses_a_community_outside_the_street_too(streets):
    user = UserFactory(street=streets["hushu"])
    with pytest.raises(ValidationError):
        user_update_profile(user=user, data={"street": streets["hushu"], "community": streets["xiangyuan"]})
    user.refresh_from_db()
    assert user.community is None
