"""A trainee on a phone plays the demo parking scenario (车位分配): picks a part, answers scene by scene (one POST per
choice, no script needed), leaves half-way and comes back to the same scene, reaches the good ending, sees the
review with feedback, and finds the lesson done on the course page."""

import re

import pytest
from playwright.sync_api import expect

from courses import services as course_services
from courses.models import Competency, LessonProgress
from scenarios.demo import seed_scenarios
from tests.browser.helpers import log_in
from tests.courses.factories import CompetencyFactory, make_catalogue, make_course
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_parking_scenario():
    for code, name in (("MD", "矛盾调处"), ("FG", "法规运用"), ("ZZ", "组织管理"), ("FW", "服务提升")):
        CompetencyFactory(code=code, name=name)
    course = make_course(
        make_catalogue(),
        code="MD-06",
        title="停车纠纷与车位分配协商",
        competency=Competency.objects.get(code="MD"),
        lessons=1,
        quiz=False,
    )
    return course, seed_scenarios()["scenario-parking"]


def test_a_trainee_plays_the_parking_scenario_to_the_good_ending_on_a_phone(page, live_server, screenshot):
    course, scenario = demo_parking_scenario()
    user = UserFactory(real_name="张晓明")
    course_services.enrolment_create(user=user, course=course)
    log_in(page.context, live_server, user)

    page.goto(course.url)
    expect(page.locator("[data-lesson-kind]")).to_have_text("情景演练")
    page.goto(scenario.url)
    screenshot("scenario-01-roles")
    page.click("button[data-role=rc]")
    expect(page.locator("[data-testid=scene]")).to_have_attribute("data-scene", "rc-start")
    screenshot("scenario-02-first-scene")
    page.click("button:has-text('约业委会和物业一起核实')")
    expect(page.locator("[data-testid=scene]")).to_have_attribute("data-scene", "facts")

    # Leave and come back: the same scene, the path kept.
    page.goto(course.url)
    page.goto(scenario.url)
    expect(page.locator("[data-testid=scene]")).to_have_attribute("data-scene", "facts")
    page.click("button:has-text('共同起草分配方案')")
    page.click("button:has-text('采纳意见')")
    expect(page.locator("[data-testid=scene]")).to_have_attribute("data-scene", "vote")
    screenshot("scenario-03-vote")
    page.click("button:has-text('书面表决与线上投票并行')")

    page.wait_for_url(re.compile(r"/plays/\d+/$"))
    review = page.locator("[data-testid=review]")
    expect(review).to_contain_text("结局：好")
    expect(review).to_contain_text("本课时已完成")
    expect(page.locator(".review__step")).to_have_count(4)
    expect(page.locator(".review__feedback").first).to_contain_text("先查清事实")
    screenshot("scenario-04-review")
    assert LessonProgress.objects.filter(user=user, lesson=scenario).exists()
    # Nothing sticks out sideways at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(course.url)
    expect(page.locator(".lesson-list__item--done")).to_have_count(1)
