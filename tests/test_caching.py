"""The page cache: public pages and feeds are served from the cache, yet a change is
seen on the next request and a scheduled release appears at its time, not a second
earlier (releases/caching.py). Run against the local-memory cache and against Redis."""

import datetime
import os
import uuid
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from releases import services
from releases.models import Event, Release

from .conftest import skip_or_fail
from .workflow_fixtures import change_live, fresh

pytest_plugins = ["tests.workflow_fixtures"]
pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SECOND = datetime.timedelta(seconds=1)
REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TITLE = "Große Resonanz bei simul+Werkstatt in Kattowitz"


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def page_cache(request, settings):
    """The cache the pages are kept in: this process's memory, or the shared Redis."""
    if request.param == "locmem":
        yield
        return
    prefix = f"newsroom-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix, "OPTIONS": {"socket_connect_timeout": 1}}}
    from django.core.cache import cache

    try:
        cache.get("ping")
    except Exception as error:  # any failure to reach Redis
        skip_or_fail(f"needs Redis at {REDIS_URL} ({error})")
    yield
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def pages(topic, make_release):
    """The start page, the topic's page and the feed: where a new release shows first.

    The topic has an older public release, so that its page is public before the
    releases of these tests are (a topic of hidden releases only is hidden too)."""
    with time_machine.travel(datetime.datetime(2020, 1, 6, 10, tzinfo=datetime.UTC)):
        make_release(title="Ältere Meldung", published_at=timezone.now()).topics.add(topic)
    return ["/", reverse("releases:topic-detail", kwargs={"slug": topic.slug}),
            reverse("releases:feed")]


def shown(client, urls, text=TITLE):
    """For each URL, whether its page shows ``text``."""
    return [text in client.get(url).content.decode() for url in urls]


def max_age(response):
    directives = response["Cache-Control"].split(", ")
    return int(next(d for d in directives if d.startswith("max-age="))[len("max-age="):])


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN).astimezone(datetime.UTC)


