"""Two editors, one release: who else has it open, and who holds it locked.

Presence is a hint: the change form records that an editor has it open (on its page
and with a heartbeat from static/js/editor-presence.js) and when they saved it; others
opening the form within PRESENCE_WINDOW are told. Rows older than that are pruned
whenever presence is recorded.

A lock is a rule: while one editor holds it, nobody else saves the release or moves
it on in the workflow (``lock_refusal`` is the one definition; the change form and
releases.services ask it). The holder releases it, and so does anyone who may review
or publish (the Pressestelle). Locks do not expire; taking and releasing them is
audit-logged.

The optimistic lock (Release.version) stays underneath both: it catches the saves
that neither presence nor a lock prevented.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import audit
from .models import AuditEntry, EditLock, EditorPresence

# How long an open form or a save counts as "now": a few heartbeats.
PRESENCE_WINDOW = datetime.timedelta(minutes=5)
HEARTBEAT_SECONDS = 60
# Whoever may do one of these may release anyone's lock.
RELEASING_PERMISSIONS = ("releases.review_release", "releases.publish_release")


class LockRefused(ValidationError):
    def __str__(self):
        return " ".join(str(message) for message in self.messages)


def display_name(user):
    return user.get_full_name() or user.get_username()


def clock(moment, now=None):
    """"10:12 Uhr" today, "05.12.2026, 10:12 Uhr" on another day (Berlin time)."""
    local = timezone.localtime(moment)
    time = time_format(local, "TIME_FORMAT")
    if local.date() == timezone.localtime(now or timezone.now()).date():
        return _("%(time)s o'clock") % {"time": time}
    return pgettext("date and time", "%(date)s, %(time)s") % {
        "date": date_format(local, "SHORT_DATE_FORMAT"), "time": time}


# Presence ----------------------------------------------------------------------------------

def record_open(release, user, now=None):
    """``user`` has the release's form open; prune what has gone stale."""
    now = now or timezone.now()
    EditorPresence.objects.stale(now - PRESENCE_WINDOW).delete()
    with transaction.atomic():
        presence, created = EditorPresence.objects.select_for_update().get_or_create(
            release=release, user=user, defaults={"opened_at": now, "seen_at": now})
        if not created:
            # Not stale (pruned above): the same stretch of work goes on.
            presence.opened_at = presence.opened_at or now
            presence.seen_at = now
            presence.save(update_fields=["opened_at", "seen_at"])
    return presence


def record_saved(release, user, now=None):
    """``user`` saved the release; the form they saved is no longer open."""
    now = now or timezone.now()
    EditorPresence.objects.update_or_create(
        release=release, user=user, defaults={"saved_at": now, "seen_at": None})


def record_left(release, user):
    """``user`` closed the form without saving."""
    EditorPresence.objects.filter(release=release, user=user).update(seen_at=None,
                                                                     opened_at=None)


def others_at_work(release, user, now=None):
    """Other editors with the form open or a save within PRESENCE_WINDOW, earliest first."""
    since = (now or timezone.now()) - PRESENCE_WINDOW
    return (EditorPresence.objects.filter(release=release)
            .filter(Q(seen_at__gte=since) | Q(saved_at__gte=since))
            .exclude(user=user).select_related("user").order_by("opened_at", "saved_at"))


def presence_notices(release, user, now=None):
    """What the others are doing, one sentence each."""
    now = now or timezone.now()
    since = now - PRESENCE_WINDOW
    notices = []
    for presence in others_at_work(release, user, now):
        is_open = presence.seen_at is not None and presence.seen_at >= since
        saved = presence.saved_at if presence.saved_at and presence.saved_at >= since else None
        values = {"name": display_name(presence.user),
                  "opened": clock(presence.opened_at or presence.seen_at or now, now),
                  "saved": saved and clock(saved, now)}
        if is_open and saved:
            text = _("%(name)s has been editing this press release since %(opened)s and "
                     "saved it at %(saved)s.")
        elif is_open:
            text = _("%(name)s has been editing this press release since %(opened)s.")
        else:
            text = _("%(name)s saved this press release at %(saved)s.")
        notices.append(text % values)
    return notices


# Locks -------------------------------------------------------------------------------------

def lock_of(release):
    """The release's lock, or None (fetched once per instance)."""
    if release is None or release.pk is None:
        return None
    return getattr(release, "edit_lock", None)


def may_release(lock, user):
    return user is not None and (lock.locked_by_id == user.pk or any(
        user.has_perm(permission) for permission in RELEASING_PERMISSIONS))


def may_lock(user):
    return user is not None and user.has_perm("releases.change_release")


def lock_label(lock, now=None):
    return _("%(name)s has locked this press release for editing since %(time)s.") % {
        "name": display_name(lock.locked_by), "time": clock(lock.locked_at, now)}


def lock_refusal(release, user):
    """Why ``user`` may not save ``release`` or move it on now that it is locked, or None.

    The holder is not refused, nor the system (``user`` None: commands, the importer).
    """
    lock = lock_of(release)
    if user is None or lock is None or lock.locked_by_id == user.pk:
        return None
    if may_release(lock, user):
        hint = _("You can release the lock.")
    else:
        hint = _("Ask %(name)s or the press office to release it.") % {
            "name": display_name(lock.locked_by)}
    return f"{lock_label(lock)} {hint}"


def _audit(action, user, release, detail=""):
    if release.is_working_edition:
        detail = " ".join(filter(None, [_("Working edition:"), detail]))
    audit.record(action, user=user, release=release.document, detail=detail)


@transaction.atomic
def lock(release, user, now=None):
    """Lock ``release`` for ``user``; their own lock is kept as it is."""
    if not may_lock(user):
        raise LockRefused(_("You are not allowed to lock press releases."), code="permission")
    current = (EditLock.objects.select_for_update().select_related("locked_by")
               .filter(release=release).first())
    if current is not None:
        if current.locked_by_id == user.pk:
            return current
        raise LockRefused(lock_label(current), code="locked")
    try:
        with transaction.atomic():
            created = EditLock.objects.create(release=release, locked_by=user,
                                              locked_at=now or timezone.now())
    except IntegrityError:  # taken by someone else a moment ago
        raise LockRefused(_("Someone else has just locked this press release."),
                          code="locked") from None
    _audit(AuditEntry.Action.LOCK, user, release)
    return created


@transaction.atomic
def unlock(release, user):
    """Release the lock on ``release``: its holder may, and the Pressestelle."""
    current = (EditLock.objects.select_for_update().select_related("locked_by")
               .filter(release=release).first())
    if current is None:
        return
    if not may_release(current, user):
        raise LockRefused(_("Only %(name)s or the press office can release this lock.") % {
            "name": display_name(current.locked_by)}, code="permission")
    current.delete()
    detail = "" if current.locked_by_id == user.pk else _(
        "Lock of %(name)s since %(time)s released.") % {
        "name": display_name(current.locked_by), "time": clock(current.locked_at)}
    _audit(AuditEntry.Action.UNLOCK, user, release, detail)
