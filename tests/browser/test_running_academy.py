"""A registrar on a phone: the admin home's figures and charts, a roster import with a bad row then a good one,
and the qualification report."""

import io
import re

import pytest
from django.test import Client
from openpyxl import Workbook
from playwright.sync_api import expect

from academy.models import User
from tests.credits.factories import make_two_streets_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def roster_file(tmp_path, rows):
    workbook = Workbook()
    workbook.active.append(["手机号", "姓名", "三方", "街道", "社区", "工作单位"])
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "roster.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_registrar_reads_the_dashboard_imports_a_roster_and_opens_a_report(page, live_server, screenshot, tmp_path):
    from academy.demo import seed_groups

    seed_groups()
    world = make_two_streets_world()
    log_in(page, live_server, world["registrar"])

    page.goto("/admin/")
    assert page.locator('[data-figure="trainees"]').inner_text() == "2"
    assert page.locator('svg[data-chart="qualification"] rect').count() >= 2
    screenshot("running-admin-home")

    page.goto("/admin/academy/roster/")
    page.set_input_files(
        'input[type="file"]', str(roster_file(tmp_path, [["12345", "坏号码", "居委会", "湖墅街道", "", ""]]))
    )
    page.click("text=检查文件")
    page.wait_for_url(re.compile(r"/preview/"))
    assert "不是有效的大陆手机号" in page.locator("#roster-problems").inner_text()
    screenshot("running-roster-problems")

    page.goto("/admin/academy/roster/")
    good = [["13800000051", "孙八", "居委会", "湖墅街道", "", "信义坊社区居委会"]]
    page.set_input_files('input[type="file"]', str(roster_file(tmp_path, good)))
    page.click("text=检查文件")
    page.wait_for_url(re.compile(r"/preview/"))
    screenshot("running-roster-preview")
    page.click("text=导入这些学员")
    page.wait_for_url(re.compile(r"/admin/academy/roster/$"))
    assert User.objects.filter(phone="+8613800000051", real_name="孙八").exists()

    page.goto("/admin/academy/reports/qualification_by_street/")
    assert "米市巷街道" in page.content()
    screenshot("running-qualification-report")

    page.goto("/admin/academy/reports/attendance_by_session/")
    expect(page.get_by_text("矛盾调处情景模拟（第2期）").first).to_be_visible()
    expect(page.get_by_role("cell", name="100%")).to_have_count(1)  # street B's trainee registered and came
    screenshot("running-attendance-report")
