"""Public pages and feeds from the cache, never stale and never early.

A cached response is filed under its address and language, and kept with two
things that decide whether it may still be given:

* the content generation, a counter in the cache that every change to what the
  public may see moves on (model signals, see ``connect_signals``; commands that
  write in bulk call ``content_changed`` themselves). It moves once when the
  change is made and once more when its transaction commits, so a page rendered
  from the old rows in between is not kept either. Changes the public cannot see
  leave it alone: saving a draft, a release in review or a working edition of a
  live release, or an appointment or trip still in preparation
  (``is_public_change``);
* the time window: the next moment at which the public site changes by the clock
  alone (a scheduled release or the end of an embargo comes due, an appointment
  begins or ends). Once that moment is reached a new window begins, with nothing
  cached in it, so a scheduled release appears on time and an embargoed one
  never early. The same moment caps Cache-Control max-age for a CDN in front.

An entry of an older generation or a past window is not given; the page rendered
anew takes its place. So a page is answered from the cache with one call to it,
which asks for the generation and the entry together. That answer is given by
``PageCacheMiddleware``, before the address is resolved and before the middleware
of users, CSRF and lockouts runs, none of which a kept page needs.

Only anonymous requests are answered from the cache: a request carrying a
session or a message is rendered for its user. Cached responses carry an ETag
and answer If-None-Match with 304 without touching the database. A query
parameter its page does not read (``?utm_source=...``, ``?cb=1``) is dropped
before the page is looked up or rendered: the request is answered from the entry
of the address without it, so tracking parameters cost no cache misses and
nobody can fill the cache with made-up addresses.

The cache is an accelerator, never a dependency: while it cannot be reached
(releases/cache_backend.py) there is no generation, and every page is rendered
as if it were not cached, with the same Cache-Control. A public change made
meanwhile cannot move the generation on, so each process that found the cache
away moves it on at its first contact with the cache afterwards, before it
answers anything from it; and the change is counted in the database
(``MissedContentChange``), so that ``publish_due``, every minute, moves it on also
where the change came from a process that never reaches the cache again (an
import, a command) and no worker met the outage.

With several worker processes the cache must be shared (CACHE_URL=redis://...):
the local-memory cache of one process does not hear of changes made in another.
"""

import datetime
import hashlib
import math
import os
import re
import time
from functools import wraps

from django.conf import settings
from django.core import checks
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import F, Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import QueryDict
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    get_max_age,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import parse_http_date_safe, quote_etag, urlencode
from django.utils.translation import get_language

GENERATION_KEY = "newsroom:content-generation"
SETTLED_KEY = "newsroom:missed-changes-settled"  # the MissedContentChange count last settled
# Workflow bookkeeping that no public page shows.
PRIVATE_MODELS = {"auditentry", "previewlink", "missedcontentchange"}
PUBLIC_APPS = {"releases", "flatpages", "sites"}
# What an app built on releases adds to its public pages (journalists: whether an
# appointment takes accreditation requests), registered from its AppConfig.ready with
# ``shown_on_public_pages``: models whose changes change such a page, and functions of
# now giving the next moment at which one changes by the clock.
_shown_models = set()
_clocks = []


def shown_on_public_pages(*models, changes=None):
    _shown_models.update(models)
    if changes is not None and changes not in _clocks:
        _clocks.append(changes)


# Whether this process found the cache away since it last read a generation.
_cache_was_away = False


def generation():
    """The current content generation (created at random when the cache has none), or
    None while the cache cannot be reached."""
    global _cache_was_away
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Random, so that a generation lost from the cache is not reused.
        cache.add(GENERATION_KEY, int.from_bytes(os.urandom(6), "big"), None)
        value = cache.get(GENERATION_KEY)
    if value is None:
        _cache_was_away = True
    elif _cache_was_away:
        # Back from an outage: pages kept from before may miss a change made in it.
        _cache_was_away = False
        try:
            value = cache.incr(GENERATION_KEY)
        except ValueError:  # gone again
            return None
    return value


def _next_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        if generation() is None:
            _missed_change()