class TestServedFromTheCache:
    def test_a_second_request_makes_no_query(self, client, page_cache, published, topic,
                                             pages, django_assert_num_queries):
        published.topics.add(topic)
        first = [client.get(url).content for url in pages]
        with django_assert_num_queries(0):
            assert [client.get(url).content for url in pages] == first

    def test_cached_page_answers_its_etag_with_304_and_no_query(
            self, client, page_cache, published, django_assert_num_queries):
        response = client.get(published.get_absolute_url())
        assert response.status_code == 200 and response["ETag"]
        with django_assert_num_queries(0):
            again = client.get(published.get_absolute_url(),
                               headers={"if-none-match": response["ETag"]})
        assert again.status_code == 304 and again.content == b""

    @pytest.fixture
    def cache_calls(self, page_cache, monkeypatch):
        """The names of the calls made to the cache (not those its back end makes inside)."""
        from django.core.cache import caches

        backend = caches["default"]
        calls, depth = [], [0]

        def counted(name, method):
            def call(*args, **kwargs):
                if not depth[0]:  # not what the back end does inside (get_many: gets)
                    calls.append(name)
                depth[0] += 1
                try:
                    return method(*args, **kwargs)
                finally:
                    depth[0] -= 1
            return call

        for name in ("get", "get_many", "set", "add", "incr", "delete"):
            monkeypatch.setattr(backend, name, counted(name, getattr(backend, name)))
        return calls

    def test_a_page_from_the_cache_costs_one_call_to_the_cache(
            self, client, published, pages, cache_calls):
        for url in [*pages, published.get_absolute_url()]:
            client.get(url)
        for url in [*pages, published.get_absolute_url()]:
            cache_calls.clear()
            assert client.get(url).status_code == 200
            assert cache_calls == ["get_many"], url

    def test_a_page_not_in_the_cache_is_looked_for_once(
            self, client, published, pages, cache_calls):
        for url in [*pages, published.get_absolute_url()]:
            client.get(url)  # the content generation and the time window are known
        from django.core.cache import cache

        for url in [*pages, published.get_absolute_url()]:
            cache.clear()
            client.get("/")  # a generation again, and the start page kept
            cache_calls.clear()
            assert client.get(url).status_code == 200
            assert cache_calls.count("get_many") == 1, (url, cache_calls)

    def test_a_kept_page_is_answered_before_the_view_with_the_headers_it_was_sent_with(
            self, client, page_cache, published, pages):
        for url in [*pages, published.get_absolute_url()]:
            first = client.get(url)
            again = client.get(url)
            # The page cache's middleware answered: the address was never resolved.
            assert first.wsgi_request.resolver_match is not None
            assert again.wsgi_request.resolver_match is None, url
            assert again.content == first.content
            # Security headers, the language and the length, as on the first answer.
            assert set(again.headers) == set(first.headers), url
            for name in ("X-Frame-Options", "Content-Security-Policy", "Content-Language",
                         "Content-Length", "ETag", "Vary", "X-Content-Type-Options"):
                assert again[name] == first[name], (url, name)

    def test_an_entry_of_another_shape_under_a_pages_name_is_rendered_over(
            self, client, rf, page_cache, published):
        from django.core.cache import cache
        from django.http import HttpResponse

        from releases.caching import page_key

        url = published.get_absolute_url()
        for foreign in (HttpResponse("alt"), (1, 2, HttpResponse("alt")), "alt"):
            cache.set(page_key(rf.get(url)), foreign)
            response = client.get(url)
            assert response.status_code == 200 and TITLE in response.content.decode()
            assert client.get(url).content == response.content  # kept in its place

    def test_anonymous_pages_set_no_cookie_and_may_be_kept_by_a_cdn(
            self, client, page_cache, published, pages, settings):
        for url in [*pages, published.get_absolute_url()]:
            for _ in range(2):  # rendered, then from the cache
                response = client.get(url)
                assert not response.cookies, url
                directives = response["Cache-Control"].split(", ")
                assert "public" in directives, url
                assert 0 < max_age(response) <= max(settings.PAGE_MAX_AGE, 300), url
                assert "Cookie" in response["Vary"]

    def test_logged_in_editor_always_gets_the_page_as_it_is_now(
            self, client, page_cache, published, topic, pages, spokesperson_client):
        published.topics.add(topic)
        assert shown(client, pages) == [True] * 3
        # A change no signal reports: the anonymous page stays as cached,
        Release.objects.filter(pk=published.pk).update(title="Neuer Titel")
        assert shown(client, pages) == [True] * 3
        # while the editor sees the database.
        assert shown(spokesperson_client, pages, "Neuer Titel") == [True] * 3

    def test_pages_made_by_the_previous_code_are_dropped_by_a_deployment(
            self, client, page_cache, published, topic, pages):
        published.topics.add(topic)
        assert shown(client, pages) == [True] * 3
        Release.objects.filter(pk=published.pk).update(title="Neuer Titel")
        call_command("migrate", verbosity=0, interactive=False)
        assert shown(client, pages, "Neuer Titel") == [True] * 3


class TestChangesAreSeenOnTheNextRequest:
    def test_publishing(self, client, page_cache, approved, spokesperson, topic, pages):
        approved.topics.add(topic)
        assert shown(client, pages) == [False] * 3
        assert shown(client, pages) == [False] * 3  # from the cache
        services.publish(approved, spokesperson)
        assert shown(client, pages) == [True] * 3

    def test_correcting(self, client, page_cache, published, editor, spokesperson, topic,
                        pages):
        published.topics.add(topic)
        assert shown(client, pages) == [True] * 3
        title = "Resonanz bei simul+Werkstatt in Katowice"
        change_live(published, editor, spokesperson, title=title,
                    note="Der Ort heißt auf Polnisch Katowice.")
        assert shown(client, pages, title) == [True] * 3
        page = client.get(fresh(published).get_absolute_url(), follow=True)
        assert "Der Ort heißt auf Polnisch Katowice." in page.content.decode()

    def test_withdrawing(self, client, page_cache, published, spokesperson, topic, pages):
        published.topics.add(topic)
        assert shown(client, pages) == [True] * 3
        services.withdraw(published, spokesperson, "Falsche Zahlen")
        assert shown(client, pages) == [False] * 3

    def test_changing_a_topic(self, client, page_cache, published, topic, pages):
        published.topics.add(topic)
        client.get(pages[1])
        topic.name = "Digitale Verwaltung"
        topic.save()
        assert "Digitale Verwaltung" in client.get(pages[1]).content.decode()


