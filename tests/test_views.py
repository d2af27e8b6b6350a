"""The public pages: what they show, what they never show, and what they cost in queries."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from releases.models import Contact, Event, Release, Topic

from .public_data import ARCHIVE_SIZES, HIDDEN, berlin

pytest_plugins = ["tests.public_fixtures"]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _german():
    """Each test starts in German: a request under /en/ leaves English active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def english(url):
    """The English interface of a page, for tests that read interface text."""
    return url if url.startswith("/en/") else f"/en{url}"


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


class TestHome:
    def test_home_shows_latest_releases_appointments_topics_and_ministers(
            self, client, full_release, event, minister, topic):
        html = page(client, reverse("releases:home"))
        assert full_release.title in html
        assert event.title in html
        assert topic.name in html
        assert "Thomas Schmidt" in html and "Staatsminister für Regionalentwicklung" in html

    def test_home_lists_the_topics_whose_pages_list_releases(self, client, full_release,
                                                              event, topic):
        only_an_appointment_s = Topic.objects.create(name="Nur ein Termin", slug="nur-termin")
        event.topics.add(only_an_appointment_s)
        html = page(client, reverse("releases:home"))
        assert topic.get_absolute_url() in html
        assert only_an_appointment_s.get_absolute_url() not in html

    def test_former_minister_is_not_listed_as_current(self, client, minister):
        minister.appointments.update(end_date=datetime.date(2020, 1, 1))
        assert "Thomas Schmidt" not in page(client, reverse("releases:home"))

    def test_past_appointment_is_not_upcoming(self, client, past_event):
        assert past_event.title not in page(client, reverse("releases:home"))


class TestReleasePage:
    def test_release_page_shows_every_part_of_the_release(self, client, full_release):
        html = page(client, full_release.get_absolute_url())
        for text in [
            "1/2021", full_release.title, full_release.subtitle,
            full_release.teaser, "<p>Rund 70 Teilnehmer diskutierten.</p>",
            "Sächsisches Staatsministerium für Regionalentwicklung",
            'datetime="2021-10-08T10:30:00+02:00"', "Staatsminister Schmidt in Kattowitz",
            "Foto: SMR/Max Mustermann", "CC BY 4.0", 'alt="Podium in Kattowitz"', " download>",
            "Programm der simul+Werkstatt", "(PDF, 2,0\xa0KB)", "Frank Meyer",
            'href="tel:+4935156450024"', 'href="mailto:medien@smr.sachsen.de"',
            reverse("releases:contact-vcard", kwargs={"pk": full_release.contacts.get().pk}),
            "Geschäftsführer der Wirtschaftsförderung Sachsen GmbH", "simul+Werkstatt in Kattowitz",
            "Delegationsreise nach Polen", "Digitalisierung", "Polen",
            "Sachsen und Schlesien vereinbaren Zusammenarbeit",
            "Kein Zugang für verschlüsselte elektronische Dokumente.",
        ]:
            assert text in html, text

    def test_release_page_names_the_minister_in_office_on_the_release_date(
            self, client, full_release, minister, organisation):
        minister.appointments.update(end_date=datetime.date(2024, 12, 19))
        successor = minister.__class__.objects.create(given_name="Regina", family_name="Kraushaar",
                                                      slug="regina-kraushaar")
        successor.appointments.create(organisation=organisation, kind="minister",
                                      title="Staatsministerin für Infrastruktur",
                                      start_date=datetime.date(2024, 12, 20))
        html = page(client, full_release.get_absolute_url())
        minister_section = html.split('id="minister-heading"')[1].split("</section>")[0]
        assert "Thomas Schmidt" in minister_section
        assert "Kraushaar" not in minister_section

    def test_time_is_shown_in_berlin_time_in_winter(self, client, make_release):
        release = make_release(published_at=datetime.datetime(2021, 1, 5, 8, tzinfo=datetime.UTC))
        assert 'datetime="2021-01-05T09:00:00+01:00"' in page(client, release.get_absolute_url())

    def test_wrong_slug_redirects_permanently_to_the_right_address(self, client, full_release):
        url = reverse("releases:release-detail", kwargs={"pk": full_release.pk, "slug": "alt"})
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == full_release.get_absolute_url()

    def test_hidden_release_is_not_found_for_anonymous_visitors(self, client, hidden_releases):
        for release in hidden_releases:
            assert client.get(release.get_absolute_url()).status_code == 404, release.title

    def test_editor_sees_a_draft_as_marked_preview_not_indexed(self, client, make_release):
        release = make_release(title="Entwurf", status=Release.Status.DRAFT, published_at=None)
        editor = User.objects.create_user("editor", password="x", is_staff=True)
        editor.user_permissions.add(Permission.objects.get(codename="change_release"))
        client.force_login(editor)
        response = client.get(release.get_absolute_url())
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()

    def test_only_the_body_is_rendered_as_html(self, client, make_release):
        release = make_release(title="<b>Titel</b>", teaser="<i>Teaser</i>",
                               body="<p><strong>Fett</strong></p>")
        html = page(client, release.get_absolute_url())
        assert "<p><strong>Fett</strong></p>" in html
        assert "&lt;b&gt;Titel&lt;/b&gt;" in html and "<b>Titel</b>" not in html
        assert "&lt;i&gt;Teaser&lt;/i&gt;" in html

    def test_related_releases_are_public_ones_only(self, client, full_release, hidden_releases):
        assert HIDDEN not in page(client, full_release.get_absolute_url())


