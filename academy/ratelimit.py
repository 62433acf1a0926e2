"""Fixed-window request counters in the shared cache (Redis when REDIS_URL is set, so every web host sees the same
counts). allauth limits its own views; this is for the academy's own public forms."""

import time

from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address as the web server saw it. Behind a proxy, the proxy must set REMOTE_ADDR (for example
    gunicorn's --forwarded-allow-ips): X-Forwarded-For is not trusted here because anyone can send it."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/h"`` → (5, 3600). Periods: s, m, h, d, optionally with a count (``"10/5m"``)."""
    amount, _, period = rate.partition("/")
    unit = period[-1:]
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    multiple = int(period[:-1] or "1")
    return int(amount), seconds * multiple


def rate_limit_hit(*, scope: str, key: str, rate: str) -> bool:
    """Count one attempt for ``key`` in ``scope``; True when that goes over ``rate`` (``"<count>/<period>"``) in the
    current window. Every attempt counts, refused ones too, so hammering never resets the window."""
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    cache_key = f"academy:rl:{scope}:{key}:{period}:{window}"
    cache.add(cache_key, 0, timeout=period + 10)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 10)
        count = 1
    return count > limit
