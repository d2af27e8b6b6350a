"""A journalist's personal feed: embargoed releases first, then the public ones.

Reached only through the unguessable token of an accredited journalist; a
revoked accreditation or a rotated token answers 404 at once. Every delivery of
an embargoed release is logged (EmbargoAccess). RSS, and Atom at .../atom/.

Its items are the public feeds' (releases.feeds.ReleaseItems: the same escaping,
guid, author, dates and summary); an item whose embargo is running is marked
"Sperrfrist: Veröffentlichung nicht vor …" before its title, its description
and its text.

When the embargo ends, the same item (same guid, urn:uuid as in the public
feeds) appears without the marking, and its update date moves from the
publication to the end of the embargo. Atom readers replace an entry whose
<updated> is newer; RSS has no such element, so the RSS item carries it as
<atom:updated>, and readers that keep RSS items by guid and compare their
content (most current ones) take the new title and text. The guid is not
changed: that would make the public text a second item, with the marked one
left beside it, and part it from the same release in the public feeds.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from releases.feeds import ReleaseItems, atom, with_feed_fields
from releases.links import absolute_url
from releases.models import Release

from .embargo import embargo_notice, embargoed_for, log_embargo_access
from .models import EmbargoAccess, Journalist

ITEMS = 30


class JournalistFeed(ReleaseItems, Feed):
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

    def feed_title(self, journalist):
        return f"Medieninformationen mit Sperrfrist für {journalist.name}"

    def feed_description(self, journalist):
        return ("Persönlicher Feed: Medieninformationen mit Sperrfrist vor ihrer "
                "Veröffentlichung, danach alle öffentlichen Medieninformationen. "
                "Nicht weitergeben.")

    def link(self, journalist):
        return absolute_url(reverse("releases:release-list"))

    def feed_url(self, journalist):
        name = "feed-atom" if issubclass(self.feed_type, Atom1Feed) else "feed"
        return absolute_url(reverse(f"journalists:{name}", args=[journalist.feed_token]))

    def feed_guid(self, journalist):
        # Atom's feed id: its own, not the public list's address its link is.
        return self.feed_url(journalist)

    def items(self, journalist):
        now = timezone.now()
        embargoed = list(with_feed_fields(embargoed_for(journalist, now))
                         .order_by("embargo_until", "pk"))
        for release in embargoed:
            release.is_embargoed = True
        log_embargo_access(journalist, [release.pk for release in embargoed],
                           EmbargoAccess.Via.FEED, now)
        return embargoed + list(with_feed_fields(Release.objects.public(now))[:ITEMS])

    def item_is_under_embargo(self, item):
        return getattr(item, "is_embargoed", False)

    def item_notice(self, item):
        return embargo_notice(item) if self.item_is_under_embargo(item) else None

    def item_summary(self, item):
        text = super().item_summary(item)
        if self.item_is_under_embargo(item):
            return f"Der Link funktioniert ab dem Ende der Sperrfrist. {text}"
        return text


JournalistAtomFeed = atom(JournalistFeed)
