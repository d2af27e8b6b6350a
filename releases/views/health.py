"""Health check for load balancers and monitoring: /healthz/.

200 {"status": "ok", ...} when every database alias answers SELECT 1 and the
cache stores and returns a value. When only the cache fails the site still
serves every page (uncached) and every save: 200 {"status": "degraded", ...,
"cache": "error"}, so the load balancer keeps the server and monitoring can
alert. 503 {"status": "error", ...} when a database fails. Never cached, sets no
cookie, tells nothing but "ok" or "error" per part.
"""

import logging
import uuid

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache(cache):
    # A unique key: servers probed at once must not read each other's value.
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


def _check(name, probe, *args):
    try:
        if probe(*args):
            return "ok"
    except Exception:  # whatever broke, the answer is 503, and the log says why
        logger.exception("Health check failed: %s", name)
    return "error"


@never_cache
@require_safe
def healthz(request):
    checks = {f"database:{alias}": _check(alias, _database, alias) for alias in connections}
    cache = caches["default"]
    # The dummy cache (CACHE_URL=dummy) stores nothing: nothing to check.
    if not isinstance(cache, DummyCache):
        checks["cache"] = _check("cache", _cache, cache)
    if all(result == "ok" for result in checks.values()):
        status = "ok"
    elif all(result == "ok" for part, result in checks.items() if part != "cache"):
        status = "degraded"
    else:
        status = "error"
    return JsonResponse({"status": status, **checks}, status=503 if status == "error" else 200)
