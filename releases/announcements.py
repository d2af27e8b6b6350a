"""Appointments and trips published in their own right (models.events.Announcement).

An appointment (Termin) or a delegation trip is prepared, then announced: its
status, publication time and embargo decide, through ``public()``, when the
public sees it. Only those with ``releases.announce_event`` set them. Whoever
changes what the public is told, or when, is named in the audit log.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import audit
from .models import AuditEntry
from .models.events import Announcement

PERMISSION = "releases.announce_event"
FIELDS = ("status", "published_at", "embargo_until")


def may_announce(user):
    return user.has_perm(PERMISSION)


def publication_saved(entry, changed_fields, user, created=False, ip_address=None):
    """After ``entry`` was saved: log a change of its publication (``changed_fields``
    names the fields that changed).

    A change of status is always logged, and so is an announced entry created or
    given another publication time or embargo: each decides when the public sees
    it. Times of an entry in preparation are not: nothing public depends on them
    yet. Returns the AuditEntry, or None.
    """
    changed = set(changed_fields) & set(FIELDS)
    announced = entry.status == Announcement.Status.ANNOUNCED
    if not ("status" in changed or (announced and (changed or created))):
        return None
    return audit.record(AuditEntry.Action.ANNOUNCE, user=user, object_repr=describe(entry),
                        detail=publication_detail(entry), ip_address=ip_address)


def describe(entry):
    """What the log names: the kind of entry and the entry, e.g. "Termin: …"."""
    return f"{capfirst(entry._meta.verbose_name)}: {entry}"


def publication_detail(entry):
    """The entry's status and, when announced, from when it is public."""
    parts = [entry.get_status_display()]
    if entry.status == Announcement.Status.ANNOUNCED and entry.published_at:
        parts.append(_("public from %(time)s") % {"time": _local(entry.published_at)})
    if entry.embargo_until:
        parts.append(_("embargo until %(time)s") % {"time": _local(entry.embargo_until)})
    return ", ".join(parts)


def _local(moment):
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