class TestTheClock:
    @pytest.mark.parametrize("wall_clock", [
        (2026, 6, 1, 10, 0),
        (2026, 3, 29, 3, 0),  # the first hour of summer time: 01:59:59 CET is a second before
        (2026, 10, 25, 3, 0),  # after the repeated hour: 02:59:59 CET is a second before
    ], ids=["summer", "spring-forward", "fall-back"])
    def test_scheduled_release_appears_at_its_time_and_not_a_second_earlier(
            self, client, page_cache, approved, spokesperson, topic, pages, wall_clock,
            django_assert_num_queries):
        approved.topics.add(topic)
        at = berlin(*wall_clock)
        with time_machine.travel(at - datetime.timedelta(days=2), tick=False):
            services.schedule(approved, spokesperson, datetime.datetime(*wall_clock))
        with time_machine.travel(at - datetime.timedelta(minutes=10), tick=False):
            assert shown(client, pages) == [False] * 3
        with time_machine.travel(at - SECOND, tick=False):
            with django_assert_num_queries(0):  # still the cached pages
                assert shown(client, pages) == [False] * 3
            for url in pages:
                assert max_age(client.get(url)) <= 1
        with time_machine.travel(at, tick=False):
            assert shown(client, pages) == [True] * 3

    def test_embargoed_release_appears_when_the_embargo_ends(
            self, client, page_cache, make_release, topic, pages):
        ends = berlin(2026, 11, 27, 12, 0)
        with time_machine.travel(ends - datetime.timedelta(hours=2), tick=False):
            release = make_release(title=TITLE, embargo_until=ends)
            release.topics.add(topic)
        with time_machine.travel(ends - datetime.timedelta(hours=1), tick=False):
            assert shown(client, pages) == [False] * 3
        with time_machine.travel(ends - SECOND, tick=False):
            assert shown(client, pages) == [False] * 3
            assert client.get(release.get_absolute_url()).status_code == 404
        with time_machine.travel(ends, tick=False):
            assert shown(client, pages) == [True] * 3
            assert client.get(release.get_absolute_url()).status_code == 200

    def test_appointment_leaves_the_upcoming_list_when_it_is_over(
            self, client, page_cache, organisation):
        ends = berlin(2026, 11, 27, 15, 0)
        with time_machine.travel(ends - datetime.timedelta(days=1), tick=False):
            Event.objects.create(title="Pressekonferenz zur Grenzregion", slug="pk",
                                 organisation=organisation, starts_at=ends - 2 * SECOND * 3600,
                                 ends_at=ends, status=Event.Status.ANNOUNCED,
                                 published_at=timezone.now())
        urls = ["/", reverse("releases:event-list")]
        with time_machine.travel(ends - SECOND, tick=False):
            assert shown(client, urls, "Pressekonferenz zur Grenzregion") == [True, True]
        with time_machine.travel(ends + SECOND, tick=False):
            assert shown(client, urls, "Pressekonferenz zur Grenzregion") == [False, False]


    @pytest.fixture
    def accreditation_event(self, organisation):
        starts = berlin(2026, 3, 30, 10, 0)  # the Monday after summer time began
        with time_machine.travel(starts - datetime.timedelta(days=5), tick=False):
            event = Event.objects.create(
                title="Pressekonferenz zur Grenzregion", slug="pk", organisation=organisation,
                starts_at=starts, requires_accreditation=True,
                status=Event.Status.ANNOUNCED, published_at=timezone.now())
        return event

    def test_accreditation_is_offered_until_the_deadline_and_not_a_second_longer(
            self, client, page_cache, accreditation_event):
        from journalists.models import AccreditationSettings

        deadline = berlin(2026, 3, 29, 3, 0)  # the first hour of summer time
        url = accreditation_event.get_absolute_url()
        with time_machine.travel(deadline - datetime.timedelta(days=2), tick=False):
            AccreditationSettings.objects.create(event=accreditation_event, deadline=deadline)
        with time_machine.travel(deadline - datetime.timedelta(hours=5), tick=False):
            assert shown(client, [url], "Akkreditierung beantragen") == [True]
        with time_machine.travel(deadline - SECOND, tick=False):
            assert shown(client, [url], "Akkreditierung beantragen") == [True]
            assert max_age(client.get(url)) <= 1
        with time_machine.travel(deadline, tick=False):
            assert shown(client, [url], "Akkreditierung beantragen") == [False]
            assert shown(client, [url], "Frist für die Akkreditierung") == [True]

    def test_a_deadline_brought_forward_shows_at_once(
            self, client, page_cache, accreditation_event):
        from journalists.models import AccreditationSettings

        url = accreditation_event.get_absolute_url()
        with time_machine.travel(berlin(2026, 3, 27, 9, 0), tick=False):
            assert shown(client, [url], "Akkreditierung beantragen") == [True]
            AccreditationSettings.objects.create(event=accreditation_event,
                                                 deadline=berlin(2026, 3, 27, 8, 0))
            assert shown(client, [url], "Akkreditierung beantragen") == [False]


