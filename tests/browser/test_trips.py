"""A delegation trip built on its own page in real Chromium, as the Pressestelle does it.

The trip, two stops, a programme item at the first and a counterpart met there are
entered on the trip's add page and saved with one click; the trip's page then shows
them nested, and leads to a new appointment of the trip, which leads back.
The trip is built at 1280 px, the narrower of the two desktop widths; screenshots of
each step at 1280 and 1440 px go to test-results/screenshots.
"""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from releases.models import Appointment, Delegation, Person
from tests.browser.helpers import LISTEN, SCREENSHOTS, log_in_and_go_to, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 1440]


@pytest.fixture
def trip_people(organisation):
    leader = Person.objects.create(honorific="Staatsminister", given_name="Thomas",
                                   family_name="Schmidt", slug="thomas-schmidt")
    Appointment.objects.create(person=leader, organisation=organisation,
                               title="Staatsminister für Regionalentwicklung",
                               start_date=datetime.date(2019, 12, 20))
    Person.objects.create(given_name="Wojciech", family_name="Katoła", slug="wojciech-katola")
    return leader


def pick(page, select, term, option):
    """A choice in the admin's search-as-you-type field (select2)."""
    select.locator("xpath=following-sibling::span[contains(@class, 'select2')][1]").locator(
        ".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(term)
    page.locator(".select2-container--open .select2-results__option", has_text=option).click()


def newest(page, prefix, name):
    """The newest row's field of a formset: not its template for new rows."""
    return page.locator(f"[name^='{prefix}'][name$='-{name}']"
                        ":not([name*='__prefix__']):not([name*='empty'])").last


def shot(page, name):
    """Screenshots of the page at each of WIDTHS; the window is left at the first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in reversed(WIDTHS):
        page.set_viewport_size({"width": width, "height": 900})
        path = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000


def test_pressestelle_builds_a_trip_with_stops_programme_and_counterpart_on_one_page(
        live_server, browser, people, trip_people, organisation):
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="de-DE",
                                  timezone_id="Europe/Berlin")
    page = context.new_page()
    page.csp = []
    page.add_init_script(LISTEN)
    page.on("console", lambda message: page.csp.append(message.text)
            if "Content Security Policy" in message.text else None)
    base = live_server.url
    log_in_and_go_to(page, base, people["spokesperson"], reverse("admin:releases_delegation_add"))

    page.fill("#id_title", "Delegationsreise nach Polen")
    pick(page, page.locator("#id_leader"), "Schmidt", "Thomas Schmidt")
    page.fill("#id_start_date", "06.10.2021")
    page.fill("#id_countries", "Polen")
    page.locator("a:visible", has_text="Station hinzufügen").last.click()
    newest(page, "stops-", "city").fill("Kattowitz")
    stop = newest(page, "stops-", "city").get_attribute("name").rsplit("-", 1)[0]
    page.locator(f"[id='{stop}-programme-group']").locator(
        "a:visible", has_text="Programmpunkt hinzufügen").last.click()
    newest(page, f"{stop}-programme-", "title").fill("Gespräche in Kattowitz")
    item = newest(page, f"{stop}-programme-", "title").get_attribute("name").rsplit("-", 1)[0]
    page.locator(f"[id='{item}-counterparts-group']").locator(
        "a:visible", has_text="Gesprächspartner hinzufügen").last.click()
    pick(page, newest(page, f"{item}-counterparts-", "person"), "Katoła", "Wojciech Katoła")
    newest(page, f"{item}-counterparts-", "role").fill("Vizemarschall der Woiwodschaft Schlesien")
    page.locator("a:visible", has_text="Station hinzufügen").last.click()
    newest(page, "stops-", "city").fill("Krakau")
    shot(page, "trip-add")
    page.locator("[name=_continue]").first.click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    trip = Delegation.objects.get()
    assert trip.organisation == organisation  # from the leader's office
    assert [(stop.city, stop.country) for stop in trip.stops.all()] == [
        ("Kattowitz", "Polen"), ("Krakau", "Polen")]
    programme_item = trip.stops.get(city="Kattowitz").programme.get()
    assert programme_item.title == "Gespräche in Kattowitz"
    assert [str(counterpart) for counterpart in programme_item.counterparts.all()] == [
        "Wojciech Katoła, Vizemarschall der Woiwodschaft Schlesien"]
    expect(page.locator("input[value='Gespräche in Kattowitz']")).to_be_visible()
    shot(page, "trip-change")

    page.get_by_role("link", name="Termin dieser Reise hinzufügen").click()
    expect(page.locator("#id_delegation + .select2")).to_contain_text(
        "Delegationsreise nach Polen")
    page.fill("#id_title", "simul+Werkstatt in Kattowitz")
    page.fill("#id_starts_at_0", "07.10.2021")
    page.fill("#id_starts_at_1", "10:00")
    page.locator("[name=_continue]").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    shot(page, "trip-appointment")
    # The appointment's page has a link of that name too (its message): wait for the trip's.
    with page.expect_navigation():
        page.locator("a.trip-link").click()
    expect(page.get_by_role("link", name="simul+Werkstatt in Kattowitz")).to_be_visible()
    assert trip.events.get().title == "simul+Werkstatt in Kattowitz"
    assert violations(page) == []
    context.close()
