"""The first day, as real people have it, at phone (390×844) and desktop (1280×800) size: a new trainee signs up with
a phone and the SMS code, fills in the profile, enrols, does the lessons and the quiz, reads 我的学分, registers for a
class and checks in with the projector's code; then the editor, the registrar and a street administrator log in at
the admin's own login page (username and password) and open their first screens.

Every page the walk opens must answer without a server error, log no console error (nor uncaught exception), and
show its navigation: the site's menu on public pages (behind ☰ on a phone), Wagtail's sidebar in the admin."""

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from academy.models import User
from academy.sms import ConsoleSMSSender
from courses.models import SessionAttendance
from credits.models import CreditEntry
from tests.browser.helpers import PHONE_WIDTH_BELOW, assert_navigation_visible, last_code_sent_to, open_menu
from tests.courses.factories import make_session, presented, right_answers
from tests.credits.factories import make_two_streets_world
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


class Walk:
    """One person's browser at one size, listening for what must never happen on any page: a response of 500 or
    more, a console error, an uncaught exception. ``look()`` checks all of that and the navigation after each page."""

    def __init__(self, browser, live_server, size: dict):
        self.context = browser.new_context(
            viewport=size, locale="zh-CN", base_url=live_server.url, is_mobile=size["width"] < PHONE_WIDTH_BELOW
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.pages: list[str] = []
        self.context.on("response", self._on_response)
        self.context.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught exception on {self.page.url}: {error}"))

    def _on_response(self, response):
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} from {response.request.method} {response.url}")
        request = response.request
        is_page = request.resource_type == "document" and request.frame == self.page.main_frame
        if is_page and not 300 <= response.status < 400:  # a page shown, not a redirect on the way to one
            self.pages.append(response.url)

    def _on_console(self, message):
        if message.type == "error":
            self.problems.append(f"console error on {message.page.url if message.page else '?'}: {message.text}")

    def goto(self, path: str):
        self.page.goto(path)
        return self

    def look(self, *, links: tuple[str, ...] = ("首页", "课程")):
        """A public page: no problem so far, and the site's navigation is there."""
        self.page.wait_for_load_state()
        assert not self.problems, "\n".join(self.problems)
        assert_navigation_visible(self.page, expected=links)

    def look_admin(self, *, items: tuple[str, ...]):
        """An admin page: no problem so far, and Wagtail's main menu shows its items (on a phone, once the sidebar's
        toggle opens it; it is closed again afterwards, as a person would before reading the page)."""
        page = self.page
        page.wait_for_load_state()
        assert not self.problems, "\n".join(self.problems)
        menu = page.get_by_role("navigation", name="主菜单")
        toggle = page.get_by_role("button", name="切换侧边栏")
        first = menu.get_by_role("link", name=items[0]).or_(menu.get_by_role("button", name=items[0])).first
        opened = False
        if not first.is_visible():
            expect(toggle, f"{page.url}: the sidebar's toggle").to_be_visible()
            toggle.click()
            opened = True
        for item in items:
            entry = menu.get_by_role("link", name=item).or_(menu.get_by_role("button", name=item)).first
            expect(entry, f"{page.url}: main menu item {item!r}").to_be_visible()
        if opened:
            toggle.click()

    def nav(self, name: str):
        """Follow a link of the site's menu, opening ☰ first on a phone."""
        open_menu(self.page)
        self.page.locator("header nav .nav-list").get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_load_state()
        return self

    def close(self):
        self.context.close()


@pytest.fixture
def academy_world(staff_groups):
    """The two-street world of the admin tests (staff of every role, a course with a quiz, a programme it meets,
    a certificate, an appointment, a past class) plus a class starting in ten minutes that is open to register."""
    from credits.demo import seed_permissions

    seed_permissions()
    world = make_two_streets_world()
    world["class"] = make_session(
        world["offline_course"], starts_in=timedelta(minutes=10), hours=3, title="矛盾调处情景模拟（第3期）"
    )
    return world


