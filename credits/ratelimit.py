"""Per-IP rate limit for public certificate verification (page and API), counted in the shared cache so that
every web host sees the same counts when REDIS_URL is set."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def client_ip(request) -> str:
    """The client's address. Behind a proxy, academy.middleware.TrustedProxyMiddleware has already put the
    address the trusted proxy reported into REMOTE_ADDR; X-Forwarded-For is not read here because anyone can send
    it."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def verification_rate_limited(request) -> bool:
    """True when this IP has made more verification requests this minute than the setting allows."""
    limit = settings.CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE
    key = f"credits:verify:{client_ip(request)}:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=70)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=70)
        count = 1
    return count > limit