class TestListings:
    def test_release_list_shows_public_releases_newest_first(self, client, make_release):
        older = make_release(title="Ältere",
                             published_at=timezone.now() - datetime.timedelta(days=2))
        newer = make_release(title="Neuere")
        html = page(client, reverse("releases:release-list"))
        assert html.index(newer.title) < html.index(older.title)

    def test_topic_page_lists_releases_on_the_topic_only(self, client, full_release, topic,
                                                         make_release):
        other = make_release(title="Ohne Thema")
        html = page(client, topic.get_absolute_url())
        assert full_release.title in html and other.title not in html

    def test_organisation_page_lists_its_releases(self, client, full_release, organisation):
        assert full_release.title in page(client, organisation.get_absolute_url())

    def test_person_page_lists_releases_and_appointment_history(self, client, full_release,
                                                                minister):
        html = page(client, minister.get_absolute_url())
        assert full_release.title in html
        assert "Staatsminister für Regionalentwicklung" in html
        assert "20. Dezember 2019" in html

    def test_kind_page_lists_releases_of_that_kind_only(self, client, make_release):
        speech = make_release(title="Rede zur Eröffnung", kind=Release.Kind.SPEECH)
        notice = make_release(title="Terminhinweis Kabinett", kind=Release.Kind.NOTICE)
        html = page(client, reverse("releases:kind-detail", kwargs={"kind": "rede"}))
        assert speech.title in html and notice.title not in html

    def test_unknown_kind_is_not_found(self, client):
        page(client, reverse("releases:kind-detail", kwargs={"kind": "roman"}), status=404)

    def test_topic_index_counts_public_releases_only(self, client, full_release, hidden_releases,
                                                     topic):
        html = page(client, reverse("releases:topic-list"))
        assert re.search(r"Digitalisierung</a> <span class=\"count\">1 ", html)

    def test_organisation_index_counts_public_releases_only(self, client, full_release,
                                                            hidden_releases):
        html = page(client, reverse("releases:organisation-list"))
        assert '<span class="count">2 ' in html  # the full release and its related one

    @pytest.mark.parametrize("name", ["topic-list", "organisation-list"])
    def test_indexes_are_in_alphabetical_order(self, client, make_release, name):
        from releases.models import Organisation, Topic

        model = Topic if name == "topic-list" else Organisation
        names = ["Zuwanderung", "Arbeit", "Mobilität", "Bildung"]
        for index, title in enumerate(names):
            subject = model.objects.create(name=title, slug=f"index-{index}")
            # A busy subject first in the table: the order must not follow the counts.
            # Each has a public release: a subject without one is not listed.
            for _ in range(4 - index):
                release = make_release(**({} if model is Topic else {"organisation": subject}))
                if model is Topic:
                    release.topics.add(subject)
        html = page(client, reverse(f"releases:{name}"))
        shown = [title for title in re.findall(r'">([^<]+)</a> <span class="count">', html)
                 if title in names]
        assert shown == sorted(names)

    @pytest.mark.parametrize("name", ["feed", "topic-feed", "organisation-feed", "person-feed",
                                      "kind-feed"])
    def test_listing_announces_its_feeds_in_the_head(self, client, full_release, topic,
                                                     organisation, minister, name):
        kwargs = {"feed": {}, "topic-feed": {"slug": topic.slug},
                  "organisation-feed": {"slug": organisation.slug},
                  "person-feed": {"slug": minister.slug},
                  "kind-feed": {"kind": "medieninformation"}}[name]
        listing = {"feed": "release-list", "topic-feed": "topic-detail",
                   "organisation-feed": "organisation-detail", "person-feed": "person-detail",
                   "kind-feed": "kind-detail"}[name]
        head = page(client, reverse(f"releases:{listing}", kwargs=kwargs)).split("</head>")[0]
        for suffix, mime in [("", "application/rss+xml"), ("-atom", "application/atom+xml")]:
            href = reverse(f"releases:{name}{suffix}", kwargs=kwargs)
            assert f'<link rel="alternate" type="{mime}"' in head
            assert f'href="{href}"' in head
            assert client.get(href).status_code == 200


