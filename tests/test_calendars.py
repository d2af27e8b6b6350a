"""The public iCalendar feeds: all appointments, per minister, per topic, one appointment."""

import datetime
import zoneinfo

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from releases.ics import event_sequence
from releases.models import Event, Person, Release, Topic

from .public_data import ANNOUNCED

pytest_plugins = ["tests.public_fixtures"]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
HOSTILE = "Bürger\x07treff; Ärger, \"Zitat\" 🎉 \\ Ende\x0b"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(cal):
    return {str(component["uid"]): component for component in cal.walk("VEVENT")}


@pytest.fixture
def settings_site(settings):
    settings.SITE_URL = "https://medienservice.example.de"


def test_all_appointments(client, event, past_event, settings_site):
    response = client.get(reverse("releases:event-calendar"))
    cal = parse(response)
    assert response["Content-Disposition"].startswith("inline")
    assert "public" in response["Cache-Control"]
    assert str(cal["version"]) == "2.0"
    assert cal["prodid"]
    assert str(cal["x-wr-calname"])
    entries = vevents(cal)
    assert set(entries) == {f"event-{event.pk}@medienservice.example.de",
                            f"event-{past_event.pk}@medienservice.example.de"}
    entry = entries[f"event-{event.pk}@medienservice.example.de"]
    assert str(entry["summary"]) == event.title
    assert "Kattowitz" in str(entry["location"])
    assert "Anmeldung bis Mittwoch." in str(entry["description"])
    assert str(entry["url"]) == "https://medienservice.example.de" + event.get_absolute_url()
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert entry.decoded("dtend") == entry.decoded("dtstart") + datetime.timedelta(hours=1)
    assert entry.decoded("dtstamp")
    assert str(entry["status"]) == "CONFIRMED"
    assert int(entry["sequence"]) == event_sequence(event)


def test_uids_are_stable(client, event, past_event):
    first = vevents(parse(client.get(reverse("releases:event-calendar"))))
    second = vevents(parse(client.get(reverse("releases:event-calendar"))))
    assert set(first) == set(second)
    single = vevents(parse(client.get(reverse("releases:event-ics", kwargs={"pk": event.pk}))))
    assert set(single) <= set(first)


def test_scoped_calendars(client, event, past_event, minister, topic):
    for url in (reverse("releases:person-calendar", kwargs={"slug": minister.slug}),
                reverse("releases:topic-calendar", kwargs={"slug": topic.slug})):
        cal = parse(client.get(url))
        assert [str(e["summary"]) for e in cal.walk("VEVENT")] == [event.title]
        assert minister.full_name in str(cal["x-wr-calname"]) or topic.name in str(
            cal["x-wr-calname"])
    assert client.get(reverse("releases:topic-calendar", kwargs={"slug": "gibt-es-nicht"})
                      ).status_code == 404


def test_a_calendar_without_appointments_still_holds_a_component(client, minister):
    """RFC 5545 wants at least one component: strict clients refuse an empty calendar."""
    cal = parse(client.get(reverse("releases:person-calendar", kwargs={"slug": minister.slug})))
    assert not cal.walk("VEVENT")
    [zone] = cal.walk("VTIMEZONE")
    berlin = zone.to_tz()
    assert datetime.datetime(2027, 3, 28, 1, 59, tzinfo=berlin).utcoffset().seconds == 3600
    assert datetime.datetime(2027, 3, 28, 3, 0, tzinfo=berlin).utcoffset().seconds == 7200
    assert datetime.datetime(2027, 10, 31, 3, 0, tzinfo=berlin).utcoffset().seconds == 3600


def test_single_appointment_download(client, event):
    response = client.get(reverse("releases:event-ics", kwargs={"pk": event.pk}))
    cal = parse(response)
    assert response["Content-Disposition"] == f'attachment; filename="termin-{event.pk}.ics"'
    assert len(cal.walk("VEVENT")) == 1
    assert client.get(reverse("releases:event-ics", kwargs={"pk": event.pk + 99})
                      ).status_code == 404


def test_appointment_known_by_its_day_is_a_day_long_entry(client, organisation):
    event = Event.objects.create(title="Werkstatt", slug="werkstatt", organisation=organisation,
                                 starts_at=datetime.datetime(2021, 10, 7, tzinfo=BERLIN),
                                 has_time=False, **ANNOUNCED)
    entry = parse(client.get(reverse("releases:event-ics", kwargs={"pk": event.pk}))
                  ).walk("VEVENT")[0]
    assert entry.decoded("dtstart") == datetime.date(2021, 10, 7)
    assert entry.decoded("dtend") == datetime.date(2021, 10, 8)
    page = client.get(event.get_absolute_url()).content.decode()
    assert '<time datetime="2021-10-07">7. Oktober 2021</time>' in page
    assert "00:00" not in page


def test_event_page_links_and_announces_its_ics(client, event):
    page = client.get(event.get_absolute_url()).content.decode()
    url = reverse("releases:event-ics", kwargs={"pk": event.pk})
    assert '<link rel="alternate" type="text/calendar"' in page
    assert f'href="{url}"' in page
    assert page.count(f'href="{url}"') == 2


def test_cancelled_appointment_stays_with_status_cancelled(client, event):
    event.is_cancelled = True
    event.save()
    entries = list(parse(client.get(reverse("releases:event-calendar"))).walk("VEVENT"))
    assert [str(e["status"]) for e in entries] == ["CANCELLED"]


def test_sequence_increases_after_an_edit(client, event):
    url = reverse("releases:event-ics", kwargs={"pk": event.pk})
    before = int(parse(client.get(url)).walk("VEVENT")[0]["sequence"])
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        event.title = "simul+Werkstatt (verschoben)"
        event.save()
        after = int(parse(client.get(url)).walk("VEVENT")[0]["sequence"])
    assert after > before


