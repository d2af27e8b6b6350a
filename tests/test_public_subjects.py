"""Everything public derives from public releases, or is published in its own right.

An appointment (Termin) or delegation trip is prepared, then announced with a
publication time and perhaps an embargo; before that it is in no public output,
and neither is a topic or person that only it refers to. One that a public
release refers to is public through the release. Editors prepare them;
only the press office announces them, and the audit log says who did. Releases
are linked to an appointment in the release, never from the appointment's form.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from releases.models import (
    Appointment,
    AuditEntry,
    Counterpart,
    Delegation,
    DelegationStop,
    Event,
    Organisation,
    Person,
    ProgrammeItem,
    Release,
    Topic,
)

from .admin_helpers import event_data, management_form, publication
from .mail_helpers import berlin
from .sitemap_helpers import sitemap_text

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)
DAY = datetime.timedelta(days=1)
ANNOUNCED = Event.Status.ANNOUNCED
MOMENTS = {
    "summer": berlin(2026, 6, 10, 10, 0),
    # 02:30 happens twice on 25 October 2026; this is the second time (winter time).
    "fall-back": berlin(2026, 10, 25, 2, 30, fold=1),
    "spring-forward": berlin(2026, 3, 29, 3, 0),
}
EVENT_TITLE = "Terminhinweis Grenzregion"
TRIP_TITLE = "Delegationsreise nach Tschechien"


@pytest.fixture(params=list(MOMENTS), ids=list(MOMENTS))
def moment(request):
    return MOMENTS[request.param]


@pytest.fixture
def minister(person, organisation):
    """A minister in office: public in her own right, whatever her appointments."""
    Appointment.objects.create(
        person=person, organisation=organisation, kind=Appointment.Kind.MINISTER,
        title="Staatsminister für Regionalentwicklung", start_date=datetime.date(2019, 12, 20))
    return person


def make_event(organisation, minister, starts_at, **fields):
    """An appointment with a topic and accreditation of its own; in preparation by default."""
    event = Event.objects.create(
        title=EVENT_TITLE, slug="grenzregion", organisation=organisation, starts_at=starts_at,
        requires_accreditation=True, **fields)
    event.ministers.add(minister)
    event.topics.add(Topic.objects.create(name="Grenzregion", slug="grenzregion"))
    return event


def make_trip(organisation, start_date, **fields):
    """A trip led by someone no release names, with a topic of its own."""
    leader = Person.objects.create(given_name="Rita", family_name="Reiseleiterin",
                                   slug="reiseleiterin")
    trip = Delegation.objects.create(
        title=TRIP_TITLE, slug="tschechien", leader=leader, organisation=organisation,
        start_date=start_date, countries="Tschechien", **fields)
    trip.topics.add(Topic.objects.create(name="Tschechien", slug="tschechien"))
    return trip


def announce(entry, at):
    """As the admin saves it (the page cache hears of the change)."""
    entry.status, entry.published_at = ANNOUNCED, at
    entry.save()


def public_outputs(event, trip, minister):
    """Every public output an appointment or a trip (or what only they refer to) may be in."""
    with translation.override("de"):  # a request for an /en/ page leaves English active
        return _public_outputs(event, trip, minister)


def _public_outputs(event, trip, minister):
    topic, trip_topic, leader = event.topics.get(), trip.topics.get(), trip.leader
    return {
        "lists": ["/", "/termine/", "/termine/vergangene/", "/delegationsreisen/", "/themen/",
                  "/termine/kalender.ics", f"/personen/{minister.slug}/termine.ics",
                  "/sitemap.xml", "/sitemap-events.xml", "/sitemap-delegations.xml",
                  "/sitemap-topics.xml", "/benachrichtigungen/", "/suche/", "/en/termine/"],
        "own": [event.get_absolute_url(), f"/en{event.get_absolute_url()}",
                f"/termine/{event.pk}.ics",
                reverse("journalists:accreditation", kwargs={"pk": event.pk,
                                                             "slug": event.slug}),
                trip.get_absolute_url(), f"/en{trip.get_absolute_url()}",
                topic.get_absolute_url(), f"{topic.get_absolute_url()}termine.ics",
                trip_topic.get_absolute_url(), f"{trip_topic.get_absolute_url()}feed/",
                leader.get_absolute_url(), f"{leader.get_absolute_url()}termine.ics"],
    }


def assert_hidden(client, event, trip, minister):
    outputs = public_outputs(event, trip, minister)
    for url in outputs["lists"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for trace in (EVENT_TITLE, TRIP_TITLE, "Grenzregion", "Reiseleiterin",
                      outputs["own"][0], outputs["own"][4]):
            assert trace not in body, (url, trace)
    for url in outputs["own"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert EVENT_TITLE not in response.content.decode(), url


def assert_shown(client, event, trip, minister):
    outputs = public_outputs(event, trip, minister)
    for url in ("/", "/termine/", "/termine/kalender.ics",
                f"/personen/{minister.slug}/termine.ics", *outputs["own"][:3]):
        response = client.get(url)
        assert response.status_code == 200, url
        assert EVENT_TITLE in response.content.decode(), url
    for url in ("/delegationsreisen/", trip.get_absolute_url()):
        assert TRIP_TITLE in client.get(url).content.decode(), url
    for url in outputs["own"][3:]:
        assert client.get(url).status_code == 200, url
    sitemap = sitemap_text(client)
    for url in (outputs["own"][0], outputs["own"][4]):  # the appointment's and the trip's
        assert url in sitemap
    assert "Grenzregion" in client.get("/themen/").content.decode()


class TestInPreparation:
    @pytest.fixture
    def world(self, organisation, minister, make_release):
        make_release()  # the organisation is public through it
        now = timezone.now()
        return {"event": make_event(organisation, minister, now + 3 * DAY),
                "trip": make_trip(organisation, (now + 5 * DAY).date()), "now": now}

    @pytest.mark.parametrize("fields", [
        {},
        {"status": ANNOUNCED, "published_at": "tomorrow"},
        {"status": ANNOUNCED, "published_at": "an hour ago", "embargo_until": "tomorrow"},
    ], ids=["in-preparation", "announced-for-later", "under-embargo"])
    def test_is_in_no_public_output(self, client, world, minister, fields):
        times = {"tomorrow": world["now"] + DAY,
                 "an hour ago": world["now"] - datetime.timedelta(hours=1)}
        values = {name: times.get(value, value) for name, value in fields.items()}
        if values:
            Event.objects.filter(pk=world["event"].pk).update(**values)
            Delegation.objects.filter(pk=world["trip"].pk).update(**values)
        assert_hidden(client, world["event"], world["trip"], minister)

    def test_once_announced_it_is_in_every_output(self, client, world, minister):
        for entry in (world["event"], world["trip"]):
            type(entry).objects.filter(pk=entry.pk).update(
                status=ANNOUNCED, published_at=world["now"] - SECOND)
        assert_shown(client, world["event"], world["trip"], minister)

    def test_a_public_release_referring_to_it_makes_it_public(self, client, world, minister,
                                                             make_release):
        release = make_release(title="Medieninformation zum Termin")
        release.events.add(world["event"])
        release.delegations.add(world["trip"])
        assert_shown(client, world["event"], world["trip"], minister)

    def test_a_release_not_yet_public_does_not(self, client, world, minister, make_release):
        for fields in ({"status": Release.Status.DRAFT, "published_at": None},
                       {"embargo_until": world["now"] + DAY},
                       {"status": Release.Status.SCHEDULED, "published_at": world["now"] + DAY}):
            release = make_release(**fields)
            release.events.add(world["event"])
            release.delegations.add(world["trip"])
        assert_hidden(client, world["event"], world["trip"], minister)

    def test_past_appointment_in_preparation_is_not_in_the_past_list(
            self, client, organisation, minister, make_release):
        make_release()
        event = make_event(organisation, minister, timezone.now() - 3 * DAY)
        assert EVENT_TITLE not in client.get("/termine/vergangene/").content.decode()
        announce(event, timezone.now() - DAY)
        assert EVENT_TITLE in client.get("/termine/vergangene/").content.decode()


class TestWhatAPublicOneShows:
    def test_trip_page_lists_only_its_public_appointments(self, client, organisation, minister):
        trip = make_trip(organisation, datetime.date(2026, 6, 1), status=ANNOUNCED,
                         published_at=timezone.now() - DAY)
        event = make_event(organisation, minister, timezone.now() + DAY, delegation=trip)
        assert EVENT_TITLE not in client.get(trip.get_absolute_url()).content.decode()
        announce(event, timezone.now() - DAY)
        assert EVENT_TITLE in client.get(trip.get_absolute_url()).content.decode()

    def test_appointment_page_names_its_trip_only_when_the_trip_is_public(
            self, client, organisation, minister):
        trip = make_trip(organisation, datetime.date(2026, 6, 1))
        event = make_event(organisation, minister, timezone.now() + DAY, delegation=trip,
                           status=ANNOUNCED, published_at=timezone.now() - DAY)
        page = client.get(event.get_absolute_url()).content.decode()
        assert TRIP_TITLE not in page and trip.get_absolute_url() not in page
        announce(trip, timezone.now() - DAY)
        page = client.get(event.get_absolute_url()).content.decode()
        assert TRIP_TITLE in page and trip.get_absolute_url() in page


class TestToTheSecond:
    """Publication time and embargo are compared with now, also across a DST change."""

    @pytest.mark.parametrize("field", ["published_at", "embargo_until"])
    def test_hidden_one_second_before_and_public_at_the_moment(
            self, client, organisation, minister, make_release, moment, field):
        with time_machine.travel(moment - 2 * DAY, tick=False):
            make_release()
            times = {"published_at": moment - DAY, field: moment}
            event = make_event(organisation, minister, moment + DAY, status=ANNOUNCED,
                               **times)
            trip = make_trip(organisation, (moment + DAY).date(), status=ANNOUNCED, **times)
        with time_machine.travel(moment - SECOND, tick=False):
            assert_hidden(client, event, trip, minister)
        with time_machine.travel(moment, tick=False):
            assert Event.objects.public().filter(pk=event.pk).exists()
            assert Delegation.objects.public().filter(pk=trip.pk).exists()
        with time_machine.travel(moment + SECOND, tick=False):
            assert_shown(client, event, trip, minister)

    def test_through_an_embargoed_release_at_its_end(self, client, organisation, minister,
                                                     make_release, moment):
        with time_machine.travel(moment - 2 * DAY, tick=False):
            make_release()
            event = make_event(organisation, minister, moment + DAY)
            trip = make_trip(organisation, (moment + DAY).date())
            release = make_release(published_at=moment - DAY, embargo_until=moment)
            release.events.add(event)
            release.delegations.add(trip)
        with time_machine.travel(moment - SECOND, tick=False):
            assert_hidden(client, event, trip, minister)
        with time_machine.travel(moment + SECOND, tick=False):
            assert_shown(client, event, trip, minister)


# The admin ---------------------------------------------------------------------------------


def member(name, group):
    user = User.objects.create_user(name, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def press_office():
    return member("pressestelle", "Pressestelle")


@pytest.fixture
def editorial():
    return member("redaktion", "Redaktion")


def change_url(obj):
    return reverse(f"admin:releases_{obj._meta.model_name}_change", args=[obj.pk])


def trip_data(trip, **fields):
    data = {
        "title": trip.title, "slug": trip.slug, "leader": str(trip.leader_id),
        "organisation": str(trip.organisation_id), "start_date": trip.start_date.strftime(
            "%d.%m.%Y"), "end_date": "", "countries": trip.countries, "member_count": "",
        "purpose": "", "description": "",
        "topics": [str(pk) for pk in trip.topics.values_list("pk", flat=True)],
        **publication(trip.status, trip.published_at, trip.embargo_until),
        **management_form("stops"), **management_form("members"), **management_form("events"),
        "_save": "Sichern",
    }
    data.update(fields)
    return data


@pytest.fixture
def event(organisation, minister):
    return make_event(organisation, minister, berlin(2026, 6, 12, 10, 0))


def announcements():
    return list(AuditEntry.objects.filter(action=AuditEntry.Action.ANNOUNCE))


class TestPreparingAndAnnouncing:
    def test_new_appointments_and_trips_are_in_preparation(self, press_office):
        _user, client = press_office
        for model in (Event, Delegation):
            form = client.get(reverse(f"admin:releases_{model._meta.model_name}_add")
                              ).context["adminform"].form
            assert form.initial.get("status", form.fields["status"].initial) == "draft"

    def test_editorial_staff_see_the_publication_but_cannot_announce(self, editorial, event):
        _user, client = editorial
        page = client.get(change_url(event)).content.decode()
        with translation.override("de"):
            assert gettext("Publication") in page
        assert 'name="status"' not in page and 'name="published_at_0"' not in page
        data, _prefix = event_data(client, event, **publication(
            ANNOUNCED, berlin(2026, 6, 1, 9, 0)))
        response = client.post(change_url(event), data)
        assert response.status_code == 302
        event.refresh_from_db()
        assert (event.status, event.published_at) == ("draft", None)
        assert announcements() == []
        assert not Event.objects.public().filter(pk=event.pk).exists()

    def test_press_office_announces_and_the_log_says_who_and_when(self, press_office, event):
        user, client = press_office
        at = berlin(2026, 6, 10, 10, 0)
        data, _prefix = event_data(client, event, **publication(ANNOUNCED, at))
        with time_machine.travel(at - DAY, tick=False):
            assert client.post(change_url(event), data).status_code == 302
        event.refresh_from_db()
        assert (event.status, event.published_at) == (ANNOUNCED, at)
        entry, = announcements()
        assert (entry.actor, entry.release) == (user, None)
        assert EVENT_TITLE in entry.object_repr
        assert "10.06.2026 10:00" in entry.detail
        assert not Event.objects.public(now=at - SECOND).filter(pk=event.pk).exists()
        assert Event.objects.public(now=at).filter(pk=event.pk).exists()

    def test_announcing_without_a_time_means_now(self, press_office, event):
        _user, client = press_office
        now = berlin(2026, 6, 10, 10, 0, 7)
        data, _prefix = event_data(client, event, **publication(ANNOUNCED))
        with time_machine.travel(now, tick=False):
            assert client.post(change_url(event), data).status_code == 302
            event.refresh_from_db()
            assert event.published_at == now
            assert client.get(event.get_absolute_url()).status_code == 200

    def test_a_time_that_is_no_time_is_a_german_message_at_the_field(self, press_office,
                                                                     event):
        _user, client = press_office
        data, _prefix = event_data(client, event, **{
            **publication(ANNOUNCED), "published_at_0": "31.02.2026",
            "published_at_1": "25:00"})
        response = client.post(change_url(event), data)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert list(errors) == ["published_at"]
        assert "gültig" in str(errors["published_at"])
        event.refresh_from_db()
        assert event.status == "draft" and announcements() == []

    def test_taking_an_announcement_back_is_logged_and_hides_it(self, press_office, event):
        _user, client = press_office
        Event.objects.filter(pk=event.pk).update(status=ANNOUNCED,
                                                 published_at=timezone.now() - DAY)
        event.refresh_from_db()
        visitor = Client()
        assert visitor.get(event.get_absolute_url()).status_code == 200  # now in the cache
        data, _prefix = event_data(client, event, status="draft")
        assert client.post(change_url(event), data).status_code == 302
        assert visitor.get(event.get_absolute_url()).status_code == 404
        entry, = announcements()
        with translation.override("de"):
            assert entry.detail.startswith(str(Event.Status.DRAFT.label))
        assert client.get(event.get_absolute_url()).status_code == 404

    def test_saving_without_changing_the_publication_logs_nothing(self, press_office, event):
        _user, client = press_office
        data, _prefix = event_data(client, event, title="Terminhinweis Grenzregion (neu)")
        assert client.post(change_url(event), data).status_code == 302
        assert announcements() == []

    def test_press_office_announces_a_trip(self, press_office, organisation):
        user, client = press_office
        trip = make_trip(organisation, datetime.date(2026, 7, 1))
        at = berlin(2026, 6, 20, 12, 0)
        embargo = berlin(2026, 6, 21, 8, 0)
        response = client.post(change_url(trip), trip_data(trip, **publication(
            ANNOUNCED, at, embargo)))
        assert response.status_code == 302
        trip.refresh_from_db()
        assert (trip.status, trip.published_at, trip.embargo_until) == (ANNOUNCED, at, embargo)
        entry, = announcements()
        assert entry.actor == user and TRIP_TITLE in entry.object_repr
        assert "21.06.2026 08:00" in entry.detail
        assert not Delegation.objects.public(now=embargo - SECOND).filter(pk=trip.pk).exists()
        assert Delegation.objects.public(now=embargo).filter(pk=trip.pk).exists()

    @pytest.mark.parametrize("model", [Event, Delegation])
    def test_changelist_shows_the_status_with_a_filter(self, press_office, organisation,
                                                       minister, model):
        _user, client = press_office
        if model is Event:
            draft = make_event(organisation, minister, berlin(2026, 6, 12, 10, 0))
            model.objects.create(title="Angekündigt", slug="angekuendigt",
                                 organisation=organisation, starts_at=berlin(2026, 6, 1, 9, 0),
                                 status=ANNOUNCED, published_at=timezone.now())
        else:
            draft = make_trip(organisation, datetime.date(2026, 7, 1))
            model.objects.create(title="Angekündigt", slug="angekuendigt", leader=draft.leader,
                                 organisation=organisation, start_date=datetime.date(2026, 6, 1),
                                 countries="Polen", status=ANNOUNCED,
                                 published_at=timezone.now())
        url = reverse(f"admin:releases_{model._meta.model_name}_changelist")
        response = client.get(url, {"status__exact": "draft"})
        assert list(response.context["cl"].result_list) == [draft]
        assert "column-status" in response.content.decode()
        assert "status__exact=announced" in client.get(url).content.decode()


class TestLinkedReleasesOfAnAppointment:
    @pytest.fixture
    def linked(self, event, make_release):
        release = make_release(title="Verknüpfte Medieninformation")
        release.events.add(event)
        return release

    def test_inline_lists_the_releases_read_only_with_a_hint(self, press_office, event,
                                                            linked):
        _user, client = press_office
        response = client.get(change_url(event))
        page = response.content.decode()
        assert "Verknüpfte Medieninformation" in page
        with translation.override("de"):
            hint = gettext("Press releases are linked to this appointment in the press "
                           "release itself (field “appointments”).")
        assert hint in page
        formset = response.context["inline_admin_formsets"][0]
        assert not (formset.has_add_permission or formset.has_change_permission
                    or formset.has_delete_permission)
        assert f'name="{formset.formset.prefix}-0-release"' not in page

    def test_posting_links_through_the_appointment_changes_no_release(
            self, press_office, event, linked, make_release):
        _user, client = press_office
        other = make_release(title="Andere Medieninformation")
        versions = {release.pk: release.version for release in (linked, other)}
        data, prefix = event_data(client, event)
        data.update({
            f"{prefix}-0-DELETE": "on",
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-1-id": "", f"{prefix}-1-event": str(event.pk),
            f"{prefix}-1-release": str(other.pk),
        })
        response = client.post(change_url(event), data)
        assert response.status_code == 302
        assert list(event.releases.all()) == [linked]
        for release in (linked, other):
            release.refresh_from_db()
            assert release.version == versions[release.pk]
        assert not AuditEntry.objects.filter(release__in=[linked, other]).exists()


class TestOneRowAtATime:
    """The page of a topic, organisation, person, appointment or trip asks whether that
    one row is public reason by reason (``get_public``): the same answer as ``public()``."""

    @pytest.fixture
    def world(self, organisation, make_release):
        now = timezone.now()

        def person(slug):
            return Person.objects.create(given_name="Anna", family_name=slug, slug=slug)

        def topic(slug):
            return Topic.objects.create(name=slug, slug=slug)

        def body(slug):
            return Organisation.objects.create(name=slug, slug=slug)

        public = make_release(organisation=body("herausgeber"))
        public.topics.add(topic("in-meldung"))
        public.people.add(person("in-meldung"))
        embargoed = make_release(organisation=body("gesperrt"), embargo_until=now + DAY)
        embargoed.topics.add(topic("gesperrt"))
        embargoed.people.add(person("gesperrt"))
        draft = Event.Status.DRAFT
        for status, slug in ((ANNOUNCED, "termin"), (draft, "vorbereitet"), (draft, "verlinkt")):
            event = Event.objects.create(title=slug, slug=slug, organisation=body(slug),
                                         starts_at=now + DAY, status=status, published_at=now)
            event.topics.add(topic(slug))
            event.ministers.add(person(slug))
        public.events.add(event)  # in preparation, but a public release refers to it
        Delegation.objects.create(title="Entwurf", slug="entwurf", leader=person("entwurf"),
                                  organisation=organisation, start_date=now.date())
        trip = Delegation.objects.create(
            title="Reise", slug="reise", leader=person("reiseleitung"),
            organisation=body("reise"), start_date=(now + DAY).date(), status=ANNOUNCED,
            published_at=now)
        trip.topics.add(topic("reise"))
        stop = DelegationStop.objects.create(delegation=trip, city="Prag")
        Counterpart.objects.create(programme_item=ProgrammeItem.objects.create(
            stop=stop, title="Gespräch"), person=person("gegenueber"))
        for start, slug in ((now - DAY, "im-amt"), (now + DAY, "bald-im-amt")):
            Appointment.objects.create(person=person(slug), organisation=body(slug),
                                       kind=Appointment.Kind.MINISTER, title="Minister",
                                       start_date=start.date())
        topic("ohne")
        person("ohne")
        body("ohne")

    @pytest.mark.parametrize("model", [Topic, Organisation, Person, Event, Delegation])
    def test_each_is_found_exactly_when_public_lists_it(self, world, model):
        public = set(model.objects.public())
        assert public and len(public) < model.objects.count()  # some reasons, rows without
        for row in model.objects.all():
            try:
                found = model.objects.get_public(pk=row.pk)
            except model.DoesNotExist:
                assert row not in public, row.slug
            else:
                assert found == row and row in public, row.slug
