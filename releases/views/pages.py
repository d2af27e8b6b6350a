"""Public pages. Every query starts from Release.objects.public()."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from ..models import Appointment, Delegation, Event, Organisation, Person, Release, ReleasePerson, Topic


def public_releases():
    return Release.objects.public()


class HomeView(TemplateView):
    template_name = "releases/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_releases"] = public_releases().for_listing()[:10]
        context["upcoming_events"] = (
            Event.objects.upcoming().select_related("organisation").order_by("starts_at")[:5])
        context["topics"] = Topic.objects.all()
        context["ministers"] = Person.objects.current_ministers().prefetch_related(
            Prefetch("appointments", queryset=Appointment.objects.current()))
        return context


class ReleaseDetailView(DetailView):
    """A release; staff who may edit it also see unpublished ones, marked as preview."""

    def get_queryset(self):
        queryset = Release.objects.all()
        if not self.request.user.has_perm("releases.change_release"):
            queryset = queryset.public()
        return queryset.select_related("organisation").prefetch_related(
            "topics", "contacts", "images", "attachments", "events", "delegations",
            Prefetch("organisation__appointments", queryset=Appointment.objects.select_related(
                "person")),
            Prefetch("release_people", queryset=ReleasePerson.objects.select_related(
                "person").prefetch_related("person__appointments")),
            Prefetch("related", queryset=Release.objects.public().order_by("-published_at")),
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        context = self.get_context_data(object=self.object)
        context["is_preview"] = not Release.objects.public().filter(pk=self.object.pk).exists()
        response = self.render_to_response(context)
        if context["is_preview"]:
            response["X-Robots-Tag"] = "noindex, nofollow"
            response["Cache-Control"] = "private, no-store"
        return response


class ReleaseListMixin:
    paginate_by = 20

    def releases(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = self.releases().for_listing()[:20]
        return context


class TopicDetailView(ReleaseListMixin, DetailView):
    model = Topic

    def releases(self):
        return public_releases().filter(topics=self.object)


class OrganisationDetailView(ReleaseListMixin, DetailView):
    model = Organisation

    def releases(self):
        return public_releases().filter(organisation=self.object)


class PersonDetailView(ReleaseListMixin, DetailView):
    queryset = Person.objects.prefetch_related("appointments__organisation")

    def releases(self):
        return public_releases().filter(people=self.object)


class EventDetailView(DetailView):
    queryset = Event.objects.select_related("organisation").prefetch_related("ministers", "topics")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = public_releases().filter(events=self.object).for_listing()
        context["now"] = timezone.now()
        return context


class DelegationDetailView(DetailView):
    queryset = Delegation.objects.select_related("leader", "organisation").prefetch_related(
        "members", "stops__programme__counterparts__person")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = public_releases().filter(delegations=self.object).for_listing()
        context["events"] = self.object.events.order_by("starts_at")
        return context




class ReleaseListView(ListView):
    paginate_by = 20
    template_name = "releases/release_list.html"

    def get_queryset(self):
        return public_releases().for_listing()
