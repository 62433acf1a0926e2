"""Caches of data that many requests read and that changes rarely (the site's menu, the programme and course
catalogue, who may use the admin), each forgotten at once by the signals of whatever it was built from.

A ``VersionedCache`` keeps a version number under one key and every entry under a key that includes it, so
``forget()`` (a signal receiver) drops all entries with one write instead of finding them. With Redis
(``REDIS_URL``) the cache is shared and a change shows everywhere at once; with the per-process local-memory cache
(several gunicorn workers) the other processes keep their copy until ``timeout`` seconds have passed, which bounds
how stale a page can be. Nothing that decides anything (issuing a certificate, an admin permission check) reads
from these caches: they serve pages and read-only answers.
"""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache


def get_or_build_once(key: str, build: Callable[[], Any], timeout: int, *, wait_seconds: float = 10.0) -> Any:
    """``cache.get_or_set`` without the stampede: when the value is missing, one caller builds it while the others
    wait for it, instead of every request that misses at that moment building the same thing (50 trainees arriving
    on a cold home page counted the district's completions 50 times over, p95 about 1 s).

    The builder is whoever claims ``<key>:building`` with ``cache.add`` (atomic in local memory and in Redis, so it
    holds across threads, processes and hosts). The others poll for the value; if none appears within
    ``wait_seconds`` (the builder died, or is that slow) they build it themselves rather than fail. ``build`` must not
    return None. Without Redis (an outage, academy.cache_backends) everyone builds, as before."""
    value = cache.get(key)
    if value is not None:
        return value
    lock_key = f"{key}:building"
    deadline = time.monotonic() + wait_seconds
    holding = cache.add(lock_key, True, timeout=int(wait_seconds) + 1)
    while not holding:
        time.sleep(0.02)
        value = cache.get(key)
        if value is not None:
            return value
        if time.monotonic() > deadline:
            break
        holding = cache.add(lock_key, True, timeout=int(wait_seconds) + 1)
    try:
        value = cache.get(key) if holding else None  # finished by another between our miss and our claim
        if value is None:
            value = build()
            cache.set(key, value, timeout)
        return value
    finally:
        if holding:
            cache.delete(lock_key)


class VersionedCache:
    def __init__(self, name: str, *, timeout: int):
        self.name = name
        self.timeout = timeout
        self.version_key = f"{name}:version"

    def _version(self) -> int:
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, time.time_ns(), None)
            version = cache.get(self.version_key)
        return version

    def get_or_build(self, suffix: str, build: Callable[[], Any]) -> Any:
        """The cached value for ``suffix``, built (once, see get_or_build_once) when missing; ``build`` must not
        return None."""
        return get_or_build_once(self.key(suffix), build, self.timeout)

    def key(self, suffix: str) -> str:
        """The cache key of the entry for ``suffix`` now (for a caller that must replace an entry itself)."""
        from .page_cache import content_generation

        # The content generation too: any change a page shows reaches every worker's fragments at once, even with
        # the per-process cache (academy/page_cache.py).
        return f"{self.name}:{self._version()}:{content_generation()}:{suffix}"

    def forget(self, **_signal_kwargs) -> None:
        """Drop every entry (usable as a signal receiver)."""
        cache.set(self.version_key, time.time_ns(), None)
