"""Django's Redis cache, made to degrade instead of fail when Redis is unreachable.

Django's own ``RedisCache`` raises on a dead connection, so a stopped Redis answered 500 on every page that reads
the cache (the home page, search, the log-in page through allauth's rate limits and the cached_db sessions). Here an
unreachable Redis behaves as an empty cache that keeps nothing: reads miss, writes are dropped, and the site serves
from the database. ``incr`` raises ``CacheUnavailable`` (a ``ValueError``, which is what callers already catch for a
missing key), so the rate limits in ``academy.ratelimit`` can tell an outage from a count and apply their documented
fail-open or fail-closed rule (deploy/README.md, "Redis outage").

Two details keep an outage cheap and safe:

- After a failure the process stops asking Redis for ``RETRY_AFTER_SECONDS``: a Redis host that has vanished
  (no "connection refused", only a connect timeout) would otherwise cost every cache call the full timeout.
- A write or delete dropped during the outage would leave Redis holding a stale value once it answers again (a
  session logged out, a menu version bumped). Their keys are remembered (up to ``LOST_KEYS_LIMIT``) and deleted
  first thing when Redis is back; past the limit the whole cache database is flushed instead.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
LOST_KEYS_LIMIT = 10_000


def outage_errors() -> tuple[type[BaseException], ...]:
    """What an unreachable Redis raises. redis-py (61 modules and 5.7 MiB on top of the app) is imported
    here, when a client is made, not with this module: academy.ratelimit imports ``CacheUnavailable`` on every host,
    and one without REDIS_URL (local memory cache) never needs redis-py (docs/performance.md, section 16)."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, OSError)


class CacheUnavailable(ValueError):
    """The shared cache could not be reached, so a counter could not be read or moved."""


class _Outage:
    """What one process knows about one Redis server's outage; shared by every thread's client."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.lost_keys: set = set()
        self.overflowed = False

    def down(self) -> bool:
        return time.monotonic() < self.down_until

    def record(self, error: Exception, lost_keys=()) -> None:
        """Redis failed just now: stop asking it for a while."""
        with self.lock:
            if not self.down():
                logger.warning("Redis unreachable, serving without the cache for %ss: %r", RETRY_AFTER_SECONDS, error)
            self.down_until = time.monotonic() + RETRY_AFTER_SECONDS
        self.lose(lost_keys)

    def lose(self, lost_keys) -> None:
        """Remember keys whose write never reached Redis."""
        with self.lock:
            if len(self.lost_keys) + len(lost_keys) > LOST_KEYS_LIMIT:
                self.overflowed = True
                self.lost_keys.clear()
            elif not self.overflowed:
                self.lost_keys.update(lost_keys)


_outages: dict[tuple, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(servers) -> _Outage:
    key = tuple(servers)
    with _outages_lock:
        return _outages.setdefault(key, _Outage())


class ResilientRedisCacheClient(RedisCacheClient):
    """``RedisCacheClient`` whose every operation falls back to "miss" or "dropped" while Redis is unreachable."""

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._outage = _outage_for(servers)
        self._outage_errors = outage_errors()

    def _call(self, operation, *args, fallback, lost_keys=()):
        outage = self._outage
        if outage.down():
            outage.lose(lost_keys)
            return fallback()
        try:
            if outage.lost_keys or outage.overflowed:
                self._forget_lost_writes()
            return operation(*args)
        except self._outage_errors as error:
            outage.record(error, lost_keys)
            return fallback()

    def _forget_lost_writes(self) -> None:
        """Delete what was written or deleted while Redis was unreachable, so no stale value outlives the outage."""
        outage = self._outage
        with outage.lock:
            keys, overflowed = list(outage.lost_keys), outage.overflowed
            outage.lost_keys, outage.overflowed = set(), False
        try:
            if overflowed:
                super().clear()
            elif keys:
                super().delete_many(keys)
        except self._outage_errors:
            with outage.lock:
                outage.lost_keys.update(keys)
                outage.overflowed = outage.overflowed or overflowed
            raise
        logger.warning("Redis answers again: %s", "cache flushed" if overflowed else f"{len(keys)} stale keys deleted")

    def ping(self) -> None:
        """Ask Redis itself, ignoring the retry interval (for /healthz); raises when it does not answer."""
        self.get_client().ping()

    def add(self, key, value, timeout):
        # Claiming a key (allauth's rate-limit lock) goes ahead without Redis: the fail-open rule for allauth.
        return self._call(super().add, key, value, timeout, fallback=lambda: True, lost_keys=[key])

    def get(self, key, default):
        return self._call(super().get, key, default, fallback=lambda: default)

    def set(self, key, value, timeout):
        return self._call(super().set, key, value, timeout, fallback=lambda: None, lost_keys=[key])

    def touch(self, key, timeout):
        return self._call(super().touch, key, timeout, fallback=lambda: False)

    def delete(self, key):
        return self._call(super().delete, key, fallback=lambda: False, lost_keys=[key])

    def get_many(self, keys):
        return self._call(super().get_many, keys, fallback=dict)

    def has_key(self, key):
        return self._call(super().has_key, key, fallback=lambda: False)

    def incr(self, key, delta):
        def unavailable():
            raise CacheUnavailable(key)

        return self._call(super().incr, key, delta, fallback=unavailable, lost_keys=[key])

    def set_many(self, data, timeout):
        return self._call(super().set_many, data, timeout, fallback=lambda: list(data), lost_keys=list(data))

    def delete_many(self, keys):
        return self._call(super().delete_many, keys, fallback=lambda: None, lost_keys=list(keys))

    def clear(self):
        def dropped():
            with self._outage.lock:
                self._outage.overflowed = True
            return False

        return self._call(super().clear, fallback=dropped)


class ResilientRedisCache(RedisCache):
    """The cache backend production uses with ``REDIS_URL``: Django's Redis cache that survives a Redis outage."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient

    def ping(self) -> None:
        """Raise unless Redis answers now (the retry interval does not apply)."""
        self._cache.ping()
