"""A trainee on a phone: filter the catalogue, enrol, do the lessons, fail then pass the quiz, see it completed."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.courses.factories import (
    CompetencyFactory,
    make_catalogue,
    make_course,
    presented,
    right_answers,
    wrong_answers,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    """Reuse a real Django session (logging in through allauth is the foundation's own browser test)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_trainee_completes_a_course_on_a_phone(page, live_server, screenshot):
    index = make_catalogue()
    course = make_course(
        index, code="FG-01", title="物业管理条例解读", competency=CompetencyFactory(code="FG"), lessons=2
    )
    make_course(index, code="MD-01", title="矛盾调处实务与案例分析", competency=CompetencyFactory(code="MD"))
    user = UserFactory(real_name="张晓明")
    log_in(page, live_server, user)

    page.goto(index.url)
    expect(page.locator(".course-card")).to_have_count(2)
    screenshot("01-catalogue")
    page.click('a.facet[data-competency="FG"]')
    page.wait_for_url(re.compile(r"competency=FG"))
    expect(page.locator(".course-card")).to_have_count(1)
    expect(page.get_by_text("矛盾调处实务与案例分析")).to_have_count(0)
    screenshot("02-catalogue-filtered")

    page.click("text=物业管理条例解读")
    page.click("button:has-text('报名本课程')")
    expect(page.locator(".message--success")).to_be_visible()
    screenshot("03-course-enrolled")

    page.click("text=开始第一课")
    page.click("button:has-text('标记为已学完')")
    page.wait_for_url(re.compile(r"lesson-2/$"))
    screenshot("04-lesson")
    page.click("button:has-text('标记为已学完')")
    page.wait_for_url(re.compile(r"/fg-01/$"))

    page.click("text=参加结课测验")
    for question_id, option_ids in presented(user, course, wrong_answers(course)).items():
        for option_id in option_ids:
            page.check(f'input[name="q-{question_id}"][value="{option_id}"]')
    screenshot("05-quiz")
    page.click("button:has-text('提交答卷')")
    assert page.locator(".score__value").inner_text() == "0%"
    expect(page.locator(".result-list__item--wrong")).to_have_count(3)
    screenshot("06-quiz-failed")

    page.click("text=再试一次")
    for question_id, option_ids in presented(user, course, right_answers(course)).items():
        for option_id in option_ids:
            page.check(f'input[name="q-{question_id}"][value="{option_id}"]')
    page.click("button:has-text('提交答卷')")
    assert page.locator(".score__value").inner_text() == "100%"
    expect(page.get_by_text("课程已完成。")).to_be_visible()

    page.click("summary")
    page.click("nav >> text=我的学习")
    completed = page.locator("section[aria-labelledby=completed]")
    expect(completed.get_by_text("物业管理条例解读")).to_be_visible()
    expect(page.locator("section[aria-labelledby=in-progress]").get_by_text("物业管理条例解读")).to_have_count(0)
    screenshot("07-my-learning")
