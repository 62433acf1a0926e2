"""Certificate and transcript PDFs: a Django template rendered to HTML, then to PDF by WeasyPrint.

Kept small and fast: the page uses Noto Serif CJK SC in one weight only (every extra font adds ~75 KB even
subset), fonts are subset by HarfBuzz (see academy.checks), the QR code is inline SVG, and one
FontConfiguration per thread is reused so fontconfig is not asked again for every certificate (see render.py,
which also renders batches in parallel processes for bulk issues).
"""

import base64
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from academy.absolute import absolute_url

from ..quantities import quantity
from . import render as pdf_render
from . import rules as certificate_rules

if TYPE_CHECKING:
    import segno

# Bump when the certificate template changes in a way a reader would notice; stored with every PDF.
TEMPLATE_VERSION = "2026.1"
CERTIFICATE_TEMPLATE = "credits/pdf/certificate.html"
TRANSCRIPT_TEMPLATE = "credits/pdf/transcript.html"


def verification_url(code: str, request=None) -> str:
    """The absolute public URL the QR code encodes, e.g. https://…/verify/ABCD-EFGH-JKMN-PQRS/ (academy.absolute)."""
    path = reverse("credits_verify", args=[certificate_rules.verification_code_display(code)])
    return absolute_url(path, request)


def qr_code(url: str) -> "segno.QRCode":
    """The QR code printed on a certificate (medium error correction survives a worn or creased print)."""
    import segno  # here, not at the top: only a certificate's PDF needs it (docs/performance.md, section 16)

    return segno.make(url, error="m", micro=False)


def qr_svg(url: str) -> str:
    """The QR code as inline SVG with a viewBox, sized by the template's CSS."""
    return qr_code(url).svg_inline(scale=1, border=0, omitsize=True, dark="#000000")


@lru_cache(maxsize=8)
def _image_data_uri(name: str, storage_key: str) -> str:
    from wagtail.images import get_image_model

    image = get_image_model().objects.get(file=name)
    with image.file.open("rb") as handle:
        data = handle.read()
    return f"data:image/png;base64,{base64.b64encode(data).decode()}"


def seal_data_uri(seal) -> str:
    """The seal image inlined as a data URI (works with any storage backend); cached per file name."""
    if seal is None or not seal.file:
        return ""
    return _image_data_uri(seal.file.name, str(seal.file.size))


def certificate_context(certificate, *, certificate_settings) -> dict:
    """What the certificate template prints; every value is escaped by the template, so a name containing HTML
    prints as text."""
    url = verification_url(certificate.verification_code)
    return {
        "certificate": certificate,
        "academy_name": certificate_settings.academy_name,
        "signatory_name": certificate_settings.signatory_name,
        "signatory_title": certificate_settings.signatory_title,
        "seal": seal_data_uri(certificate_settings.seal),
        "holder_name": certificate.holder_name,
        "programme_title": certificate.programme_title,
        "credits": certificate.credits_snapshot,
        "total_credits": quantity(certificate_rules.snapshot_total(certificate.credits_snapshot)),
        "issued_on": certificate_rules.chinese_date(certificate.issued_on),
        "valid_until": certificate_rules.chinese_date(certificate.valid_until),
        "verification_url": url,
        "verification_code": certificate.verification_code_display,
        "qr_svg": qr_svg(url),
        "template_version": TEMPLATE_VERSION,
    }


def certificate_html(certificate, *, certificate_settings) -> str:
    """The certificate as HTML, always in Chinese: it is an official Chinese document whatever the UI language."""
    with translation.override("zh-hans"):
        return render_to_string(
            CERTIFICATE_TEMPLATE, certificate_context(certificate, certificate_settings=certificate_settings)
        )


def html_to_pdf(html: str) -> bytes:
    """Render HTML to PDF bytes; the title and author come from the template's <title> and <meta name=author>."""
    return pdf_render.html_to_pdf(html, base_url=base_url())


def base_url() -> str:
    """Where relative URLs in the templates resolve (the project directory)."""
    return str(settings.BASE_DIR)


def certificate_pdf(certificate, *, certificate_settings) -> tuple[bytes, str]:
    """The certificate's PDF and its SHA-256 (hex)."""
    return pdf_render.render_with_digest(
        certificate_html(certificate, certificate_settings=certificate_settings), base_url()
    )


def transcript_pdf(context: dict) -> bytes:
    """A trainee's transcript (学习档案) as PDF."""
    with translation.override("zh-hans"):
        html = render_to_string(TRANSCRIPT_TEMPLATE, context)
    return html_to_pdf(html)
