"""Duplicating a release as a new draft, and deleting a draft that was never out."""

from django.db import transaction
from django.utils.translation import gettext as _

from .. import audit, editions
from ..models import Release
from .content import _create
from .rules import Action, Status, WorkflowError, _check
from .steps import _lock

# What a copy takes over: the text and whom and what it is about. Not its number, dates,
# status, embargo or correction note (a copy starts as a new draft), nor its images and
# attachments (photos and documents belong to the occasion they were made for, with
# their credits and licences), nor its links to appointments, trips and other releases.
DUPLICATED_FIELDS = ("kind", "organisation", "title", "subtitle", "slug", "teaser", "body")
DUPLICATED_M2M = ("topics", "contacts")


@transaction.atomic
def duplicate(release, user, *, version=None):
    """A new draft with the content of ``release`` (its live text, for a live release),
    written by ``user``; returns the new draft. ``version`` is not checked: reading
    changes nothing."""
    _check("duplicate", release, user)
    source = Release.objects.get(pk=release.pk)
    copy = Release()
    editions.copy_content(source, copy, DUPLICATED_FIELDS)

    def related():
        for name in DUPLICATED_M2M:
            getattr(copy, name).set(getattr(source, name).all())
        for row in source.release_people.all():
            row.pk = None
            row._state.adding = True
            row.release = copy
            row.save()

    _create(copy, user, related, detail=_("Copy of „%(title)s“") % {"title": source.title})
    return copy


def deletion_refusal(release, user):
    """Why ``user`` may not delete ``release``, or None.

    An author deletes a draft that only they wrote and that was never out: never
    published, scheduled or withdrawn (an embargoed release reaches journalists before
    it is public). A working edition is discarded instead. Superusers may delete any
    release (test data, a court order); reversion can still recover it.
    """
    if user is None or (user.is_active and user.is_superuser):
        return None
    if not user.has_perm("releases.change_release"):
        return _("You are not allowed to do this: %(operation)s.") % {"operation": _("delete")}
    if release.is_working_edition:
        return _("A working edition is not deleted: discard it.")
    if release.status != Status.DRAFT or release.number or release.effects_done_at or (
            release.audit_entries.filter(action__in=[
                Action.PUBLISH, Action.SCHEDULE, Action.WITHDRAW, Action.CORRECT]).exists()):
        return _("Only a draft that was never published or scheduled can be deleted.")
    if set(release.authors.values_list("pk", flat=True)) != {user.pk}:
        return _("Only a draft that you wrote alone can be deleted.")
    return None


@transaction.atomic
def delete_draft(release, user):
    """Delete a draft (see deletion_refusal); the audit log keeps its title."""
    current = _lock(release, check_version=False)
    refused = deletion_refusal(current, user)
    if refused is not None:
        raise WorkflowError(refused, code="state")
    # Logged, not announced as a step of the workflow: there is nothing left to review.
    audit.record(Action.DELETE, user=user, release=current)
    current.delete()
