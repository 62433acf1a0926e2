"""schemathesis against the learner and integration API (/api/v1/, its OpenAPI schema at /api/v1/openapi.json),
through the Django WSGI app in the test database: generated requests, valid and invalid, anonymous, as a logged-in
trainee (session cookie) and as an integration client (bearer token). No response is a server error, and every
response matches what the schema documents."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from courses.api import api as learner_api
from credits import services as credit_services
from tests.courses.factories import make_course
from tests.credits.factories import make_programme
from tests.factories import UserFactory, make_registrar

CHECKS = [not_a_server_error, response_schema_conformance]


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
    _client, token = credit_services.api_client_create(actor=make_registrar(), name="街道基层治理平台", requests_per_minute=6000)
    return {"course": course, "session": client.cookies["sessionid"].value, "token": token}


# The schema /api/v1/openapi.json serves, built without a request (so without touching the database at import);
# requests then go through the whole Django WSGI app, middleware included.
schema = schemathesis.openapi.from_dict(learner_api.get_openapi_schema())
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_answers_as_documented(case, api_world):
    headers = {"Authorization": f"Bearer {api_world['token']}"} if "eligibility" in case.path else {}
    response = case.call(headers=headers, cookies={"sessionid": api_world["session"]})
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_anonymous_requests_never_fail_and_answer_as_documented(case, api_world):
    case.validate_response(case.call(), checks=CHECKS)
