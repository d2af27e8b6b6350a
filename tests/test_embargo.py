"""Sperrfrist: nobody but accredited journalists sees anything of a release before its time.

The leak test builds an embargoed release (published, embargo ending at T) and a
scheduled one (published at T), each with a marker in every text field and a
topic, organisation and person of its own (the marker in their names too), and
reads every public output one second before T (also across the daylight-saving
changes), comparing it with the same output in a world without them. One second
after T they are there, and so are their topic, organisation and person.
"""

import datetime
import io
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from journalists import accreditation, outbox
from journalists.embargo import embargo_notice, embargoed_for, under_embargo
from journalists.models import EmbargoAccess, Journalist, OutboxMessage
from releases import services as workflow
from releases.models import (
    Correction,
    Delegation,
    Event,
    Organisation,
    Person,
    Release,
    ReleaseImage,
    ReleasePerson,
    Topic,
)

from .mail_helpers import berlin
from .sitemap_helpers import sitemap_text

pytest_plugins = ["tests.journalist_fixtures"]
pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)
ATOM = "{http://www.w3.org/2005/Atom}"
EMBARGO_MARKER = "Sperrmarke7q"
SCHEDULE_MARKER = "Planmarke4x"
MOMENTS = {
    "summer": berlin(2026, 6, 10, 10, 0),
    # 02:30 happens twice on 25 October 2026; this is the second time (winter time).
    "fall-back": berlin(2026, 10, 25, 2, 30, fold=1),
    "spring-forward": berlin(2026, 3, 29, 3, 0),
}


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "darkred").save(buffer, "PNG")
    return SimpleUploadedFile("geheim.png", buffer.getvalue(), content_type="image/png")


def hidden_release(organisation, marker, slug, moment, **fields):
    """A release with a topic, organisation, person, appointment and trip made for it
    alone, named with the marker: that a new topic's name, or a minister's appointment
    prepared for the release, gives it away is what is tested."""
    topic = Topic.objects.create(name=f"Thema {marker}", slug=f"thema-{slug}")
    own_organisation = Organisation.objects.create(name=f"Ressort {marker}",
                                                   slug=f"ressort-{slug}")
    person = Person.objects.create(given_name="Gerda", family_name=f"Geheim {marker}",
                                   slug=f"person-{slug}")
    release = Release.objects.create(
        organisation=own_organisation, kind=Release.Kind.SPEECH, slug=f"{slug}-{marker.lower()}",
        title=f"Titel {marker}", subtitle=f"Unterzeile {marker}", teaser=f"Vorspann {marker}",
        body=f"<p>Text {marker}</p>", **fields)
    release.topics.add(topic)
    ReleasePerson.objects.create(release=release, person=person)
    # Prepared (not announced): public only through the release.
    event = Event.objects.create(title=f"Termin {marker}", slug=f"termin-{slug}",
                                 organisation=own_organisation,
                                 starts_at=moment + datetime.timedelta(days=2))
    event.ministers.add(person)
    trip = Delegation.objects.create(title=f"Reise {marker}", slug=f"reise-{slug}",
                                     organisation=own_organisation, leader=person,
                                     start_date=moment.date(), countries="Polen")
    release.events.add(event)
    release.delegations.add(trip)
    return release


@pytest.fixture(params=list(MOMENTS), ids=list(MOMENTS))
def moment(request):
    return MOMENTS[request.param]


@pytest.fixture
def world(moment, organisation, topic, contact):
    """A public release 40 days before the moment, and the two hidden ones."""
    with time_machine.travel(moment - datetime.timedelta(days=40), tick=False):
        public = Release.objects.create(
            organisation=organisation, title="Öffentliche Meldung", slug="oeffentlich",
            body="<p>Öffentlich.</p>", status=Release.Status.PUBLISHED,
            published_at=timezone.now(), kind=Release.Kind.SPEECH)
        public.topics.add(topic)
        # Announced in their own right, before the hidden releases were linked to them.
        announced = {"status": Event.Status.ANNOUNCED, "published_at": timezone.now()}
        event = Event.objects.create(title="Pressekonferenz", slug="pk", organisation=organisation,
                                     starts_at=moment + datetime.timedelta(days=1), **announced)
        event.topics.add(topic)
        delegation = Delegation.objects.create(
            title="Reise", slug="reise", organisation=organisation,
            leader=Person.objects.create(family_name="Leiter", slug="leiter"),
            start_date=moment.date(), countries="Polen", **announced)
    with time_machine.travel(moment - datetime.timedelta(hours=2), tick=False):
        embargoed = hidden_release(organisation, EMBARGO_MARKER, "sperrfrist", moment,
                                   status=Release.Status.PUBLISHED,
                                   published_at=moment - datetime.timedelta(hours=1),
                                   embargo_until=moment)
        scheduled = hidden_release(organisation, SCHEDULE_MARKER, "geplant", moment,
                                   status=Release.Status.SCHEDULED, published_at=moment)
        for release in (embargoed, scheduled):
            release.topics.add(topic)
            release.contacts.add(contact)
            release.events.add(event)
            release.delegations.add(delegation)
            public.related.add(release)
        image = ReleaseImage.objects.create(release=embargoed, image=png(), alt_text="Bild",
                                            credit="Foto: SMR")
    return {"public": public, "embargoed": embargoed, "scheduled": scheduled, "event": event,
            "delegation": delegation, "image": image, "moment": moment}


def own_subjects(world):
    """The topic, organisation and person made for each hidden release."""
    subjects = []
    for release in (world["embargoed"], world["scheduled"]):
        subjects += [release.topics.exclude(pk=world["public"].topics.get().pk).get(),
                     release.organisation, release.people.get()]
    return subjects


def own_appointments(world):
    """The appointment and trip prepared for each hidden release (not announced)."""
    return [item for release in (world["embargoed"], world["scheduled"])
            for item in (release.events.exclude(pk=world["event"].pk).get(),
                         release.delegations.exclude(pk=world["delegation"].pk).get())]


def appointment_urls(item):
    urls = [item.get_absolute_url()]
    if isinstance(item, Event):
        urls.append(f"/termine/{item.pk}.ics")
    return urls


def typo(marker):
    """The marker's word with a letter left out: what a search suggestion would correct."""
    word = re.match(r"[^\W\d_]+", marker).group()
    return word[:5] + word[6:]


def public_urls(world):
    public = world["public"]
    local = timezone.localtime(world["moment"])
    topic, leader = public.topics.get(), world["delegation"].leader
    urls = [
        "/", "/medieninformationen/", "/medieninformationen/art/rede/", "/themen/",
        "/ressorts/", "/archiv/", f"/archiv/{local.year}/", "/termine/",
        world["event"].get_absolute_url(), world["delegation"].get_absolute_url(),
        "/delegationsreisen/", "/pressekontakte/", public.get_absolute_url(),
        "/medieninformationen/feed/", "/medieninformationen/feed/atom/",
        "/medieninformationen/art/rede/feed/", "/medieninformationen/art/rede/feed/atom/",
        "/sitemap.xml", "/sitemap-releases.xml", "/sitemap-topics.xml", "/sitemap-events.xml",
        "/sitemap-delegations.xml", "/api/releases/", "/api/releases/?page_size=100",
        f"/suche/?q={EMBARGO_MARKER}", f"/suche/?q={SCHEDULE_MARKER}", "/suche/?q=Titel",
        f"/api/releases/?q={EMBARGO_MARKER}",
        # "Meinten Sie …?": a typo of a hidden word, and a public word to find something.
        f"/suche/?q={typo(EMBARGO_MARKER)}+oder+Meldung",
        f"/suche/?q={typo(SCHEDULE_MARKER)}+oder+Meldung", "/termine/vergangene/",
        # The lists of subjects, and the forms that offer them.
        "/en/", "/en/themen/", "/en/ressorts/", "/suche/", "/en/suche/",
        "/benachrichtigungen/", "/en/benachrichtigungen/",
        # The public subjects the hidden releases share with the public one.
        topic.get_absolute_url(), f"{topic.get_absolute_url()}feed/",
        f"{topic.get_absolute_url()}termine.ics", public.organisation.get_absolute_url(),
        f"{public.organisation.get_absolute_url()}feed/atom/",
        leader.get_absolute_url(), f"{leader.get_absolute_url()}termine.ics",
        "/termine/kalender.ics", f"/termine/{world['event'].pk}.ics",
    ]
    for subject in own_subjects(world):
        # Filtering by a hidden subject answers as for one that does not exist.
        name = {Topic: "topic", Organisation: "organisation"}.get(type(subject))
        if name:
            urls += [f"/api/releases/?{name}={subject.slug}",
                     f"/suche/?q=Titel&{name}={subject.slug}"]
    return urls


