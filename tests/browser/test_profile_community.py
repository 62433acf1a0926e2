"""On a phone, changing the street on 我的资料 re-fills the community list with that street's communities."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from academy.models import User
from tests.factories import CommunityFactory, StreetFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_changing_the_street_offers_only_its_communities(page, live_server, screenshot):
    hushu, mishixiang = StreetFactory(name="湖墅街道"), StreetFactory(name="米市巷街道")
    CommunityFactory(street=hushu, name="信义坊社区")
    CommunityFactory(street=mishixiang, name="祥园社区")
    CommunityFactory(street=mishixiang, name="左家新村社区")
    user = UserFactory(street=hushu, real_name="王桂芳")
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto("/accounts/profile/")
    options = page.locator("#id_community option")
    expect(options).to_have_text(["---------", "信义坊社区"])
    page.select_option("#id_street", label="米市巷街道")
    expect(options).to_have_text(["---------", "左家新村社区", "祥园社区"])
    page.select_option("#id_community", label="祥园社区")
    page.locator("#id_community").scroll_into_view_if_needed()
    screenshot("profile-community-01-street-changed")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("资料已保存。")).to_be_visible()
    user = User.objects.select_related("street", "community").get(pk=user.pk)
    assert (user.street.name, user.community.name) == ("米市巷街道", "祥园社区")
