"""What every operation does around its change: lock the row, save it, log the step.

``_lock`` takes the release's row and checks the version the caller saw
(optimistic locking), ``_save`` bumps the version and keeps a revision, ``_log``
writes the AuditEntry and sends the workflow_step signal. Also the editor's
times: ``berlin_time`` for a time typed in, ``_local`` for one shown in a log.
"""

import reversion
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..models import Release
from ..signals import workflow_step
from .rules import WorkflowError


def _lock(release, version=None, *, check_version=True):
    """The release's row, locked; refused when it is not the version the caller saw."""
    try:
        current = Release.objects.select_for_update().get(pk=release.pk)
    except Release.DoesNotExist:
        raise WorkflowError(_("This release no longer exists."), code="missing") from None
    expected = release.version if version in (None, "") else int(version)
    if check_version and current.version != expected:
        raise WorkflowError(
            _("Someone else has changed this release in the meantime (now version "
              "%(current)d, you saw version %(expected)d). Nothing was done; reload the "
              "page and check the changes.")
            % {"current": current.version, "expected": expected}, code="conflict")
    return current


def _copy_state(source, target):
    if target is not source:
        deferred = source.get_deferred_fields()  # the search vectors: kept by the index
        for field in Release._meta.concrete_fields:
            if field.attname not in deferred:
                setattr(target, field.attname, getattr(source, field.attname))


def _save(current, user, comment, also=None, *, bump=True):
    """Bump the version and save with a revision; ``also`` runs inside it."""
    if bump:
        current.version += 1
    if user is not None:
        current.updated_by = user
    with reversion.create_revision():
        current.save()
        if also is not None:
            also()
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)
    return current


def _log(action, user, release, detail="", *, mark_edition=True):
    """An audit entry, always on the release as a document (a working edition's too,
    marked as such unless ``mark_edition`` is False), and the workflow_step signal,
    in the step's transaction, for the apps that tell people about it."""
    logged = detail
    if release.is_working_edition and mark_edition:
        logged = " ".join(filter(None, [_("Working edition:"), detail]))
    audit.record(action, user=user, release=release.document, detail=logged)
    workflow_step.send(sender=Release, release=release, action=action, user=user,
                       detail=detail, now=timezone.now())


def date_by_embargo(release, earliest):
    """Published under its embargo, a release is dated by the moment the public sees it:
    its page, lists, feeds and number take that time (the end of the embargo), not the
    moment of the click or the time an imported item was written (``earliest``)."""
    release.published_at = max(earliest, release.embargo_until or earliest)


def _local(moment):
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M") if moment else ""


def berlin_time(value):
    """An aware datetime for ``value``; a naive one is wall-clock time in Europe/Berlin.

    A wall-clock time that does not exist (skipped when clocks go forward) or
    exists twice (when they go back) is refused: the editor must say which.
    """
    if timezone.is_aware(value):
        return value
    zone = timezone.get_default_timezone()
    first, second = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise WorkflowError(
            _("%(time)s does not exist or exists twice in German time (clock change). "
              "Choose another time.") % {"time": value.strftime("%d.%m.%Y %H:%M")},
            code="ambiguous_time")
    return first
