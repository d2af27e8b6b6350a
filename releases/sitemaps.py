"""sitemap.xml: public releases, topics, appointments, delegation trips, fixed and legal pages.

Each from its model's public(): nothing is listed before the public may see it.
"""

from django.contrib import sitemaps
from django.contrib.flatpages.sitemaps import FlatPageSitemap
from django.urls import reverse

from .links import site_domain, site_protocol
from .models import Delegation, Event, Release, Topic


class PublicSitemap(sitemaps.Sitemap):
    """Absolute URLs from SITE_URL, not from the sites framework's table."""

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


SITEMAPS = {
    "pages": StaticSitemap,
    "legal": LegalPageSitemap,
    "releases": ReleaseSitemap,
    "topics": TopicSitemap,
    "events": EventSitemap,
    "delegations": DelegationSitemap,
}
