"""The cache is an accelerator, never a dependency (releases/cache_backend.py).

With CACHE_URL on a port where nothing listens, and on a server that accepts
connections and never answers (a Redis that hangs), every public page, the
subscription form, an admin save, the workflow, ``migrate`` and /healthz/ work;
a request tries the cache at most once, and after that the process leaves it
alone for a while. When the cache is back, no page from before is shown.
"""

import logging
import os
import socket
import threading
import uuid

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from newsroom import settings as project_settings
from releases import cache_backend, caching, services
from releases.models import Release

from .admin_helpers import form_data
from .conftest import skip_or_fail
from .workflow_fixtures import change_url, fresh, workflow_url

pytest_plugins = ["tests.public_fixtures", "tests.workflow_fixtures"]
pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def closed_port():
    """A local port on which nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SilentServer:
    """Accepts connections and never reads or writes: a Redis that hangs."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.05)
        self.port = self.socket.getsockname()[1]
        self.accepted = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.accepted.append(connection)

    def stop(self):
        self.stopping.set()
        self.thread.join()
        for connection in self.accepted:
            connection.close()
        self.socket.close()


@pytest.fixture
def attempts(monkeypatch):
    """Every command sent (or tried) to a Redis server, by name."""
    sent = []
    execute = redis.Redis.execute_command

    def counting(self, *args, **options):
        sent.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return sent


