"""Chinese that says the right thing: one English word with two meanings gets a message context, so our
catalogues do not overwrite each other's (or Wagtail's, allauth's, Django's) translation of it."""

import gettext
import json
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from courses.models import TrainingSession
from tests.factories import UserFactory

from .courses.factories import make_session

OURS = ("academy", "notifications", "assessments", "courses", "credits", "home")

# Plain msgids that our catalogues translate differently from another installed catalogue, reviewed: both
# translations mean the same thing here, so whichever wins reads right. A new msgid that collides with a
# different meaning (as "Pages" 分页 did with Wagtail's 页面) needs a context instead of a place on this list.
REVIEWED_SAME_MEANING = {
    "Account", "Action", "Admin", "All", "Attendance", "Breadcrumb", "Browse the catalogue", "Change Phone",
    "Change to", "Courses", "Current phone", "Done", "Email address", "Filter", "Image", "Log out", "Name", "New",
    "Next", "Not started", "Organisation", "Page %(number)s of %(total)s", "Previous", "Promote",
    "Re-send Verification", "Reports", "Search", "Sessions", "Text", "The residential compound (“小区”).",
    "This community is not in the chosen street.", "Your phone number is still pending verification.",
    "Your progress", "active", "content", "created at", "description", "email address", "finished at",
    "introduction", "name", "requested by", "session", "sessions", "slug", "started at",
}  # fmt: skip


def json_escaped(text: str) -> str:
    return json.dumps(text)[1:-1]


def _catalogues():
    """(app label, msgid -> msgstr) for every installed app's zh_Hans catalogue, and Django's own."""
    paths = [(c.label, Path(c.path)) for c in apps.get_app_configs()]
    paths.append(("django", Path(django.__file__).parent / "conf"))
    for label, path in paths:
        mo = path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        if mo.exists():
            with mo.open("rb") as handle:
                yield label, gettext.GNUTranslations(handle)._catalog


def _own_plain_msgids() -> set[str]:
    """Msgids our code uses without a context: the entries makemessages wrote, with a source reference. Entries
    without one override allauth's, Wagtail's or Django's wording on purpose and are not collisions."""
    own = set()
    for app in OURS:
        for entry in polib.pofile(
            Path(apps.get_app_config(app).path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        ):
            if entry.occurrences and not entry.msgctxt and not entry.obsolete:
                own.add(entry.msgid)
    return own


def test_no_plain_msgid_of_ours_means_something_else_in_another_catalogue():
    seen: dict[str, dict[str, str]] = {}
    for label, catalogue in _catalogues():
        for msgid, msgstr in catalogue.items():
            if isinstance(msgid, str) and msgid:
                seen.setdefault(msgid, {})[label] = str(msgstr)
    clashes = {
        msgid: seen[msgid]
        for msgid in _own_plain_msgids() - REVIEWED_SAME_MEANING
        if len(set(seen.get(msgid, {}).values())) > 1
    }
    assert clashes == {}


@pytest.mark.parametrize(
    ("context", "msgid", "chinese"),
    [
        ("place registry", "Places", "地区管理"),
        ("seats", "Places", "名额"),
        ("pagination", "Pages", "分页"),
        ("my learning", "In progress", "学习中"),
        ("post standing", "In progress", "学习中"),
        ("admin menu", "Course completions", "课程完成记录"),
        ("key figure", "Course completions", "课程完成人次"),
        ("account", "Sign up", "注册"),
        ("event", "Sign up", "报名"),
    ],
)
def test_each_meaning_has_its_own_chinese(context, msgid, chinese):
    with translation.override("zh-hans"):
        assert pgettext(context, msgid) == chinese


@pytest.mark.django_db
def test_the_seats_heading_on_a_session_page_says_places_left_not_the_place_registry(client):
    session: TrainingSession = make_session()
    page = client.get(reverse("courses_session", args=[session.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert "<dt>名额</dt>" in html
    assert "地区管理" not in html


@pytest.mark.django_db
def test_the_admin_menu_says_pages_and_places_and_not_pagination(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    menu = json_escaped  # the sidebar's labels are JSON in the page
    assert menu("页面") in html and menu("地区管理") in html
    assert menu("分页") not in html


@pytest.mark.parametrize(
    ("msgid", "chinese"),
    [
        ("Saved", "已保存"),
        ("The page could not be saved due to validation errors.", "有内容未通过校验，页面未能保存。"),
        ("There are validation errors, click save to highlight them.", "有内容未通过校验，点击“保存”即可标出。"),
    ],
)
def test_wagtails_editor_strings_read_in_chinese(msgid, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == chinese


def test_approve_and_publish_reads_as_one_phrase():
    with translation.override("zh-hans"):
        assert translation.gettext("%(label)s and Publish") % {"label": "批准"} == "批准并发布"


@pytest.mark.django_db
def test_wagtails_javascript_catalogue_has_the_block_pickers_words(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    script = client.get(reverse("wagtailadmin_javascript_catalog"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for chinese in ("插入内容块", "正在自动保存…", "修改已自动保存。"):
        assert chinese in script or json_escaped(chinese) in script