class TestPagination:
    def test_second_page_holds_the_21st_release(self, client, archive):
        releases = archive(21)
        html = page(client, reverse("releases:release-list") + "?page=2")
        assert releases[20].title in html and releases[0].title not in html
        assert '<nav class="pagination" aria-label=' in html
        assert 'href="?page=2" aria-current="page"' in html

    @pytest.mark.parametrize("number", ["999", "abc", "0", "-1", "1.5"])
    def test_page_out_of_range_or_not_a_number_is_not_found(self, client, archive, topic, number):
        archive(3)
        for url in [reverse("releases:release-list"), topic.get_absolute_url(),
                    reverse("releases:archive-month", kwargs={"year": "2021", "month": "10"}),
                    reverse("releases:event-list"), reverse("releases:delegation-list")]:
            assert client.get(url, {"page": number}).status_code == 404, url


class TestArchive:
    def test_archive_lists_years_with_counts(self, client, full_release, make_release):
        make_release(published_at=berlin(2019, 5, 1, 12))
        html = page(client, reverse("releases:archive"))
        assert re.search(r">2021</a> <span class=\"count\">2 ", html)
        assert re.search(r">2019</a> <span class=\"count\">1 ", html)

    def test_year_lists_months_with_counts_of_public_releases(self, client, full_release,
                                                              hidden_releases):
        html = page(client, reverse("releases:archive-year", kwargs={"year": "2021"}))
        assert re.search(r">Oktober 2021</a> <span class=\"count\">2 ", html)

    def test_month_is_counted_in_berlin_time(self, client, make_release):
        # 23:30 on 31 October in UTC is already November in Berlin.
        make_release(published_at=datetime.datetime(2021, 10, 31, 23, 30, tzinfo=datetime.UTC))
        html = page(client, reverse("releases:archive-year", kwargs={"year": "2021"}))
        assert "November 2021" in html and "Oktober 2021" not in html

    def test_year_without_public_releases_is_not_found(self, client, full_release,
                                                       hidden_releases):
        page(client, reverse("releases:archive-year", kwargs={"year": "2020"}), status=404)

    def test_year_page_counts_releases_without_reading_them(self, client, full_release,
                                                            make_release):
        # A year of ten thousand releases is not loaded to learn whether it is empty.
        make_release(published_at=berlin(2021, 3, 1, 12))
        with CaptureQueriesContext(connection) as queries:
            page(client, reverse("releases:archive-year", kwargs={"year": "2021"}))
        reads = [query["sql"] for query in queries.captured_queries
                 if query["sql"].startswith('SELECT "releases_release"."id"')
                 and "LIMIT" not in query["sql"]]
        assert not reads, reads

    def test_month_without_public_releases_is_not_found(self, client, full_release):
        page(client, reverse("releases:archive-month", kwargs={"year": "2021", "month": "11"}),
             status=404)

    def test_month_lists_its_public_releases(self, client, full_release, hidden_releases):
        html = page(client, reverse("releases:archive-month",
                                    kwargs={"year": "2021", "month": "10"}))
        assert full_release.title in html and HIDDEN not in html

    @pytest.mark.parametrize("path", ["/archiv/0000/", "/archiv/9999/", "/archiv/21/",
                                      "/archiv/2021/13/", "/archiv/2021/00/", "/archiv/2021/1/",
                                      "/archiv/abcd/"])
    def test_odd_archive_paths_are_not_found(self, client, full_release, path):
        page(client, path, status=404)


