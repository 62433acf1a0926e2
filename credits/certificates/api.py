"""Public certificate verification API on the learner API (/api/v1/), no login, rate limited per IP:

- ``GET /api/v1/certificates/{code}``: what the verification page shows, as JSON;
- ``GET /api/v1/certificates/{code}/credential.json``: the certificate as an Open Badges 3.0 OpenBadgeCredential
  (unsigned: its authority is this URL on the academy's domain; status reflects revocation at once).
"""

from datetime import date, datetime, time
from decimal import Decimal

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from academy.absolute import page_absolute_url, site_base_url

from ..choices import VerificationState
from ..ratelimit import verification_rate_limited
from . import pdf as certificate_pdf
from . import rules as certificate_rules
from . import selectors as cert_selectors

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
        return Status(
            429, {"detail": _("Too many verification requests; try again in a minute."), "code": "rate_limited"}
        )
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
    facts = cert_selectors.verification_facts(outcome)
    return {
        **{
            key: facts[key]
            for key in (
                "state",
                "number",
                "programme",
                "holder",
                "issued_on",
                "valid_until",
                "revoked_on",
                "revoked_reason",
                "verification_code",
            )
        },
        "state_label": str(facts["state_label"]),
        "verification_url": certificate_pdf.verification_url(outcome.verification_code, request),
    }


def _datetime(day: date, *, end: bool = False) -> str:
    moment = timezone.make_aware(datetime.combine(day, time(23, 59, 59) if end else time(0, 0)))
    return moment.isoformat()


def holder_identity(certificate) -> dict:
    """Who the credential is about, as an OB3 IdentityObject: the masked name (张*明) in plain text, and nothing else.

    Why not the usual ``identityHash = sha256(name + salt)``: a Chinese name is two to four characters, and the
    masked name already gives all but one or two of them, so a hash of it can be reversed by trying the ~21,000
    common characters — with the salt published beside it (as OB3 asks, so that verifiers can recompute it; this
    credential once used the public verification code) that took 0.03–0.07 s. A hash with a secret salt or a server-side
    HMAC resists guessing but then no verifier can check it either, so it would carry nothing a verifier can use,
    while a leaked secret would make it as weak as before. The phone number is no better (11 digits, a known prefix).

    So the public credential says exactly what the public verification page says and no more. The holder's full name
    is printed on the PDF, which only the holder and staff can download; whoever the holder shows it to compares that
    name with the masked one here and with their identity card. ``identityType`` uses OB3's extension form (``ext:``)
    because the value is not the name itself, and ``hashed`` is false because there is no hash to recompute.
    """
    return {
        "type": "IdentityObject",
        "identityType": "ext:maskedName",
        "hashed": False,
        "identityHash": certificate_rules.mask_name(certificate.holder_name),
    }


def open_badge(certificate, request=None) -> dict:
    """The certificate as an Open Badges 3.0 OpenBadgeCredential. The holder is identified only by their masked name
    (see ``holder_identity``), so the public JSON reveals no more than the verification page."""
    url = certificate_pdf.verification_url(certificate.verification_code, request)
    base = site_base_url(request)
    state = cert_selectors.verification_state(certificate)
    academy = cert_selectors.certificate_settings().academy_name
    programme = certificate.programme
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
            "identifier": [holder_identity(certificate)],
            "achievement": {
                "id": page_absolute_url(programme, request) or f"{base}/#programme-{programme.pk}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": certificate.programme_title or programme.title,
                "description": _("Completion of the programme %(programme)s at %(academy)s.")
                % {"programme": certificate.programme_title or programme.title, "academy": academy},
                "criteria": {
                    "narrative": _("Earn %(credits)s credits as the programme's requirements set out.")
                    % {"credits": programme.total_credits}
                },
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
    return JsonResponse(
        open_badge(outcome, request), content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )
