"""The seed, generated demo releases and the demo command."""

import datetime
import json
import re
import zoneinfo
from collections import defaultdict
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone, translation

from exchange.demodata.words import MARKER
from exchange.seeding import document_identity
from releases.models import (
    Contact,
    Delegation,
    Event,
    Organisation,
    Person,
    Release,
    ReleasePerson,
    Topic,
)

from .sitemap_helpers import sitemap_text

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SEED_DATE = datetime.date(2021, 10, 8)


def seed(*args):
    out = StringIO()
    with translation.override("en"):  # the output is checked in English
        call_command("seed", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Every row of every newsroom table (through tables included), field by field."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("releases").get_models(include_auto_created=True)
    }


@pytest.fixture
def seeded(db):
    seed()
    return Release.objects.get(uuid=document_identity("000_229aa7e5ffb26140.txt"))


def login_request():
    """The request django-axes needs to count a login by the test client (RequestFactory's
    address is 127.0.0.1)."""
    return RequestFactory().post("/admin/login/")


@pytest.mark.django_db
class TestSeedIsIdempotent:
    def test_second_run_changes_no_row(self):
        seed()
        before = snapshot()
        output = seed()
        assert snapshot() == before
        assert "0 rows created, 0 updated" in output

    def test_second_run_keeps_the_number(self, seeded):
        seed()
        assert Release.objects.get(pk=seeded.pk).number_label == "1/2021"

    def test_seed_restores_a_changed_fact(self, seeded):
        Event.objects.filter(slug="simul-plus-werkstatt-kattowitz-2021").update(
            expected_participants=7)
        seed()
        assert Event.objects.get(slug="simul-plus-werkstatt-kattowitz-2021") \
            .expected_participants == 70


@pytest.mark.django_db
class TestSeedFacts:
    def test_organisation_has_address_and_standard_footer(self, seeded):
        smr = seeded.organisation
        assert (smr.name, smr.short_name, smr.slug) == (
            "Sächsisches Staatsministerium für Regionalentwicklung", "SMR", "smr")
        assert smr.postal_address == "Archivstraße 1, 01097 Dresden"
        assert smr.press_email == "medien@smr.sachsen.de"
        assert 'href="http://www.smr.sachsen.de"' in smr.footer
        assert "Kein Zugang für verschlüsselte elektronische Dokumente." in smr.footer
        assert 'href="http://www.lsf.sachsen.de/eSignatur.html"' in smr.footer

    def test_contact_has_direct_line_and_email(self, seeded):
        contact = seeded.contacts.get()
        assert (contact.name, contact.phone, contact.email) == (
            "Frank Meyer", "+49 351 564 50024", "medien@smr.sachsen.de")
        assert Contact.objects.count() == 1

    def test_release_is_a_published_numbered_medieninformation_of_8_october_2021(self, seeded):
        assert seeded.kind == Release.Kind.PRESS_RELEASE
        assert seeded.status == Release.Status.PUBLISHED
        assert seeded.number_label == "1/2021"
        published = timezone.localtime(seeded.published_at, BERLIN)
        assert published.date() == SEED_DATE
        assert published.utcoffset() == datetime.timedelta(hours=2)

    def test_release_is_public(self, seeded):
        assert Release.objects.public().filter(pk=seeded.pk).exists()

    def test_title_and_subtitle(self, seeded):
        assert seeded.title == "Große Resonanz bei simul+Werkstatt in Kattowitz"
        assert seeded.subtitle == "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut"
        assert seeded.slug == "grosse-resonanz-bei-simul-plus-werkstatt-in-kattowitz"

    def test_body_holds_both_quotes_and_second_page_without_footer(self, seeded):
        body = seeded.body
        positions = [body.index(text) for text in (
            "»Unsere Erwartungen waren hoch", "»Solche Kooperationen",
            "mit einer 30-köpfigen Delegation in Polen", "Prof. Arkadiusz Mężyk zusammen.")]
        assert positions == sorted(positions)
        assert "Kein Zugang" not in body

    def test_minister_schmidt_in_office_on_the_release_date(self, seeded):
        office = seeded.minister_in_office()
        assert office.person.full_name == "Thomas Schmidt"
        assert office.title == "Staatsminister für Regionalentwicklung"
        assert list(Person.objects.current_ministers(on=SEED_DATE)) == [office.person]
        assert not Person.objects.current_ministers(on=datetime.date(2025, 1, 1)).exists()

    def test_schmidt_named_by_his_office_and_horn_quoted_with_role(self, seeded):
        people = {item.person.slug: item for item in seeded.release_people.all()}
        assert people["thomas-schmidt"].role == ""
        assert people["thomas-schmidt"].role_label() == "Staatsminister für Regionalentwicklung"
        horn = people["thomas-horn"]
        assert horn.is_quoted
        assert horn.role == "Geschäftsführer der Wirtschaftsförderung Sachsen GmbH (WFS)"

    def test_topics(self, seeded):
        assert set(seeded.topics.values_list("name", flat=True)) == {
            "Digitalisierung", "Regionale Wertschöpfung", "Polen", "Internet of Things"}
        assert Topic.objects.filter(slug="regionalentwicklung").exists()

    def test_event_on_7_october_in_kattowitz_with_70_participants(self, seeded):
        event = seeded.events.get()
        assert "simul+Werkstatt" in event.title
        assert timezone.localtime(event.starts_at, BERLIN).date() == datetime.date(2021, 10, 7)
        # The document gives the day only: no hours, no end, press access not stated.
        assert not event.has_time
        assert event.ends_at is None
        assert event.is_press_open is None
        assert (event.city, event.country) == ("Kattowitz", "Polen")
        assert event.expected_participants == 70
        assert event.theme == "Regionale Wertschöpfung in Zeiten der Digitalisierung"
        assert [p.slug for p in event.ministers.all()] == ["thomas-schmidt"]
        assert event.delegation == seeded.delegations.get()

    def test_delegation_with_30_members_and_its_stops(self, seeded):
        trip = seeded.delegations.get()
        assert trip.leader.slug == "thomas-schmidt"
        assert trip.member_count == 30
        assert trip.country_list == ["Polen"]
        assert trip.start_date == datetime.date(2021, 10, 6)  # the Wednesday of that week
        assert trip.start_date.weekday() == 2
        assert trip.purpose == "Kontakte mit Unternehmern, Wissenschaftlern sowie Politikern"
        assert [stop.city for stop in trip.stops.all()] == ["Kattowitz", "Krakau", "Oppeln"]

    def test_appointment_and_trip_were_announced_before_the_release(self, seeded):
        for entry in (seeded.events.get(), seeded.delegations.get()):
            assert entry.status == entry.Status.ANNOUNCED
            assert entry.published_at < seeded.published_at
            assert type(entry).objects.announced().filter(pk=entry.pk).exists()

    def test_topics_organisation_and_people_of_the_seed_are_public(self, seeded):
        assert set(Topic.objects.public()) >= {*seeded.topics.all(),
                                               *seeded.delegations.get().topics.all()}
        assert Organisation.objects.public().filter(pk=seeded.organisation.pk).exists()
        counterparts = Person.objects.filter(meetings__isnull=False)
        assert set(Person.objects.public()) >= {*seeded.people.all(), *counterparts}

    def test_four_counterparts_met_in_kattowitz_with_their_roles(self, seeded):
        stop = seeded.delegations.get().stops.get(city="Kattowitz")
        talks = stop.programme.get()
        assert [(c.person.full_name, c.role) for c in talks.counterparts.all()] == [
            ("Wojciech Katoła", "Vizemarschall der Woiwodschaft Schlesien"),
            ("Grzegorz Piechowiak",
             "Staatssekretär im polnischen Ministerium für Entwicklung und Technologie"),
            ("Janusz Michałek", "Vorstandsvorsitzender der Sonderwirtschaftszone Kattowitz"),
            ("Prof. Arkadiusz Mężyk", "Rektor der Technischen Universität Schlesien"),
        ]


def json_ld(page):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page,
                                re.S).group(1))


@pytest.mark.django_db
class TestSeedPages:
    """What a fresh install shows of the seed: what the document says, and nothing more."""

    def page(self, client, url):
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    def test_release_shows_its_day_without_a_time_the_document_does_not_give(self, client,
                                                                             seeded):
        page = self.page(client, seeded.get_absolute_url())
        assert '<time datetime="2021-10-08">8. Oktober 2021</time>' in page
        assert "10:00" not in page and "00:00" not in page
        assert json_ld(page)["datePublished"] == "2021-10-08"

    def test_appointment_shows_its_day_and_nothing_about_hours_or_press_access(self, client,
                                                                              seeded):
        event = seeded.events.get()
        release_page = self.page(client, seeded.get_absolute_url())
        assert (f'{event.title}</a>, <time datetime="2021-10-07">7. Oktober 2021</time>'
                in release_page)
        page = self.page(client, event.get_absolute_url())
        assert '<time datetime="2021-10-07">7. Oktober 2021</time>' in page
        for invented in ("09:00", "17:00", "presseöffentlich", "Hinweise für die Presse"):
            assert invented not in page, invented

    def test_email_keeps_the_mark_its_footer_note_refers_to(self, client, seeded):
        page = self.page(client, seeded.get_absolute_url())
        assert '<a href="mailto:medien@smr.sachsen.de">medien@smr.sachsen.de</a>*</li>' in page
        assert "<p>* Kein Zugang für verschlüsselte elektronische Dokumente." in page

    def test_last_change_is_the_release_date_not_the_day_the_seed_ran(self, client, seeded):
        with time_machine.travel(datetime.datetime(2030, 1, 2, 12, tzinfo=BERLIN)):
            seed()  # a later run changes nothing public
            page = self.page(client, seeded.get_absolute_url())
            assert json_ld(page)["dateModified"] == "2021-10-08"
            sitemap = sitemap_text(client)
            assert (f"{seeded.get_absolute_url()}</loc><lastmod>2021-10-08</lastmod>"
                    in sitemap)
            document = client.get(f"/api/releases/{seeded.uuid}/").json()
        assert document["versioncreated"] == "2021-10-08T00:00:00+02:00"
        assert document["firstcreated"] == "2021-10-08T00:00:00+02:00"


