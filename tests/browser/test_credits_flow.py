"""A trainee on a phone watches the shortfalls on 我的学分 shrink as they complete a required course."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from courses import services as course_services
from courses.models import LessonPage
from tests.courses.factories import CompetencyFactory, make_catalogue, make_course
from tests.credits.factories import make_programme
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_trainee_sees_shortfalls_shrink_after_completing_a_course(page, live_server, screenshot):
    index = make_catalogue()
    fg, md = CompetencyFactory(code="FG"), CompetencyFactory(code="MD")
    done_course = make_course(
        index, code="FG-01", title="物业法规运用入门", competency=fg, credits="1.0", quiz=False, lessons=1
    )
    course = make_course(index, code="MD-01", title="矛盾调处实务", competency=md, credits="1.5", quiz=False, lessons=2)
    programme = make_programme(total="3.0", minimums={fg: "2.0", md: "1.0"}, required=[course])
    user = UserFactory(real_name="李秀英")
    course_services.enrolment_create(user=user, course=done_course)
    course_services.lesson_mark_done(user=user, lesson=LessonPage.objects.child_of(done_course).get())
    log_in(page, live_server, user)

    page.goto("/learning/")
    page.click("summary")
    page.click("nav >> text=我的学分")
    page.wait_for_url(re.compile(r"/credits/$"))
    card = page.locator(f'[data-testid="programme-{programme.slug}"]')
    shortfalls = card.locator('[data-testid="shortfalls"] li')
    assert shortfalls.all_inner_texts() == [
        "法规运用还差 1 学分",
        "矛盾调处还差 1 学分",
        "必修课《矛盾调处实务》未完成",
        "总学分还差 2 学分",
    ]
    assert page.locator('[data-testid="total-credits"]').inner_text() == "1.0"
    expect(page.locator("svg.chart rect")).to_have_count(2)
    screenshot("credits-01-before")

    page.goto(course.url)
    page.click("form[action$='/enrol/'] button")
    for _ in range(2):
        page.goto(course.url)
        page.locator("a.button--block").first.click()
        page.click("form[action$='/done/'] button")
        page.wait_for_load_state()

    page.goto("/credits/")
    assert shortfalls.all_inner_texts() == ["法规运用还差 1 学分", "总学分还差 0.5 学分"]
    assert page.locator('[data-testid="total-credits"]').inner_text() == "2.5"
    expect(page.locator(".ledger__row")).to_have_count(2)
    expect(page.locator(".ledger__row").first.get_by_text("矛盾调处实务")).to_be_visible()
    screenshot("credits-02-after")

    page.goto(programme.url)
    expect(page.get_by_test_id("shortfalls").get_by_text("法规运用还差 1 学分")).to_be_visible()
    # Each shortfall also comes with the courses that would close it.
    expect(page.get_by_test_id("recommendations").get_by_text("法规运用还差 1 学分")).to_be_visible()
    screenshot("credits-03-programme")
