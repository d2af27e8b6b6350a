"""Lists of releases (list pages, search results): what each entry says of its release, and
what they leave in the database."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from releases.models import Organisation, Release, Topic

pytestmark = pytest.mark.django_db

# The night the clocks went forward: 01:30 UTC is 03:30 in Berlin.
SPRING_NIGHT = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)


@pytest.fixture
def grenzlandtag(make_release, topic):
    release = make_release(title="Grenzlandtag in Görlitz", published_at=SPRING_NIGHT,
                           kind=Release.Kind.INVITATION)
    release.topics.add(topic)
    return release


PAGES = {"list": (reverse("releases:release-list"), {}),
         "search": (reverse("releases:search"), {"q": "Grenzlandtag"})}


@pytest.mark.parametrize("page", PAGES)
class TestEntry:
    def test_gives_kind_day_and_moment_in_berlin_time(self, client, grenzlandtag, page):
        path, params = PAGES[page]
        content = client.get(path, params).content.decode()
        assert "Presseeinladung" in content
        assert '<time datetime="2026-03-29T03:30:00+02:00">29. März 2026</time>' in content

    def test_gives_the_day_alone_when_only_the_day_is_known(self, client, grenzlandtag, page):
        Release.objects.filter(pk=grenzlandtag.pk).update(has_publication_time=False)
        path, params = PAGES[page]
        content = client.get(path, params).content.decode()
        assert '<time datetime="2026-03-29">29. März 2026</time>' in content

    def test_links_the_release_and_its_topics_in_the_language_of_the_page(
            self, client, grenzlandtag, topic, page):
        path, params = PAGES[page]
        german = client.get(path, params).content.decode()
        with translation.override("en"):
            english = client.get(f"/en{path}", params).content.decode()
        for url in (grenzlandtag.get_absolute_url(), topic.get_absolute_url()):
            assert f'href="{url}"' in german and f'href="/en{url}"' in english


def test_a_list_leaves_texts_and_search_vectors_in_the_database(client, grenzlandtag):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("releases:release-list")).status_code == 200
    selected = [query["sql"] for query in queries if '"releases_release"."title"' in query["sql"]]
    assert selected
    for sql in selected:
        assert '"releases_release"."body"' not in sql
        assert '"releases_release"."search_vector"' not in sql
        assert '"releases_release"."heading_vector"' not in sql


@pytest.mark.postgres
def test_search_results_leave_texts_to_the_database_that_cuts_their_snippets(client,
                                                                              grenzlandtag):
    with CaptureQueriesContext(connection) as queries:
        content = client.get(*PAGES["search"]).content.decode()
    assert "Grenzlandtag" in content
    selected = [query["sql"] for query in queries if '"releases_release"."title"' in query["sql"]]
    assert selected
    for sql in selected:
        assert '"releases_release"."body"' not in sql


def test_a_release_is_loaded_without_its_search_vectors(grenzlandtag):
    assert Release.objects.get(pk=grenzlandtag.pk).get_deferred_fields() == {
        "search_vector", "heading_vector"}


@pytest.mark.postgres
def test_which_organisations_are_public_is_told_by_an_index_probe_each(grenzlandtag):
    # Without an index that answers it, PostgreSQL read the release table from its start
    # for each organisation until it met a public release of that organisation (27 ms
    # each at 100,000 releases). The plan of so few rows is not the plan of many: the
    # table has an archive of six organisations and its statistics, and reading whole
    # tables is ruled out.
    organisations = [grenzlandtag.organisation, *Organisation.objects.bulk_create(
        Organisation(name=f"Ministerium {n}", short_name=f"M{n}", slug=f"m-{n}")
        for n in range(5))]
    Release.objects.bulk_create(
        Release(organisation=organisations[n % 6], title=f"Archiv {n}", slug=f"a-{n}",
                status=Release.Status.PUBLISHED, published_at=SPRING_NIGHT,
                effects_done_at=SPRING_NIGHT) for n in range(3000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE releases_release, releases_organisation")
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Organisation.objects.public().explain()
    assert "Seq Scan on releases_release" not in plan
    assert re.search(r"Index Cond: \(\(?organisation_id = releases_organisation\.id", plan), plan
    assert set(Organisation.objects.public()) == set(organisations)


@pytest.mark.postgres
def test_which_topics_are_public_reads_each_topic_s_links_not_the_public_releases(
        organisation, topic):
    # Asked whether a public release is about a topic, PostgreSQL walked the public
    # releases, newest first, until it met one about it: for a topic no public release
    # is about, all of them (0.6 s for the list of topics at 100,000 releases).
    # Here 2,000 public releases are about one topic, none about the other.
    empty = Topic.objects.create(name="Leer", slug="leer")
    published = timezone.now() - datetime.timedelta(days=1)
    releases = Release.objects.bulk_create(
        Release(organisation=organisation, title=f"Medieninformation {n}", slug=f"mi-{n}",
                status=Release.Status.PUBLISHED, published_at=published) for n in range(2000))
    Release.topics.through.objects.bulk_create(
        Release.topics.through(release=release, topic=topic) for release in releases)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        sql, params = Topic.objects.public().query.sql_with_params()
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]

    def releases_read(node):
        own = (node["Actual Rows"] * node["Actual Loops"]
               if node.get("Relation Name") == Release._meta.db_table else 0)
        return own + sum(releases_read(child) for child in node.get("Plans", ()))

    assert releases_read(plan[0]["Plan"]) <= 2
    assert list(Topic.objects.public()) == [topic]
    assert empty not in Topic.objects.public()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own page cache")
def test_sqlite_keeps_32_mib_of_pages_per_connection():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -32768