@pytest.fixture
def use_cache(settings, monkeypatch):
    """Point the default cache at ``url`` as CACHE_URL would (the project's settings)."""
    # Each test starts with a process that has not met an outage yet.
    monkeypatch.setattr(cache_backend, "_outages", {})
    monkeypatch.setattr(caching, "_cache_was_away", False)

    def use(url, **environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        # A pause longer than any test: what a request costs does not depend on its speed.
        monkeypatch.setenv("CACHE_RETRY_AFTER", environment.get("CACHE_RETRY_AFTER", "600"))
        settings.CACHES = {"default": project_settings._cache(url)}

    return use


@pytest.fixture(params=["closed-port", "silent-server"])
def cache_away(request, use_cache):
    """The cache is down (nothing listens) or hangs (a server that never answers)."""
    if request.param == "closed-port":
        use_cache(f"redis://127.0.0.1:{closed_port()}/0")
        yield None
    else:
        server = SilentServer()
        use_cache(f"redis://127.0.0.1:{server.port}/0")
        yield server
        server.stop()


def public_urls(release, topic, organisation, minister, event, delegation, contact):
    return [
        "/", reverse("releases:release-list"), release.get_absolute_url(),
        reverse("releases:kind-detail", kwargs={"kind": "medieninformation"}),
        reverse("releases:feed"), reverse("releases:feed-atom"),
        reverse("releases:topic-list"), topic.get_absolute_url(),
        reverse("releases:topic-feed", kwargs={"slug": topic.slug}),
        reverse("releases:organisation-list"), organisation.get_absolute_url(),
        reverse("releases:organisation-feed", kwargs={"slug": organisation.slug}),
        minister.get_absolute_url(),
        reverse("releases:person-feed", kwargs={"slug": minister.slug}),
        reverse("releases:archive"), "/archiv/2021/", "/archiv/2021/10/",
        reverse("releases:event-list"), reverse("releases:event-past"),
        event.get_absolute_url(), reverse("releases:event-calendar"),
        reverse("releases:event-ics", kwargs={"pk": event.pk}),
        reverse("releases:person-calendar", kwargs={"slug": minister.slug}),
        reverse("releases:topic-calendar", kwargs={"slug": topic.slug}),
        reverse("releases:delegation-list"), delegation.get_absolute_url(),
        reverse("releases:contact-list"),
        reverse("releases:contact-vcard", kwargs={"pk": contact.pk}),
        reverse("releases:imprint"), reverse("releases:search") + "?q=Kattowitz",
        reverse("releases:api-release-list"),
        reverse("releases:api-release-detail", kwargs={"release_id": release.uuid}),
        reverse("releases:api-openapi"), "/sitemap.xml", "/sitemap-releases.xml", "/en/",
    ]


@pytest.fixture
def site(full_release, topic, organisation, minister, event, past_event, delegation, contact):
    return public_urls(full_release, topic, organisation, minister, event, delegation,
                       contact)


class TestConfiguration:
    def test_timeouts_are_well_under_a_second_by_default(self, monkeypatch):
        for name in ("CACHE_CONNECT_TIMEOUT", "CACHE_SOCKET_TIMEOUT", "CACHE_RETRY_AFTER"):
            monkeypatch.delenv(name, raising=False)
        options = project_settings._cache("redis://cache.internal:6379/0")["OPTIONS"]
        assert 0 < options["socket_connect_timeout"] <= 0.5
        assert 0 < options["socket_timeout"] <= 0.5
        assert options["retry_after"] >= 1

    def test_timeouts_come_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("CACHE_CONNECT_TIMEOUT", "0.1")
        monkeypatch.setenv("CACHE_SOCKET_TIMEOUT", "0.3")
        monkeypatch.setenv("CACHE_RETRY_AFTER", "10")
        options = project_settings._cache("redis://cache.internal:6379/0")["OPTIONS"]
        assert (options["socket_connect_timeout"], options["socket_timeout"],
                options["retry_after"]) == (0.1, 0.3, 10)

    def test_redis_is_asked_once_per_call_without_retries_of_its_own(self, use_cache):
        use_cache("redis://cache.internal:6379/0")
        pool = cache._cache.get_client(write=True).connection_pool
        assert pool.connection_kwargs["retry"].get_retries() == 0
        assert pool.connection_kwargs["socket_timeout"] <= 0.5
        assert "retry_after" not in pool.connection_kwargs


class TestPublicSite:
    def test_every_page_renders_uncached_and_only_the_first_tries_the_cache(
            self, client, site, full_release, cache_away, attempts):
        assert client.get("/").status_code == 200
        assert len(attempts) == 1
        for url in site:
            response = client.get(url)
            assert response.status_code == 200, url
        assert full_release.title in client.get(full_release.get_absolute_url()).text
        assert full_release.title in client.get(reverse("releases:feed")).text
        assert len(attempts) == 1
        if cache_away is not None:  # the silent server: one connection, never a second
            assert len(cache_away.accepted) == 1

    def test_pages_keep_their_cache_control_for_a_cdn(self, client, cache_away, site,
                                                      settings):
        for url in ["/", reverse("releases:feed"), reverse("releases:event-calendar")]:
            directives = client.get(url)["Cache-Control"].split(", ")
            assert "public" in directives, url
            assert any(d.startswith("max-age=") for d in directives), url

    def test_the_outage_is_logged_once_not_for_every_request(self, client, site, cache_away,
                                                              caplog):
        with caplog.at_level(logging.INFO, logger="releases.cache_backend"):
            for url in site[:5]:
                client.get(url)
        records = [r for r in caplog.records if r.name == "releases.cache_backend"]
        assert len(records) == 1
        assert records[0].levelno == logging.WARNING
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


class TestForms:
    def test_subscription_form_is_shown_and_accepted_without_counting(
            self, client, cache_away, full_release, topic, mailoutbox):
        assert client.get(reverse("journalists:subscribe")).status_code == 200
        # The limit of five per connection fails open while it cannot be counted.
        for n in range(7):
            response = client.post(reverse("journalists:subscribe"), {
                "email": f"leserin{n}@example.org", "topics": [topic.pk],
                "frequency": "immediate"})
            assert response.status_code == 302
            assert response["Location"] == reverse("journalists:subscribe-sent")
        assert len(mailoutbox) == 7


class TestWrites:
    def test_admin_save_and_the_workflow_to_the_public_page(
            self, client, cache_away, draft, editor_client, spokesperson_client,
            django_capture_on_commit_callbacks):
        title = "Sachsen und Schlesien bauen Zusammenarbeit aus"
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(change_url(draft), form_data(draft, title=title))
        assert response.status_code == 302
        for client_, operation in [(editor_client, "submit"),
                                   (spokesperson_client, "approve"),
                                   (spokesperson_client, "publish")]:
            with django_capture_on_commit_callbacks(execute=True):
                response = client_.post(workflow_url(draft, operation),
                                        {"version": str(fresh(draft).version)})
            assert response.status_code == 302, operation
        assert fresh(draft).status == Release.Status.PUBLISHED
        assert title in client.get(fresh(draft).get_absolute_url()).content.decode()

    def test_a_publication_is_seen_at_once(self, client, cache_away, approved, spokesperson,
                                           django_capture_on_commit_callbacks):
        assert approved.title not in client.get("/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            services.publish(approved, spokesperson)
        assert approved.title in client.get("/").content.decode()

    def test_migrate_succeeds(self, cache_away):
        call_command("migrate", verbosity=0, interactive=False)


class TestHealth:
    def test_the_site_answers_degraded_and_stays_in_rotation(self, client, cache_away):
        response = client.get("/healthz/")
        assert response.status_code == 200
        assert response.json() == {"status": "degraded", "database:default": "ok",
                                   "cache": "error"}

    def test_a_failing_database_is_still_503(self, client, cache_away, monkeypatch):
        from django.db import OperationalError

        from releases.views import health

        def broken(alias):
            raise OperationalError("connection refused")

        monkeypatch.setattr(health, "_database", broken)
        response = client.get("/healthz/")
        assert response.status_code == 503
        assert response.json()["status"] == "error"


@pytest.mark.redis
class TestBackFromAnOutage:
    @pytest.fixture
    def redis_cache(self, use_cache, monkeypatch):
        """The local Redis, which the test takes away and gives back."""
        use_cache(REDIS_URL, CACHE_KEY_PREFIX=f"newsroom-test-{uuid.uuid4().hex}",
                  CACHE_RETRY_AFTER="0")
        try:
            cache.get("ping")
        except Exception as error:  # any failure to reach Redis
            skip_or_fail(f"needs Redis at {REDIS_URL} ({error})")
        execute = redis.Redis.execute_command
        state = {"away": False}

        def execute_or_fail(self, *args, **options):
            if state["away"]:
                raise redis.exceptions.ConnectionError("Connection refused.")
            return execute(self, *args, **options)

        monkeypatch.setattr(redis.Redis, "execute_command", execute_or_fail)
        yield state
        state["away"] = False
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{cache.key_prefix}:*"):
            client.delete(key)

    @staticmethod
    def withdrawn_in_an_outage(client, redis_cache, published, spokesperson, topic,
                               capture_on_commit):
        """Pages showing ``published`` are kept; the cache goes away and the release is
        withdrawn. Returns the pages' addresses (the cache still away)."""
        published.topics.add(topic)
        pages = ["/", topic.get_absolute_url(), reverse("releases:feed")]
        assert all(published.title in client.get(url).content.decode() for url in pages)
        redis_cache["away"] = True
        with capture_on_commit(execute=True):
            services.withdraw(fresh(published), spokesperson, "Falsche Zahlen")
        return pages

    def test_a_page_kept_before_is_not_shown_after_a_change_made_meanwhile(
            self, client, redis_cache, published, spokesperson, topic,
            django_capture_on_commit_callbacks):
        pages = self.withdrawn_in_an_outage(client, redis_cache, published, spokesperson,
                                            topic, django_capture_on_commit_callbacks)
        assert not any(published.title in client.get(url).content.decode() for url in pages)
        redis_cache["away"] = False
        assert not any(published.title in client.get(url).content.decode() for url in pages)
        # and the cache is used again
        assert cache.get(caching.GENERATION_KEY) is not None

    def test_a_change_made_by_another_process_in_the_outage_is_settled_by_publish_due(
            self, client, redis_cache, published, spokesperson, topic, monkeypatch,
            django_capture_on_commit_callbacks):
        """A command withdraws a release while the cache is away and ends; no worker
        served a page meanwhile. The next publish_due drops the pages kept from before."""
        pages = self.withdrawn_in_an_outage(client, redis_cache, published, spokesperson,
                                            topic, django_capture_on_commit_callbacks)
        monkeypatch.setattr(caching, "_cache_was_away", False)  # the web worker's view
        redis_cache["away"] = False
        call_command("publish_due")
        assert not any(published.title in client.get(url).content.decode() for url in pages)
        # Settled once: the pages kept from now on stay kept.
        generation = cache.get(caching.GENERATION_KEY)
        call_command("publish_due")
        assert cache.get(caching.GENERATION_KEY) == generation
