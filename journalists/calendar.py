"""An appointment as an iCalendar entry (RFC 5545), attached to accreditation mails.

The UID is stable per appointment, so a later entry with a higher SEQUENCE (a
change, a cancellation) replaces the first one in the journalist's calendar.
Times are given in UTC, which every calendar converts to its own zone.
"""

import datetime

import icalendar
from django.utils import timezone

from releases.html import html_to_text
from releases.links import absolute_url

from .emails import mail_domain

CONTENT_TYPE = "text/calendar"
DEFAULT_DURATION = datetime.timedelta(hours=1)


def event_uid(event):
    return f"event-{event.pk}@{mail_domain()}"


def event_ics(event, sequence, cancelled=False):
    """The VCALENDAR of ``event`` as bytes; CANCELLED when the journalist will not attend
    or the appointment is off."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Newsroom//Akkreditierung//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = icalendar.Event()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    entry.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    ends_at = event.ends_at or event.starts_at + DEFAULT_DURATION
    entry.add("dtend", ends_at.astimezone(datetime.UTC))
    entry.add("summary", event.title)
    if event.place:
        entry.add("location", event.place)
    description = "\n\n".join(filter(None, [
        event.theme, html_to_text(event.description), event.press_information,
        absolute_url(event.get_absolute_url()),
    ]))
    entry.add("description", description)
    entry.add("url", absolute_url(event.get_absolute_url()))
    entry.add("sequence", sequence)
    entry.add("status", "CANCELLED" if cancelled or event.is_cancelled else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical()


def ics_attachment(event, sequence, cancelled=False):
    return (f"termin-{event.pk}.ics", event_ics(event, sequence, cancelled), CONTENT_TYPE)
