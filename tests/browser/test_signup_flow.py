"""A new trainee signs up by phone on a phone-sized screen, verifies by SMS code, logs out and in, edits profile."""

import pytest
from playwright.sync_api import expect

from academy.models import User
from academy.sms import ConsoleSMSSender
from tests.browser.helpers import last_code_sent_to, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainee_signs_up_verifies_logs_out_logs_in_and_edits_profile(page, screenshot):
    ConsoleSMSSender.outbox.clear()
    page.goto("/accounts/signup/")
    page.get_by_label("手机号", exact=True).fill("139 8765 4321")
    page.get_by_label("真实姓名").fill("钱晓燕")
    page.get_by_label("所属方").select_option("oc")
    page.get_by_label("密码", exact=True).fill("Qian-Xiaoyan-2026")
    page.get_by_label("密码（重复）").fill("Qian-Xiaoyan-2026")
    screenshot("signup-filled")
    page.get_by_role("button", name="注册").click()

    page.wait_for_url("**/accounts/phone/verify/")
    page.locator("input[name=code]").fill(last_code_sent_to("+8613987654321"))
    screenshot("signup-verify-code")
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    screenshot("signup-after-verify")
    page.wait_for_url(lambda url: "/phone/verify/" not in url)
    user = User.objects.get(phone="+8613987654321")
    assert user.phone_verified and user.real_name == "钱晓燕" and user.party == "oc"

    open_menu(page)
    page.get_by_role("button", name="退出登录").click()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("13987654321")
    page.locator("input[name=password]").fill("Qian-Xiaoyan-2026")
    page.locator("form.form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto("/accounts/profile/")
    assert page.get_by_label("真实姓名").input_value() == "钱晓燕"
    page.get_by_label("工作单位").fill("德胜新村业主委员会")
    page.get_by_label("职务").fill("业委会委员")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("资料已保存。")).to_be_visible()
    screenshot("profile-saved")
    user.refresh_from_db()
    assert (user.organisation, user.job_title) == ("德胜新村业主委员会", "业委会委员")
