"""The academy's one fixed-window rate limiter, counted in the shared cache (Redis when REDIS_URL is set, so every
web host sees the same counts), and the one reading of the client's address. allauth limits its own views; this is
for everything else: event sign-up, certificate verification (page and API), the integration API, my-data.zip.

When Redis is unreachable (academy.cache_backends) a count cannot be kept: each caller states what happens then,
``fail_closed=False`` (let the request through: the default, for public pages that must keep working) or
``fail_closed=True`` (refuse it: for costly work that can wait). deploy/README.md lists the choice for each limit.
"""

import logging
import time

from django.core.cache import cache

from .cache_backends import CacheUnavailable

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The client's address. Behind a proxy, academy.middleware.TrustedProxyMiddleware has already put the address
    the trusted proxy reported into REMOTE_ADDR; X-Forwarded-For is not read here because anyone can send it."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/h"`` → (5, 3600). Periods: s, m, h, d, optionally with a count (``"10/5m"``)."""
    amount, _, period = rate.partition("/")
    unit = period[-1:]
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    multiple = int(period[:-1] or "1")
    return int(amount), seconds * multiple


def rate_limit_hit(*, scope: str, key: str, rate: str, fail_closed: bool = False) -> bool:
    """Count one attempt for ``key`` in ``scope``; True when that goes over ``rate`` (``"<count>/<period>"``) in the
    current window. Every attempt counts, refused ones too, so hammering never resets the window. Without a
    reachable cache the answer is ``fail_closed``."""
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    cache_key = f"academy:rl:{scope}:{key}:{period}:{window}"
    cache.add(cache_key, 0, timeout=period + 10)
    try:
        count = cache.incr(cache_key)
    except CacheUnavailable:
        logger.warning(
            "Rate limit %s not counted (cache unreachable): %s", scope, "refused" if fail_closed else "let through"
        )
        return fail_closed
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 10)
        count = 1
    return count > limit
