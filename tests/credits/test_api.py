"""The integration API: per-client hashed tokens, revocation, rate limits, 404/401 JSON errors, OpenAPI."""

import hashlib

import pytest
from django.core.cache import cache

from credits import services
from credits.models import ApiClient
from tests.courses.factories import CompetencyFactory
from tests.factories import UserFactory, make_registrar

from .factories import make_certificate, make_post, make_programme

pytestmark = pytest.mark.django_db
URL = "/api/v1/eligibility/"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def world():
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    post = make_post(programme)
    trainee = UserFactory(phone="+8613911112222")
    client, token = services.api_client_create(actor=make_registrar(), name="街道基层治理平台", requests_per_minute=5)
    return {"programme": programme, "post": post, "trainee": trainee, "client": client, "token": token}


def ask(http, token, phone="139 1111 2222", post="community-specialist"):
    return http.get(URL, {"phone": phone, "post": post}, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_token_is_stored_only_as_its_hash(world):
    stored = ApiClient.objects.get()
    assert stored.token_hash == hashlib.sha256(world["token"].encode()).hexdigest()
    assert world["token"] not in {stored.token_hash, stored.token_prefix, stored.name}


def test_eligible_person_gets_certificate_number_and_expiry(client, world):
    certificate = make_certificate(world["trainee"], world["programme"])
    response = ask(client, world["token"])
    assert response.status_code == 200
    assert response.json() == {
        "eligible": True,
        "certificate_number": certificate.number,
        "valid_until": certificate.valid_until.isoformat(),
        "shortfalls": [],
    }
    assert ApiClient.objects.get().last_used_at is not None


def test_ineligible_person_gets_the_shortfalls(client, world):
    response = ask(client, world["token"])
    body = response.json()
    assert response.status_code == 200 and body["eligible"] is False and body["certificate_number"] is None
    assert body["shortfalls"] == [
        "《小区专员岗前培训》：法规运用还差 1.5 学分",
        "《小区专员岗前培训》：总学分还差 2 学分",
    ]


@pytest.mark.parametrize(
    ("params", "code"),
    [({"phone": "13900009999"}, "unknown_phone"), ({"post": "no-such-post"}, "unknown_post")],
)
def test_unknown_phone_or_post_is_a_json_404(client, world, params, code):
    response = ask(client, world["token"], **params)
    assert response.status_code == 404
    assert response.json()["code"] == code and response.json()["detail"]


def test_malformed_phone_is_a_documented_json_422_naming_the_phone(client, world):
    """The schema declares what a phone number looks like (so clients and schemathesis know), and the API holds
    to it: anything else is refused before any lookup."""
    response = ask(client, world["token"], phone="12345")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "phone"]


@pytest.mark.parametrize("header", ["", "Bearer wrong-token", "Token abc"])
def test_bad_or_missing_token_is_401(client, world, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(URL, {"phone": "13911112222", "post": "community-specialist"}, **extra)
    assert response.status_code == 401
    assert "eligible" not in response.json()


def test_revoked_token_is_401(client, world):
    services.api_client_revoke(actor=make_registrar(), client=world["client"])
    assert ask(client, world["token"]).status_code == 401


def test_only_registrars_create_or_revoke_clients(world):
    with pytest.raises(services.CreditActionError):
        services.api_client_create(actor=UserFactory(), name="别人家的系统")
    with pytest.raises(services.CreditActionError):
        services.api_client_revoke(actor=UserFactory(), client=world["client"])
    assert ApiClient.objects.get().is_active


def test_each_client_is_rate_limited_per_minute(client, world):
    statuses = [ask(client, world["token"]).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    _other, other_token = services.api_client_create(actor=make_registrar(), name="另一平台")
    assert ask(client, other_token).status_code == 200


def test_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/eligibility/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"phone", "post"}
    assert set(operation["responses"]) >= {"200", "404"}
    assert any("ApiClientToken" in requirement for requirement in operation["security"])


def test_admin_creates_a_client_and_sees_its_token_once(client, staff_groups):
    client.force_login(make_registrar())
    response = client.post("/admin/credits/api-clients/new/", {"name": "街道基层治理平台", "requests_per_minute": 60})
    assert response.status_code == 200
    created = ApiClient.objects.get(name="街道基层治理平台")
    assert created.token_prefix in response.content.decode()


def test_admin_client_refused_by_the_service_shows_the_form_again_and_saves_nothing(client, staff_groups, monkeypatch):
    def refuse(**kwargs):
        raise services.CreditActionError("只有教务员可以管理接口客户端。", code="not_allowed")

    monkeypatch.setattr(services, "api_client_create", refuse)
    client.force_login(make_registrar())
    response = client.post("/admin/credits/api-clients/new/", {"name": "街道基层治理平台", "requests_per_minute": 60})
    assert response.status_code == 200
    assert "只有教务员可以管理接口客户端。" in response.content.decode()
    assert 'name="name"' in response.content.decode()
    assert not ApiClient.objects.exists()
