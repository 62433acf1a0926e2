"""Public certificate verification API on the learner API (/api/v1/), no login, rate limited per IP:

- ``GET /api/v1/certificates/{code}``: what the verification page shows, as JSON;
- ``GET /api/v1/certificates/{code}/credential.json``: the certificate as an Open Badges 3.0 OpenBadgeCredential
  (unsigned: its authority is this URL on the academy's domain; status reflects revocation at once).
"""

import hashlib
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from . import certificate_pdf
from . import certificate_selectors as cert_selectors
from .certificate_views import verification_facts
from .choices import VerificationState
from .ratelimit import verification_rate_limited

router = Router(tags=["certificates"])

OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


class CertificateOut(Schema):
    state: str = Field(description="valid, expired or revoked.")
    state_label: str
    number: str
    programme: str
    holder: str = Field(description="The holder's name, masked (张*明).")
    issued_on: date
    valid_until: date
    revoked_on: date | None
    revoked_reason: str
    verification_code: str
    verification_url: str


class CertificateErrorOut(Schema):
    detail: str
    code: str


def _refusal(request, code: str):
    if verification_rate_limited(request):
        return Status(429, {"detail": _("Too many verification requests; try again in a minute."), "code": "rate_limited"})
    certificate = cert_selectors.certificate_by_code(code)
    if certificate is None:
        return Status(
            404,
            {
                "detail": _("No certificate has this verification code. Check the code printed under the QR code."),
                "code": "unknown_code",
            },
        )
    return certificate


@router.get(
    "/{code}",
    auth=None,
    response={200: CertificateOut, 404: CertificateErrorOut, 429: CertificateErrorOut},
    summary="Verify a certificate",
    description="Public: the certificate's status (valid, expired or revoked), programme, number, dates and the "
    "holder's masked name. Rate limited per IP.",
)
def certificate_verify(request, code: str):
    outcome = _refusal(request, code)
    if isinstance(outcome, Status):
        return outcome
    facts = verification_facts(outcome)
    return {
        **{key: facts[key] for key in ("state", "number", "programme", "holder", "issued_on", "valid_until",
                                       "revoked_on", "revoked_reason", "verification_code")},
        "state_label": str(facts["state_label"]),
        "verification_url": certificate_pdf.verification_url(outcome.verification_code),
    }


def _datetime(day: date, *, end: bool = False) -> str:
    moment = timezone.make_aware(datetime.combine(day, time(23, 59, 59) if end else time(0, 0)))
    return moment.isoformat()


def open_badge(certificate) -> dict:
    """The certificate as an Open Badges 3.0 OpenBadgeCredential. The holder is identified only by a salted hash
    of their name (IdentityObject), so the public JSON reveals no more than the verification page."""
    url = certificate_pdf.verification_url(certificate.verification_code)
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    state = cert_selectors.verification_state(certificate)
    academy = cert_selectors.certificate_settings().academy_name
    programme = certificate.programme
    salt = certificate.verification_code
    identity = hashlib.sha256((certificate.holder_name + salt).encode()).hexdigest()
    status = {
        "id": f"{base}/api/v1/certificates/{certificate.verification_code_display}",
        "type": "1EdTechRevocationList",
        "status": state,
        "revoked": state == VerificationState.REVOKED,
    }
    if state == VerificationState.REVOKED:
        status["revokedAt"] = certificate.revoked_at.isoformat()
        status["reason"] = certificate.revoked_reason
    return {
        "@context": OB3_CONTEXT,
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.programme_title or programme.title,
        "issuer": {"id": base + "/", "type": ["Profile"], "name": academy, "url": base + "/"},
        "validFrom": _datetime(certificate.issued_on),
        "validUntil": _datetime(certificate.valid_until, end=True),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": f"sha256${identity}",
                    "identityType": "name",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": programme.get_full_url() or f"{base}/#programme-{programme.pk}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": certificate.programme_title or programme.title,
                "description": _("Completion of the programme %(programme)s at %(academy)s.")
                % {"programme": certificate.programme_title or programme.title, "academy": academy},
                "criteria": {"narrative": _("Earn %(credits)s credits as the programme's requirements set out.")
                             % {"credits": programme.total_credits}},
                "creditsAvailable": float(Decimal(programme.total_credits)),
            },
        },
        "credentialStatus": status,
        "evidence": [{"type": ["Evidence"], "id": url, "name": certificate.number}],
    }


@router.get(
    "/{code}/credential.json",
    auth=None,
    response={200: dict, 404: CertificateErrorOut, 429: CertificateErrorOut},
    summary="The certificate as an Open Badges 3.0 credential",
    description="An OpenBadgeCredential (unsigned) whose credentialStatus reflects revocation and expiry.",
)
def certificate_credential(request, code: str):
    outcome = _refusal(request, code)
    if isinstance(outcome, Status):
        return outcome
    return JsonResponse(open_badge(outcome), content_type="application/ld+json", json_dumps_params={"ensure_ascii": False})
