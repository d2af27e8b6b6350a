"""RSS 2.0 and Atom feeds of public releases: all, and per topic, person, organisation, kind.

Each scope is one RSS class; its Atom twin is made by atom() (the search page's
filtered list has its own in releases/views/search.py, scoped by the query
string through request_scope()). A feed states its scope once, as a lookup on
Release.objects.public() (``scope``): its items and its validators (ETag,
Last-Modified) are both made from it. Items come from Release.objects.public() only.

ReleaseItems is the one definition of a feed and its items, used by every
feed of releases, the journalists' personal feed too:

* Titles are plain text (Atom says so by default); the feed's title is made of
  names editors type (a topic, an organisation, a person), which are plain
  text as well. An item's description is HTML to feed readers (Atom marks it
  type="html", RSS readers take it so), and so, to many readers, is the RSS
  channel's <description>: their text is escaped for it, so that a teaser or a
  topic named "<script>" is shown, not run. The Atom subtitle is type text.
  Characters XML 1.0 cannot carry (a vertical tab pasted from Word) are left
  out of every text rather than failing the whole feed.
* The description is the teaser, or else the start of the body cut after a
  whole word, with "…". The full body (sanitised HTML, as stored) goes into RSS
  <content:encoded> and Atom <content type="html">.
* The issuing organisation is the item's author (RSS <author> with its press
  address, or <dc:creator> without one; Atom <author>); the feed's author,
  which RFC 4287 requires of an Atom feed, is the site.
* The feed's logo (RSS <image>, Atom <icon> and <logo>) is the site's; the feed
  of an organisation with a logo of its own shows that. RSS takes no SVG there.
* The lead image is the enclosure, its length the stored original's size
  (asked of the storage, no query). Topics are categories. The guid is the
  release's UUID, so it survives slug changes and is the same in every feed.
* An item is published at its publication time and updated at the end of its
  embargo or its latest correction, whichever is later (a minor change without
  a correction note does not date it). RSS has no element of its own for that;
  items carry it as <atom:updated>.

Conditional GET (view()): ETag and Last-Modified come from one aggregate query
over the public releases in the feed's scope, so a repeat poll gets its 304
without the feed being built. Last-Modified is the latest moment an item became
visible (publication or end of embargo) or was corrected; items that are not
public yet never count, so the headers do not betray a scheduled release.
"""

import hashlib
import io
import mimetypes
import re
from functools import wraps

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, rfc3339_date
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe

from .cached_values import public_value
from .html import absolute_links, html_to_text
from .links import absolute_url
from .models import (
    Correction,
    Organisation,
    Person,
    Release,
    ReleaseImage,
    SiteIdentity,
    Topic,
)
from .shortcuts import get_public_or_404

ITEMS = 30
# About 500 characters of German text.
SUMMARY_WORDS = 70
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


MAX_AGE = 300