@pytest.mark.parametrize("local, fold, utc", [
    # The first 02:30 of 25 October, still summer time (+02:00) ...
    (datetime.datetime(2026, 10, 25, 2, 30), 0, b"DTSTART:20261025T003000Z"),
    # ... and the second, after the clocks went back (+01:00).
    (datetime.datetime(2026, 10, 25, 2, 30), 1, b"DTSTART:20261025T013000Z"),
    # 03:00 on 29 March, the first hour of summer time.
    (datetime.datetime(2026, 3, 29, 3, 0), 0, b"DTSTART:20260329T010000Z"),
])
def test_times_across_daylight_saving_changes(client, organisation, local, fold, utc):
    starts_at = local.replace(tzinfo=BERLIN, fold=fold)
    with time_machine.travel(datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)):
        event = Event.objects.create(title="Termin", slug="termin", starts_at=starts_at,
                                     organisation=organisation, **ANNOUNCED)
        response = client.get(reverse("releases:event-ics", kwargs={"pk": event.pk}))
        entry = parse(response).walk("VEVENT")[0]
    assert utc in response.content
    # Compared as timestamps: datetimes in a fold never compare equal across zones (PEP 495).
    assert entry.decoded("dtstart").timestamp() == starts_at.timestamp()
    assert entry.decoded("dtstart").utcoffset() == datetime.timedelta(0)
    assert entry.decoded("dtend") - entry.decoded("dtstart") == datetime.timedelta(hours=1)


def test_dst_instants_stay_apart(client, organisation):
    first = datetime.datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)
    second = first.replace(fold=1)
    stamps = {}
    for n, starts_at in enumerate((first, second)):
        event = Event.objects.create(title=f"Termin {n}", slug="termin", starts_at=starts_at,
                                     organisation=organisation, **ANNOUNCED)
        entry = parse(client.get(reverse("releases:event-ics", kwargs={"pk": event.pk}))
                      ).walk("VEVENT")[0]
        stamps[n] = entry.decoded("dtstart")
    assert stamps[1] - stamps[0] == datetime.timedelta(hours=1)
    assert b"DTSTART:20261025T003000Z" in client.get(reverse("releases:event-calendar")
                                                     ).content


def test_hostile_text(client, organisation):
    event = Event.objects.create(
        title=HOSTILE, slug="termin", starts_at=timezone.now() + datetime.timedelta(days=1),
        venue="Saal 1; Haus 2, Etage 3", city="Köln", organisation=organisation,
        description="<p>Erster Absatz, mit Komma; und Semikolon.</p><p>🎉 Zweiter</p>"
                    "<p>Tom &amp; Jerry &lt;b&gt; 10&nbsp;Uhr</p>",
        press_information=HOSTILE, **ANNOUNCED)
    response = client.get(reverse("releases:event-ics", kwargs={"pk": event.pk}))
    raw = response.content.decode("utf-8")
    assert "\x07" not in raw and "\x0b" not in raw
    assert "Ärger\\, \\\"Zitat\\\"" in raw or "Ärger\\, \"Zitat\"" in raw
    assert "Bürgertreff\\;" in raw
    assert "Saal 1\\; Haus 2\\, Etage 3" in raw
    entry = parse(response).walk("VEVENT")[0]
    assert str(entry["summary"]) == "Bürgertreff; Ärger, \"Zitat\" 🎉 \\ Ende"
    assert str(entry["location"]).startswith("Saal 1; Haus 2, Etage 3, Köln")
    description = str(entry["description"])
    assert "<p>" not in description
    assert "Erster Absatz, mit Komma; und Semikolon." in description
    assert "🎉 Zweiter" in description
    assert "Tom & Jerry <b> 10\xa0Uhr" in description  # what the editor typed, no entities
    for line in raw.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75


def test_unpublished_release_does_not_leak(client, event, make_release):
    draft = make_release(title="Geheime Medieninformation", status=Release.Status.DRAFT,
                         published_at=None)
    draft.events.add(event)
    scheduled = make_release(title="Künftige Medieninformation",
                             published_at=timezone.now() + datetime.timedelta(days=1))
    scheduled.events.add(event)
    for url in (reverse("releases:event-calendar"),
                reverse("releases:event-ics", kwargs={"pk": event.pk})):
        content = client.get(url).content.decode()
        assert "Geheime" not in content and "Künftige" not in content
        assert "medieninformation" not in content.lower()


@pytest.mark.parametrize("count", [1, 20])
def test_query_count_is_fixed(client, no_page_cache, organisation, minister, topic, count,
                              django_assert_max_num_queries):
    for n in range(count):
        event = Event.objects.create(title=f"Termin {n}", slug=f"termin-{n}",
                                     starts_at=timezone.now() + datetime.timedelta(days=n),
                                     organisation=organisation, **ANNOUNCED)
        event.ministers.add(minister)
        event.topics.add(topic)
    # A person's or topic's calendar: the person or topic, whether it is public (asked
    # reason by reason: here no release names them, so up to every reason is asked),
    # then the appointments.
    person_reasons = len(list(Person.objects.public_conditions(timezone.now())))
    topic_reasons = len(list(Topic.objects.public_conditions(timezone.now())))
    for url, queries in ((reverse("releases:event-calendar"), 1),
                         (reverse("releases:person-calendar", kwargs={"slug": minister.slug}),
                          2 + person_reasons),
                         (reverse("releases:topic-calendar", kwargs={"slug": topic.slug}),
                          2 + topic_reasons)):
        with django_assert_max_num_queries(queries):
            assert len(parse(client.get(url)).walk("VEVENT")) == count