class TestAppointments:
    def test_upcoming_list_shows_future_appointments_only(self, client, event, past_event):
        html = page(client, reverse("releases:event-list"))
        assert event.title in html and past_event.title not in html

    def test_past_list_shows_past_appointments_only(self, client, event, past_event):
        html = page(client, reverse("releases:event-past"))
        assert past_event.title in html and event.title not in html

    def test_event_page_shows_place_time_theme_press_information_and_ministers(
            self, client, event, full_release):
        html = page(client, english(event.get_absolute_url()))
        for text in ["Technische Universität, Kattowitz, Polen", event.theme, "about 70",
                     "Open to the press.", "Accreditation required.", "Photo opportunity.",
                     "Anmeldung bis Mittwoch.", "Thomas Schmidt",
                     "Staatsminister für Regionalentwicklung", full_release.title,
                     "Delegationsreise nach Polen"]:
            assert text in html, text

    def test_cancelled_event_says_so_prominently(self, client, event):
        Event.objects.filter(pk=event.pk).update(is_cancelled=True)
        html = page(client, english(event.get_absolute_url()))
        assert "This appointment has been cancelled." in html
        assert "Cancelled" in page(client, english(reverse("releases:event-list")))

    def test_event_wrong_slug_redirects(self, client, event):
        response = client.get(reverse("releases:event-detail",
                                      kwargs={"pk": event.pk, "slug": "falsch"}))
        assert response.status_code == 301


class TestDelegations:
    def test_delegation_list_shows_trips(self, client, delegation):
        assert delegation.title in page(client, reverse("releases:delegation-list"))

    def test_delegation_page_shows_itinerary_members_events_and_releases(
            self, client, delegation, event, full_release):
        html = page(client, delegation.get_absolute_url())
        for text in ["Kattowitz, Polen", "Krakau", "Gespräche in Kattowitz", "Wojciech Katoła",
                     "Vizemarschall der Woiwodschaft Schlesien", "Thomas Horn",
                     "Wirtschaftsförderung Sachsen", event.title, full_release.title,
                     "Staatsminister für Regionalentwicklung", "6. Oktober 2021"]:
            assert text in html, text


class TestContacts:
    def test_contacts_page_lists_active_contacts_by_organisation(self, client, contact,
                                                                 organisation, make_release):
        make_release()  # the organisation's release makes it public
        Contact.objects.create(name="Ehemalige Sprecherin", organisation=organisation,
                               is_active=False)
        html = page(client, reverse("releases:contact-list"))
        assert organisation.name in html and contact.name in html
        assert 'href="tel:+4935156450024"' in html
        assert "Ehemalige Sprecherin" not in html


