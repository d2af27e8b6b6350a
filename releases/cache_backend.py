"""The cache back end: Redis while it answers, no cache while it does not.

The cache only makes things faster (pages, counts, the forms' rate limit); an error
of the cache must never become an error of the site. Every operation that cannot
reach Redis within the socket timeouts (CACHE_CONNECT_TIMEOUT, CACHE_SOCKET_TIMEOUT)
is answered as an empty cache that keeps nothing would answer it: ``get`` gives the
default, ``add``, ``touch``, ``delete`` and ``has_key`` give False, ``incr`` raises
ValueError (no such key), the writes do nothing.

After a failure this process leaves Redis alone for ``retry_after`` seconds
(CACHE_RETRY_AFTER): a page makes several cache calls (generation, window, page,
count), and a Redis that hangs would otherwise cost the timeout for each of them,
on every request. So during an outage one request per process and period waits for
one timeout; all others are served at once, uncached. The start and the end of an
outage are logged once per process, not each request.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
# Per process and server: since when Redis failed, and until when it is left alone.
_outages = {}
_MISSING = object()


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis is away."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("retry_after", RETRY_AFTER_SECONDS))
        # One try per call: the pause above is the retry policy.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})
        self.server = server if isinstance(server, str) else ",".join(server)

    def _attempt(self, operation, fallback, *args):
        outage = _outages.get(self.server)
        if outage is not None and time.monotonic() < outage[1]:
            return fallback
        try:
            result = operation(*args)
        except RedisError as error:
            now = time.monotonic()
            if outage is None:
                logger.warning("Cache unavailable, going on without it (next try in %s s): %s",
                               self.retry_after, error)
            _outages[self.server] = (outage[0] if outage else now, now + self.retry_after)
            return fallback
        if outage is not None and _outages.pop(self.server, None) is not None:
            logger.warning("Cache available again after %.0f s.", time.monotonic() - outage[0])
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._attempt(super().incr, _MISSING, key, delta, version)
        if result is _MISSING:
            raise ValueError(f"Key {key!r} not found: the cache is unavailable.")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._attempt(super().delete_many, None, keys, version)

    def clear(self):
        return self._attempt(super().clear, False)