@pytest.mark.django_db
class TestDemoReleases:
    def demo_releases(self):
        return Release.objects.filter(organisation__slug__startswith="demo-")

    def test_generates_the_requested_number(self):
        output = seed("--demo", "200", "--seed-random", "1")
        assert self.demo_releases().count() == 200
        assert "200 releases" in output

    def test_numbers_run_from_one_per_organisation_and_year_in_publication_order(
            self, monkeypatch):
        # Written a few at a time, numbered across the whole set.
        monkeypatch.setattr("exchange.demodata.generate.CHUNK_SIZE", 30)
        seed("--demo", "200", "--seed-random", "2")
        seed("--demo", "200", "--seed-random", "3")
        numbers = defaultdict(list)
        for release in self.demo_releases().exclude(number=None).order_by("published_at"):
            assert release.number_year == timezone.localtime(release.published_at).year
            numbers[release.organisation_id, release.number_year].append(release.number)
        first_run_count = sum(len(n) for n in numbers.values())
        assert first_run_count > 300
        for sequence in numbers.values():
            assert sorted(sequence) == list(range(1, len(sequence) + 1))

    def test_second_run_adds_as_many_again_and_keeps_the_cast(self):
        seed("--demo", "50")
        cast = (Organisation.objects.count(), Person.objects.count(), Contact.objects.count())
        seed("--demo", "50")
        assert self.demo_releases().count() == 100
        assert (Organisation.objects.count(), Person.objects.count(),
                Contact.objects.count()) == cast

    def test_mostly_published_some_drafts_without_number(self):
        seed("--demo", "200", "--seed-random", "4")
        drafts = self.demo_releases().filter(status=Release.Status.DRAFT)
        assert 0 < drafts.count() < self.demo_releases().public().count()
        assert not drafts.exclude(number=None).exists()

    def test_dates_spread_over_ten_years(self):
        seed("--demo", "200", "--seed-random", "5")
        public = self.demo_releases().public()
        years = {timezone.localtime(d).year for d in public.values_list("published_at", flat=True)}
        now = timezone.now()
        assert len(years) >= 9
        assert public.filter(published_at__lt=now - datetime.timedelta(days=365 * 9)).exists()
        assert not public.filter(published_at__lt=now - datetime.timedelta(days=3653)).exists()

    def test_generated_text_says_so_and_names_the_minister_of_the_day(self):
        seed("--demo", "200", "--seed-random", "6")
        releases = self.demo_releases().public().prefetch_related(
            "organisation__appointments", "release_people__person")
        for release in releases:
            assert release.body.endswith(MARKER)
            minister = release.release_people.all()[0].person
            assert release.minister_in_office().person == minister
            assert minister.full_name.split()[-1] in release.body

    def test_real_people_are_never_quoted_in_generated_text(self):
        seed("--demo", "200", "--seed-random", "7")
        real = ReleasePerson.objects.filter(release__in=self.demo_releases(),
                                            person__slug__in=["thomas-schmidt", "thomas-horn"])
        assert not real.exists()
        assert not self.demo_releases().filter(body__contains="Schmidt").exists()

    def test_generated_releases_have_topics_contacts_and_some_appointments(self):
        seed("--demo", "200", "--seed-random", "8")
        assert not self.demo_releases().filter(topics=None).exists()
        assert not self.demo_releases().filter(contacts=None).exists()
        assert self.demo_releases().exclude(events=None).exists()
        demo_events = Event.objects.filter(organisation__slug__startswith="demo-")
        assert demo_events.upcoming().exists()
        # Announced in their own right, upcoming ones too: public without a release.
        assert demo_events.count() == demo_events.announced().count()

    def test_same_random_seed_gives_the_same_titles(self):
        seed("--demo", "20", "--seed-random", "9")
        first = list(self.demo_releases().order_by("pk").values_list("title", flat=True))
        Release.objects.filter(pk__in=self.demo_releases().values("pk")).delete()
        seed("--demo", "20", "--seed-random", "9")
        assert list(self.demo_releases().order_by("pk").values_list("title", flat=True)) == first

    def test_reference_topics_keep_their_description(self):
        seed()
        description = Topic.objects.get(slug="digitalisierung").description
        seed("--demo", "10")
        assert Topic.objects.get(slug="digitalisierung").description == description

    def test_seed_is_still_idempotent_after_demo_releases(self):
        seed("--demo", "30")
        before = snapshot()
        seed()
        assert snapshot() == before


