"""A journalist's personal RSS feed: embargoed releases first, then the public ones.

Reached only through the unguessable token of an accredited journalist; a
revoked accreditation or a rotated token answers 404 at once. Every delivery of
an embargoed release is logged (EmbargoAccess).
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from releases.feeds import ReleaseItems
from releases.html import html_to_text
from releases.links import absolute_url
from releases.models import Release

from .embargo import embargo_notice, embargoed_for
from .models import EmbargoAccess, Journalist
from .services import log_embargo_access

ITEMS = 30


class JournalistFeed(ReleaseItems, Feed):
    language = "de"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_object(self, request, token):
        journalist = Journalist.objects.accredited().filter(feed_token=token).first()
        if journalist is None:
            raise Http404
        return journalist

    def title(self, journalist):
        return f"Medieninformationen mit Sperrfrist für {journalist.name}"

    def description(self, journalist):
        return ("Persönlicher Feed: Medieninformationen mit Sperrfrist vor ihrer "
                "Veröffentlichung, danach alle öffentlichen Medieninformationen. "
                "Nicht weitergeben.")

    def link(self, journalist):
        return absolute_url(reverse("releases:release-list"))

    def feed_url(self, journalist):
        return absolute_url(reverse("journalists:feed", args=[journalist.feed_token]))

    def items(self, journalist):
        now = timezone.now()
        embargoed = list(embargoed_for(journalist, now).select_related("organisation")
                         .prefetch_related("topics").order_by("embargo_until", "pk"))
        for release in embargoed:
            release.is_embargoed = True
        log_embargo_access(journalist, [release.pk for release in embargoed],
                           EmbargoAccess.Via.FEED, now)
        return embargoed + list(Release.objects.public(now).for_listing()[:ITEMS])

    def item_title(self, item):
        if getattr(item, "is_embargoed", False):
            return f"{embargo_notice(item)} – {item.title}"
        return item.title

    def item_description(self, item):
        if getattr(item, "is_embargoed", False):
            parts = [embargo_notice(item) + ".", item.subtitle, item.teaser,
                     html_to_text(item.body),
                     "Der Link funktioniert ab dem Ende der Sperrfrist."]
            return "\n\n".join(part for part in parts if part)
        return item.teaser or Truncator(html_to_text(item.body)).chars(500)
