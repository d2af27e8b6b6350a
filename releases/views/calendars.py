"""Public appointments as iCalendar: all, per minister, per topic, and one appointment.

Only public appointments (``Event.objects.public()``): one in preparation, or
announced for a later time, is in no calendar. A person or topic that is not
public has no calendar (404), so its name does not appear as the calendar's
name either. The calendars hold the appointments of the last PAST_DAYS and all
upcoming ones, cancelled ones included (STATUS:CANCELLED). Each response costs a
number of queries that does not grow with the archive: the subject, if any, and
whether it is public (reason by reason, ``get_public``), then the appointments.
"""

import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from ..ics import CONTENT_TYPE, calendar, event_ics
from ..models import Event, Person, Topic
from ..shortcuts import get_public_or_404

PAST_DAYS = 90
MAX_AGE = 900


def _calendar_events(**lookups):
    since = timezone.now() - datetime.timedelta(days=PAST_DAYS)
    return Event.objects.public().filter(starts_at__gte=since, **lookups).order_by(
        "starts_at", "pk")


def _response(body, filename, disposition="inline"):
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
def all_events(request):
    body = calendar(_calendar_events(), name=_("Appointments"))
    return _response(body, "termine.ics")


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
def person_events(request, slug):
    person = get_public_or_404(Person.objects.all(), slug=slug)
    body = calendar(_calendar_events(ministers=person),
                    name=_("Appointments: %(subject)s") % {"subject": person.full_name})
    return _response(body, f"termine-{person.slug}.ics")


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
def topic_events(request, slug):
    topic = get_public_or_404(Topic.objects.all(), slug=slug)
    body = calendar(_calendar_events(topics=topic),
                    name=_("Appointments: %(subject)s") % {"subject": topic.name})
    return _response(body, f"termine-{topic.slug}.ics")


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
def event_download(request, pk):
    event = get_public_or_404(Event.objects.all(), pk=pk)
    return _response(event_ics(event), f"termin-{event.pk}.ics", "attachment")
