"""Certificate pages: public verification (no login), 我的证书 with downloads, and the transcript (学习档案).

Who may see what is decided here: verification shows only a masked name; a PDF goes to its holder and to staff
who may see the holder (registrars; the street administrator of the holder's street); everyone else gets 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from academy.files import private_file_response

from . import certificate_pdf, certificate_rules
from . import certificate_selectors as cert_selectors
from .choices import VerificationState
from .models import Certificate
from .ratelimit import verification_rate_limited


def verification_facts(certificate: Certificate) -> dict:
    """Everything the public may know about a certificate: nothing personal beyond the masked name."""
    state = cert_selectors.verification_state(certificate)
    return {
        "state": state,
        "state_label": VerificationState(state).label,
        "number": certificate.number,
        "programme": certificate.programme_title or certificate.programme.title,
        "holder": certificate_rules.mask_name(certificate.holder_name),
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "issued_on_text": certificate_rules.chinese_date(certificate.issued_on),
        "valid_until_text": certificate_rules.chinese_date(certificate.valid_until),
        "revoked_on": certificate.revoked_at.date() if certificate.revoked_at else None,
        "revoked_reason": certificate.revoked_reason if state == VerificationState.REVOKED else "",
        "verification_code": certificate.verification_code_display,
    }


@require_GET
@never_cache
def verify(request, code: str):
    """证书验证: what the QR code on a certificate opens. A malformed or unknown code is a helpful 404."""
    if verification_rate_limited(request):
        response = render(request, "credits/verify_limited.html", status=429)
        response["Retry-After"] = "60"
        return response
    certificate = cert_selectors.certificate_by_code(code)
    if certificate is None:
        return render(request, "credits/verify_not_found.html", {"code": code[:40]}, status=404)
    return render(request, "credits/verify.html", {"facts": verification_facts(certificate)})


@require_GET
@login_required
def my_certificates(request):
    """我的证书: the logged-in holder's own certificates, with downloads."""
    certificates = [
        (certificate, cert_selectors.verification_state(certificate))
        for certificate in cert_selectors.certificates_of(request.user)
    ]
    return render(request, "credits/my_certificates.html", {"certificates": certificates})


def download_filename(certificate: Certificate) -> str:
    """结业证书-小区专员岗前培训-张晓明-拱三方证〔2026〕第000001号.pdf (Django encodes it per RFC 6266/5987)."""
    name = f"{_('Certificate of Completion')}-{certificate.programme_title}-{certificate.holder_name}-{certificate.number}.pdf"
    return "".join(ch for ch in name if ch not in '/\\:*?"<>|\r\n')


@require_GET
@never_cache
def download(request, pk: int):
    """The certificate's stored PDF, for its holder and for staff who may see the holder; 404 for anyone else
    (including people who are not logged in), so a certificate's existence leaks to nobody. Streamed, or on S3 a
    redirect to a signed URL that expires within a minute (academy.files)."""
    certificate = get_object_or_404(Certificate.objects.select_related("programme"), pk=pk)
    if not cert_selectors.certificate_downloadable_by(request.user, certificate) or not certificate.pdf:
        raise Http404
    return private_file_response(
        certificate.pdf, filename=download_filename(certificate), content_type="application/pdf"
    )


@require_GET
@never_cache
@login_required
def transcript(request):
    """学习档案: the logged-in trainee's own record as a PDF (rendered on request; it changes as they learn)."""
    record = cert_selectors.transcript_for(request.user)
    data = certificate_pdf.transcript_pdf(
        {"transcript": record, "academy_name": cert_selectors.certificate_settings().academy_name}
    )
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"{_('Learning record')}-{request.user.display_name}.pdf"
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