def admin_log_in(walk: Walk, user):
    """Staff log in at Wagtail's own login page with their username and password."""
    walk.goto("/admin/login/")
    walk.page.locator("#id_username").fill(user.username)
    walk.page.locator("#id_password").fill(PASSWORD)
    walk.page.locator("form button[type=submit]").first.click()
    walk.page.wait_for_url(re.compile(r"/admin/$"))


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_first_day_of_a_trainee_and_each_member_of_staff(browser, live_server, academy_world, size):
    started = time.monotonic()
    world = academy_world
    phone_digits = "13700000390" if size == "phone" else "13700001280"
    walk = Walk(browser, live_server, SIZES[size])
    page = walk.page

    # A new trainee: the home page, then 注册 from the menu, the SMS code from the console sender.
    ConsoleSMSSender.outbox.clear()
    walk.goto("/").look(links=("首页", "课程", "登录", "注册"))
    walk.nav("注册").look()
    page.get_by_label("手机号", exact=True).fill(phone_digits)
    page.get_by_label("真实姓名").fill("钱晓燕")
    page.get_by_label("所属方").select_option("rc")
    page.get_by_label("密码", exact=True).fill("Qian-Xiaoyan-2026")
    page.get_by_label("密码（重复）").fill("Qian-Xiaoyan-2026")
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/accounts/phone/verify/")
    walk.look()
    page.locator("input[name=code]").fill(last_code_sent_to(f"+86{phone_digits}"))
    page.get_by_role("button", name="确认").click()
    page.wait_for_url(lambda url: "/phone/verify/" not in url)
    walk.look(links=("首页", "我的学习", "我的学分"))

    # 我的资料: organisation, post and street (the street administrator of 湖墅街道 will find them).
    walk.nav("我的资料").look()
    page.get_by_label("工作单位").fill("信义坊社区居委会")
    page.get_by_label("职务").fill("小区专员")
    page.select_option("#id_street", label=world["street_a"].name)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("资料已保存。")).to_be_visible()
    walk.look()

    # Enrol, do both lessons, pass the quiz.
    course = world["course"]
    walk.nav("课程").look()
    page.locator(".course-card").get_by_role("link", name=course.title).first.click()
    walk.look()
    page.click("button:has-text('报名本课程')")
    expect(page.locator(".message--success")).to_be_visible()
    walk.look()
    page.click("text=开始第一课")
    for _lesson in range(2):
        walk.look()
        page.click("button:has-text('标记为已学完')")
        page.wait_for_load_state()
    page.wait_for_url(re.compile(r"/fg-01/$"))
    walk.look()
    page.click("text=参加结课测验")
    walk.look()
    trainee = User.objects.get(phone=f"+86{phone_digits}")
    for question_id, option_ids in presented(trainee, course, right_answers(course)).items():
        for option_id in option_ids:
            page.check(f'input[name="q-{question_id}"][value="{option_id}"]')
    page.click("button:has-text('提交答卷')")
    assert page.locator(".score__value").inner_text() == "100%"
    expect(page.get_by_text("课程已完成。")).to_be_visible()
    walk.look()

    # 我的学分 and 我的证书.
    walk.nav("我的学分").look()
    assert page.locator('[data-testid="total-credits"]').inner_text() == "1.0"
    walk.nav("我的证书").look()

    # A class: found on 我的培训, registered for, then checked in with the code the registrar's projector shows.
    session = world["class"]
    walk.nav("我的培训").look()
    page.get_by_role("link", name=session.title).first.click()
    walk.look()
    page.locator("main form button[type=submit]", has_text="报名").click()
    expect(page.locator(".message--success")).to_be_visible()
    walk.look()
    projector = Walk(browser, live_server, SIZES["desktop"])
    admin_log_in(projector, world["registrar"])
    projector.goto(f"/admin/courses/sessions/projector/{session.pk}/")
    code = projector.page.locator('[data-testid="projector-code"]').inner_text()
    assert not projector.problems, "\n".join(projector.problems)
    projector.close()
    page.click("text=输入六位签到码签到")
    walk.look()
    page.fill("#id_code", code)
    page.click("main form button[type=submit]")
    assert "签到成功" in page.locator('[data-testid="checked-in"]').inner_text()
    walk.look()
    trainee = SessionAttendance.objects.get(session=session).user
    assert trainee.phone == f"+86{phone_digits}" and trainee.organisation == "信义坊社区居委会"
    assert CreditEntry.objects.filter(trainee=trainee).count() == 2
    walk.nav("我的学分").look()
    assert page.locator('[data-testid="offline-hours"]').inner_text() == "3.0"

    open_menu(page)
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_load_state()
    walk.look(links=("首页", "课程", "登录", "注册"))
    pages = len(walk.pages)
    walk.close()

    # Staff, each in their own browser at the same size.
    editor = Walk(browser, live_server, SIZES[size])
    admin_log_in(editor, world["editor"])
    editor.look_admin(items=("图片", "文档"))
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page
    editor.goto("/admin/pages/").look_admin(items=("图片", "文档"))
    editor.goto(f"/admin/pages/{home.pk}/edit/").look_admin(items=("图片", "文档"))
    expect(editor.page.locator("form#page-edit-form")).to_be_visible()
    editor.goto("/").look(links=("首页", "课程", "管理后台"))
    pages += len(editor.pages)
    editor.close()

    registrar = Walk(browser, live_server, SIZES[size])
    admin_log_in(registrar, world["registrar"])
    registrar.look_admin(items=("三方学院", "线下培训"))
    for path in ("/admin/credits/certificates/", "/admin/credits/appointments/", "/admin/academy/reports/"):
        registrar.goto(path).look_admin(items=("三方学院", "线下培训"))
    registrar.goto("/admin/academy/reports/qualification_by_street/").look_admin(items=("三方学院", "线下培训"))
    expect(registrar.page.locator("main table").first).to_contain_text(world["street_b"].name)
    pages += len(registrar.pages)
    registrar.close()

    street = Walk(browser, live_server, SIZES[size])
    admin_log_in(street, world["street_admin_a"])
    street.look_admin(items=("三方学院",))
    street.goto("/admin/academy/reports/").look_admin(items=("三方学院",))
    street.goto("/admin/academy/reports/qualification_by_street/").look_admin(items=("三方学院",))
    street.goto("/admin/academy/trainees/").look_admin(items=("三方学院",))
    expect(street.page.locator("main table").first).to_contain_text("钱晓燕")  # the new trainee chose this street
    pages += len(street.pages)
    street.close()

    print(  # the figures the issue asked for, shown with pytest -s
        f"\nfirst-day walk at {SIZES[size]['width']}×{SIZES[size]['height']}: {pages} pages in {time.monotonic() - started:.1f} s"
    )