def subject_urls(subject):
    """A topic's, organisation's or person's own addresses: page, feeds, calendar, /en/."""
    with translation.override("de"):  # a request for an /en/ page leaves English active
        url = subject.get_absolute_url()
    urls = [url, f"{url}feed/", f"{url}feed/atom/", f"/en{url}", f"/en{url}feed/"]
    if not isinstance(subject, Organisation):
        urls.append(f"{url}termine.ics")
    return urls


def hidden_subject_urls(world):
    return ([url for subject in own_subjects(world) for url in subject_urls(subject)]
            + [url for item in own_appointments(world) for url in appointment_urls(item)])


def hidden_urls(world):
    """Addresses of the hidden releases themselves: 404, as if they did not exist."""
    local = timezone.localtime(world["moment"])
    urls = [f"/archiv/{local.year}/{local.month:02d}/"]
    for release in (world["embargoed"], world["scheduled"]):
        urls += [release.get_absolute_url(), f"/api/releases/{release.uuid}/",
                 f"/medieninformationen/{release.pk}-falscher-slug/"]
    return urls


NORMALISE = [
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), ""),
    (re.compile(r"<lastBuildDate>[^<]*</lastBuildDate>"), ""),
]


def snapshot(client, urls):
    result = {}
    for url in urls:
        response = client.get(url)
        body = response.content.decode()
        for pattern, replacement in NORMALISE:
            body = pattern.sub(replacement, body)
        headers = {name: response.get(name) for name in ("Last-Modified", "ETag",
                                                         "Content-Length")}
        result[url] = (response.status_code, body, headers)
    return result


class TestNothingBeforeItsTime:
    def test_no_public_output_shows_anything_of_them(self, client, world):
        with time_machine.travel(world["moment"] - SECOND, tick=False):
            seen = snapshot(client, public_urls(world))
        image_url = world["image"].image.url
        for url, (status, body, _headers) in seen.items():
            assert status == 200, url
            if "q=" in url:  # the search page repeats the query; the rest must not be there
                body = body.replace(url.split("q=")[1], "")
            words = [re.match(r"[^\W\d_]+", marker).group()
                     for marker in (EMBARGO_MARKER, SCHEDULE_MARKER)]
            for trace in (*words, EMBARGO_MARKER, SCHEDULE_MARKER, image_url,
                          EMBARGO_MARKER.lower(), str(world["embargoed"].uuid),
                          str(world["scheduled"].uuid), world["embargoed"].slug):
                assert trace not in body, (url, trace)

    def test_every_output_is_the_same_as_without_them(self, client, world):
        """Counts, archive months, feed dates and headers, the lists of topics and
        organisations, the forms' choices and the subjects' own addresses: nothing
        differs from a world in which the releases and what was made for them never were."""
        urls = public_urls(world) + hidden_subject_urls(world)
        with time_machine.travel(world["moment"] - SECOND, tick=False):
            with_hidden = snapshot(client, urls)
            subjects = own_subjects(world)
            appointments = own_appointments(world)
            world["embargoed"].delete()
            world["scheduled"].delete()
            for item in [*appointments, *subjects]:
                item.delete()
            without = snapshot(client, urls)
        for url in urls:
            assert with_hidden[url] == without[url], url

    def test_their_topics_organisations_and_people_are_not_found(self, client, world):
        with time_machine.travel(world["moment"] - SECOND, tick=False):
            for url in hidden_subject_urls(world):
                response = client.get(url)
                assert response.status_code == 404, url
                body = response.content.decode()
                assert EMBARGO_MARKER not in body and SCHEDULE_MARKER not in body, url

    def test_their_own_addresses_answer_not_found(self, client, world):
        with time_machine.travel(world["moment"] - SECOND, tick=False):
            for url in hidden_urls(world):
                response = client.get(url)
                assert response.status_code == 404, url
                body = response.content.decode()
                assert EMBARGO_MARKER not in body and SCHEDULE_MARKER not in body

    def test_archive_does_not_list_their_month(self, client, world):
        local = timezone.localtime(world["moment"])
        with time_machine.travel(world["moment"] - SECOND, tick=False):
            year_page = client.get(f"/archiv/{local.year}/").content.decode()
        assert f"/archiv/{local.year}/{local.month:02d}/" not in year_page

    def test_feed_dates_do_not_come_from_them(self, client, world):
        with time_machine.travel(world["moment"] - SECOND, tick=False):
            response = client.get("/medieninformationen/feed/")
        modified = response["Last-Modified"]
        hidden_day = timezone.localtime(world["moment"] - datetime.timedelta(hours=2))
        assert hidden_day.strftime("%d %b %Y") not in modified
        assert hidden_day.strftime("%d %b %Y") not in response.content.decode()

    def test_release_page_of_staff_preview_is_not_the_public_page(self, client, world):
        """Anonymous visitors get 404 (not 403, which would confirm that it exists)."""
        with time_machine.travel(world["moment"] - SECOND, tick=False):
            response = client.get(world["embargoed"].get_absolute_url())
        assert response.status_code == 404


