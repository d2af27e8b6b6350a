"""Working editions: starting one, discarding one, and publishing one onto its release.

A published or scheduled release is not edited in place: a change is written in
a working edition, which goes through review like a new release and, when
published, replaces the live content in one transaction (same address, uuid
and number). The copying of content between the two is releases/editions.py.
"""

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import editions
from ..models import Correction, Release
from ..search import count_public_words, counted_releases, update_search_vector
from ..signals import release_corrected
from .rules import Action, Status, _check, _has_perm, is_public
from .steps import _lock, _log, _save, date_by_embargo


@transaction.atomic
def start_edition(release, user, *, version=None):
    """A working edition of a published or scheduled release, with its content.

    The public keeps seeing the live edition. If a working edition exists already,
    that one is returned.
    """
    live = _lock(release, version)
    existing = live.get_working_edition()
    if existing is None or not _has_perm(user, "change_release"):
        _check("start_edition", live, user)
    if existing is not None:
        return existing
    edition = editions.new_working_edition(live, user)
    if user is not None:
        edition.authors.add(user)  # who starts a change is one of its authors
    with reversion.create_revision():
        editions.copy_relations(live, edition)
        edition.save()
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(_("Working edition started"))
    _log(Action.START_EDITION, user, live)
    return edition


@transaction.atomic
def discard_edition(release, user, *, version=None):
    """Delete a working edition; the live edition stays as it is. Returns the live one."""
    edition = _lock(release, version)
    _check("discard", edition, user)
    live = edition.edition_of
    status = edition.get_status_display()
    edition.preview_links.active().update(revoked_at=timezone.now())
    edition.delete()
    _log(Action.DISCARD, user, live, status)
    return live


def _publish_edition(edition, live, user, now, override=""):
    """Put the working edition's content on the live release and delete the edition.

    Runs inside the caller's transaction with both rows locked. The search vector,
    the words of the suggestions, feeds, pages and the API move at this moment, which
    becomes the release's last public change (with or without a note); a correction
    note becomes public with it and is sent to those who got the release.
    """
    counted = counted_releases(now).filter(pk=live.pk).exists()
    if counted:
        count_public_words([live], -1)
    embargo_too = not is_public(live, now)
    note = edition.change_note.strip()
    comment = _("Correction published") if note else _("Change published")

    editions.apply_fields(edition, live, embargo_too=embargo_too)
    if embargo_too and live.status == Status.PUBLISHED:
        date_by_embargo(live, now)  # a Sperrfrist brought forward or lifted: sooner public
    live.public_changed_at = now
    _save(live, user, comment, also=lambda: editions.apply_relations(edition, live))
    correction = None
    if note:
        correction = Correction.objects.create(release=live, text=note, created_by=user,
                                               published_at=now)
    edition.preview_links.active().update(revoked_at=now)
    authors = ", ".join(sorted(edition.authors.values_list("username", flat=True)))
    detail = note or _("Minor change without a note.")
    if authors:
        detail = f"{detail} ({_('written by %(authors)s') % {'authors': authors}})"
    # Logged on the edition while it exists (the step concerns its authors), on the
    # live release as it is now.
    edition.edition_of = live
    if override:
        _log(Action.OVERRIDE, user, edition, override, mark_edition=False)
    _log(Action.CORRECT if note else Action.PUBLISH, user, edition, detail,
         mark_edition=False)
    edition.delete()
    update_search_vector([live.pk])
    if counted:
        count_public_words([live], 1)
    if correction is not None:
        release_corrected.send(sender=Release, release=live, correction=correction, now=now)
    return live