class TestHiddenReleasesAppearNowhere:
    def test_hidden_releases_are_on_no_public_page(self, client, hidden_releases, topic,
                                                   organisation, minister, event, delegation,
                                                   full_release):
        urls = [
            reverse("releases:home"), reverse("releases:release-list"), topic.get_absolute_url(),
            organisation.get_absolute_url(), minister.get_absolute_url(),
            reverse("releases:kind-detail", kwargs={"kind": "medieninformation"}),
            reverse("releases:archive"), reverse("releases:archive-year", kwargs={"year": "2021"}),
            reverse("releases:archive-month", kwargs={"year": "2021", "month": "10"}),
            event.get_absolute_url(), delegation.get_absolute_url(),
            full_release.get_absolute_url(),
            reverse("sitemap"), reverse("sitemap-section", kwargs={"section": "releases"}),
            reverse("releases:feed"), reverse("releases:feed-atom"),
            reverse("releases:topic-feed", kwargs={"slug": topic.slug}),
            reverse("releases:person-feed-atom", kwargs={"slug": minister.slug}),
            reverse("releases:organisation-feed", kwargs={"slug": organisation.slug}),
            reverse("releases:kind-feed", kwargs={"kind": "medieninformation"}),
        ]
        for url in urls:
            content = page(client, url)
            assert HIDDEN not in content, url
            for release in hidden_releases:
                assert release.get_absolute_url() not in content, url

    def test_release_becomes_visible_when_its_embargo_ends(self, client, make_release):
        import time_machine

        embargo = timezone.now() + datetime.timedelta(hours=2)
        release = make_release(title="Nach der Sperrfrist", embargo_until=embargo)
        assert release.title not in page(client, reverse("releases:release-list"))
        with time_machine.travel(embargo, tick=False):
            assert release.title in page(client, reverse("releases:release-list"))
            assert client.get(release.get_absolute_url()).status_code == 200


class TestOddPaths:
    @pytest.mark.parametrize("path", [
        "/gibt-es-nicht/", "/medieninformationen/abc-def/", "/medieninformationen/0-x/",
        "/medieninformationen/99999999999999999999-x/", "/termine/99999999999999999999-x/",
        "/themen/unbekannt/", "/themen/unbekannt/feed/", "/personen/niemand/feed/atom/",
        "/ressorts/keins/", "/delegationsreisen/keine/", "/pressekontakte/999999.vcf",
        "/medieninformationen/art/unbekannt/feed/", "/en/gibt-es-nicht/", "/%FF/",
        "/medieninformationen/1-%C3%A4/",
    ])
    def test_odd_path_is_not_found_not_an_error(self, client, full_release, path):
        response = client.get(path)
        assert response.status_code == 404
        assert 'class="skip-link"' in response.content.decode()  # the site's own 404 page


# The pages whose queries are counted: each makes as many at any size of the archive
# (nothing is fetched per row or per release shown).
PAGES = ["home", "release-detail", "release-list", "topic-detail", "organisation-detail",
         "person-detail", "kind-detail", "topic-list", "organisation-list", "archive",
         "archive-year", "archive-month", "event-list", "event-past", "event-detail",
         "delegation-list", "delegation-detail", "contact-list"]


def url_of(name, releases, event, delegation):
    release = releases[0]
    kwargs = {
        "release-detail": {"pk": release.pk, "slug": release.slug},
        "topic-detail": {"slug": "digitalisierung"},
        "organisation-detail": {"slug": release.organisation.slug},
        "person-detail": {"slug": "thomas-schmidt"},
        "kind-detail": {"kind": "medieninformation"},
        "archive-year": {"year": "2021"},
        "archive-month": {"year": "2021", "month": "10"},
        "event-detail": {"pk": event.pk, "slug": event.slug},
        "delegation-detail": {"slug": delegation.slug},
    }.get(name, {})
    return reverse(f"releases:{name}", kwargs=kwargs)


class TestQueryCounts:
    @pytest.mark.parametrize("name", PAGES)
    def test_page_makes_the_same_queries_at_any_archive_size(
            self, client, no_page_cache, archive, event, delegation, past_event, name):
        counts = []
        for size in ARCHIVE_SIZES:
            url = url_of(name, archive(size), event, delegation)
            client.get(url)  # fills per-process caches (sites, content types)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1] == counts[2], counts