class TestDeployCheck:
    def test_a_cache_of_one_process_is_reported(self, settings):
        from releases.caching import check_shared_cache

        assert [warning.id for warning in check_shared_cache(None)] == ["newsroom.W001"]
        settings.PAGE_CACHE_SECONDS = 0
        assert check_shared_cache(None) == []

    def test_a_shared_redis_is_not(self, settings):
        from releases.caching import check_shared_cache

        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": REDIS_URL}}
        assert check_shared_cache(None) == []


class TestListingCounts:
    def test_paging_through_a_topic_counts_its_releases_once(
            self, client, page_cache, make_release, topic, approved, spokesperson):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from releases.views.pages import PAGE_SIZE

        for _ in range(PAGE_SIZE + 1):
            make_release().topics.add(topic)
        url = reverse("releases:topic-detail", kwargs={"slug": topic.slug})
        assert client.get(url).context["paginator"].count == PAGE_SIZE + 1
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url + "?page=2")
        assert page.context["paginator"].count == PAGE_SIZE + 1
        assert not [query for query in queries if "COUNT(" in query["sql"].upper()]
        # A new release in the topic: counted afresh.
        approved.topics.add(topic)
        services.publish(approved, spokesperson)
        assert client.get(url + "?page=2").context["paginator"].count == PAGE_SIZE + 2

    def test_paging_through_the_api_counts_each_filtered_list_once(
            self, client, page_cache, make_release, topic, approved, spokesperson):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for _ in range(3):
            make_release().topics.add(topic)
        make_release()
        url = reverse("releases:api-release-list")

        def count(**query):
            with CaptureQueriesContext(connection) as queries:
                answer = client.get(url, {"page_size": 2, **query}).json()["count"]
            return answer, sum("COUNT(" in query["sql"].upper() for query in queries)

        assert count() == (4, 1)
        assert count(page=2) == (4, 0)
        assert count(topic=topic.slug) == (3, 1)
        assert count(topic=topic.slug, page=2) == (3, 0)
        assert count(topic=topic.slug, page=2, utm_source="x") == (3, 0)
        approved.topics.add(topic)
        services.publish(approved, spokesperson)
        assert count(topic=topic.slug, page=2) == (4, 1)


