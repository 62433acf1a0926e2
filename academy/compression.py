"""HTML and other text compressed by the app itself when no proxy does it (``GZIP_RESPONSES``, off by default).

Behind nginx (deploy/nginx), nginx compresses: Debian's nginx.conf has ``gzip on`` for text/html, and static files
are served pre-compressed. When gunicorn faces the clients itself (a small host, a test deployment), nothing did,
and a course page reached a phone at its full size. Django's GZipMiddleware compresses every response whatever its
type; this one leaves alone what is not text (images, PDFs, spreadsheets, videos: already compressed, or streamed
files whose compression would only cost CPU).

BREACH (a secret in a compressed response that also reflects what an attacker sends): compressing pages with
CSRF tokens is safe here for two reasons Django gives, so nothing is exempted. The CSRF token in a page is masked
afresh for every response (``get_token``: the secret XOR a new random mask), so it never repeats byte for byte
between the responses an attacker compares; and since Django 4.2 GZipMiddleware adds a random number of random
bytes (up to 100) to each gzip header ("Heal the Breach"), which blurs the length differences the attack reads. The
session cookie is a header, never compressed.
"""

from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for text responses only."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(TEXT_TYPES):
            return response
        return super().process_response(request, response)