def _missed_change():
    """The cache cannot be told: leave word in the database (MissedContentChange)."""
    from .models import MissedContentChange

    rows = MissedContentChange.objects.filter(pk=1)
    if not rows.update(count=F("count") + 1):  # update(): no signal, no change to tell
        rows.bulk_create([MissedContentChange(pk=1, count=1)], ignore_conflicts=True)


def settle_missed_changes():
    """Drop the pages kept from before public changes that the cache could not be told
    of (made by a process that never reached it again, a command, say): once for each
    count of them not yet settled. Run by ``publish_due`` every minute; returns whether
    the generation moved on."""
    from .models import MissedContentChange

    missed = MissedContentChange.objects.filter(pk=1).values_list("count", flat=True).first()
    if not missed or generation() is None or cache.get(SETTLED_KEY) == missed:
        return False
    _next_generation()
    cache.set(SETTLED_KEY, missed, None)
    return True


def content_changed():
    """Everything cached is stale: now, and again when the transaction commits."""
    _next_generation()
    transaction.on_commit(_next_generation)


def next_change(now):
    """The next moment after ``now`` at which the public site changes by itself.

    A release becomes public at the later of its publication time and the end of
    its embargo (models.releases.PUBLIC_FROM); an appointment stops being upcoming just
    after its end, or just after its start when it has no end; and the moments of the
    apps registered with ``shown_on_public_pages``.
    """
    from .models import Appointment, Delegation, Event, Release
    from .models.releases import PUBLIC_FROM

    releases = Release.objects.documents().filter(
        Q(published_at__gt=now) | Q(embargo_until__gt=now),
        status__in=Release.VISIBLE_STATUSES,
    ).annotate(public_from=PUBLIC_FROM).filter(public_from__gt=now).aggregate(
        first=Min("public_from"))
    events = Event.objects.filter(
        Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now),
    ).aggregate(
        ends=Min("ends_at", filter=Q(ends_at__gte=now)),
        starts=Min("starts_at", filter=Q(ends_at__isnull=True, starts_at__gte=now)),
    )
    announced = [
        model.objects.filter(Q(published_at__gt=now) | Q(embargo_until__gt=now),
                             status=model.Status.ANNOUNCED).aggregate(
            published=Min("published_at", filter=Q(published_at__gt=now)),
            embargo_ends=Min("embargo_until", filter=Q(embargo_until__gt=now)))
        for model in (Event, Delegation)
    ]
    # An office that begins tomorrow shows its holder from midnight (Berlin).
    office = Appointment.objects.filter(start_date__gt=timezone.localdate(now)).aggregate(
        starts=Min("start_date"))["starts"]
    tick = datetime.timedelta(microseconds=1)
    moments = [releases["first"],
               *(moment + tick for moment in events.values() if moment is not None),
               *(moment for row in announced for moment in row.values()),
               office and timezone.make_aware(datetime.datetime.combine(office, datetime.time())),
               *(changes(now) for changes in _clocks)]
    return min((moment for moment in moments if moment is not None), default=None)


def window(generation_, now, changes=None):
    """The end (a timestamp, or inf) of the time window that ``now`` falls in.

    ``changes`` stands in for ``next_change`` where one page changes by the clock at
    moments of its own (see ``cache_public``).
    """
    changes_name = f"{changes.__module__}.{changes.__qualname__}:" if changes else ""
    key = f"newsroom:window:{changes_name}{generation_}"
    until = cache.get(key) if generation_ is not None else None
    if until is None or until <= now:
        moment = (changes or next_change)(datetime.datetime.fromtimestamp(now, tz=datetime.UTC))
        until = moment.timestamp() if moment else math.inf
        if generation_ is not None:
            cache.set(key, until, math.ceil(min(settings.PAGE_CACHE_SECONDS, until - now)) + 1)
    return until


def _cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


MAX_AGE_DIRECTIVE = re.compile(r"\bmax-age=\d+")
CONDITIONAL_HEADERS = frozenset({"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE",
                                 "HTTP_IF_UNMODIFIED_SINCE"})


