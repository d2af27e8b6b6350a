"""The production settings plus a bare view to compare every page with and a header that
tells a page cache hit from a miss (both in tests/bench/urls.py)."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
MIDDLEWARE = ["tests.bench.urls.PageCacheHeader", *MIDDLEWARE]  # noqa: F405
