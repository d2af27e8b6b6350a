"""The search page without a query: filters alone list releases, with a feed of that list;
a query that is a release number opens the release; what each result shows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from releases.models import Organisation, Release, Topic

pytestmark = pytest.mark.django_db

SEARCH = "releases:search"


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(name="Sächsisches Staatsministerium der Finanzen",
                                       short_name="SMF", slug="smf")


@pytest.fixture
def ago():
    now = timezone.now()
    return lambda days: now - datetime.timedelta(days=days, hours=1)


def titles_on(response):
    return re.findall(r'<h3 lang="de"><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


def feed_titles(response):
    return re.findall(r"<item><title>([^<]+)</title>", response.content.decode())


class TestFiltersAlone:
    def test_a_topic_alone_lists_its_public_releases_newest_first(self, client, make_release,
                                                                  topic, ago):
        for days, title in [(30, "Alt"), (1, "Neu"), (10, "Mittel")]:
            make_release(title=f"Digital {title}", published_at=ago(days)).topics.add(topic)
        make_release(title="Ohne Thema", published_at=ago(0))
        make_release(title="Digital Entwurf", status=Release.Status.DRAFT,
                     published_at=None).topics.add(topic)
        response = client.get(reverse(SEARCH), {"topic": topic.slug})
        assert response.status_code == 200
        assert titles_on(response) == ["Digital Neu", "Digital Mittel", "Digital Alt"]
        assert "3 Medieninformationen gefunden" in response.content.decode()

    def test_organisation_kind_and_dates_combine(self, client, make_release,
                                                 other_organisation, ago):
        make_release(title="Passt", kind=Release.Kind.STATEMENT,
                     organisation=other_organisation, published_at=ago(5))
        make_release(title="Andere Art", organisation=other_organisation, published_at=ago(5))
        make_release(title="Anderes Ressort", kind=Release.Kind.STATEMENT, published_at=ago(5))
        make_release(title="Zu alt", kind=Release.Kind.STATEMENT,
                     organisation=other_organisation, published_at=ago(40))
        response = client.get(reverse(SEARCH), {
            "organisation": "smf", "kind": Release.Kind.STATEMENT,
            "from_date": timezone.localdate(ago(10)).isoformat()})
        assert titles_on(response) == ["Passt"]
        # The page's title and the filters' summary name them, in German.
        since = timezone.localdate(ago(10)).strftime("%d.%m.%Y")
        html = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert title.startswith(f"Medieninformationen: {other_organisation.name}, "
                                f"Statement, ab {since}"), title
        assert f"ab {since}</summary>" in html

    def test_the_list_is_paged_by_twenty(self, client, make_release, topic, ago):
        for day in range(25):
            make_release(title=f"Tag {day}", published_at=ago(day)).topics.add(topic)
        first = client.get(reverse(SEARCH), {"topic": topic.slug})
        second = client.get(reverse(SEARCH), {"topic": topic.slug, "page": 2})
        assert len(titles_on(first)) == 20 and titles_on(first)[0] == "Tag 0"
        assert titles_on(second) == [f"Tag {day}" for day in range(20, 25)]

    def test_the_page_makes_the_same_queries_with_one_or_many_releases(
            self, client, make_release, topic, ago):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(SEARCH), {"topic": topic.slug}).status_code == 200
            return len(captured)

        make_release(published_at=ago(1)).topics.add(topic)
        one = queries()
        for day in range(2, 15):
            make_release(published_at=ago(day)).topics.add(topic)
        assert queries() == one

    def test_without_query_or_filter_the_page_explains_the_syntax(self, client, make_release):
        make_release(title="Irgendwas")
        response = client.get(reverse(SEARCH))
        assert titles_on(response) == []
        assert "Anführungszeichen" in response.content.decode() or "quotation" in \
            response.content.decode()

    def test_a_query_of_only_common_words_is_explained_not_searched(self, client,
                                                                     make_release, topic):
        make_release(title="Sachsen und Polen").topics.add(topic)
        make_release(title="Schulen in Sachsen")
        response = client.get(reverse("releases:search"), {"q": "und die"})
        html = response.content.decode()
        assert "„und die“ allein wird nicht gesucht" in html
        assert 'value="und die"' in html  # kept in the field, to be changed
        assert "Sachsen und Polen" not in html
        # With a filter, the filtered list, and the same words of explanation.
        html = client.get(reverse("releases:search"),
                          {"q": "und", "topic": topic.slug}).content.decode()
        assert "Sachsen und Polen" in html and "Schulen in Sachsen" not in html
        assert "„und“ allein wird nicht gesucht" in html

    def test_the_page_links_the_feed_of_the_filtered_list(self, client, make_release, topic):
        make_release().topics.add(topic)
        content = client.get(reverse(SEARCH), {"topic": topic.slug}).content.decode()
        rss = f'{reverse("releases:search-feed")}?topic={topic.slug}'
        atom = f'{reverse("releases:search-feed-atom")}?topic={topic.slug}'
        assert '<link rel="alternate" type="application/rss+xml"' in content
        assert f'href="{rss}"' in content and f'href="{atom}"' in content
        assert content.count(f'href="{rss}"') == 2  # in the head and on the page


class TestFilteredFeed:
    def test_the_feed_of_no_filter_names_its_own_address(self, client, make_release):
        make_release(title="Öffentlich")
        response = client.get(reverse("releases:search-feed-atom"))
        assert f'href="http://127.0.0.1:8000{reverse("releases:search-feed-atom")}"' in (
            response.content.decode())
        assert '?"' not in response.content.decode()

    @pytest.mark.parametrize("name", ["releases:search-feed", "releases:search-feed-atom"])
    def test_only_public_releases_in_scope(self, client, make_release, topic, ago, name):
        make_release(title="Öffentlich", published_at=ago(1)).topics.add(topic)
        make_release(title="Ohne Thema", published_at=ago(1))
        hidden = [
            make_release(title="Entwurf", status=Release.Status.DRAFT, published_at=None),
            make_release(title="Geplant", status=Release.Status.SCHEDULED,
                         published_at=timezone.now() + datetime.timedelta(days=1)),
            make_release(title="Sperrfrist", published_at=ago(1),
                         embargo_until=timezone.now() + datetime.timedelta(days=1)),
            make_release(title="Zurückgezogen", published_at=ago(2),
                         status=Release.Status.WITHDRAWN, withdrawn_at=ago(1),
                         withdrawal_reason="Fehler"),
        ]
        for release in hidden:
            release.topics.add(topic)
        response = client.get(reverse(name), {"topic": topic.slug})
        assert response.status_code == 200
        content = response.content.decode()
        assert "Öffentlich" in content
        for title in ["Ohne Thema", "Entwurf", "Geplant", "Sperrfrist", "Zurückgezogen"]:
            assert title not in content
        assert "Digitalisierung" in content  # the feed names its filter

    def test_items_are_newest_first(self, client, make_release, topic, ago):
        for days in (3, 1, 2):
            make_release(title=f"Vor {days} Tagen", published_at=ago(days)).topics.add(topic)
        response = client.get(reverse("releases:search-feed"), {"topic": topic.slug})
        assert feed_titles(response) == ["Vor 1 Tagen", "Vor 2 Tagen", "Vor 3 Tagen"]

    @pytest.mark.parametrize("name", ["releases:search-feed", "releases:search-feed-atom"])
    def test_a_repeat_poll_gets_304_until_a_new_release_in_scope(self, client, make_release,
                                                                 topic, name):
        make_release().topics.add(topic)
        url = f"{reverse(name)}?topic={topic.slug}&kind=medieninformation"
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
        assert client.get(url, headers={
            "if-modified-since": first["Last-Modified"]}).status_code == 304
        make_release(published_at=timezone.now())  # outside the scope: no topic
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
        make_release(published_at=timezone.now()).topics.add(topic)
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200

    def test_a_repeat_poll_costs_the_same_with_one_or_many_releases(
            self, client, no_page_cache, make_release, topic, ago):
        url = f"{reverse('releases:search-feed')}?topic={topic.slug}"

        def queries():
            etag = client.get(url)["ETag"]
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, headers={"if-none-match": etag}).status_code == 304
            return len(captured)

        make_release(published_at=ago(1)).topics.add(topic)
        one = queries()
        for day in range(2, 12):
            make_release(published_at=ago(day)).topics.add(topic)
        assert queries() == one

    @pytest.mark.parametrize("params", [
        {"topic": "gibt-es-nicht"}, {"organisation": "x" * 300}, {"kind": "roman"},
        {"from_date": "2026-13-45"}, {"to_date": "99999-01-01"}, {"from_date": "0001-01-01"},
        {"from_date": "2026-05-02", "to_date": "2026-05-01"},
    ])
    def test_an_invalid_filter_is_a_bad_request(self, client, make_release, params):
        make_release()
        assert client.get(reverse("releases:search-feed"), params).status_code == 400

    def test_a_topic_that_is_not_public_has_no_feed(self, client, make_release):
        secret = Topic.objects.create(name="Geheim", slug="geheim")
        make_release(status=Release.Status.DRAFT, published_at=None).topics.add(secret)
        assert client.get(reverse("releases:search-feed"),
                          {"topic": "geheim"}).status_code == 400


class TestOddFilterValues:
    @pytest.mark.parametrize("params", [
        {"topic": "gibt-es-nicht"}, {"topic": ["a", "b"]}, {"organisation": "\x00"},
        {"kind": "roman"}, {"from_date": "gestern"}, {"to_date": "2026-02-30"},
        {"from_date": "0001-01-01"}, {"to_date": "9999-12-31"},
        {"from_date": "2026-05-02", "to_date": "2026-05-01"},
        {"topic": "digitalisierung", "page": "x"}, {"topic": "digitalisierung", "page": "-1"},
        {"topic": "digitalisierung", "page": "99999999999999999999"},
        {"topic": "digitalisierung", "sort": "egal"},
    ])
    def test_the_page_answers_without_error(self, client, make_release, topic, params):
        make_release().topics.add(topic)
        response = client.get(reverse(SEARCH), params)
        assert response.status_code == 200


class TestReleaseNumber:
    @pytest.mark.parametrize("query", ["12/2026", "12 / 2026", " 12/ 2026 "])
    def test_a_query_that_is_a_number_opens_that_release(self, client, make_release, query):
        release = make_release(number=12, number_year=2026)
        make_release(number=12, number_year=2025)
        response = client.get(reverse(SEARCH), {"q": query})
        assert response.status_code == 302
        assert response["Location"] == release.get_absolute_url()

    def test_a_number_not_public_is_searched_as_text(self, client, make_release):
        make_release(number=12, number_year=2026, status=Release.Status.WITHDRAWN,
                     published_at=timezone.now() - datetime.timedelta(days=2),
                     withdrawn_at=timezone.now(), withdrawal_reason="Fehler")
        response = client.get(reverse(SEARCH), {"q": "12/2026"})
        assert response.status_code == 200

    def test_the_same_number_in_two_offices_is_narrowed_by_the_filter(
            self, client, make_release, other_organisation):
        make_release(number=3, number_year=2026)
        theirs = make_release(number=3, number_year=2026, organisation=other_organisation)
        assert client.get(reverse(SEARCH), {"q": "3/2026"}).status_code == 200
        response = client.get(reverse(SEARCH), {"q": "3/2026", "organisation": "smf"})
        assert response["Location"] == theirs.get_absolute_url()


class TestResultDetails:
    def test_each_result_shows_kind_number_date_and_organisation(self, client, make_release,
                                                                 topic):
        release = make_release(title="Kattowitz Werkstatt", number=123, number_year=2021,
                               kind=Release.Kind.STATEMENT)
        release.topics.add(topic)
        date = timezone.localtime(release.published_at)
        for params in ({"q": "Kattowitz"}, {"topic": topic.slug}):
            content = client.get(reverse(SEARCH), params).content.decode()
            meta = re.search(r'<p class="meta">(.*?)</p>', content, re.S)[1]
            assert "Statement 123/2021" in meta
            assert f'datetime="{date.isoformat()}"' in meta
            assert "Sächsisches Staatsministerium für Regionalentwicklung" in meta

    def test_the_snippet_does_not_run_the_subtitle_into_the_text(self, client, make_release):
        make_release(title="Große Resonanz in Kattowitz",
                     subtitle="Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut",
                     body="<p>Die Werkstatt in Kattowitz war gut besucht.</p>")
        content = client.get(reverse(SEARCH), {"q": "Kattowitz"}).content.decode()
        snippet = re.search(r'<p lang="de">([^<]*(?:<mark>.*?)*)</p>\s*</article>', content,
                            re.S)[1]
        snippet = re.sub(r"</?mark>", "", snippet)
        shown = " ".join(snippet.split())  # as a browser shows it
        assert "ausgebaut – Die Werkstatt" in shown