# What a cached page may vary by besides its address: the cookie (a visitor without
# one gets the cached page), the language (it is in the address) and the encoding
# (compression comes after the cache).
HARMLESS_VARY = {"cookie", "accept-language", "accept-encoding"}


def _shared(request, response):
    """Whether every anonymous visitor would have been given this answer alike."""
    cache_control = response.get("Cache-Control", "")
    vary = {word.strip().lower() for word in response.get("Vary", "").split(",") if word.strip()}
    session = getattr(request, "session", None)
    return (
        not response.cookies
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        and vary <= HARMLESS_VARY
        # A page with a form carries this visitor's CSRF token; a session is theirs.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
    )


def _cacheable_response(request, response):
    return response.status_code == 200 and not response.streaming and _shared(request, response)


def _drop_parameters(request, known):
    """Make ``request`` one for its address with only the ``known`` query parameters."""
    query = urlencode([(name, values) for name, values in request.GET.lists() if name in known],
                      doseq=True)
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query


def page_key(request):
    """The name a page for ``request`` is kept under: its address and language."""
    # The query in one spelling: ?page=2&, ?page=%32 and ?page=2 are one page.
    query = urlencode(sorted(request.GET.lists()), doseq=True) if request.GET else ""
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"newsroom:page:{get_language()}:{digest}"


def _kept(key, now):
    """The content generation (None while the cache is away) and the response kept
    under ``key`` if it is still good: of this generation and this time window."""
    values = cache.get_many([GENERATION_KEY, key])
    generation_ = values.get(GENERATION_KEY)
    if generation_ is None or _cache_was_away:
        generation_ = generation()
    entry = values.get(key)
    # Anything else under the key (kept by another version of this code) is no page.
    if generation_ is not None and isinstance(entry, tuple) and len(entry) == 4:
        kept_generation, until, max_age, response = entry
        if kept_generation == generation_ and now < until:
            # Counted down to the end of the window.
            response["Cache-Control"] = MAX_AGE_DIRECTIVE.sub(
                f"max-age={_seconds(max_age, until, now)}", response["Cache-Control"], count=1)
            return generation_, until, response
    return generation_, None, None


def _seconds(max_age, until, now):
    return max(0, math.floor(min(max_age, until - now)))


def _headers(response, until, now):
    """Cache-Control for a CDN, never beyond the window, and Vary: Cookie. Returns the
    max-age the page asks for (its own, or PAGE_MAX_AGE)."""
    max_age = get_max_age(response) or settings.PAGE_MAX_AGE
    patch_cache_control(response, public=True, max_age=_seconds(max_age, until, now))
    patch_vary_headers(response, ["Cookie"])
    return max_age


def _conditional(request, response):
    if not any(header in request.META for header in CONDITIONAL_HEADERS):
        return response
    return get_conditional_response(
        request, etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response)


def cache_public(view, query=(), changes=None):
    """Answer anonymous GET requests for ``view`` from the page cache (see above).

    ``query`` names the query parameters the view reads; any other is dropped from
    an anonymous request before the page is looked up or rendered. ``changes``, a
    function of now like ``next_change``, gives the next moment at which this view's
    answer changes by the clock alone besides those of the whole site (a release
    growing too old for the news sitemap): its window ends then too.
    """
    known = frozenset(query)

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        if not known.issuperset(request.GET):
            _drop_parameters(request, known)
        now = time.time()
        key = page_key(request)
        missed = getattr(request, "page_cache_missed", None)
        if missed is not None and missed[0] == key:  # PageCacheMiddleware looked already
            generation_ = missed[1]
        else:
            generation_, until, response = _kept(key, now)
            if response is not None:
                return _conditional(request, response)
        until = window(generation_, now)
        if changes is not None:
            until = min(until, window(generation_, now, changes))
        if generation_ is not None:  # else the cache is away: nothing is kept
            request.page_cache_state = (generation_, until)  # for CachedCountMixin
        response = view(request, *args, **kwargs)

        def store(response):
            if response.status_code == 304 and _shared(request, response):
                # The view answered a conditional request itself (a feed): the same
                # Cache-Control as the page it stands for.
                _headers(response, until, now)
                return response
            if not _cacheable_response(request, response):
                return response
            response.content = response.content  # one piece, however it was written
            if not response.has_header("ETag"):
                response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
            max_age = _headers(response, until, now)
            timeout = math.ceil(min(settings.PAGE_CACHE_SECONDS, until - now))
            if generation_ is not None and timeout > 0:
                cache.set(key, (generation_, until, max_age, response), timeout)
            return _conditional(request, response)

        if getattr(response, "is_rendered", True):
            return store(response)
        response.add_post_render_callback(store)
        return response

    cached_view.is_page_cached = True
    return cached_view