class TestWhatIsNotCached:
    def test_a_page_with_a_form_token_is_not_kept(self, rf, page_cache):
        from django.http import HttpResponse
        from django.middleware.csrf import get_token

        from releases.caching import cache_public

        calls = []

        @cache_public
        def view(request):
            calls.append(1)
            return HttpResponse(f"<form>{get_token(request)}</form>")

        for _ in range(2):
            request = rf.get("/formular/")
            view(request)
        assert len(calls) == 2

    def test_a_page_that_varies_by_another_header_is_not_kept(self, rf, page_cache):
        from django.http import HttpResponse

        from releases.caching import cache_public

        calls = []

        @cache_public
        def view(request):
            calls.append(1)
            response = HttpResponse(request.headers.get("accept", ""))
            response["Vary"] = "Accept"
            return response

        view(rf.get("/daten/", headers={"accept": "application/json"}))
        assert view(rf.get("/daten/", headers={"accept": "text/html"})).content == b"text/html"
        assert len(calls) == 2

    def test_search_and_previews_are_not_cached(self):
        from django.urls import resolve

        assert not getattr(resolve("/suche/").func, "is_page_cached", False)
        assert not getattr(resolve("/vorschau/abc/").func, "is_page_cached", False)
        assert resolve("/").func.is_page_cached
        assert resolve("/medieninformationen/feed/").func.is_page_cached


class TestQueryStrings:
    def test_made_up_parameters_are_answered_from_the_page_without_them(
            self, client, published, django_assert_num_queries):
        from django.core.cache import cache

        urls = ["/", published.get_absolute_url(), reverse("releases:feed"),
                "/api/releases/?page=1"]
        plain = {url: client.get(url).content for url in urls}
        kept = len(cache._cache)
        for url, query in zip(urls, ["?cb=1", "?utm_source=mail&utm_medium=x", "?x=1", "&cb=3"],
                              strict=True):
            # From the cache: no query (not even for the generation, kept in the cache).
            with django_assert_num_queries(0):
                response = client.get(url + query)
            assert response.status_code == 200, url
            assert response.content == plain[url], url
        assert len(cache._cache) == kept

    def test_the_page_sees_only_the_parameters_it_reads(self, rf, db):
        from django.http import HttpResponse

        from releases.caching import cache_public

        seen = []

        def view(request):
            seen.append((dict(request.GET.lists()), request.get_full_path()))
            return HttpResponse("Seite")

        cached = cache_public(view, query={"page"})
        request = rf.get("/liste/?utm_source=mail&page=2&page=3&cb=1")
        request.COOKIES = {}
        assert cached(request).status_code == 200
        assert seen == [({"page": ["2", "3"]}, "/liste/?page=2&page=3")]

    def test_a_parameter_the_page_reads_is_kept_once_however_it_is_written(self, client,
                                                                          published):
        from django.core.cache import cache

        client.get("/")
        kept = len(cache._cache)
        for query in ["kind=medieninformation&page=1", "page=1&kind=medieninformation",
                      "page=1&kind=medieninformation&", "page=%31&kind=medieninformation"]:
            response = client.get(f"/api/releases/?{query}")
            assert response.status_code == 200 and published.title in response.content.decode()
        assert len(cache._cache) == kept + 2  # the page, and the count of its list

    def test_the_api_list_keeps_exactly_its_documented_parameters(self):
        from exchange.openapi import openapi_document
        from exchange.urls import QUERY_PARAMETERS

        document = openapi_document(page_size=20, max_page_size=100)
        listing = next(path["get"] for path in document["paths"].values()
                       if path.get("get", {}).get("operationId") == "listReleases")
        assert {parameter["name"] for parameter in listing["parameters"]} == (
            QUERY_PARAMETERS["api-release-list"])