def xml_text(value):
    """``value`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", str(value))


def summary(body):
    """The start of stored rich text as plain text, cut after a whole word, with "…"."""
    return Truncator(html_to_text(body)).words(SUMMARY_WORDS, truncate="…")


class WrittenInOnePiece:
    """A feed document handed to the response in one piece: the XML writer writes it in a
    thousand small pieces (each tag, each text), and a response takes each one as a
    chunk of its own (encoded and kept apart, sent in a packet of its own)."""

    def write(self, outfile, encoding):
        document = io.StringIO()
        super().write(document, encoding)
        outfile.write(document.getvalue())


class FullContentRssFeed(WrittenInOnePiece, Rss201rev2Feed):
    """RSS 2.0 with the full body in <content:encoded> and the update as <atom:updated>,
    and the feed's logo as its <image>."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        logo = self.feed.get("logo")
        # RSS 2.0 names GIF, JPEG and PNG for the channel's image; readers show no SVG.
        if logo and not logo.lower().endswith(".svg"):
            handler.startElement("image", {})
            handler.addQuickElement("url", logo)
            handler.addQuickElement("title", self.feed["title"])
            handler.addQuickElement("link", self.feed["link"])
            handler.endElement("image")

    def rss_attributes(self):
        return {**super().rss_attributes(),
                "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class FullContentAtomFeed(WrittenInOnePiece, Atom1Feed):
    """Atom with the full body in <content type="html">, and the feed's logo as its
    <icon> and <logo>."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        logo = self.feed.get("logo")
        if logo:
            handler.addQuickElement("icon", logo)
            handler.addQuickElement("logo", logo)

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def with_feed_fields(releases):
    """``releases`` as listed (newest first), with what ReleaseItems needs besides: the
    latest correction and the lead image's stored name, in the same query."""
    # The latest correction dates an item's update; minor changes do not.
    latest_correction = Correction.objects.filter(release=OuterRef("pk")).order_by(
        "-published_at").values("published_at")[:1]
    # The lead image (Release.lead_image's order).
    lead_image = ReleaseImage.objects.filter(release=OuterRef("pk")).order_by(
        "order", "pk").values("image")[:1]
    return releases.for_listing(text=True).annotate(
        corrected_at=Subquery(latest_correction), lead_image_name=Subquery(lead_image))


class ReleaseItems:
    """What every feed of releases says alike, of itself and of each item (see above).

    Items come from with_feed_fields(). A feed names itself with feed_title() and
    feed_description() (plain text). The journalists' feed marks an item whose
    embargo is running (item_is_under_embargo, item_notice); nothing else differs.
    """

    feed_type = FullContentRssFeed
    language = "de"  # the releases are German, whatever the interface language

    def feed_title(self, obj):
        raise NotImplementedError

    def feed_description(self, obj):
        return self.feed_title(obj)

    def title(self, obj):
        return xml_text(self.feed_title(obj))

    def description(self, obj):
        return escape(xml_text(self.feed_description(obj)))

    def subtitle(self, obj):
        return xml_text(self.feed_description(obj))

    def author_name(self):
        return xml_text(SiteIdentity.get().name)

    def feed_logo(self, obj):
        """The logo feed readers show with the feed (a stored file, or empty)."""
        return SiteIdentity.get().logo

    def feed_extra_kwargs(self, obj):
        logo = self.feed_logo(obj)
        return {"logo": absolute_url(logo.url) if logo else None}

    def author_link(self):
        return absolute_url(reverse("releases:home"))

    def item_is_under_embargo(self, item):
        """Public feeds carry public releases only."""
        return False

    def item_notice(self, item):
        """A marking put before an item's title and text (none in public feeds)."""
        return None

    def item_summary(self, item):
        """The item's text in brief, plain: the teaser, or the start of the body."""
        return item.teaser or summary(item.body)

    def item_title(self, item):
        return xml_text(" – ".join(filter(None, [self.item_notice(item), item.title])))

    def item_description(self, item):
        notice = self.item_notice(item)
        text = self.item_summary(item)
        return escape(xml_text(f"{notice}. {text}" if notice else text))

    def item_extra_kwargs(self, item):
        notice = self.item_notice(item)
        body = absolute_links(item.body, self.item_link(item))
        body = f"<p><strong>{escape(notice)}.</strong></p>{body}" if notice else body
        return {"content": xml_text(body)}

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        return f"urn:uuid:{item.uuid}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        moments = [item.published_at, item.corrected_at]
        # Under embargo an item is dated by its publication to journalists: the end of
        # the embargo then dates it anew.
        if not self.item_is_under_embargo(item):
            moments.append(item.embargo_until)
        return max(filter(None, moments))

    def item_author_name(self, item):
        return xml_text(item.organisation.name)

    def item_author_email(self, item):
        return item.organisation.press_email or None

    def item_categories(self, item):
        return [xml_text(topic.name) for topic in item.topics.all()]

    def item_enclosures(self, item):
        if not item.lead_image_name:
            return []
        storage = ReleaseImage._meta.get_field("image").storage
        try:
            length = storage.size(item.lead_image_name)
        except OSError:  # the file is gone; better no enclosure than a broken one
            return []
        mime_type = mimetypes.guess_type(item.lead_image_name)[0] or "application/octet-stream"
        return [Enclosure(absolute_url(storage.url(item.lead_image_name)), str(length),
                          mime_type)]


class ReleaseFeed(ReleaseItems, Feed):
    """All public releases, newest first."""

    url_name = "feed"

    @staticmethod
    def scope(**kwargs):
        """The lookup that limits Release.objects.public() to this feed, from the URL."""
        return {}

    @classmethod
    def request_scope(cls, request, kwargs):
        """The scope of the feed ``request`` asks for (a feed may read its query string)."""
        return cls.scope(**kwargs)

    def get_object(self, request, **kwargs):
        return None

    @staticmethod
    def subject_state(kwargs):
        """What the feed shows of its subject (a name, a logo), from the URL: part of
        its ETag, so that a renamed topic is a new feed. Read of a public subject only:
        the ETag of a hidden one is that of none, and confirms neither it nor its name."""
        return ()

    def scope_of(self, obj):
        """The scope of the feed of ``obj``: the same lookup as its address gives."""
        return self.scope(**self.url_kwargs(obj))

    def releases(self, obj):
        return Release.objects.public().filter(**self.scope_of(obj))

    def url_kwargs(self, obj):
        return {}

    def subject(self, obj):
        return None

    def feed_title(self, obj):
        subject = self.subject(obj)
        if subject is None:
            return _("Press releases")
        return _("Press releases: %(subject)s") % {"subject": subject}

    def link(self, obj):
        return absolute_url(obj.get_absolute_url() if obj else reverse("releases:release-list"))

    def feed_url(self, obj):
        suffix = "-atom" if issubclass(self.feed_type, Atom1Feed) else ""
        return absolute_url(reverse(f"releases:{self.url_name}{suffix}",
                                    kwargs=self.url_kwargs(obj)))

    def items(self, obj):
        return with_feed_fields(self.releases(obj))[:ITEMS]


class TopicFeed(ReleaseFeed):
    url_name = "topic-feed"

    @staticmethod
    def scope(slug):
        return {"topics__slug": slug}

    def get_object(self, request, slug):
        # A topic that is not public has no feed: its name would be the feed's title.
        return get_public_or_404(Topic.objects.all(), slug=slug)

    @staticmethod
    def subject_state(kwargs):
        return list(Topic.objects.public().filter(slug=kwargs["slug"]).values_list("name"))

    def url_kwargs(self, obj):
        return {"slug": obj.slug}

    def subject(self, obj):
        return obj.name


class PersonFeed(TopicFeed):
    url_name = "person-feed"

    @staticmethod
    def scope(slug):
        return {"people__slug": slug}

    def get_object(self, request, slug):
        return get_public_or_404(Person.objects.all(), slug=slug)

    @staticmethod
    def subject_state(kwargs):
        return list(Person.objects.public().filter(slug=kwargs["slug"]).values_list(
            "honorific", "given_name", "family_name"))

    def subject(self, obj):
        return obj.full_name


class OrganisationFeed(TopicFeed):
    url_name = "organisation-feed"

    @staticmethod
    def scope(slug):
        return {"organisation__slug": slug}

    def get_object(self, request, slug):
        return get_public_or_404(Organisation.objects.all(), slug=slug)

    @staticmethod
    def subject_state(kwargs):
        return list(Organisation.objects.public().filter(slug=kwargs["slug"]).values_list(
            "name", "logo"))

    def feed_logo(self, obj):
        return obj.logo or super().feed_logo(obj)


class KindFeed(ReleaseFeed):
    url_name = "kind-feed"

    @staticmethod
    def scope(kind):
        return {"kind": kind}

    def get_object(self, request, kind):
        if kind not in Release.Kind.values:
            raise Http404
        return Release.Kind(kind)

    def url_kwargs(self, obj):
        return {"kind": obj.value}

    def subject(self, obj):
        return obj.label

    def link(self, obj):
        return absolute_url(reverse("releases:kind-detail", kwargs={"kind": obj.value}))


def atom(feed_class):
    """The Atom twin of an RSS feed class."""
    return type(f"{feed_class.__name__}Atom", (feed_class,), {
        "feed_type": FullContentAtomFeed,
        "__doc__": f"Atom: {feed_class.__doc__ or feed_class.__name__}",
    })


ReleaseAtomFeed = atom(ReleaseFeed)
TopicAtomFeed = atom(TopicFeed)
PersonAtomFeed = atom(PersonFeed)
OrganisationAtomFeed = atom(OrganisationFeed)
KindAtomFeed = atom(KindFeed)


def feed_state(request, feed_class, kwargs):
    """What the feed's validators are made of, in one query along the date index.

    A row for each of the newest ITEMS releases in scope (those the feed shows):
    its id, publication, embargo end, last save and latest correction, and in each
    row the latest withdrawal in scope of a release that had been public, which takes
    an item off the feed (one never public changes nothing). Remembered
    on the request: the ETag and the Last-Modified function both ask for it.
    """
    key = "_feed_state"
    if not hasattr(request, key):
        scope = feed_class.request_scope(request, kwargs)
        # Kept in the cache while what the public sees stays the same: a repeat poll is
        # then answered without asking the database.
        setattr(request, key, public_value(_feed_key("feed-state", feed_class, scope),
                                           lambda: _feed_rows(scope)))
    return getattr(request, key)


def feed_subject_state(feed_class, kwargs):
    """``feed_class.subject_state``, kept as the feed's rows are (a subject becomes
    public by the clock too, when a release naming it does)."""
    return public_value(_feed_key("feed-subject", feed_class, kwargs),
                        lambda: feed_class.subject_state(kwargs))


def _feed_key(kind, feed_class, values):
    """A cache name for a value of the feed ``feed_class`` given ``values`` (its scope or
    its URL's arguments)."""
    digest = hashlib.sha256(repr((feed_class.__qualname__, sorted(values.items())))
                            .encode()).hexdigest()
    return f"{kind}:{digest}"


def _feed_rows(scope):
    latest_correction = Correction.objects.filter(release=OuterRef("pk")).order_by(
        "-published_at").values("published_at")[:1]
    # Only a withdrawal of something the feed showed is news to it.
    latest_withdrawal = Release.objects.withdrawn_after_public().filter(**scope).order_by(
        "-withdrawn_at").values("withdrawn_at")[:1]
    return list(Release.objects.public().filter(**scope).order_by("-published_at", "-pk").annotate(
        corrected=Subquery(latest_correction), withdrawn=Subquery(latest_withdrawal),
    ).values_list("pk", "published_at", "embargo_until", "updated_at", "corrected",
                  "withdrawn")[:ITEMS])


def view(feed_class):
    """The view of ``feed_class`` with conditional GET and Cache-Control."""

    def last_modified(request, **kwargs):
        # Every date the ETag sees: a poll with If-Modified-Since alone learns of a
        # changed item too.
        dates = [date for _, *moments in feed_state(request, feed_class, kwargs)
                 for date in moments if date]
        return max(dates, default=None)

    def etag(request, **kwargs):
        rows = feed_state(request, feed_class, kwargs)
        # The feed names the site and shows its logo: a new name or logo is a new feed.
        identity = SiteIdentity.get()
        state = (rows, identity.name, identity.logo.name,
                 feed_subject_state(feed_class, kwargs))
        return hashlib.sha256(repr(state).encode()).hexdigest()[:32]

    feed = feed_class()

    @wraps(feed)
    def render(request, **kwargs):
        response = feed(request, **kwargs)
        # The syndication view dates the response by its items' dates; condition()
        # sets the one that also counts the end of an embargo.
        if "Last-Modified" in response:
            del response["Last-Modified"]
        # The document and the response's empty start, joined: the server sends one piece.
        response.content = response.content
        return response

    return require_safe(cache_control(public=True, max_age=MAX_AGE)(
        condition(etag_func=etag, last_modified_func=last_modified)(render)))
