"""The editors' desk: what waits for whom, on the admin's start page.

Each block is one query: its first rows, each carrying the number of all rows of
the block (a window count), so that the heading's count and the list cost one
query together. A block also says how the release list shows all of its rows:
the same lookups as its query, as the list's query string (``changelist_params``).

Which releases are overdue is the publication job's rule
(``services.overdue_publications``, what ``publish_due --check`` reports); who
may review is the permission the workflow checks.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Release

Status = Release.Status

SHOWN = 8  # items per block; the heading counts all
WEEK = datetime.timedelta(days=7)

# The list's filters (admin/release_filters.py: EditionFilter, AuthorFilter, PublicFilter) by
# their values.
RELEASES_AND_EDITIONS = {"fassung": "alle"}
WORKING_EDITIONS = {"fassung": "arbeitsfassungen"}
BY_ME, NOT_BY_ME = {"autor": "ich"}, {"autor": "andere"}
PUBLIC = {"oeffentlich": "ja"}


def is_editor(user):
    """Whether the start page is a desk for ``user``: staff who may see releases."""
    return user.is_active and user.is_staff and user.has_perm("releases.view_release")


@dataclass
class Block:
    """One block of the desk: a heading with its count, the first items, a link to all."""

    name: str
    title: str
    when_label: str
    items: list = field(default_factory=list)
    count: int = 0
    changelist_params: dict = None
    description: str = ""
    is_warning: bool = False
    hide_when_empty: bool = False

    @property
    def changelist_url(self):
        if self.changelist_params is None:
            return None
        return (reverse("admin:releases_release_changelist") + "?"
                + urlencode(self.changelist_params))

    @property
    def is_shown(self):
        return bool(self.count) or not self.hide_when_empty


@dataclass
class Item:
    release: Release
    when: datetime.datetime = None
    who: object = None

    @property
    def url(self):
        return reverse("admin:releases_release_change", args=[self.release.pk])

    @property
    def status_label(self):
        return services.status_label(self.release)


def _lookups_as_params(lookups):
    """Lookups as the list's query string: datetimes in ISO form, lists comma-separated."""
    params = {}
    for name, value in lookups.items():
        if isinstance(value, datetime.datetime):
            value = value.isoformat()
        elif isinstance(value, (list, tuple, set, frozenset)):
            value = ",".join(sorted(value))
        params[name] = value
    return params


def _fill(block, queryset, when, who=None):
    """Give ``block`` the first SHOWN rows of ``queryset`` and their number, in one query."""
    if who:
        queryset = queryset.select_related(who)
    rows = list(queryset.annotate(desk_total=Window(Count("pk")))[:SHOWN])
    block.count = rows[0].desk_total if rows else 0
    block.items = [Item(release, getattr(release, when), getattr(release, who) if who else None)
                   for release in rows]
    return block


def _filtered(block, lookups, *, params=None, base=None):
    """The releases matching ``lookups``; the block's link shows them in the list."""
    block.changelist_params = {**(params or {}), **_lookups_as_params(lookups)}
    return (base if base is not None else Release.objects.all()).filter(**lookups)


def my_drafts(user, now):
    block = Block("drafts", _("My drafts"), _("changed"))
    releases = _filtered(block, {"status__exact": Status.DRAFT},
                         params={**RELEASES_AND_EDITIONS, **BY_ME}).filter(authors=user)
    return _fill(block, releases.order_by("-updated_at", "-pk"), "updated_at")


def waiting_for_review(user, now):
    block = Block("review", _("Waiting for my review"), _("submitted"),
                  description=_("In review and not written by you."))
    releases = _filtered(block, {"status__exact": Status.IN_REVIEW},
                         params={**RELEASES_AND_EDITIONS, **NOT_BY_ME}).exclude(authors=user)
    # The longest waiting first.
    return _fill(block, releases.order_by("updated_at", "pk"), "updated_at", "updated_by")


def approved(user, now):
    block = Block("approved", _("Approved, not yet scheduled"), _("approved"))
    releases = _filtered(block, {"status__exact": Status.APPROVED}, params=RELEASES_AND_EDITIONS)
    return _fill(block, releases.order_by("approved_at", "pk"), "approved_at", "approved_by")


def scheduled(user, now):
    block = Block("scheduled", _("Scheduled in the next 7 days"), _("public at"))
    releases = _filtered(block, {"status__exact": Status.SCHEDULED, "published_at__gt": now,
                                 "published_at__lte": now + WEEK},
                         params=RELEASES_AND_EDITIONS)
    return _fill(block, releases.order_by("published_at", "pk"), "published_at")


def overdue(user, now):
    block = Block("overdue", _("Publication not completed"), _("public since"),
                  description=_("Public, but its number and notifications are overdue. Is "
                                "the publish_due job running?"),
                  is_warning=True, hide_when_empty=True)
    return _fill(block, services.overdue_publications(now), "published_at")


def working_editions(user, now):
    block = Block("editions", _("Working editions of published releases"), _("changed"))
    releases = _filtered(block, {}, params=WORKING_EDITIONS,
                         base=Release.objects.working_editions())
    return _fill(block, releases.order_by("-updated_at", "-pk"), "updated_at", "updated_by")


def embargoes_today(user, now):
    block = Block("embargoes", _("Embargoes ending today"), _("embargo until"))
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    # Wall-clock arithmetic: the next midnight, also on a day of 23 or 25 hours.
    end = start + datetime.timedelta(days=1)
    statuses = [status for status in Status if status != Status.WITHDRAWN]
    releases = _filtered(block, {"embargo_until__gte": start, "embargo_until__lt": end,
                                 "status__in": statuses})
    return _fill(block, releases.order_by("embargo_until", "pk"), "embargo_until")


def recently_published(user, now):
    block = Block("published", _("Published in the last 7 days"), _("published"))
    releases = _filtered(block, {"published_at__gte": now - WEEK}, params=PUBLIC,
                         base=Release.objects.public(now))
    return _fill(block, releases.order_by("-published_at", "-pk"), "published_at")


def blocks_for(user, now=None):
    """The desk of ``user`` (an editor, see is_editor): the blocks in the order shown."""
    now = now or timezone.now()
    makers = [overdue]
    if user.has_perm("releases.review_release"):
        makers.append(waiting_for_review)
    makers += [my_drafts, approved, scheduled, embargoes_today, working_editions,
               recently_published]
    return [block for block in (make(user, now) for make in makers) if block.is_shown]
