"""Appointments as iCalendar (RFC 5545): the public calendars and the accreditation mails.

The one calendar builder of the project: the public calendars' views
(releases/views/calendars.py) serve what it builds, and journalists/ics_attachment.py
uses it for the entry attached to accreditation mails.

- UID ``event-<pk>@<host of SITE_URL>`` is stable, so a calendar that has seen an
  appointment once updates it rather than adding it a second time.
- SEQUENCE tells a calendar which version of an entry is newer: the whole seconds
  since SEQUENCE_EPOCH of the moment the version was made. Public calendars take
  ``updated_at`` (every save moves it forward), accreditation mails the moment
  they are sent, so an entry from either source replaces an older one from the
  other: they share the UID.
- Times are in UTC. A Berlin wall-clock time with TZID is ambiguous in the hour
  the clocks go back (02:30 on the last Sunday of October happens twice);
  an instant in UTC is not, and every calendar shows it in its own zone. An
  appointment whose hours are unknown (``has_time`` off) is a day-long entry
  (VALUE=DATE), not one at midnight.
- A cancelled appointment stays in the calendar with STATUS:CANCELLED, so
  subscribers see it crossed out instead of silently vanishing.
- Only the appointment's own fields are written; nothing about the releases it
  is linked to (those may not be public yet).
"""

import datetime
import re
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from .html import html_to_text
from .links import absolute_url

CONTENT_TYPE = "text/calendar; charset=utf-8"
DEFAULT_DURATION = datetime.timedelta(hours=1)
SEQUENCE_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
PRODID = "-//Newsroom//Termine//DE"
# RFC 5545 text may not carry control characters other than tab and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def text(value):
    return _CONTROL.sub("", str(value))


def event_uid(event):
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"event-{event.pk}@{host}"


def event_sequence(event):
    """A number that grows with every saved change of ``event``."""
    return sequence_at(event.updated_at)


def sequence_at(moment):
    """The SEQUENCE of an entry made at ``moment``."""
    return max(0, int((moment - SEQUENCE_EPOCH).total_seconds()))


def _utc(value):
    return value.astimezone(datetime.UTC)


def event_component(event, sequence=None, cancelled=False, stamp=None):
    """The VEVENT of ``event``."""
    url = absolute_url(event.get_absolute_url())
    entry = icalendar.Event()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", _utc(stamp or timezone.now()))
    if event.has_time:
        entry.add("dtstart", _utc(event.starts_at))
        entry.add("dtend", _utc(event.ends_at or event.starts_at + DEFAULT_DURATION))
    else:
        first = timezone.localdate(event.starts_at)
        last = timezone.localdate(event.ends_at) if event.ends_at else first
        entry.add("dtstart", first)
        entry.add("dtend", last + datetime.timedelta(days=1))  # DTEND of a day is exclusive
    entry.add("summary", text(event.title))
    if event.place:
        entry.add("location", text(event.place))
    description = "\n\n".join(filter(None, [
        event.theme, html_to_text(event.description).strip(), event.press_information, url,
    ]))
    entry.add("description", text(description))
    entry.add("url", url)
    entry.add("sequence", event_sequence(event) if sequence is None else sequence)
    entry.add("status", "CANCELLED" if cancelled or event.is_cancelled else "CONFIRMED")
    entry.add("last-modified", _utc(event.updated_at))
    return entry


def calendar(events, name=None, sequence=None, cancelled=False):
    """A VCALENDAR of ``events`` as bytes. ``name`` becomes X-WR-CALNAME."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", text(name))
        cal.add("x-wr-timezone", "Europe/Berlin")
    stamp = timezone.now()
    for event in events:
        cal.add_component(event_component(event, sequence, cancelled, stamp))
    if not cal.subcomponents:
        # A calendar holds at least one component (RFC 5545 3.6); strict clients refuse
        # one without. The zone its name announces says nothing of any appointment.
        cal.add_component(berlin_zone())
    return cal.to_ical()


def berlin_zone():
    """VTIMEZONE Europe/Berlin by its rules since 1996: summer time from the last Sunday
    of March, 02:00, to the last Sunday of October, 03:00."""
    zone = icalendar.Timezone(tzid="Europe/Berlin")
    hours = datetime.timedelta(hours=1)
    for kind, name, start, before, after in (
            (icalendar.TimezoneDaylight, "CEST", datetime.datetime(1996, 3, 31, 2), 1, 2),
            (icalendar.TimezoneStandard, "CET", datetime.datetime(1996, 10, 27, 3), 2, 1)):
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("tzoffsetfrom", before * hours)
        part.add("tzoffsetto", after * hours)
        part.add("rrule", {"freq": "yearly", "bymonth": start.month, "byday": "-1su"})
        zone.add_component(part)
    return zone


def event_ics(event, sequence=None, cancelled=False):
    """The VCALENDAR of one appointment as bytes."""
    return calendar([event], sequence=sequence, cancelled=cancelled)
