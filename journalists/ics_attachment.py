"""An appointment as an iCalendar entry, attached to accreditation mails.

Built by the project's calendar builder (releases/ics.py). The journalist's
entry carries the accreditation's own SEQUENCE, raised with each mail, and is
CANCELLED when the journalist will not attend or the appointment is off.
"""

from releases.ics import event_ics

CONTENT_TYPE = "text/calendar"


def ics_attachment(event, sequence, cancelled=False):
    return (f"termin-{event.pk}.ics", event_ics(event, sequence, cancelled), CONTENT_TYPE)