class PageCacheMiddleware:
    """Answer an anonymous request from the page cache before the URL resolver, the
    view and the middleware after this one run: a kept page needs no user, no CSRF
    token and no lockout check. It only reads; pages are filed by their views
    (``cache_public``), which also answer a request whose query string must first
    lose parameters its page does not read: such a request's own address names no
    entry, so it passes on to them. Middleware that sets headers on every answer
    (security, X-Frame-Options, the content language) comes before this one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _cacheable_request(request):
            key = page_key(request)
            generation_, _, response = _kept(key, time.time())
            if response is not None:
                return _conditional(request, response)
            # Not asked for again by the page's view, if it has one (cache_public).
            request.page_cache_missed = (key, generation_)
        return self.get_response(request)


def cache_patterns(patterns, query=None, uncached=()):
    """Put the views of URL ``patterns`` under ``cache_public``, but those named in ``uncached``.

    ``query`` maps a pattern's name to the query parameters its page reads (none
    unless listed): any other is dropped from an anonymous request. Each app's
    urls.py declares its own pages so.
    """
    query = query or {}
    for pattern in patterns:
        if pattern.name not in uncached:
            pattern.callback = cache_public(pattern.callback, query=query.get(pattern.name, ()))
    return patterns


def is_public_change(instance):
    """Whether a change to ``instance`` can change what the public sees.

    A release (or a row of one: its images, people, links) counts when it is a
    live release: published, scheduled (its time decides the cache's window) or
    withdrawn. Drafts, releases in review and working editions do not. Anything
    else of the public apps counts: an appointment or trip too, as a change of its
    status may take it off the site (it is saved far less often than releases).
    """
    from .models import Release

    release = instance if isinstance(instance, Release) else None
    if release is None and isinstance(getattr(instance, "release_id", None), int) and (
            instance._meta.get_field("release").related_model is Release):
        try:
            release = instance.release
        except Release.DoesNotExist:  # deleted with its release: that one decided
            return False
    if release is not None:
        return release.edition_of_id is None and release.status in {
            *Release.VISIBLE_STATUSES, Release.Status.WITHDRAWN}
    return True


def _on_change(sender, instance=None, **kwargs):
    model = instance.__class__ if instance is not None else sender
    if model not in _shown_models and (sender._meta.app_label not in PUBLIC_APPS or (
            model._meta.model_name in PRIVATE_MODELS)):
        return
    if instance is not None and not is_public_change(instance):
        return
    content_changed()


def _on_migrate(sender, **kwargs):
    # A deployment migrates: pages rendered by the previous code are dropped.
    if sender.name == "releases":
        content_changed()


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_change, dispatch_uid=f"newsroom-cache-{id(signal)}")
    post_migrate.connect(_on_migrate, dispatch_uid="newsroom-cache-migrate")


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """In production the page cache must be one all worker processes share."""
    from django.core.cache.backends.locmem import LocMemCache

    if settings.PAGE_CACHE_SECONDS > 0 and isinstance(caches["default"], LocMemCache):
        return [checks.Warning(
            "The page cache is in each process's own memory: a change made through one "
            "worker is not seen by the others until PAGE_CACHE_SECONDS pass.",
            hint="Set CACHE_URL to a Redis all workers share, or PAGE_CACHE_SECONDS=0.",
            id="newsroom.W001")]
    return []
