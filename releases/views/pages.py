"""Start page, release pages and release listings. Every query starts from public()."""

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from ..cached_values import CachedCountMixin, public_value
from ..links import absolute_url
from ..models import (
    Appointment,
    Event,
    Organisation,
    Person,
    Release,
    ReleasePerson,
    Topic,
    public_condition,
)
from ..presentation import detail_context, share_links
from ..shortcuts import get_public_or_404

PAGE_SIZE = 20


def public_releases():
    return Release.objects.public()


def public_release_counts(relation, now=None):
    """{pk: number of public releases} of the topics or organisations (``relation``: the
    release's field that names them), in one pass over the public releases."""
    return dict(Release.objects.public(now).order_by().values(relation)
                .annotate(count=Count("*")).values_list(relation, "count"))


class HomeView(TemplateView):
    template_name = "releases/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_releases"] = public_releases().for_listing()[:10]
        context["upcoming_events"] = (
            Event.objects.public().upcoming().select_related("organisation")
            .order_by("starts_at")[:5])
        # The topics whose pages list releases (one only an appointment names would lead
        # to an empty list). Which they are costs a pass over the archive: asked of the
        # cache, which knows when it changes.
        context["topics"] = public_value(
            "home:topics", lambda: list(Topic.objects.with_public_releases()))
        context["ministers"] = Person.objects.current_ministers().prefetch_related(
            Prefetch("appointments", queryset=Appointment.objects.current().filter(
                kind=Appointment.Kind.MINISTER)))
        return context


class ReleaseDetailView(DetailView):
    """A release; staff who may edit it also see unpublished ones, marked as preview.

    A withdrawn release keeps its address: a notice with the date and reason
    (GOV.UK style), or 410 Gone and nothing else when removed for legal reasons.
    """

    @cached_property
    def now(self):
        return timezone.now()

    def get_queryset(self):
        queryset = Release.objects.all()
        if not self.request.user.has_perm("releases.change_release"):
            queryset = queryset.filter(public_condition(self.now) | Q(
                status=Release.Status.WITHDRAWN, edition_of__isnull=True))
        return self.release_queryset(queryset)

    def release_queryset(self, queryset):
        """The release with all the page shows: its organisation in its own query, then a
        query for each relation the page lists, whatever the archive's size."""
        return queryset.annotate(
            is_public=ExpressionWrapper(public_condition(self.now), BooleanField()),
        ).select_related("organisation").prefetch_related(
            # minister_in_office() looks through these.
            Prefetch("organisation__appointments", queryset=Appointment.objects.filter(
                kind=Appointment.Kind.MINISTER).select_related("person")),
            # role_label() looks through the people's appointments.
            Prefetch("release_people", queryset=ReleasePerson.objects.select_related(
                "person").prefetch_related("person__appointments")),
            "topics", "contacts", "images", "attachments", "delegations", "corrections",
            Prefetch("events", queryset=Event.objects.order_by("starts_at")),
            # The page shows their title, address and date, and loads nothing else.
            Prefetch("related", queryset=Release.objects.public(self.now)
                     .only("slug", "title", "published_at")
                     .order_by("-published_at", "-pk")),
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status == Release.Status.WITHDRAWN and not self.object.is_public:
            return withdrawn_response(request, self.object, kwargs["slug"])
        if self.object.slug != kwargs["slug"]:
            return redirect(self.address(self.object), permanent=True)
        is_preview = not self.object.is_public
        context = self.get_context_data(object=self.object, is_preview=is_preview)
        response = self.render_to_response(context)
        if is_preview:
            response["X-Robots-Tag"] = "noindex, nofollow"
            response["Cache-Control"] = "private, no-store"
        return response

    def address(self, release):
        """Where this view shows ``release``: a wrong slug is redirected there."""
        return release.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.object))
        if not kwargs.get("is_preview"):
            context["share_links"] = share_links(self.object)
        return context


class ReleasePrintView(ReleaseDetailView):
    """The release as it looks on paper: letterhead, number, date, contact and its address,
    without the site's navigation; printed with the browser's own command, as the pages
    have no JavaScript.

    What it shows and to whom is the release page's (the same queryset and checks); it is
    not indexed, and its canonical address is the release page's.
    """

    template_name = "releases/release_print.html"

    def address(self, release):
        return reverse("releases:release-print", kwargs={"pk": release.pk, "slug": release.slug})

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.setdefault("X-Robots-Tag", "noindex")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["canonical_url"] = absolute_url(self.object.get_absolute_url())
        return context


