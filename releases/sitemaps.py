"""sitemap.xml: an index of the sitemaps of public releases, topics, appointments,
delegation trips, fixed and legal pages (sitemap-<section>.xml, each in pages of
PAGE_SIZE addresses); sitemap-news.xml: the releases of the last two days, for news
search engines.

Each from its model's public(): nothing is listed before the public may see it.
"""

import datetime

from django.contrib import sitemaps
from django.contrib.flatpages.sitemaps import FlatPageSitemap
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from .feeds import xml_text
from .links import site_domain, site_protocol
from .models import Delegation, Event, Release, Topic
from .models.releases import LAST_PUBLIC_CHANGE, PUBLIC_FROM

# Google News takes articles published in the last two days.
NEWS_PERIOD = datetime.timedelta(days=2)
# Addresses per page of a section: a page is made in a fraction of a second, even
# when the cache is away, and an archive of any size is listed, page by page.
PAGE_SIZE = 2_000


class PublicSitemap(sitemaps.Sitemap):
    """Absolute URLs from SITE_URL, not from the sites framework's table."""

    limit = PAGE_SIZE

    def get_domain(self, site=None):
        return site_domain()

    def get_protocol(self, protocol=None):
        return site_protocol()


class ReleaseSitemap(PublicSitemap):
    changefreq = "never"

    def items(self):
        return Release.objects.public().only(
            "pk", "slug", "published_at", "embargo_until", "public_changed_at").order_by(
            "-published_at", "-pk")

    def lastmod(self, release):
        return release.last_public_change_at

    def get_latest_lastmod(self):
        # The latest of all, in one query: not release by release.
        return self.items().aggregate(latest=Max(LAST_PUBLIC_CHANGE))["latest"]


class TopicSitemap(PublicSitemap):
    changefreq = "daily"

    def items(self):
        return Topic.objects.public().only("pk", "slug").order_by("pk")


class EventSitemap(PublicSitemap):
    def items(self):
        return Event.objects.public().only("pk", "slug", "updated_at").order_by(
            "-starts_at", "-pk")

    def lastmod(self, event):
        return event.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class DelegationSitemap(PublicSitemap):
    def items(self):
        return Delegation.objects.public().only("pk", "slug").order_by("-start_date", "-pk")


class StaticSitemap(PublicSitemap):
    changefreq = "daily"

    def items(self):
        return [
            "releases:home", "releases:release-list", "releases:event-list",
            "releases:topic-list", "releases:delegation-list", "releases:contact-list",
            "releases:archive",
        ]

    def location(self, name):
        return reverse(name)


class LegalPageSitemap(PublicSitemap, FlatPageSitemap):
    """Impressum, Datenschutz, Barrierefreiheit and any other flatpage."""


def news_releases(now):
    """The public releases that became public within NEWS_PERIOD before ``now``.

    A release counts from the moment the public could read it: its publication time
    or the end of its Sperrfrist, whichever is later.
    """
    return Release.objects.public(now).annotate(public_since=PUBLIC_FROM).filter(
        public_since__gt=now - NEWS_PERIOD)


def news_changes_at(now):
    """The next moment the news sitemap loses a release by age alone, or None.

    Releases that become public later end the page cache's window anyway
    (caching.next_change); this is the other moment its list changes by the clock.
    """
    first = news_releases(now).aggregate(first=Min("public_since"))["first"]
    return first + NEWS_PERIOD if first else None


class NewsSitemap(PublicSitemap):
    """sitemap-news.xml (Google News): location, title and publication time."""

    # Google reads at most 1,000 addresses from a news sitemap.
    limit = 1000

    def items(self):
        return news_releases(timezone.now()).only(
            "pk", "slug", "title", "published_at", "embargo_until").order_by(
            "-public_since", "-pk")

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            release = url["item"]
            url["title"] = xml_text(release.title)
            # W3C datetime with the offset of Berlin.
            url["publication_date"] = timezone.localtime(release.public_from).isoformat(
                timespec="seconds")
        return urls


NEWS_SITEMAPS = {"news": NewsSitemap}

SITEMAPS = {
    "pages": StaticSitemap,
    "legal": LegalPageSitemap,
    "releases": ReleaseSitemap,
    "topics": TopicSitemap,
    "events": EventSitemap,
    "delegations": DelegationSitemap,
}
