"""A trainee short of offline hours sees, on 我的学分, the training sessions with free places that would close the
gap, registers for one from there, and then sees the gap closed by the place they hold."""

from datetime import timedelta

import pytest
from django.test import Client
from playwright.sync_api import expect

from courses.models import SessionRegistration
from tests.courses.factories import CompetencyFactory, make_course, make_session
from tests.credits.factories import make_programme
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_trainee_registers_for_a_recommended_session_from_my_credits(page, live_server, screenshot):
    md = CompetencyFactory(code="MD")
    required = make_course(
        code="MD-07", title="矛盾调处情景模拟", competency=md, lessons=0, quiz=False, delivery_mode="offline"
    )
    other = make_course(
        code="MD-08", title="议事协商工作坊", competency=md, lessons=0, quiz=False, delivery_mode="blended"
    )
    programme = make_programme(total="0.0", required=[required], offline_hours="4.0")
    wanted = make_session(required, starts_in=timedelta(days=5), hours=4, title="情景模拟（第3期）", capacity=20)
    make_session(other, starts_in=timedelta(days=2), hours=2, title="议事协商（第1期）")
    make_session(other, starts_in=timedelta(days=3), hours=3, title="议事协商（已截止）", registration_open=False)
    user = UserFactory(real_name="李秀英", party="rc")
    log_in(page, live_server, user)

    page.goto("/credits/")
    card = page.locator(f'[data-testid="programme-{programme.slug}"]')
    hours = card.locator('[data-testid="hours-recommendation"]')
    expect(hours).to_be_visible()
    picks = hours.locator('[data-testid="recommended-session"]')
    expect(picks).to_have_count(1)  # one 4-hour session of the required course closes the 4 hours
    expect(picks.first).to_contain_text("情景模拟（第3期）")
    expect(picks.first).to_contain_text("4 学时")
    expect(picks.first).to_contain_text("剩余 20 个名额")
    expect(picks.first).to_contain_text("和畔里·三方协同中心")
    expect(hours).not_to_contain_text("已截止")
    button = picks.first.get_by_role("button", name="报名")
    box = button.bounding_box()
    assert box["width"] <= 390 and box["height"] >= 36  # fits the phone and is easy to tap
    picks.first.scroll_into_view_if_needed()
    screenshot("offline-hours-01-recommended-sessions")

    button.click()
    expect(page.get_by_text("您已报名《情景模拟（第3期）》。")).to_be_visible()
    assert SessionRegistration.objects.get(user=user, session=wanted).status == "registered"

    page.goto("/credits/")
    hours = page.locator(f'[data-testid="programme-{programme.slug}"] [data-testid="hours-recommendation"]')
    expect(hours.locator('[data-testid="recommended-session"]')).to_have_count(0)
    expect(hours).to_contain_text("您已报名的班次可补足")
    expect(hours).to_contain_text("情景模拟（第3期）")
    hours.scroll_into_view_if_needed()
    screenshot("offline-hours-02-place-held")
