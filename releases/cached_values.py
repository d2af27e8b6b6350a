"""Values kept as long as the public pages are (releases/caching.py): the counts of lists,
and values that cost a query over the whole archive on every page."""

import hashlib
import time
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator

from .caching import generation, window


class CachedCountPaginator(Paginator):
    """A paginator whose count is kept for as long as the page cache's pages are."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        count = cache.get(self.count_key)
        if count is None:
            count = super().count
            cache.set(self.count_key, count, settings.PAGE_CACHE_SECONDS)
        return count


class CachedCountMixin:
    """For a ListView under ``cache_public``: its count is made once, not for every page.

    Paging through the thirty thousand releases of a topic would otherwise count them
    again for each page, each cached on its own. The count is filed under the path,
    the content generation and the time window, so it is never stale either.
    """

    def get_paginator(self, queryset, per_page, **kwargs):
        return counted_paginator(self.request, queryset, per_page, **kwargs)


def counted_paginator(request, queryset, per_page, scope="", **kwargs):
    """A paginator of ``queryset`` for ``request`` whose count is kept like the page
    cache's pages (see ``CachedCountMixin``); ``scope`` names what else than the path
    selects the rows (the filters of a query string, not the page's number)."""
    state = getattr(request, "page_cache_state", None)
    if state is None:  # not served through the page cache: count as always
        return Paginator(queryset, per_page, **kwargs)
    key = f"newsroom:count:{state[0]}:{state[1]}:{request.path}"
    if scope:
        key += ":" + hashlib.sha256(scope.encode()).hexdigest()
    return CachedCountPaginator(queryset, per_page, count_key=key, **kwargs)


def public_value(name, compute, *, timed=True):
    """``compute()``, kept while what the public sees stays the same.

    Filed, as pages are, under the content generation and the time window: never
    stale, never early. Without a cache (or with the page cache off) it is computed
    each time. For values that cost a query over the whole archive on every page,
    such as the public topics a search form offers. ``timed=False``: for a value
    the clock cannot change (no publication time or embargo decides it), filed
    under the generation alone.
    """
    generation_ = generation() if settings.PAGE_CACHE_SECONDS > 0 else None
    if generation_ is None:
        return compute()
    until = window(generation_, time.time()) if timed else "untimed"
    key = f"newsroom:value:{name}:{generation_}:{until}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value
