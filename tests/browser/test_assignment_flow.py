"""A trainee hands in an assignment with a photo from a phone, a lecturer reviews it in the admin, and the trainee
reads the scores and feedback."""

import re

import pytest
from playwright.sync_api import expect

from tests.assignments.factories import enrolled_trainee, jpeg_bytes, make_assignment, make_lecturer_user
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainee_hands_in_a_photo_the_lecturer_reviews_it_and_the_trainee_reads_the_feedback(
    page, live_server, screenshot, tmp_path
):
    assignment = make_assignment()
    trainee = enrolled_trainee(assignment, real_name="赵丽娟")
    lecturer = make_lecturer_user(assignment.course, real_name="黄静")
    photo = tmp_path / "公示栏.jpg"
    photo.write_bytes(jpeg_bytes(size=(800, 600)))

    log_in(page.context, live_server, trainee)
    page.goto(assignment.course.url)
    section = page.get_by_test_id("assignment-section")
    expect(section).to_contain_text("组织一次业主大会的方案")
    expect(section.get_by_test_id("assignment-status")).to_have_text("尚未提交")
    section.get_by_label("你的答案").fill("会前15天报告街道和居委会，公示议题；书面与电子投票结合。")
    section.locator("#assignment-photo").set_input_files(str(photo))
    screenshot("assignment-01-course-page-form")
    section.get_by_role("button", name="提交作业").click()
    page.wait_for_url(re.compile(rf"/assignments/{assignment.pk}/$"))
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.get_by_test_id("assignment-status")).to_contain_text("已提交")
    expect(page.get_by_role("link", name="公示栏.jpg")).to_be_visible()
    screenshot("assignment-02-handed-in")

    page.context.clear_cookies()
    log_in(page.context, live_server, lecturer)
    page.goto("/admin/assignments/queue/")
    queue = page.get_by_test_id("review-queue")
    expect(queue).to_contain_text("赵丽娟")
    screenshot("assignment-03-queue")
    queue.get_by_role("link").first.click()
    expect(page.locator("img[alt='公示栏.jpg']")).to_be_visible()
    page.get_by_label("优秀（10）").check()
    page.get_by_label("有误（1）").check()
    page.get_by_label("给学员的评语").fill("筹备步骤清楚；表决门槛请再核对《民法典》第二百七十八条。")
    page.get_by_label("退回修改").check()
    screenshot("assignment-04-review")
    page.get_by_role("button", name="保存批阅并通知学员").click()
    page.wait_for_url(re.compile(r"/admin/assignments/queue/$"))
    expect(page.get_by_test_id("review-queue")).to_contain_text("没有待批阅的作业")

    page.context.clear_cookies()
    log_in(page.context, live_server, trainee)
    page.goto(f"/assignments/{assignment.pk}/")
    review = page.get_by_test_id("assignment-review")
    expect(review).to_contain_text("退回修改")
    expect(review).to_contain_text("第二百七十八条")
    expect(review.locator("tbody tr")).to_have_count(2)
    expect(review).to_contain_text("11 / 15")
    expect(page.get_by_role("button", name="重新提交")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the submission page is {width}px wide at 390"
    screenshot("assignment-05-feedback")
