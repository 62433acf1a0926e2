"""Ids that name nothing never answer 500 (issue 15).

A 23-digit id reached SQLite, whose driver cannot hold it (OverflowError: a 500) from a URL path
(/admin/courses/feedback/course/<23 digits>.xlsx), an admin list filter (?programme=<23 digits>) and a form field
(the profile's street). Here every URL the resolver knows that takes an id, in the site, the learner API and the
admin, and every admin list filter, is asked with ids that cannot exist, each as the person who may use it: the
answer is a refusal (404, 422, a redirect, or the page with a translated error), never a server error.
"""

import re

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from tests.credits.factories import make_two_streets_world
from tests.security.test_url_matrix import site_patterns
from tests.test_admin_matrix import admin_patterns

pytestmark = pytest.mark.django_db

BAD_IDS = ["9" * 23, str(2**63), "-1", "0", "abc", "1.5"]
PLACEHOLDER = 7654321  # an id no test object has; replaced by each bad id in the URL
ID_NAME = re.compile(r"^(pk|id|object_id|\w+_id)$")
OTHER_ARGUMENTS = {"app_label": "wagtailcore", "model_name": "page", "app_name": "page", "code": "X" * 16}


def _argument_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def id_urls() -> list[tuple[str, str]]:
    """(name, URL with PLACEHOLDER for each id) for every named URL pattern taking an id, site and admin."""
    urls = []
    for route, name, _pattern in [*site_patterns(), *admin_patterns()]:
        names = _argument_names(route)
        if not name or not any(ID_NAME.match(argument) for argument in names):
            continue
        kwargs = {a: PLACEHOLDER if ID_NAME.match(a) else OTHER_ARGUMENTS.get(a, "x") for a in names}
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            url = None  # an id of another shape (a UUID): nothing for a number to overflow
        if url is not None and str(PLACEHOLDER) in url:
            urls.append((name, url))
    return urls


@pytest.fixture
def world(staff_groups, settings):
    settings.RATELIMIT_ENABLE = False
    return make_two_streets_world()


def _ask(client, method: str, url: str, data=None):
    with transaction.atomic():
        response = getattr(client, method)(url, data or {})
        transaction.set_rollback(True)
    return response


def _asker(name: str, world):
    """Outside the admin, the trainee who owns the objects (the registrar may also download certificates)."""
    return world["trainee_b"]


def test_every_id_taking_url_is_enumerated():
    names = {name for name, _url in id_urls()}
    # one of each kind: a site view, a learner API operation, an admin viewset's own route and a custom admin view
    assert {
        "courses_session",
        "api-v1:enrol",
        "credits_certificates:inspect",
        "courses_feedback_export_course",
    } <= names
    assert len(names) > 100


@pytest.mark.parametrize("bad", BAD_IDS)
def test_no_url_answers_a_server_error_for_an_id_that_cannot_exist(client, world, bad):
    client.raise_request_exception = False
    failures = []
    for name, url in id_urls():
        client.force_login(world["registrar"] if url.startswith("/admin/") else _asker(name, world))
        target = url.replace(str(PLACEHOLDER), bad)
        for method in ("get", "post"):
            response = _ask(client, method, target)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {target}: {response.status_code}")
    assert not failures, "\n".join(failures)


def _list_filters(url: str) -> list[str]:
    from django.urls import resolve

    view = resolve(url).func
    if not hasattr(view, "view_class"):
        return []
    filterset = view.view_class(**view.view_initkwargs).filterset_class  # Wagtail builds it from list_filter
    return list(filterset.base_filters) if filterset else []


@pytest.mark.parametrize("bad", BAD_IDS)
def test_no_admin_list_filter_answers_a_server_error_for_an_id_that_cannot_exist(client, world, bad):
    client.raise_request_exception = False
    client.force_login(world["registrar"])
    failures, filters = [], 0
    for _route, name, _pattern in admin_patterns():
        if not name.endswith(":index") and not name.endswith(":list"):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        for field in _list_filters(url):
            filters += 1
            response = _ask(client, "get", url, {field: bad})
            if response.status_code >= 500:
                failures.append(f"GET {url}?{field}={bad}: {response.status_code}")
    assert filters > 20
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_profile_form_refuses_a_street_or_community_that_cannot_exist_with_a_translated_error(client, world, bad):
    trainee = world["trainee_b"]
    client.force_login(trainee)
    before = (trainee.street_id, trainee.community_id)
    response = client.post(
        reverse("academy_profile"), {"real_name": trainee.real_name, "street": bad, "community": bad}
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()  # Django's own "Select a valid choice", in Chinese
    trainee.refresh_from_db()
    assert (trainee.street_id, trainee.community_id) == before


def test_an_id_beyond_any_column_names_nothing_through_every_kind_of_lookup(world):
    """The net under every request: relation lookups (a Wagtail page's page_ptr, a foreign key) and ``in``."""
    from academy.models import Street, User
    from credits.models import Certificate, ProgrammePage

    huge = 10**22
    assert not ProgrammePage.objects.filter(pk=huge).exists()
    assert not Certificate.objects.filter(programme=huge).exists()
    assert not User.objects.filter(street__in=[huge]).exists()
    assert list(Street.objects.filter(pk__in=[huge, world["street_b"].pk])) == [world["street_b"]]
    assert Certificate.objects.exclude(programme=huge).count() == Certificate.objects.count()
