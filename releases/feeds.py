"""RSS 2.0 and Atom feeds of public releases: all, and per topic, person, organisation, kind.

Each scope is one RSS class; its Atom twin is made by atom(). Items come
from Release.objects.public() only.

Titles are plain text (Atom says so by default). An item's description is
HTML to feed readers (Atom marks it type="html", RSS readers take it so), so
the plain-text teaser is escaped for it: a teaser "<script>" is shown, not run.
Characters XML 1.0 cannot carry (a vertical tab pasted from Word) are left out
rather than failing the whole feed.
"""

import html
import re

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .html import html_to_text
from .links import absolute_url
from .models import Correction, Organisation, Person, Release, Topic

ITEMS = 30
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value):
    """``value`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", str(value))


class ReleaseFeed(Feed):
    """All public releases, newest first."""

    url_name = "feed"
    language = "de"  # the releases are German, whatever the interface language

    def get_object(self, request, **kwargs):
        return None

    def releases(self, obj):
        return Release.objects.public()

    def url_kwargs(self, obj):
        return {}

    def subject(self, obj):
        return None

    def title(self, obj):
        subject = self.subject(obj)
        if subject is None:
            return _("Press releases")
        return _("Press releases: %(subject)s") % {"subject": subject}

    def description(self, obj):
        return self.title(obj)

    def link(self, obj):
        return absolute_url(obj.get_absolute_url() if obj else reverse("releases:release-list"))

    def feed_url(self, obj):
        suffix = "-atom" if self.feed_type is Atom1Feed else ""
        return absolute_url(reverse(f"releases:{self.url_name}{suffix}",
                                    kwargs=self.url_kwargs(obj)))

    def items(self, obj):
        # The latest correction dates an item's update; minor changes do not.
        latest_correction = Correction.objects.filter(release=OuterRef("pk")).order_by(
            "-published_at").values("published_at")[:1]
        return self.releases(obj).for_listing().annotate(
            corrected_at=Subquery(latest_correction))[:ITEMS]

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        text = item.teaser or Truncator(html.unescape(html_to_text(item.body))).chars(500)
        return escape(xml_text(text))

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        return f"urn:uuid:{item.uuid}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.corrected_at or item.published_at

    def item_categories(self, item):
        return [xml_text(topic.name) for topic in item.topics.all()]


class TopicFeed(ReleaseFeed):
    url_name = "topic-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def releases(self, obj):
        return Release.objects.public().filter(topics=obj)

    def url_kwargs(self, obj):
        return {"slug": obj.slug}

    def subject(self, obj):
        return obj.name


class PersonFeed(TopicFeed):
    url_name = "person-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Person, slug=slug)

    def releases(self, obj):
        return Release.objects.public().filter(people=obj)

    def subject(self, obj):
        return obj.full_name


class OrganisationFeed(TopicFeed):
    url_name = "organisation-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Organisation, slug=slug)

    def releases(self, obj):
        return Release.objects.public().filter(organisation=obj)


class KindFeed(ReleaseFeed):
    url_name = "kind-feed"

    def get_object(self, request, kind):
        if kind not in Release.Kind.values:
            raise Http404
        return Release.Kind(kind)

    def releases(self, obj):
        return Release.objects.public().filter(kind=obj)

    def url_kwargs(self, obj):
        return {"kind": obj.value}

    def subject(self, obj):
        return obj.label

    def link(self, obj):
        return absolute_url(reverse("releases:kind-detail", kwargs={"kind": obj.value}))


def atom(feed_class):
    """The Atom twin of an RSS feed class."""
    return type(f"{feed_class.__name__}Atom", (feed_class,), {
        "feed_type": Atom1Feed,
        "subtitle": feed_class.description,
        "__doc__": f"Atom: {feed_class.__doc__ or feed_class.__name__}",
    })


ReleaseAtomFeed = atom(ReleaseFeed)
TopicAtomFeed = atom(TopicFeed)
PersonAtomFeed = atom(PersonFeed)
OrganisationAtomFeed = atom(OrganisationFeed)
KindAtomFeed = atom(KindFeed)
