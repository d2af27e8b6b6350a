"""Production wiring: settings from the environment, read replicas, Redis, health, static files."""

import gc
import json
import os
import runpy
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache.backends.redis import RedisCache
from django.db import OperationalError, connections, router
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.module_loading import import_string

from newsroom.routers import ReplicaRouter
from releases.models import Release, Topic
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "newsroom" / "settings.py"
REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PRODUCTION_VARIABLES = (
    "DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_REPLICA_URLS", "CACHE_URL",
    "STORAGE_BACKEND", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN", "AWS_QUERYSTRING_AUTH", "SERVE_MEDIA", "CONN_MAX_AGE",
)


@pytest.fixture
def load_settings(monkeypatch):
    """The settings module as it would be read with these environment variables."""

    def load(**environment):
        for name in PRODUCTION_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("SECRET_KEY", "test-only")
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return load


class TestSettingsFromEnvironment:
    def test_without_environment_the_embedded_defaults_apply(self, load_settings):
        loaded = load_settings()
        assert list(loaded["DATABASES"]) == ["default"]
        assert "DATABASE_ROUTERS" not in loaded
        assert loaded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
        assert loaded["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
        assert loaded["SERVE_MEDIA"] is True

    def test_replica_urls_become_aliases_routed_by_the_replica_router(self, load_settings):
        loaded = load_settings(
            DATABASE_URL="postgres://app@primary.internal/newsroom", CONN_MAX_AGE="60",
            DATABASE_REPLICA_URLS="postgres://app@replica1.internal/newsroom,"
                                  "postgres://app@replica2.internal/newsroom")
        databases = loaded["DATABASES"]
        assert list(databases) == ["default", "replica", "replica2"]
        assert databases["replica2"]["HOST"] == "replica2.internal"
        assert databases["replica"]["TEST"] == {"MIRROR": "default"}
        assert databases["replica"]["CONN_MAX_AGE"] == 60
        assert databases["replica"]["CONN_HEALTH_CHECKS"] is True
        assert loaded["DATABASE_ROUTERS"] == ["newsroom.routers.ReplicaRouter"]

    def test_a_single_replica_url_is_enough(self, load_settings):
        loaded = load_settings(DATABASE_URL="postgres://app@primary.internal/newsroom",
                               DATABASE_REPLICA_URL="postgres://app@replica.internal/newsroom")
        assert list(loaded["DATABASES"]) == ["default", "replica"]

    def test_persistent_connections_are_health_checked(self, load_settings):
        loaded = load_settings(DATABASE_URL="postgres://app@db.internal/newsroom",
                               CONN_MAX_AGE="600")
        assert loaded["DATABASES"]["default"]["CONN_MAX_AGE"] == 600
        assert loaded["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True

    def test_a_redis_url_selects_the_redis_cache(self, load_settings):
        cache = load_settings(CACHE_URL="redis://cache.internal:6379/1")["CACHES"]["default"]
        assert issubclass(import_string(cache["BACKEND"]), RedisCache)
        assert cache["LOCATION"] == "redis://cache.internal:6379/1"

    def test_the_dummy_cache_can_be_chosen(self, load_settings):
        cache = load_settings(CACHE_URL="dummy")["CACHES"]["default"]
        assert cache["BACKEND"].endswith("DummyCache")

    def test_an_unknown_cache_url_is_refused(self, load_settings):
        from django.core.exceptions import ImproperlyConfigured

        with pytest.raises(ImproperlyConfigured):
            load_settings(CACHE_URL="memcached://cache.internal")

    def test_a_bucket_selects_s3_storage_for_media(self, load_settings):
        loaded = load_settings(AWS_STORAGE_BUCKET_NAME="presse-media",
                               AWS_S3_ENDPOINT_URL="https://s3.example.org",
                               AWS_S3_REGION_NAME="eu-central-1",
                               AWS_S3_CUSTOM_DOMAIN="media.presse.example.org")
        storage = loaded["STORAGES"]["default"]
        assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
        assert storage["OPTIONS"]["bucket_name"] == "presse-media"
        assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
        assert storage["OPTIONS"]["region_name"] == "eu-central-1"
        assert storage["OPTIONS"]["custom_domain"] == "media.presse.example.org"
        # Stable public URLs a CDN can cache; random names instead of listing.
        assert storage["OPTIONS"]["querystring_auth"] is False
        assert storage["OPTIONS"]["file_overwrite"] is False
        assert loaded["SERVE_MEDIA"] is False

    def test_storage_backend_s3_selects_s3_storage(self, load_settings):
        loaded = load_settings(STORAGE_BACKEND="s3", AWS_STORAGE_BUCKET_NAME="b")
        assert loaded["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"

    def test_s3_storage_builds_public_urls_without_a_request(self):
        from storages.backends.s3 import S3Storage

        storage = S3Storage(bucket_name="presse-media", custom_domain="media.example.org",
                            querystring_auth=False, access_key="k", secret_key="s")
        url = storage.url("images/2026/01/0123abcd.jpg")
        assert url == "https://media.example.org/images/2026/01/0123abcd.jpg"


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """A second alias on the test database, as DATABASES["replica"] with TEST MIRROR gives."""
    connections.settings["replica"] = {**connections["default"].settings_dict,
                                       "TEST": {"MIRROR": "default"}}
    yield "replica"
    with django_db_blocker.unblock():
        connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


class TestReplicaRouterRules:
    def test_logins_and_sessions_are_read_from_the_primary(self):
        from django.contrib.auth.models import User
        from django.contrib.sessions.models import Session

        assert ReplicaRouter().db_for_read(User) == "default"
        assert ReplicaRouter().db_for_read(Session) == "default"

    def test_writes_and_migrations_go_to_the_primary_only(self):
        assert ReplicaRouter().db_for_write(Release) == "default"
        assert ReplicaRouter().allow_migrate("default", "releases")
        assert not ReplicaRouter().allow_migrate("replica", "releases")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
class TestReplicaRouter:
    @pytest.fixture(autouse=True)
    def _router(self, settings):
        settings.DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]

    def test_reads_go_to_the_replica_and_writes_to_the_primary(self, replica):
        topic = Topic.objects.create(name="Verkehr", slug="verkehr")
        assert topic._state.db == "default"
        assert router.db_for_read(Topic) == replica
        read = Topic.objects.get(slug="verkehr")
        assert read._state.db == replica
        assert read == topic

    def test_inside_a_transaction_reads_stay_on_the_primary(self, replica):
        from django.db import transaction

        with transaction.atomic():
            Topic.objects.create(name="Schule", slug="schule")
            assert Topic.objects.get(slug="schule")._state.db == "default"

    def test_rows_from_primary_and_replica_may_relate(self, replica, organisation):
        topic = Topic.objects.get(pk=Topic.objects.create(name="Bau", slug="bau").pk)
        release = Release.objects.create(
            organisation=organisation, title="Brücke", slug="bruecke", body="<p>Text.</p>")
        release.topics.add(topic)
        assert list(Release.objects.get(pk=release.pk).topics.all()) == [topic]

    def test_the_public_pages_are_served_from_the_replica(self, replica, client, make_release):
        release = make_release(title="Hochwasserschutz an der Mulde")
        with CaptureQueriesContext(connections[replica]) as on_replica:
            response = client.get(release.get_absolute_url())
        assert response.status_code == 200
        assert "Hochwasserschutz an der Mulde" in response.text
        assert any("releases_release" in query["sql"] for query in on_replica)


@pytest.fixture
def redis_cache():
    """A cache on the local Redis under a key prefix of its own (clear() would flush all)."""
    prefix = f"newsroom-test-{uuid.uuid4().hex}"
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix,
                                   "OPTIONS": {"socket_connect_timeout": 1}})
    try:
        cache.get("ping")
    except Exception as error:  # any failure to reach Redis
        skip_or_fail(f"needs Redis at {REDIS_URL} ({error})")
    yield cache
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.mark.redis
class TestRedisCache:
    def test_set_get_and_delete(self, redis_cache):
        redis_cache.set("release:1", {"title": "Brücke"}, timeout=30)
        assert redis_cache.get("release:1") == {"title": "Brücke"}
        redis_cache.delete("release:1")
        assert redis_cache.get("release:1") is None

    def test_incr_counts_across_clients(self, redis_cache):
        other = RedisCache(REDIS_URL, {"KEY_PREFIX": redis_cache.key_prefix})
        redis_cache.set("version", 1)
        other.incr("version")
        assert redis_cache.incr("version") == 3

    def test_the_settings_for_a_redis_url_give_a_working_cache(self, redis_cache,
                                                               load_settings):
        params = load_settings(CACHE_URL=REDIS_URL)["CACHES"]["default"]
        cache = import_string(params["BACKEND"])(
            params["LOCATION"], {**params, "KEY_PREFIX": redis_cache.key_prefix})
        cache.set("greeting", "Glück auf")
        assert redis_cache.get("greeting") == "Glück auf"


