"""Per-IP rate limit for public certificate verification (page and API), on academy.ratelimit's shared counter."""

from django.conf import settings

from academy.ratelimit import client_ip, rate_limit_hit


def verification_rate_limited(request) -> bool:
    """True when this IP has made more verification requests this minute than the setting allows. Fails open
    without Redis: whoever scans a certificate's QR code must still see it (deploy/README.md, "Redis outage")."""
    rate = f"{settings.CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE}/m"
    return rate_limit_hit(scope="credits:verify", key=client_ip(request), rate=rate)
