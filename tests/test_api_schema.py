"""schemathesis against the learner and integration API (/api/v1/, its OpenAPI schema at /api/v1/openapi.json),
through the Django WSGI app in the test database: generated requests, valid and invalid, anonymous, as a signed-in
trainee (allauth's X-Session-Token, which needs no CSRF token) and as an integration client (bearer token), with
every check schemathesis has: no server error, and every status, header, content type and body is one the schema
documents (401, 403, 404, 422 and 429 included), invalid input refused and valid input accepted.

Budget: 25 examples per operation (EXAMPLES), about 30 s on two cores besides the test database. A longer run by
hand (300 per operation, 11 operations, about 3 minutes: 0 failures when this was written):
    API_SCHEMA_EXAMPLES=300 .venv/bin/python -m pytest -q -p no:xdist tests/test_api_schema.py
"""

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from courses.api import api as learner_api
from credits import services as credit_services
from tests.courses.factories import make_course
from tests.credits.factories import make_programme
from tests.factories import UserFactory, make_registrar

EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "25"))


@pytest.fixture(autouse=True)
def _keep_the_test_database_open():
    """Django's test client stops each request from closing the database connection; a plain WSGI call (as
    schemathesis makes) does not, which would close the test transaction's connection after the first request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(db, client):
    """A course with a quiz, a programme, a trainee enrolled and logged in, and an integration client's token."""
    cache.clear()
    course = make_course(code="FG-01")
    make_programme()
    trainee = UserFactory()
    client.force_login(trainee)
    _client, token = credit_services.api_client_create(
        actor=make_registrar(), name="街道基层治理平台", requests_per_minute=6000
    )
    return {"course": course, "session": client.cookies["sessionid"].value, "token": token}


def _credentials(case, world) -> dict[str, str]:
    """The trainee's app session everywhere; the integration client's token where only it is accepted."""
    if "eligibility" in case.path:
        return {"Authorization": f"Bearer {world['token']}"}
    return {"X-Session-Token": world["session"]}


# The schema /api/v1/openapi.json serves, built without a request (so without touching the database at import);
# requests then go through the whole Django WSGI app, middleware included.
schema = schemathesis.openapi.from_dict(learner_api.get_openapi_schema())
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_passes_every_schemathesis_check_as_a_trainee(case, api_world):
    case.call_and_validate(headers=_credentials(case, api_world))


@schema.parametrize()
@settings(max_examples=max(EXAMPLES // 4, 3), deadline=None, suppress_health_check=list(HealthCheck))
def test_api_passes_every_schemathesis_check_anonymously(case, api_world):
    case.call_and_validate()


def test_browser_write_without_csrf_token_is_a_documented_403(client, api_world):
    """The session cookie alone does not make a write (CSRF); the refusal is one the schema documents."""
    url = f"/api/v1/courses/{api_world['course'].pk}/enrolment"
    browser = type(client)(enforce_csrf_checks=True)
    browser.cookies["sessionid"] = api_world["session"]
    response = browser.post(url)
    assert response.status_code == 403
    operation = learner_api.get_openapi_schema()["paths"]["/api/v1/courses/{course_id}/enrolment"]
    assert 403 in operation["post"]["responses"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("delete", "/api/v1/courses/false/enrolment", 422),  # not an id: refused by the schema
        ("post", "/api/v1/courses/99999999999999999999999/enrolment", 422),  # beyond any id column
        ("delete", "/api/v1/courses/1/enrolments", 404),  # no such operation
        ("post", "/api/v1/lessons/1/done/", 404),  # a trailing slash the operation does not have
        ("put", "/api/v1/no-such-thing", 404),
        ("get", "/api/v1/courses", 404),
    ],
)
def test_api_addresses_answer_json_under_debug_never_a_redirect_or_500(client, settings, db, method, path, status):
    """Under DEBUG, Django's APPEND_SLASH raised RuntimeError (a 500) for a write to an API address without its
    trailing slash; every /api/ address now answers JSON itself."""
    settings.DEBUG = True
    client.raise_request_exception = False
    client.force_login(UserFactory())
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
