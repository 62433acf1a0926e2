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
        """The cached value for ``suffix``, built (and stored) when missing; ``build`` must not return None."""
        key = f"{self.name}:{self._version()}:{suffix}"
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, self.timeout)
        return value

    def forget(self, **_signal_kwargs) -> None:
        """Drop every entry (usable as a signal receiver)."""
        cache.set(self.version_key, time.time_ns(), None)