@pytest.mark.django_db
class TestHealth:
    url = "/healthz/"

    def test_a_healthy_site_answers_ok(self, client):
        response = client.get(self.url)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database:default": "ok", "cache": "ok"}

    def test_the_answer_is_never_cached_and_sets_no_cookie(self, client):
        response = client.get(self.url)
        assert "no-cache" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert not response.cookies

    def test_an_unreachable_database_answers_503(self, client, monkeypatch):
        from releases.views import health

        def broken(alias):
            raise OperationalError("connection refused")

        monkeypatch.setattr(health, "_database", broken)
        response = client.get(self.url)
        assert response.status_code == 503
        assert response.json()["database:default"] == "error"
        assert "refused" not in response.text  # nothing of the error leaks out

    def test_a_dummy_cache_is_not_checked(self, client):
        with override_settings(CACHES={"default": {
                "BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
            response = client.get(self.url)
        assert response.status_code == 200
        assert "cache" not in response.json()

    def test_it_answers_outside_the_language_prefix_only(self, client):
        assert client.get("/en/healthz/").status_code == 404

    def test_post_is_not_allowed(self, client):
        assert client.post(self.url).status_code == 405


class TestStaticManifest:
    def test_collectstatic_writes_hashed_compressed_files_the_pages_use(self, tmp_path):
        static_root = tmp_path / "static"
        env = {**os.environ, "STATIC_MANIFEST": "1", "STATIC_ROOT": str(static_root),
               "DEBUG": "0", "SECRET_KEY": "test-only", "DJANGO_SETTINGS_MODULE":
               "newsroom.settings"}
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
                       cwd=ROOT, env=env, check=True)
        manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
        css = next(name for name in manifest if name.startswith("css/"))
        hashed = static_root / manifest[css]
        assert hashed.exists() and hashed.name != Path(css).name
        assert hashed.with_name(hashed.name + ".gz").exists()
        # The templates link to the hashed name, which whitenoise serves for a year.
        script = ("from django.templatetags.static import static; "
                  f"print(static({css!r}))")
        printed = subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                                  + script], cwd=ROOT, env=env, check=True,
                                 capture_output=True, text=True).stdout.strip()
        assert printed == f"{django_settings.STATIC_URL}{manifest[css]}"


