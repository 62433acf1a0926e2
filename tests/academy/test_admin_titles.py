"""The admin's header names the page: a custom view (a roster, a notice form) shows its own title in the slim header
after the listing it belongs to, never only 首页 (Home)."""

import inspect
import re
from html import unescape

import pytest
from django.urls import reverse
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from tests.courses.factories import make_session
from tests.factories import make_registrar, with_admin_access

OUR_APPS = ("academy", "notifications", "courses", "assessments", "credits", "home")


def breadcrumb_labels(html: str) -> list[str]:
    """The labels of the slim header's breadcrumbs, as a person reads them."""
    header = re.search(r'<header class="w-slim-header.*?</header>', html, re.S)
    assert header, "no slim header"
    items = re.findall(r"<li[^>]*>(.*?)</li>", header.group(0), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_custom_admin_view_of_ours_keeps_the_breadcrumbs_that_read_only_home():
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (loads every viewset and hook, and so every admin view class)
    base = inspect.getattr_static(WagtailAdminTemplateMixin, "get_breadcrumbs_items")
    only_home = sorted(
        f"{view.__module__}.{view.__qualname__}"
        for view in set(_subclasses(WagtailAdminTemplateMixin))
        if view.__module__.split(".")[0] in OUR_APPS and inspect.getattr_static(view, "get_breadcrumbs_items") is base
    )
    assert only_home == []  # each would read 首页 in its header: base it on academy.admin_titles.TitledAdminViewMixin


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "subtitle"), [("roster", "名单与出勤"), ("notice", "向本班次学员发送通知")])
def test_session_roster_and_notice_pages_name_the_session_in_the_header(client, url_name, subtitle):
    session = make_session()
    client.force_login(with_admin_access(make_registrar()))
    html = client.get(reverse(f"courses_sessions:{url_name}", args=[session.pk])).content.decode()
    labels = breadcrumb_labels(html)
    assert labels[0] == "首页" and len(labels) == 3, labels
    assert labels[1] == "培训班次"
    assert labels[-1] == f"{session.title}：{subtitle}"
