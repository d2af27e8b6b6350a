"""The site's URLs plus /bench/ok/: the cheapest Django answer, through the same middleware.

Every view under the page cache (releases.caching.cache_public) is decorated anew
with a marker inside, and PageCacheHeader (tests/bench/settings.py) tells each
answer of such a view with X-Bench-Cache: "hit" if the page cache gave it without
calling the view (most hits come before the URL resolver, from
releases.caching.PageCacheMiddleware), "miss" if the view ran. Production code is not touched.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.urls import URLResolver, path

from newsroom.urls import urlpatterns as site_urlpatterns
from releases.caching import cache_public


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


def rendering(view):
    """``view``, noting on the request that it ran: the page was not in the cache."""

    @wraps(view)
    def marked(request, *args, **kwargs):
        request.bench_page_cache = "miss"
        return view(request, *args, **kwargs)

    return marked


def mark_page_cached(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            mark_page_cached(pattern.url_patterns)
        elif getattr(pattern.callback, "is_page_cached", False):
            pattern.callback = cache_public(rendering(pattern.callback.__wrapped__))


class PageCacheHeader:
    """X-Bench-Cache: hit or miss on each answer of a view under the page cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "bench_page_cache", None)
        if state is None and request.resolver_match is None and response.status_code in {
                200, 304} and not request.path.startswith(settings.STATIC_URL):
            # Answered before the URL resolver ran: by the page cache's middleware.
            state = "hit"
        if state:
            response["X-Bench-Cache"] = state
        return response

    def process_view(self, request, view, args, kwargs):
        if getattr(view, "is_page_cached", False):
            request.bench_page_cache = "hit"  # unless the view itself runs


mark_page_cached(site_urlpatterns)
urlpatterns = [path("bench/ok/", ok, name="bench-ok"), *site_urlpatterns]