def withdrawn_response(request, release, slug):
    """The page of a withdrawn release: a notice if it had been public, else not found
    (also when removed for legal reasons: its address was never given out)."""
    if not Release.objects.withdrawn_after_public().filter(pk=release.pk).exists():
        raise Http404(_("No such press release."))
    if release.is_removed_for_legal_reasons:
        return TemplateResponse(request, "releases/release_withdrawn.html",
                                {"is_removed": True, "canonical_url": ""}, status=410)
    if release.slug != slug:
        return redirect(release, permanent=True)
    response = TemplateResponse(request, "releases/release_withdrawn.html",
                                {"release": release})
    response["X-Robots-Tag"] = "noindex"
    return response


def feed_links(title, name, **kwargs):
    """A listing's RSS and Atom feed, for <link rel="alternate"> and visible links."""
    return {
        "title": title,
        "rss": reverse(f"releases:{name}", kwargs=kwargs),
        "atom": reverse(f"releases:{name}-atom", kwargs=kwargs),
    }


class ReleaseListView(CachedCountMixin, ListView):
    """All public releases, newest first; the subject pages below narrow it down."""

    paginate_by = PAGE_SIZE
    template_name = "releases/release_list.html"
    context_object_name = "releases"

    def get_queryset(self):
        return public_releases().for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            feed=feed_links(_("All press releases"), "feed"), kinds=Release.Kind.choices,
            **kwargs)


class SubjectReleaseListView(CachedCountMixin, ListView):
    """Releases about one subject (a topic, person, organisation); ``subject`` in context.

    A subject no public release refers to (and not published in its own right) is
    not found, like one that does not exist: a topic made for an embargoed release
    does not give it away.
    """

    paginate_by = PAGE_SIZE
    context_object_name = "releases"
    subject_model = None

    def subject_queryset(self):
        return self.subject_model.objects.all()

    def get_subject(self):
        return get_public_or_404(self.subject_queryset(), slug=self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        self.subject = self.get_subject()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filter_releases(public_releases()).for_listing()

    def get_context_data(self, **kwargs):
        feed = feed_links(self.subject_name(), self.feed_name, **self.feed_kwargs())
        return super().get_context_data(subject=self.subject, feed=feed, **kwargs)

    def subject_name(self):
        return str(self.subject)

    def feed_kwargs(self):
        return {"slug": self.subject.slug}


class TopicDetailView(SubjectReleaseListView):
    subject_model = Topic
    template_name = "releases/topic_detail.html"
    feed_name = "topic-feed"

    def filter_releases(self, releases):
        return releases.filter(topics=self.subject)


class OrganisationDetailView(SubjectReleaseListView):
    subject_model = Organisation
    template_name = "releases/organisation_detail.html"
    feed_name = "organisation-feed"

    def filter_releases(self, releases):
        return releases.filter(organisation=self.subject)


class PersonDetailView(SubjectReleaseListView):
    """A person's releases and, for office holders, their appointment history."""

    subject_model = Person

    def subject_queryset(self):
        # Offices not yet begun are not announced.
        return super().subject_queryset().prefetch_related(Prefetch(
            "appointments", queryset=Appointment.objects.begun().select_related("organisation")))
    template_name = "releases/person_detail.html"
    feed_name = "person-feed"

    def filter_releases(self, releases):
        return releases.filter(people=self.subject)


class KindDetailView(SubjectReleaseListView):
    """Releases of one kind, e.g. all Presseeinladungen."""

    template_name = "releases/kind_detail.html"
    feed_name = "kind-feed"

    def get_subject(self):
        try:
            return Release.Kind(self.kwargs["kind"])
        except ValueError:
            raise Http404(_("No such kind of release.")) from None

    def subject_name(self):
        return str(self.subject.label)

    def feed_kwargs(self):
        return {"kind": self.subject.value}

    def filter_releases(self, releases):
        return releases.filter(kind=self.subject)


class CountedIndexView(ListView):
    """The public topics or organisations, each with the number of its public releases.

    Counted apart, grouped by the release's field (``relation``), rather than for each
    row: at 100,000 releases 17 ms rather than 370 for the organisations, whose
    releases an index lists, and 130 rather than 320 ms for the topics.
    """

    relation = None

    def get_queryset(self):
        now = timezone.now()
        counts = public_release_counts(self.relation, now)
        rows = list(self.model.objects.public(now))
        for row in rows:
            row.release_count = counts.get(row.pk, 0)
        return rows


class TopicListView(CountedIndexView):
    template_name = "releases/topic_list.html"
    context_object_name = "topics"
    model = Topic
    relation = "topics"


class OrganisationListView(CountedIndexView):
    template_name = "releases/organisation_list.html"
    context_object_name = "organisations"
    model = Organisation
    relation = "organisation"
