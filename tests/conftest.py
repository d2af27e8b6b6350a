"""Shared fixtures and the rule that CI may not silently skip tests.

Tests marked ``postgres`` need PostgreSQL and ``browser`` tests need Chromium.
Locally they are skipped when those are missing; with
NEWSROOM_REQUIRE_ALL_TESTS=1 (set by CI) a skip becomes a failure.
"""

import datetime
import os
import shutil

import pytest
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from releases.models import Contact, Organisation, Person, PlaceGroup, PlaceName, Release, Topic
from releases.search import rebuild_search_index

REQUIRE_ALL = os.environ.get("NEWSROOM_REQUIRE_ALL_TESTS", "") not in {"", "0", "false"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def skip_or_fail(reason):
    if REQUIRE_ALL:
        pytest.fail(f"required test could not run: {reason}", pytrace=False)
    pytest.skip(reason)


# The rows that data migrations write: the roles with their permissions, the place names.
# A transactional test (the browser tests, ...) empties every table when it ends. They are
# kept as migrate wrote them, before the first test that uses the database, and written
# again after each such test, so that a test finds the database as migrate left it
# whatever the order the tests run in. (Running the data migrations again would not do:
# a role granted a whole app's permissions then would get those of later models too.)
_migration_rows = []
DB_BLOCKER = pytest.StashKey()


def _read_migration_rows():
    rows = [*Group.objects.all(), *PlaceGroup.objects.all(), *PlaceName.objects.all()]
    # Permissions by their natural key: the emptied tables get new ids.
    return serializers.serialize("json", rows, use_natural_foreign_keys=True)


def restore_migration_data():
    """Write the data migrations' rows again if the tables were emptied, and empty the
    search index, which emptying the tables leaves (SQLite's FTS5 table is no model)."""
    if _migration_rows and not Group.objects.exists():
        rebuild_search_index()
        for row in serializers.deserialize("json", _migration_rows[0]):
            row.save()
        # Written with their ids: the next row a test adds gets one after them.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                    no_style(), [Group, PlaceGroup, PlaceName]):
                cursor.execute(statement)


def _uses_database(item):
    return bool({"db", "transactional_db", "live_server"} & set(item.fixturenames)
                or item.get_closest_marker("django_db"))


@pytest.fixture(autouse=True)
def _database_access(request, django_db_blocker):
    """Keeps the data migrations' rows before the first test that uses the database, and
    the database access for the teardown below, which runs after the test's fixtures."""
    request.node.stash[DB_BLOCKER] = django_db_blocker
    if not _migration_rows and _uses_database(request.node):
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            _migration_rows.append(_read_migration_rows())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    flushed = {"transactional_db", "live_server"} & set(item.fixturenames) or any(
        marker.kwargs.get("transaction") for marker in item.iter_markers("django_db"))
    # After the last test the test database is gone, and the connection is the real one.
    if flushed and nextitem is not None and DB_BLOCKER in item.stash:
        with item.stash[DB_BLOCKER].unblock():
            restore_migration_data()
    return result


@pytest.fixture(autouse=True)
def _require_environment(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (set DATABASE_URL)")
    if request.node.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        skip_or_fail(f"needs Chromium at {CHROMIUM}")


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Passwords hashed in a millisecond rather than half a second: tests log in often."""
    hashers = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    hashers.enable()
    yield
    hashers.disable()


@pytest.fixture(scope="session", autouse=True)
def _static_files_looked_up_when_asked():
    """Whitenoise finds a static file when it is requested, rather than listing all of
    them (CKEditor's are over a thousand) whenever a request handler is built, as every
    test client does: a server builds its handler once, a test suite thousands of times."""
    lookup = override_settings(WHITENOISE_AUTOREFRESH=True)
    lookup.enable()
    yield
    lookup.disable()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _german():
    """Each test starts in German: a request under /en/ leaves English active in the
    thread, and reverse() would then give English addresses."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no page of another test's data."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def no_page_cache(settings):
    """Every request renders its page: for counting what a page costs to make."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        name="Sächsisches Staatsministerium für Regionalentwicklung", short_name="SMR",
        slug="smr", website="https://www.smr.sachsen.de", press_email="medien@smr.sachsen.de",
        footer="<p>Kein Zugang für verschlüsselte elektronische Dokumente.</p>")


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Digitalisierung", slug="digitalisierung")


@pytest.fixture
def contact(organisation):
    return Contact.objects.create(name="Frank Meyer", phone="+49 351 564 50024",
                                  email="medien@smr.sachsen.de", organisation=organisation)


@pytest.fixture
def person(db):
    return Person.objects.create(given_name="Thomas", family_name="Schmidt",
                                 slug="thomas-schmidt")


@pytest.fixture
def make_release(organisation):
    """Create a release; published an hour ago unless told otherwise."""
    counter = iter(range(1, 100_000))

    def make(**fields):
        n = next(counter)
        values = {
            "organisation": organisation,
            "title": f"Medieninformation {n}",
            "slug": f"medieninformation-{n}",
            "body": "<p>Text.</p>",
            "status": Release.Status.PUBLISHED,
            "published_at": timezone.now() - datetime.timedelta(hours=1),
        }
        values.update(fields)
        now = timezone.now()
        published_at = values["published_at"] or now
        if values["status"] == Release.Status.PUBLISHED and published_at <= now and (
                (values.get("embargo_until") or now) <= now):
            # Public already, as after services.publish: numbered and announced (or not,
            # if the test gives a number) and done.
            values.setdefault("effects_done_at", published_at)
        release = Release.objects.create(**values)
        if release.created_by is not None:  # who created it wrote it (as services do)
            release.authors.add(release.created_by)
        return release

    return make