class TestVisibleAfterItsTime:
    def test_one_second_after_they_are_on_page_list_and_feed(self, client, world):
        with time_machine.travel(world["moment"] + SECOND, tick=False):
            for release, marker in ((world["embargoed"], EMBARGO_MARKER),
                                    (world["scheduled"], SCHEDULE_MARKER)):
                page = client.get(release.get_absolute_url())
                assert page.status_code == 200
                assert f"Titel {marker}" in page.content.decode()
                assert f"Titel {marker}" in client.get(
                    "/medieninformationen/").content.decode()
                assert f"Titel {marker}" in client.get(
                    "/medieninformationen/feed/").content.decode()

    def test_at_the_exact_moment_they_are_public(self, world):
        with time_machine.travel(world["moment"], tick=False):
            assert Release.objects.public().filter(pk=world["embargoed"].pk).exists()
            assert Release.objects.public().filter(pk=world["scheduled"].pk).exists()
            for subject in own_subjects(world):
                assert type(subject).objects.public().filter(pk=subject.pk).exists(), subject

    def test_one_second_after_their_appointments_and_trips_are_public(self, client, world):
        with time_machine.travel(world["moment"] + SECOND, tick=False):
            for item in own_appointments(world):
                for url in appointment_urls(item):
                    assert client.get(url).status_code == 200, url
            listed = client.get("/termine/").content.decode() + client.get(
                "/delegationsreisen/").content.decode()
            assert f"Termin {EMBARGO_MARKER}" in listed and f"Reise {SCHEDULE_MARKER}" in listed

    @pytest.mark.postgres
    def test_once_their_publication_is_complete_their_words_are_suggested(self, client,
                                                                          world):
        with time_machine.travel(world["moment"] + SECOND, tick=False):
            completed = {release.pk for release in workflow.complete_due_publications()}
            assert {world["embargoed"].pk, world["scheduled"].pk} <= completed
            response = client.get("/suche/", {"q": f"{typo(EMBARGO_MARKER)} oder Meldung"})
        assert response.context["suggestion"] == "Sperrmarke oder Meldung"

    def test_one_second_after_their_subjects_have_pages_feeds_and_calendars(self, client,
                                                                           world):
        with time_machine.travel(world["moment"] + SECOND, tick=False):
            for subject in own_subjects(world):
                name = getattr(subject, "full_name", None) or subject.name
                for url in subject_urls(subject):
                    response = client.get(url)
                    assert response.status_code == 200, url
                    assert name in response.content.decode(), url

    def test_one_second_after_their_subjects_are_listed_and_offered(self, client, world):
        with time_machine.travel(world["moment"] + SECOND, tick=False):
            topics = client.get("/themen/").content.decode()
            organisations = client.get("/ressorts/").content.decode()
            form = client.get("/benachrichtigungen/").content.decode()
            search = client.get("/suche/").content.decode()
            sitemap = sitemap_text(client)
            for release, marker in ((world["embargoed"], EMBARGO_MARKER),
                                    (world["scheduled"], SCHEDULE_MARKER)):
                topic = release.topics.get(name=f"Thema {marker}")
                assert re.search(rf'Thema {marker}</a> <span class="count">1 ', topics)
                assert f"Ressort {marker}" in organisations
                assert f"Thema {marker}" in form and f"Ressort {marker}" in form
                assert f'value="{topic.slug}"' in search
                assert f'value="{release.organisation.slug}"' in search
                assert topic.get_absolute_url() in sitemap
                api = client.get(f"/api/releases/?topic={topic.slug}").json()
                assert [item["uri"].endswith(str(release.uuid)) for item in api["results"]] == [
                    True]