class TestNotFound:
    def test_an_address_not_public_yet_is_kept_by_no_cdn_until_it_is(self, client,
                                                                      make_release):
        from releases.models import Topic

        ends = berlin(2026, 11, 27, 12, 0)
        with time_machine.travel(ends - datetime.timedelta(hours=2), tick=False):
            release = make_release(title=TITLE, embargo_until=ends)
            topic = Topic.objects.create(name="Grenzregion", slug="grenzregion")
            release.topics.add(topic)
        urls = [release.get_absolute_url(), topic.get_absolute_url(),
                reverse("releases:topic-feed", kwargs={"slug": topic.slug}),
                reverse("releases:topic-calendar", kwargs={"slug": topic.slug}),
                reverse("releases:api-release-detail", kwargs={"release_id": release.uuid})]
        with time_machine.travel(ends - SECOND, tick=False):
            for url in urls:
                response = client.get(url)
                assert response.status_code == 404, url
                directives = response["Cache-Control"].split(", ")
                assert {"private", "no-store", "max-age=0"} <= set(directives), url
                assert "public" not in directives, url
        with time_machine.travel(ends, tick=False):
            assert [client.get(url).status_code for url in urls] == [200] * len(urls)


class TestNotModified:
    def test_a_feeds_304_says_the_max_age_of_its_200(self, client, approved, spokesperson):
        from django.core.cache import cache

        feed = reverse("releases:feed")
        due = berlin(2026, 6, 1, 10, 2)
        with time_machine.travel(due - datetime.timedelta(days=1), tick=False):
            services.schedule(approved, spokesperson, datetime.datetime(2026, 6, 1, 10, 2))
        with time_machine.travel(due - datetime.timedelta(seconds=119), tick=False):
            page = client.get(feed)
            assert page.status_code == 200 and max_age(page) == 119
            # From the cache, and rendered anew (the feed answers the condition itself).
            for _ in range(2):
                again = client.get(feed, headers={"if-none-match": page["ETag"]})
                assert again.status_code == 304
                assert max_age(again) == 119
                assert "public" in again["Cache-Control"]
                cache.clear()


class TestSearchFormChoices:
    """The search form's topics are kept in the cache (public_value), yet offered
    exactly while they are public."""

    @staticmethod
    def offered(client, topic):
        return f'value="{topic.slug}"' in client.get(reverse("releases:search")).content.decode()

    def test_a_topic_is_offered_when_its_embargo_ends_and_not_a_second_earlier(
            self, client, page_cache, make_release, topic):
        ends = berlin(2026, 10, 25, 2, 30)  # in the repeated hour of the change to winter time
        with time_machine.travel(ends - datetime.timedelta(hours=2), tick=False):
            make_release(title=TITLE, embargo_until=ends).topics.add(topic)
            assert not self.offered(client, topic)
        with time_machine.travel(ends - SECOND, tick=False):
            assert not self.offered(client, topic)
        with time_machine.travel(ends, tick=False):
            assert self.offered(client, topic)

    def test_a_topic_is_no_longer_offered_once_its_only_release_is_withdrawn(
            self, client, page_cache, make_release, topic, spokesperson):
        release = make_release(title=TITLE)
        release.topics.add(topic)
        assert self.offered(client, topic)
        services.withdraw(release, spokesperson, "Fehlerhafte Angaben")
        assert not self.offered(client, topic)

    def test_a_topic_and_an_organisation_of_an_appointment_alone_are_not_offered(
            self, client, page_cache, organisation, topic):
        """Public, as an appointment names them, yet choosing them finds no release."""
        appointment = Event.objects.create(
            title="Europaministerkonferenz", slug="emk", organisation=organisation,
            starts_at=timezone.now() + datetime.timedelta(days=2),
            status=Event.Status.ANNOUNCED, published_at=timezone.now())
        appointment.topics.add(topic)
        assert topic.name in client.get(reverse("releases:topic-list")).content.decode()
        assert not self.offered(client, topic)
        assert not self.offered(client, organisation)
        # Its feed can be subscribed to before the first release.
        feed = client.get(reverse("releases:search-feed"), {"topic": topic.slug})
        assert feed.status_code == 200
