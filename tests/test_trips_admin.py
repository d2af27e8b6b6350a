"""A delegation trip built on its own admin page, and the way between trip and appointment."""

import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from releases.models import (
    Appointment,
    Counterpart,
    Delegation,
    DelegationStop,
    Event,
    Person,
    ProgrammeItem,
)

pytest_plugins = ["tests.workflow_fixtures"]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
PREPARED = {"status": "draft", "published_at_0": "", "published_at_1": "",
            "embargo_until_0": "", "embargo_until_1": ""}


def admin_url(model, view, *args):
    return reverse(f"admin:releases_{model._meta.model_name}_{view}", args=args)


def management_form(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def trip_data(leader, organisation=None, countries="Polen", stops=()):
    """What the trip's add form posts: the trip, its stops, each stop's programme and
    each programme item's counterparts, as nested formsets."""
    data = {
        "title": "Delegationsreise nach Polen", "slug": "polen-2021",
        "leader": str(leader.pk), "organisation": str(organisation.pk) if organisation else "",
        "start_date": "06.10.2021", "end_date": "08.10.2021", "countries": countries,
        "member_count": "30", "purpose": "", "description": "", **PREPARED,
        **management_form("stops", total=len(stops)), **management_form("members"),
        "_save": "Sichern",
    }
    for index, (city, country, programme) in enumerate(stops):
        stop = f"stops-{index}"
        data.update({f"{stop}-city": city, f"{stop}-country": country,
                     f"{stop}-arrival_date": "", f"{stop}-departure_date": "",
                     f"{stop}-order": str(index),
                     **management_form(f"{stop}-programme", total=len(programme))})
        for item_index, (title, counterparts) in enumerate(programme):
            item = f"{stop}-programme-{item_index}"
            data.update({f"{item}-title": title, f"{item}-date": "", f"{item}-description": "",
                         f"{item}-order": str(item_index),
                         **management_form(f"{item}-counterparts", total=len(counterparts))})
            for number, (person, role) in enumerate(counterparts):
                counterpart = f"{item}-counterparts-{number}"
                data.update({f"{counterpart}-person": str(person.pk),
                             f"{counterpart}-role": role, f"{counterpart}-order": str(number)})
    return data


@pytest.fixture
def leader(organisation):
    person = Person.objects.create(honorific="Staatsminister", given_name="Thomas",
                                   family_name="Schmidt", slug="thomas-schmidt")
    Appointment.objects.create(person=person, organisation=organisation,
                               title="Staatsminister für Regionalentwicklung",
                               start_date=datetime.date(2019, 12, 20))
    return person


@pytest.fixture
def katola(db):
    return Person.objects.create(given_name="Wojciech", family_name="Katoła",
                                 slug="wojciech-katola")


@pytest.fixture
def trip(leader, organisation, katola):
    trip = Delegation.objects.create(
        title="Delegationsreise nach Polen", slug="polen-2021", leader=leader,
        organisation=organisation, start_date=datetime.date(2021, 10, 6), countries="Polen")
    stop = DelegationStop.objects.create(delegation=trip, city="Kattowitz", country="Polen")
    DelegationStop.objects.create(delegation=trip, city="Krakau", country="Polen", order=1)
    item = ProgrammeItem.objects.create(stop=stop, title="Gespräche in Kattowitz")
    Counterpart.objects.create(programme_item=item, person=katola,
                               role="Vizemarschall der Woiwodschaft Schlesien")
    return trip


@pytest.fixture
def appointment(trip, organisation):
    return Event.objects.create(
        title="simul+Werkstatt in Kattowitz", slug="simul-werkstatt", organisation=organisation,
        starts_at=datetime.datetime(2021, 10, 7, 10, tzinfo=BERLIN), city="Kattowitz",
        delegation=trip)


@pytest.mark.django_db
class TestBuildingATripOnItsPage:
    def test_trip_with_stops_programme_and_counterpart_is_saved_in_one_post(
            self, spokesperson_client, leader, organisation, katola):
        response = spokesperson_client.post(admin_url(Delegation, "add"), trip_data(
            leader, organisation, stops=[
                ("Kattowitz", "Polen", [("Gespräche in Kattowitz", [
                    (katola, "Vizemarschall der Woiwodschaft Schlesien")])]),
                ("Krakau", "Polen", [])]))
        assert response.status_code == 302, response.context["errors"]
        trip = Delegation.objects.get()
        assert [stop.city for stop in trip.stops.all()] == ["Kattowitz", "Krakau"]
        item = ProgrammeItem.objects.get()
        assert (item.stop.city, item.title) == ("Kattowitz", "Gespräche in Kattowitz")
        assert [str(counterpart) for counterpart in item.counterparts.all()] == [
            "Wojciech Katoła, Vizemarschall der Woiwodschaft Schlesien"]

    def test_trip_page_shows_stops_programme_and_counterparts_as_fields(
            self, spokesperson_client, trip):
        content = spokesperson_client.get(admin_url(Delegation, "change", trip.pk)).content
        content = content.decode()
        assert 'name="stops-0-city" value="Kattowitz"' in content
        assert 'name="stops-0-programme-0-title" value="Gespräche in Kattowitz"' in content
        assert re.search(r'name="stops-0-programme-0-counterparts-0-role"[^>]*'
                         r'value="Vizemarschall der Woiwodschaft Schlesien"', content)
        # The order is given by dragging, not typed as a number.
        assert 'type="hidden" name="stops-0-order"' in content

    def test_counterpart_added_to_an_existing_stop_on_the_trip_page(
            self, spokesperson_client, trip, leader, organisation):
        horn = Person.objects.create(given_name="Thomas", family_name="Horn", slug="horn")
        stop = trip.stops.get(city="Kattowitz")
        item = stop.programme.get()
        counterpart = item.counterparts.get()
        post = trip_data(leader, organisation)
        post.update({
            **management_form("stops", total=2, initial=2),
            **management_form("events"),
            "stops-0-id": str(stop.pk), "stops-0-delegation": str(trip.pk),
            "stops-0-city": "Kattowitz", "stops-0-country": "Polen", "stops-0-order": "0",
            "stops-0-arrival_date": "", "stops-0-departure_date": "",
            **management_form("stops-0-programme", total=1, initial=1),
            "stops-0-programme-0-id": str(item.pk), "stops-0-programme-0-stop": str(stop.pk),
            "stops-0-programme-0-title": item.title, "stops-0-programme-0-date": "",
            "stops-0-programme-0-description": "", "stops-0-programme-0-order": "0",
            **management_form("stops-0-programme-0-counterparts", total=2, initial=1),
            "stops-0-programme-0-counterparts-0-id": str(counterpart.pk),
            "stops-0-programme-0-counterparts-0-programme_item": str(item.pk),
            "stops-0-programme-0-counterparts-0-person": str(counterpart.person_id),
            "stops-0-programme-0-counterparts-0-role": counterpart.role,
            "stops-0-programme-0-counterparts-0-order": "0",
            "stops-0-programme-0-counterparts-1-person": str(horn.pk),
            "stops-0-programme-0-counterparts-1-role": "Geschäftsführer der WFS",
            "stops-0-programme-0-counterparts-1-order": "1",
            "stops-1-id": str(trip.stops.get(city="Krakau").pk),
            "stops-1-delegation": str(trip.pk), "stops-1-city": "Krakau",
            "stops-1-country": "Polen", "stops-1-order": "1",
            "stops-1-arrival_date": "", "stops-1-departure_date": "",
            **management_form("stops-1-programme"),
        })
        response = spokesperson_client.post(admin_url(Delegation, "change", trip.pk), post)
        assert response.status_code == 302, response.context["errors"]
        assert [c.person.family_name for c in item.counterparts.order_by("order")] == [
            "Katoła", "Horn"]

    def test_trip_without_organisation_takes_the_leaders_office(
            self, spokesperson_client, leader, organisation):
        response = spokesperson_client.post(admin_url(Delegation, "add"), trip_data(leader))
        assert response.status_code == 302, response.context["errors"]
        assert Delegation.objects.get().organisation == organisation

    def test_trip_without_organisation_of_a_leader_without_office_asks_for_it(
            self, spokesperson_client, katola):
        response = spokesperson_client.post(admin_url(Delegation, "add"), trip_data(katola))
        assert response.status_code == 200
        assert list(response.context["adminform"].form.errors) == ["organisation"]
        assert "Bitte wählen Sie die Organisation" in response.content.decode()
        assert not Delegation.objects.exists()

    def test_stop_without_country_is_in_the_trips_only_country(
            self, spokesperson_client, leader, organisation):
        response = spokesperson_client.post(admin_url(Delegation, "add"), trip_data(
            leader, organisation, stops=[("Kattowitz", "", [])]))
        assert response.status_code == 302, response.context["errors"]
        assert DelegationStop.objects.get().country == "Polen"

    def test_stop_without_country_of_a_trip_to_two_countries_stays_without(
            self, spokesperson_client, leader, organisation):
        response = spokesperson_client.post(admin_url(Delegation, "add"), trip_data(
            leader, organisation, countries="Polen, Tschechien", stops=[("Prag", "", [])]))
        assert response.status_code == 302, response.context["errors"]
        assert DelegationStop.objects.get().country == ""

    def test_stops_and_programme_items_are_not_in_the_sidebar_but_the_trips_are(
            self, spokesperson_client, trip):
        content = spokesperson_client.get(reverse("admin:index")).content.decode()
        assert admin_url(Delegation, "changelist") in content
        assert admin_url(DelegationStop, "changelist") not in content
        assert admin_url(ProgrammeItem, "changelist") not in content

    def test_trip_page_costs_the_same_queries_for_two_stops_and_for_six(
            self, spokesperson_client, trip, django_assert_max_num_queries):
        # Each counterpart's search field asks for its chosen person's name (Django's
        # autocomplete widget); stops and programme items cost nothing more.
        url = admin_url(Delegation, "change", trip.pk)
        with CaptureQueriesContext(connection) as small:
            spokesperson_client.get(url)
        for number in range(4):
            stop = DelegationStop.objects.create(delegation=trip, city=f"Stadt {number}",
                                                 order=number + 2)
            for title in ("Empfang", "Gespräch"):
                ProgrammeItem.objects.create(stop=stop, title=f"{title} {number}")
        with django_assert_max_num_queries(len(small)):
            response = spokesperson_client.get(url)
        assert 'name="stops-5-programme-1-title" value="Gespräch 3"' in response.content.decode()


@pytest.mark.django_db
class TestBetweenTripAndAppointment:
    def test_appointment_page_links_back_to_its_trip(self, spokesperson_client, appointment):
        content = spokesperson_client.get(
            admin_url(Event, "change", appointment.pk)).content.decode()
        assert (f'<a href="{admin_url(Delegation, "change", appointment.delegation_id)}" '
                f'class="trip-link">Delegationsreise nach Polen</a>') in content

    def test_stop_and_programme_item_pages_link_back_to_their_trip(
            self, spokesperson_client, trip):
        item = ProgrammeItem.objects.get()
        trip_url = admin_url(Delegation, "change", trip.pk)
        for url in (admin_url(DelegationStop, "change", item.stop_id),
                    admin_url(ProgrammeItem, "change", item.pk)):
            assert f'href="{trip_url}"' in spokesperson_client.get(url).content.decode()

    def test_trip_page_lists_its_appointments_with_links(self, spokesperson_client,
                                                         appointment):
        content = spokesperson_client.get(
            admin_url(Delegation, "change", appointment.delegation_id)).content.decode()
        assert (f'<a href="{admin_url(Event, "change", appointment.pk)}">'
                "simul+Werkstatt in Kattowitz</a>") in content
        assert "Termine der Reise" in content

    def test_new_appointment_from_the_trip_page_belongs_to_the_trip(
            self, spokesperson_client, trip, organisation):
        page = spokesperson_client.get(admin_url(Delegation, "change", trip.pk))
        add_url = page.context["add_event_url"]
        assert add_url.replace("&", "&amp;") in page.content.decode()
        form = spokesperson_client.get(add_url).context["adminform"].form
        assert form.initial["delegation"] == str(trip.pk)
        assert form.initial["organisation"] == str(organisation.pk)

    def test_appointment_deletion_names_linked_releases_by_title(
            self, spokesperson_client, appointment, make_release):
        release = make_release(title="Große Resonanz bei simul+Werkstatt in Kattowitz",
                               slug="grosse-resonanz")
        release.events.add(appointment)
        content = spokesperson_client.get(
            admin_url(Event, "delete", appointment.pk)).content.decode()
        assert "Release_events object" not in content
        assert "„Große Resonanz bei simul+Werkstatt in Kattowitz“" in content

    def test_appointment_lists_linked_release_by_title(self, spokesperson_client, appointment,
                                                       make_release):
        release = make_release(title="Große Resonanz bei simul+Werkstatt in Kattowitz",
                               slug="grosse-resonanz")
        release.events.add(appointment)
        content = spokesperson_client.get(
            admin_url(Event, "change", appointment.pk)).content.decode()
        assert (f'<a href="{admin_url(type(release), "change", release.pk)}">'
                "Große Resonanz bei simul+Werkstatt in Kattowitz</a>") in content
        assert "object (" not in content