class TestEmbargoedFor:
    def test_accredited_journalist_sees_embargoed_but_not_merely_scheduled_releases(
            self, make_release, make_journalist):
        soon = timezone.now() + datetime.timedelta(hours=1)
        embargoed = make_release(embargo_until=soon)
        scheduled_with_embargo = make_release(status=Release.Status.SCHEDULED,
                                              published_at=soon, embargo_until=soon)
        make_release(status=Release.Status.SCHEDULED, published_at=soon)
        make_release(status=Release.Status.APPROVED, embargo_until=soon)
        make_release(status=Release.Status.WITHDRAWN, embargo_until=soon)
        make_release(embargo_until=timezone.now() - SECOND)
        journalist = make_journalist()
        assert set(embargoed_for(journalist)) == {embargoed, scheduled_with_embargo}

    @pytest.mark.parametrize("fields", [
        {"status": Journalist.Status.REQUESTED},
        {"status": Journalist.Status.REVOKED},
        {"email_verified_at": None},
    ])
    def test_anyone_not_accredited_sees_nothing(self, make_release, make_journalist, fields):
        make_release(embargo_until=timezone.now() + datetime.timedelta(hours=1))
        assert not embargoed_for(make_journalist(**fields)).exists()
        assert not embargoed_for(None).exists()

    def test_embargo_ends_at_the_second(self, make_release, make_journalist):
        at = berlin(2026, 10, 25, 2, 30, fold=1)
        release = make_release(published_at=at - datetime.timedelta(days=1), embargo_until=at)
        journalist = make_journalist()
        assert embargoed_for(journalist, now=at - SECOND).filter(pk=release.pk).exists()
        assert not embargoed_for(journalist, now=at).filter(pk=release.pk).exists()

    def test_notice_names_the_later_of_publication_and_embargo_with_the_zone(
            self, make_release):
        first = berlin(2026, 10, 25, 2, 30)
        second = berlin(2026, 10, 25, 2, 30, fold=1)
        assert embargo_notice(make_release(published_at=first - datetime.timedelta(days=1),
                                           embargo_until=first)) == (
            "Sperrfrist: Veröffentlichung nicht vor 25.10.2026, 02:30 Uhr (MESZ)")
        assert embargo_notice(make_release(status=Release.Status.SCHEDULED,
                                           published_at=second, embargo_until=first)) == (
            "Sperrfrist: Veröffentlichung nicht vor 25.10.2026, 02:30 Uhr (MEZ)")


