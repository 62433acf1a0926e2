"""Integration API for other governance systems: may this person take up this post?

``GET /api/v1/eligibility/?phone=…&post=<slug>`` with ``Authorization: Bearer <token>``. Tokens are created and
revoked by registrars in the admin (credits → API clients); each client is rate limited per minute.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from academy.models import User
from academy.phone import MAINLAND_MOBILE_INPUT_PATTERN, normalise_phone
from academy.ratelimit import rate_limit_hit
from courses.api import INVALID, ErrorOut

from . import selectors, services
from .posts import selectors as post_selectors


class ApiClientToken(HttpBearer):
    """A registrar-issued client token; unknown or revoked tokens get 401."""

    openapi_description = "A token issued by a registrar under 三方学院 admin → Credits → API clients."

    def authenticate(self, request, token):
        client = selectors.api_client_for_token(token)
        if client is None:
            return None
        services.api_client_touch(client=client)
        return client


class EligibilityOut(Schema):
    eligible: bool = Field(description="Whether the person holds a valid certificate that qualifies for the post.")
    certificate_number: str | None = Field(description="The qualifying certificate's number, if any.")
    valid_until: date | None = Field(description="The last day the qualifying certificate is valid.")
    shortfalls: list[str] = Field(description="What the person still lacks, in the request's language.")


class ApiErrorOut(Schema):
    detail: str
    code: str


router = Router(tags=["integration"], auth=[ApiClientToken()])


def _rate_limited(client) -> bool:
    """Count this client's requests in the current minute; True when over its limit (open without Redis)."""
    return rate_limit_hit(scope="credits:api", key=str(client.pk), rate=f"{client.requests_per_minute}/m")


@router.get(
    "/eligibility/",
    response={200: EligibilityOut, 400: ApiErrorOut, 401: ErrorOut, 404: ApiErrorOut, 429: ApiErrorOut, **INVALID},
    summary="Post eligibility of one person",
    description="Whether the person with this mobile number may take up the post, on what certificate, "
    "or what they still lack.",
)
def eligibility(
    request,
    phone: str = Query(
        ...,
        pattern=MAINLAND_MOBILE_INPUT_PATTERN,
        description="A mainland mobile number as people write it: 11 digits from 1, +86 or spaces allowed; else 422.",
    ),
    post: str = Query(..., description="The post's slug."),
):
    client = request.auth
    if _rate_limited(client):
        return Status(429, {"detail": _("Too many requests; try again in a minute."), "code": "rate_limited"})
    try:
        normalised = normalise_phone(phone)
    except ValidationError:
        return Status(400, {"detail": _("Give a valid mainland mobile number."), "code": "invalid_phone"})
    person = User.objects.filter(phone=normalised, is_active=True).first()
    if person is None:
        return Status(404, {"detail": _("No trainee has this phone number."), "code": "unknown_phone"})
    the_post = post_selectors.post_by_slug(post)
    if the_post is None:
        return Status(404, {"detail": _("No post has this slug."), "code": "unknown_post"})
    standing = post_selectors.post_standing(trainee=person, post=the_post)
    return {
        "eligible": standing.qualified,
        "certificate_number": standing.certificate.number if standing.certificate else None,
        "valid_until": standing.certificate.valid_until if standing.certificate else None,
        "shortfalls": standing.shortfalls,
    }