@pytest.mark.django_db
class TestDemoCommand:
    def run_demo(self):
        out = StringIO()
        with translation.override("en"):  # the output is checked in English
            call_command("demo", "--no-serve", stdout=out)
        output = out.getvalue()
        password = re.search(r"Password:\s+(\S+)", output).group(1)
        return output, password

    def test_prints_login_url_username_and_password(self):
        output, password = self.run_demo()
        assert "http://127.0.0.1:8000/admin/" in output
        assert "redaktion" in output
        assert len(password) >= 12

    def test_editor_logs_in_with_printed_password_and_edits_releases(self, client):
        _output, password = self.run_demo()
        response = client.post("/admin/login/?next=/admin/",
                               {"username": "redaktion", "password": password})
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/releases/release/").status_code == 200
        assert client.get("/admin/releases/release/add/").status_code == 200

    def test_editor_is_staff_but_not_superuser(self, client):
        _output, password = self.run_demo()
        editor = get_user_model().objects.get(username="redaktion")
        assert editor.is_staff and not editor.is_superuser
        assert editor.has_perm("releases.change_release")
        assert editor.has_perm("releases.submit_release")
        assert not editor.has_perm("releases.publish_release")  # the four-eyes principle
        assert not editor.has_perm("auth.change_user")
        client.login(request=login_request(), username="redaktion", password=password)
        assert client.get("/admin/auth/user/").status_code == 403

    def test_running_again_resets_the_password(self, client):
        _output, old_password = self.run_demo()
        _output, new_password = self.run_demo()
        assert old_password != new_password
        assert not client.login(request=login_request(), username="redaktion",
                                password=old_password)
        assert client.login(request=login_request(), username="redaktion",
                            password=new_password)
        assert get_user_model().objects.filter(username="redaktion").count() == 1

    def test_port_option_changes_the_printed_url(self):
        out = StringIO()
        call_command("demo", "--no-serve", "--port", "8123", stdout=out)
        assert "http://127.0.0.1:8123/admin/" in out.getvalue()

    def test_the_served_site_links_to_the_port_it_is_served_on(self, client, settings,
                                                               monkeypatch):
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.sites.models import Site

        from exchange.management.commands import demo

        # The demo changes SITE_URL for the rest of its process; the settings fixture
        # takes the change back after this test.
        settings.SITE_URL = settings.SITE_URL
        served = []

        def call(name, *args, **options):
            if name == "runserver":
                served.append(args)
            else:
                call_command(name, *args, **options)

        monkeypatch.setattr(demo, "call_command", call)
        call_command("demo", "--port", "8803", stdout=StringIO())
        assert served == [("127.0.0.1:8803",)]
        release = Release.objects.public().first()
        page = client.get(release.get_absolute_url()).content.decode()
        assert (f'<link rel="canonical" href="http://127.0.0.1:8803'
                f'{release.get_absolute_url()}">') in page
        robots = client.get("/robots.txt").content.decode()
        assert "Sitemap: http://127.0.0.1:8803/sitemap.xml" in robots
        # The admin's "view on site" goes there too (through the sites framework).
        client.force_login(get_user_model().objects.get(username="redaktion"))
        topic = Topic.objects.first()
        content_type = ContentType.objects.get_for_model(Topic)
        try:
            response = client.get(f"/admin/r/{content_type.pk}/{topic.pk}/")
            assert response["Location"] == f"http://127.0.0.1:8803{topic.get_absolute_url()}"
        finally:
            Site.objects.clear_cache()  # not to lend this address to the next test

    def test_demo_loads_the_seed(self, client):
        self.run_demo()
        assert Release.objects.public().filter(organisation__slug="smr").count() == 1
        trip = Delegation.objects.get(slug="delegationsreise-polen-2021")
        event = Event.objects.get(slug="simul-plus-werkstatt-kattowitz-2021")
        for entry in (trip, event):
            assert client.get(entry.get_absolute_url()).status_code == 200
        assert event.title in client.get("/termine/vergangene/").content.decode()
        assert trip.title in client.get("/delegationsreisen/").content.decode()

    def test_press_office_account_logs_in_with_its_own_password_and_may_publish(self,
                                                                               client):
        output, editor_password = self.run_demo()
        password = re.search(r"pressestelle\s+Password:\s+(\S+)", output).group(1)
        assert password != editor_password
        response = client.post("/admin/login/?next=/admin/",
                               {"username": "pressestelle", "password": password})
        assert response.status_code == 302
        spokesperson = get_user_model().objects.get(username="pressestelle")
        assert [group.name for group in spokesperson.groups.all()] == ["Pressestelle"]
        assert spokesperson.is_staff and not spokesperson.is_superuser
        assert spokesperson.has_perm("releases.publish_release")
        assert spokesperson.has_perm("releases.review_release")
        assert not spokesperson.has_perm("releases.delete_release")

    def test_accounts_are_in_the_editorial_groups_and_the_old_demo_group_is_gone(self):
        Group.objects.create(name="Redaktion demo")
        self.run_demo()
        editor = get_user_model().objects.get(username="redaktion")
        assert [group.name for group in editor.groups.all()] == ["Redaktion"]
        assert not editor.user_permissions.exists()
        assert not Group.objects.filter(name="Redaktion demo").exists()