class TestPersonalFeed:
    @pytest.fixture
    def embargoed(self, make_release):
        return make_release(title="Geheimer Titel", teaser="Geheimer Vorspann",
                            body="<p>Geheimer Text.</p>",
                            embargo_until=berlin(2030, 1, 15, 11, 0))

    def feed(self, client, journalist, atom=False):
        return client.get(reverse("journalists:feed-atom" if atom else "journalists:feed",
                                  args=[journalist.feed_token]))

    def entry(self, client, journalist, release, atom):
        response = self.feed(client, journalist, atom)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        return next(entry for entry in parsed.entries if entry.id == f"urn:uuid:{release.uuid}")

    def test_feed_has_embargoed_releases_marked_and_public_ones(
            self, client, make_journalist, embargoed, make_release):
        make_release(title="Öffentlicher Titel")
        response = self.feed(client, make_journalist())
        body = response.content.decode()
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/rss+xml")
        notice = "Sperrfrist: Veröffentlichung nicht vor 15.01.2030, 11:00 Uhr (MEZ)"
        assert f"<title>{notice} – Geheimer Titel</title>" in body
        assert f"<description>{notice}." in body
        assert "Geheimer Text." in body
        assert "<title>Öffentlicher Titel</title>" in body

    @pytest.mark.parametrize("atom", [False, True])
    def test_feed_is_private_and_not_indexed(self, client, make_journalist, embargoed, atom):
        response = self.feed(client, make_journalist(), atom)
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert not response.cookies

    @pytest.mark.parametrize("atom", [False, True])
    def test_items_are_those_of_the_public_feeds_with_author_text_and_topics(
            self, client, make_journalist, embargoed, topic, atom):
        embargoed.topics.add(topic)
        journalist = make_journalist()
        entry = self.entry(client, journalist, embargoed, atom)
        notice = "Sperrfrist: Veröffentlichung nicht vor 15.01.2030, 11:00 Uhr (MEZ)"
        assert entry.title == f"{notice} – Geheimer Titel"
        assert entry.summary == (f"{notice}. Der Link funktioniert ab dem Ende der "
                                 "Sperrfrist. Geheimer Vorspann")
        assert entry.content[0].value == f"<p><strong>{notice}.</strong></p><p>Geheimer Text.</p>"
        assert entry.author_detail.name == embargoed.organisation.name
        assert [tag.term for tag in entry.tags] == ["Digitalisierung"]

    @pytest.mark.parametrize("embargo", [True, False])
    def test_hostile_teaser_is_text_and_a_vertical_tab_breaks_nothing(
            self, client, make_journalist, make_release, embargo):
        release = make_release(
            title="Titel mit\x0b Tabulator", teaser="<img src=x onerror=alert(1)> Vorspann\x0b",
            embargo_until=berlin(2030, 1, 15, 11, 0) if embargo else None)
        journalist = make_journalist()
        for atom in (False, True):
            self.entry(client, journalist, release, atom)  # well-formed, found
            root = ET.fromstring(self.feed(client, journalist, atom).content)
            texts = ([element.text for element in root.iter("description")] if not atom
                     else [element.text for element in root.iter(f"{ATOM}summary")])
            assert any("&lt;img src=x onerror=alert(1)&gt; Vorspann" in text for text in texts)
            assert not any("<" in text for text in texts)

    @pytest.mark.parametrize("atom", [False, True])
    def test_after_the_embargo_the_same_item_is_unmarked_and_dated_anew(
            self, client, make_journalist, embargoed, atom):
        journalist = make_journalist()
        end = berlin(2030, 1, 15, 11, 0)
        with time_machine.travel(end - SECOND, tick=False):
            before = self.entry(client, journalist, embargoed, atom)
        with time_machine.travel(end + SECOND, tick=False):
            after = self.entry(client, journalist, embargoed, atom)
        assert before.title.startswith("Sperrfrist: ")
        assert after.title == "Geheimer Titel"
        assert "Sperrfrist" not in after.summary and "Sperrfrist" not in after.content[0].value
        assert parsed_moment(before.updated_parsed) == embargoed.published_at.replace(
            microsecond=0)
        assert parsed_moment(after.updated_parsed) == end
        assert parsed_moment(after.published_parsed) == parsed_moment(before.published_parsed)

    def test_each_access_is_logged(self, client, make_journalist, embargoed):
        journalist = make_journalist()
        self.feed(client, journalist)
        self.feed(client, journalist)
        access = EmbargoAccess.objects.get()
        assert (access.journalist, access.release, access.via, access.count) == (
            journalist, embargoed, "feed", 2)

    @pytest.mark.parametrize("change", ["revoke", "rotate"])
    def test_revoking_or_rotating_stops_the_old_address_at_once(
            self, client, make_journalist, embargoed, change):
        journalist = make_journalist()
        old = [reverse(name, args=[journalist.feed_token])
               for name in ("journalists:feed", "journalists:feed-atom")]
        assert [client.get(url).status_code for url in old] == [200, 200]
        if change == "revoke":
            accreditation.revoke_journalist(journalist)
        else:
            accreditation.rotate_feed_token(journalist)
        for url in old:
            response = client.get(url)
            assert response.status_code == 404
            assert "Geheimer" not in response.content.decode()

    def test_unknown_or_unapproved_tokens_are_not_found(self, client, make_journalist,
                                                        embargoed):
        pending = make_journalist(status=Journalist.Status.REQUESTED)
        assert self.feed(client, pending).status_code == 404
        assert client.get(reverse("journalists:feed", args=["x" * 43])).status_code == 404

    def test_token_is_long_and_random(self, make_journalist):
        tokens = {make_journalist().feed_token for _ in range(5)}
        assert len(tokens) == 5
        assert all(len(token) >= 43 for token in tokens)


