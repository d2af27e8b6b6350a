"""Appointments (Termine) and delegation trips, with the public releases about them.

Only public ones (``Event.objects.public()``, ``Delegation.objects.public()``): an
appointment or trip in preparation, or announced for a later time, is not found.
"""

from operator import attrgetter

from django.db.models import Prefetch
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView

from ..cached_values import CachedCountMixin
from ..models import Appointment, Counterpart, Delegation, Event
from ..shortcuts import get_public_or_404
from .pages import PAGE_SIZE, public_releases


class EventListView(CachedCountMixin, ListView):
    """Upcoming appointments, soonest first; ``past=True`` lists past ones, latest first."""

    paginate_by = PAGE_SIZE
    template_name = "releases/event_list.html"
    context_object_name = "events"
    past = False

    def get_queryset(self):
        if self.past:
            events = Event.objects.past().public().order_by("-starts_at")
        else:
            events = Event.objects.public().upcoming().order_by("starts_at")
        return events.select_related("organisation")

    def get_context_data(self, **kwargs):
        return super().get_context_data(past=self.past, **kwargs)


class EventDetailView(DetailView):
    """An appointment: the event with its organisation and trip, its topics, the attending
    office holders and their offices, the releases about it and their topics."""

    def get_queryset(self):
        return Event.objects.select_related("organisation").prefetch_related(
            "topics",
            # office_on() looks through the ministers' offices that have begun.
            Prefetch("ministers__appointments", queryset=Appointment.objects.begun()))

    def get_object(self, queryset=None):
        return get_public_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def public_delegation(self):
        """The appointment's trip, named only when it is public itself."""
        if self.object.delegation_id is None:
            return None
        try:
            return Delegation.objects.get_public(pk=self.object.delegation_id)
        except Delegation.DoesNotExist:
            return None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = public_releases().filter(events=self.object).for_listing()
        context["ministers"] = [
            (person, person.office_on(self.object.starts_at))
            for person in self.object.ministers.all()
        ]
        context["delegation"] = self.public_delegation()
        return context


class DelegationListView(CachedCountMixin, ListView):
    paginate_by = PAGE_SIZE
    context_object_name = "delegations"

    def get_queryset(self):
        return Delegation.objects.public().select_related("leader", "organisation")


class DelegationDetailView(DetailView):
    """A trip: with its leader and organisation, its members, topics, stops with their
    programme and its counterparts, its public appointments, the leader's offices, the
    releases about the trip and their topics."""

    def get_queryset(self):
        trips = Delegation.objects.public().select_related("leader", "organisation")
        return trips.prefetch_related(
            "members", "topics",
            Prefetch("stops__programme__counterparts",
                     queryset=Counterpart.objects.select_related("person")),
            # Unordered, so that SQLite looks the trip's events up by their trip rather than
            # walking all appointments by date; ordered in get_context_data.
            Prefetch("events", queryset=Event.objects.public().select_related("organisation")
                     .order_by()),
            # office_on() looks through the leader's offices that have begun.
            Prefetch("leader__appointments", queryset=Appointment.objects.begun()),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = public_releases().filter(delegations=self.object).for_listing()
        context["events"] = sorted(self.object.events.all(), key=attrgetter("starts_at", "pk"))
        context["leader_office"] = self.object.leader.office_on(self.object.start_date)
        return context