class TestGunicornConfig:
    config = ROOT / "newsroom" / "gunicorn.conf.py"

    def test_workers_and_address_come_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("WEB_CONCURRENCY", "3")
        monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:8000")
        monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "0")
        config = runpy.run_path(str(self.config))
        assert config["workers"] == 3 and config["worker_class"] == "sync"
        assert config["bind"] == ["0.0.0.0:8000"]
        assert config["max_requests"] == 0 and config["max_requests_jitter"] == 0
        assert config["wsgi_app"] == "newsroom.wsgi:application"

    def test_a_worker_leaves_what_it_loaded_out_of_the_full_garbage_collections(self):
        config = runpy.run_path(str(self.config))
        try:
            config["post_worker_init"](None)
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()

    def test_workers_are_recycled_by_default_with_jitter(self, monkeypatch):
        monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
        config = runpy.run_path(str(self.config))
        assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0


def deploy_errors():
    """The ids of the site's own errors that check --deploy reports."""
    from django.core.checks import run_checks

    return {message.id for message in run_checks(include_deployment_checks=True)
            if message.id and message.id.startswith("newsroom.E")}


class TestSiteAddressCheck:
    @pytest.mark.parametrize("site_url", [
        "http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000",
        "https://127.0.0.2"])
    def test_an_address_on_this_machine_fails_the_deploy_check(self, settings, site_url):
        settings.SITE_URL = site_url
        settings.ALLOWED_HOSTS = ["presse.example.de", "localhost", "127.0.0.1", "[::1]"]
        assert deploy_errors() == {"newsroom.E001"}

    def test_a_host_missing_from_allowed_hosts_fails_the_deploy_check(self, settings):
        settings.SITE_URL = "https://presse.example.de"
        settings.ALLOWED_HOSTS = ["www.presse.example.de"]
        assert deploy_errors() == {"newsroom.E002"}

    @pytest.mark.parametrize("allowed", [["presse.example.de"], [".example.de"], ["*"]])
    def test_a_public_address_the_site_answers_to_passes(self, settings, allowed):
        settings.SITE_URL = "https://presse.example.de"
        settings.ALLOWED_HOSTS = allowed
        assert deploy_errors() == set()

    @pytest.mark.parametrize("site_url", ["presse.example.de", "ftp://presse.example.de",
                                          "https://"])
    def test_an_address_that_is_no_web_address_fails_the_deploy_check(self, settings,
                                                                     site_url):
        settings.SITE_URL = site_url
        settings.ALLOWED_HOSTS = ["presse.example.de"]
        assert deploy_errors() == {"newsroom.E003"}

    def test_the_embedded_default_passes_the_ordinary_check(self):
        from django.core.checks import run_checks

        assert not [message for message in run_checks() if message.is_serious()]

    def test_a_production_site_without_site_url_fails_the_deploy_check(self):
        environment = {"PATH": os.environ.get("PATH", ""), "DEBUG": "0",
                       "SECRET_KEY": "test-only-" + "x" * 50,
                       "ALLOWED_HOSTS": "presse.example.de"}
        result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT,
                                env=environment, capture_output=True, text=True, timeout=120)
        assert result.returncode != 0
        assert "newsroom.E001" in result.stderr and "127.0.0.1:8000" in result.stderr