def parsed_moment(value):
    return datetime.datetime(*value[:6], tzinfo=datetime.UTC)


class TestEmbargoMails:
    @pytest.fixture
    def embargoed(self, make_release, contact):
        release = make_release(title="Vorab", body="<p>Der ganze Text.</p><p>A &amp; B</p>",
                               embargo_until=timezone.now() + datetime.timedelta(hours=2))
        release.contacts.add(contact)
        return release

    def test_accredited_journalists_get_one_mail_with_the_full_text(
            self, embargoed, make_journalist, mailoutbox):
        journalist = make_journalist()
        make_journalist(status=Journalist.Status.REQUESTED)
        make_journalist(status=Journalist.Status.REVOKED)
        outbox.run_alerts()
        outbox.run_alerts()
        assert [message.to for message in mailoutbox] == [[journalist.email]]
        message = mailoutbox[0]
        assert message.subject.startswith("Sperrfrist: Veröffentlichung nicht vor ")
        assert message.subject.endswith(": Vorab")
        assert "Der ganze Text." in message.body
        assert "SPERRFRIST: VERÖFFENTLICHUNG NICHT VOR" in message.body
        assert "A & B" in message.body and "&amp;" not in message.body
        assert "Der ganze Text." in message.alternatives[0][0]
        assert "Frank Meyer" in message.body
        assert EmbargoAccess.objects.get().via == "mail"

    def test_publishing_with_an_embargo_queues_the_mails_at_once(
            self, embargoed, make_journalist):
        make_journalist()
        assert outbox.enqueue_publication(embargoed) == 1
        assert OutboxMessage.objects.get().kind == "embargo"

    def test_journalist_approved_later_still_gets_the_mail(self, embargoed, make_journalist,
                                                           mailoutbox):
        outbox.run_alerts()
        journalist = make_journalist()
        outbox.run_alerts()
        assert [message.to for message in mailoutbox] == [[journalist.email]]

    def test_revoked_before_sending_gets_nothing(self, embargoed, make_journalist,
                                                 mailoutbox):
        journalist = make_journalist()
        outbox.enqueue_due()
        accreditation.revoke_journalist(journalist)
        outbox.send_due()
        assert mailoutbox == []

    def test_nothing_is_mailed_early_once_the_embargo_is_over(self, embargoed,
                                                              make_journalist, mailoutbox):
        make_journalist()
        outbox.enqueue_due()
        with time_machine.travel(embargoed.embargo_until + SECOND):
            outbox.send_due()
        assert mailoutbox == []

    def test_correction_reaches_journalists_who_got_the_embargoed_text(
            self, embargoed, make_journalist, mailoutbox):
        journalist = make_journalist()
        outbox.run_alerts()
        Correction.objects.create(release=embargoed, text="Zahl berichtigt.")
        outbox.run_alerts()
        assert [m.subject.split(":")[0] for m in mailoutbox] == ["Sperrfrist", "Berichtigung"]
        assert mailoutbox[1].to == [journalist.email]
        assert "List-Unsubscribe" not in mailoutbox[1].extra_headers

    def test_under_embargo_is_what_the_public_does_not_see(self, embargoed):
        assert not Release.objects.public().filter(pk=embargoed.pk).exists()
        assert under_embargo().filter(pk=embargoed.pk).exists()
