"""The public moment: what happens once, when a release becomes public.

Its number, its words in the search suggestions and (through the
release_published signal) the alerts about it come at once when it is published
without an embargo, otherwise when its time or the end of its embargo has come:
``complete_due_publications``, run every minute by ``publish_due``, which also
publishes working editions scheduled for then. ``overdue_publications`` is what
that job has left undone for too long.
"""

import datetime

import reversion
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Organisation, Release
from ..search import count_public_words
from ..signals import release_published
from .rules import Action, Status, is_public
from .steps import _log, _save
from .working_editions import _publish_edition

# Side effects of a publication are overdue when the job has not done them this long
# after the release became public (the job runs every minute).
OVERDUE_AFTER = datetime.timedelta(minutes=5)


def assign_number(release):
    """Give ``release`` the next number of its organisation for its publication year.

    Must run inside a transaction: the organisation row is locked so two
    publications at once cannot take the same number.
    """
    if release.number:
        return
    Organisation.objects.select_for_update().filter(pk=release.organisation_id).first()
    year = timezone.localtime(release.published_at).year
    highest = (
        Release.objects.filter(organisation_id=release.organisation_id, number_year=year)
        .aggregate(highest=Max("number"))["highest"]
    )
    release.number = (highest or 0) + 1
    release.number_year = year


def _complete_publication(release, now):
    """What happens once, when a release has become public: its number (so the public
    numbering has no gaps), its words in the search suggestions. Alerts follow from
    the release_published signal the caller sends."""
    assign_number(release)
    release.effects_done_at = now
    release.save(update_fields=["number", "number_year", "effects_done_at"])
    count_public_words([release], 1)


def _complete_if_public(release, now):
    if release.effects_done_at is None and is_public(release, now):
        _complete_publication(release, now)
        return True
    return False


def _announce(release, now):
    release_published.send(sender=Release, release=release, now=now)


def complete_due_publications(now=None):
    """Complete what has become public by the clock alone; return the releases.

    Releases whose scheduled time or embargo end has come get their number, words
    and alerts; working editions scheduled for now replace their live edition.
    Idempotent: a release is done once (effects_done_at), a working edition is gone
    once published, and a second run or a second runner at the same time (rows
    locked, skipped where the database can) finds nothing. Visibility does not wait
    for this: public() is a comparison with the clock.
    """
    now = now or timezone.now()
    done = []
    with transaction.atomic():
        due = (Release.objects.public(now).filter(effects_done_at__isnull=True)
               .order_by("published_at", "pk"))
        due_editions = (Release.objects.working_editions()
                        .filter(status=Status.SCHEDULED, published_at__lte=now)
                        .order_by("published_at", "pk"))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
            due_editions = due_editions.select_for_update(skip_locked=True)
        for release in due:
            was_scheduled = release.status == Status.SCHEDULED
            # Bookkeeping, no version bump: no editor's form holds these fields.
            release.status = Status.PUBLISHED
            with reversion.create_revision():
                release.save()
                reversion.set_comment(_("Published as scheduled") if was_scheduled
                                      else _("Embargo ended"))
            _complete_publication(release, now)
            _log(Action.PUBLISH, None, release,
                 (_("Published as scheduled; number %(number)s.") if was_scheduled
                  else _("Embargo ended; number %(number)s."))
                 % {"number": release.number_label})
            _announce(release, now)
            done.append(release)
        for edition in due_editions:
            live = Release.objects.select_for_update().get(pk=edition.edition_of_id)
            if live.status == Status.WITHDRAWN:
                edition.status = Status.APPROVED
                edition.published_at = None
                _save(edition, None, _("Schedule cancelled"))
                _log(Action.UNSCHEDULE, None, edition,
                     _("Not published: the release is withdrawn."))
                continue
            done.append(_publish_edition(edition, live, None, now))
    return done


def overdue_publications(now=None):
    """Public releases whose completion waits longer than OVERDUE_AFTER, and working
    editions scheduled that long ago and still not published."""
    now = now or timezone.now()
    then = now - OVERDUE_AFTER
    return (
        Release.objects.public(then).filter(effects_done_at__isnull=True)
        | Release.objects.working_editions().filter(status=Status.SCHEDULED,
                                                    published_at__lte=then)
    ).select_related("organisation").order_by("published_at", "pk")
