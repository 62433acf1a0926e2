"""Certificate pages: public verification (no login), 我的证书 with downloads, and the transcript (学习档案).

Who may see what is decided here: verification shows only a masked name; a PDF goes to its holder and to staff
who may see the holder (registrars; the street administrator of the holder's street); everyone else gets 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from academy.files import attachment_header, private_file_response, safe_filename

from .. import selectors
from ..models import Certificate
from ..ratelimit import verification_rate_limited
from . import pdf as certificate_pdf
from . import rules as certificate_rules
from . import selectors as cert_selectors
from .forms import VerificationCodeForm


def _too_many_verifications(request):
    response = render(request, "credits/verify_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


@require_GET
@never_cache
def verify_form(request):
    """/verify/: type the code printed under the QR code (GET ?code=…). A well-formed code goes to its verification
    page (which says whether it is known); a malformed one comes back with a translated error. Each submission
    counts towards the same per-IP limit as the verification page and API."""
    form = VerificationCodeForm(request.GET if "code" in request.GET else None)
    if form.is_bound:
        if verification_rate_limited(request):
            return _too_many_verifications(request)
        if form.is_valid():
            display = certificate_rules.verification_code_display(form.cleaned_data["code"])
            return redirect("credits_verify", code=display)
    return render(request, "credits/verify_form.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@never_cache
def verify(request, code: str):
    """证书验证: what the QR code on a certificate opens. A malformed or unknown code is a helpful 404."""
    if verification_rate_limited(request):
        return _too_many_verifications(request)
    certificate = cert_selectors.certificate_by_code(code)
    if certificate is None:
        form = VerificationCodeForm(initial={"code": code[: certificate_rules.CODE_MAX_INPUT]})
        return render(request, "credits/verify_not_found.html", {"code": code[:40], "form": form}, status=404)
    return render(request, "credits/verify.html", {"facts": cert_selectors.verification_facts(certificate)})


@require_GET
@login_required
def my_certificates(request):
    """我的证书: the logged-in holder's own certificates, with downloads."""
    certificates = [
        (certificate, cert_selectors.verification_state(certificate))
        for certificate in cert_selectors.certificates_of(request.user)
    ]
    pending = list(selectors.pending_certificate_requests(request.user))
    return render(request, "credits/my_certificates.html", {"certificates": certificates, "pending": pending})


def download_filename(certificate: Certificate) -> str:
    """结业证书-小区专员岗前培训-张晓明-拱三方证〔2026〕第000001号.pdf (Django encodes it per RFC 6266/5987), without
    control, bidi or reserved characters (academy.files.safe_filename)."""
    name = f"{_('Certificate of Completion')}-{certificate.programme_title}-{certificate.holder_name}-{certificate.number}.pdf"
    return safe_filename(name)


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
    response["Content-Disposition"] = attachment_header(f"{_('Learning record')}-{request.user.display_name}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
