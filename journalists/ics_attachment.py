"""An appointment as an iCalendar entry, attached to accreditation mails.

Built by the project's calendar builder (releases/ics.py), with the UID of the
public calendars' entry. The mail's SEQUENCE is the moment it is sent (and above
the last mail's), so it replaces what a public calendar gave before; the entry
is CANCELLED when the journalist will not attend or the appointment is off.
"""

from releases.ics import event_ics

CONTENT_TYPE = "text/calendar"


def ics_attachment(event, sequence, cancelled=False):
    return (f"termin-{event.pk}.ics", event_ics(event, sequence, cancelled), CONTENT_TYPE)
