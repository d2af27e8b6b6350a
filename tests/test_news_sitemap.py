"""sitemap-news.xml: the public releases of the last two days for news search engines,
cached like every public page, yet never showing a release early or keeping one too long."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.urls import reverse

from releases.models import Release, SiteIdentity

from .public_data import berlin

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SITE = "https://presse.example.de"
SECOND = datetime.timedelta(seconds=1)
TWO_DAYS = datetime.timedelta(days=2)
PUBLISHED = berlin(2026, 5, 4, 10, 30)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def news(client):
    """{address: (publication name, language, publication date, title)} of the news sitemap."""
    response = client.get(reverse("sitemap-news"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): (
            url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name"),
            url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language"),
            url.findtext(f"{NEWS}news/{NEWS}publication_date"),
            url.findtext(f"{NEWS}news/{NEWS}title"),
        )
        for url in root.findall(f"{SITEMAP}url")
    }


def at(moment):
    return time_machine.travel(moment, tick=False)


class TestNewsSitemap:
    def test_release_is_listed_with_publication_name_language_date_and_title(
            self, client, make_release):
        with at(PUBLISHED - SECOND):
            release = make_release(title="Große Resonanz bei simul+Werkstatt in Kattowitz",
                                   published_at=PUBLISHED)
        with at(PUBLISHED + datetime.timedelta(hours=1)):
            entries = news(client)
        assert entries == {SITE + release.get_absolute_url(): (
            "Newsroom", "de", "2026-05-04T10:30:00+02:00",
            "Große Resonanz bei simul+Werkstatt in Kattowitz")}

    def test_publication_is_named_as_the_site(self, client, make_release):
        SiteIdentity.objects.create(name="Medienservice Sachsen")
        with at(PUBLISHED - SECOND):
            make_release(published_at=PUBLISHED)
        with at(PUBLISHED + datetime.timedelta(hours=1)):
            [(name, *_)] = news(client).values()
        assert name == "Medienservice Sachsen"

    def test_release_leaves_the_sitemap_two_days_after_publication_though_cached(
            self, client, make_release):
        with at(PUBLISHED - SECOND):
            release = make_release(published_at=PUBLISHED)
        address = SITE + release.get_absolute_url()
        with at(PUBLISHED + TWO_DAYS - SECOND):
            assert address in news(client)  # and now in the page cache
            assert address in news(client)
        with at(PUBLISHED + TWO_DAYS):
            assert address not in news(client)

    def test_cached_sitemap_is_not_kept_beyond_the_oldest_release_s_two_days(
            self, client, make_release):
        with at(PUBLISHED - SECOND):
            make_release(published_at=PUBLISHED)
        with at(PUBLISHED + TWO_DAYS - 10 * SECOND):
            response = client.get(reverse("sitemap-news"))
        assert "max-age=10" in response["Cache-Control"]

    def test_embargoed_release_appears_when_its_embargo_ends_not_earlier(
            self, client, make_release):
        embargo_ends = PUBLISHED + datetime.timedelta(hours=3)
        with at(PUBLISHED - SECOND):
            release = make_release(title="Sperrfrist bis 13:30", published_at=PUBLISHED,
                                   embargo_until=embargo_ends)
        address = SITE + release.get_absolute_url()
        with at(embargo_ends - SECOND):
            assert address not in news(client)  # and the empty list is cached
            assert address not in news(client)
        with at(embargo_ends):
            assert news(client)[address][2] == "2026-05-04T13:30:00+02:00"
        # Two days from the end of the embargo, when the public could first read it.
        with at(embargo_ends + TWO_DAYS - SECOND):
            assert address in news(client)
        with at(embargo_ends + TWO_DAYS):
            assert address not in news(client)

    def test_scheduled_release_appears_at_its_time(self, client, make_release):
        with at(PUBLISHED - datetime.timedelta(hours=1)):
            release = make_release(status=Release.Status.SCHEDULED, published_at=PUBLISHED)
            assert news(client) == {}
        with at(PUBLISHED):
            assert SITE + release.get_absolute_url() in news(client)

    def test_releases_the_public_may_not_see_are_never_listed(self, client, make_release):
        with at(PUBLISHED):
            for status in (Release.Status.DRAFT, Release.Status.IN_REVIEW,
                           Release.Status.APPROVED, Release.Status.WITHDRAWN):
                make_release(status=status, published_at=PUBLISHED - SECOND)
            make_release(published_at=PUBLISHED - SECOND,
                         embargo_until=PUBLISHED + datetime.timedelta(days=1))
            public = make_release(published_at=PUBLISHED - SECOND)
            assert list(news(client)) == [SITE + public.get_absolute_url()]

    def test_two_days_are_48_hours_across_the_change_to_summer_time(self, client,
                                                                   make_release):
        # Clocks in Berlin go from 2:00 to 3:00 on 29 March 2026.
        published = berlin(2026, 3, 28, 12, 0)
        with at(published):
            release = make_release(published_at=published)
        address = SITE + release.get_absolute_url()
        with at(berlin(2026, 3, 30, 12, 59, 59)):
            assert news(client)[address][2] == "2026-03-28T12:00:00+01:00"
        with at(berlin(2026, 3, 30, 13, 0)):
            assert address not in news(client)

    def test_titles_lose_characters_xml_cannot_carry(self, client, make_release):
        with at(PUBLISHED):
            make_release(title="Bericht\x0baus Word & <Anhang>")
            (entry,) = news(client).values()
        assert entry[3] == "Berichtaus Word & <Anhang>"

    def test_robots_txt_names_both_sitemaps_with_absolute_addresses(self, client):
        text = client.get("/robots.txt").content.decode()
        assert f"Sitemap: {SITE}/sitemap.xml\n" in text
        assert f"Sitemap: {SITE}/sitemap-news.xml\n" in text

    @pytest.mark.parametrize("size", [1, 20])
    def test_news_sitemap_makes_the_same_queries_at_any_size(
            self, client, no_page_cache, django_assert_num_queries, make_release, size):
        with at(PUBLISHED):
            for _ in range(size):
                make_release()
            client.get(reverse("sitemap-news"))  # fills the sites cache
            # count and rows
            with django_assert_num_queries(2):
                assert client.get(reverse("sitemap-news")).status_code == 200
