"""The review: draft -> in review -> approved, and back (submit, take back, send back)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .rules import Action, Status, WorkflowError, _check
from .steps import _copy_state, _lock, _log, _save


@transaction.atomic
def submit(release, user, *, version=None):
    """Draft -> in review."""
    current = _lock(release, version)
    _check("submit", current, user)
    current.status = Status.IN_REVIEW
    _save(current, user, _("Submitted for review"))
    _log(Action.SUBMIT, user, current)
    _copy_state(current, release)
    return release


@transaction.atomic
def reject(release, user, note="", *, version=None):
    """In review (or approved) -> draft, with a note for the authors."""
    current = _lock(release, version)
    _check("reject", current, user)
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("Say what should be changed: the note is required."),
                            code="note_required")
    current.status = Status.DRAFT
    current.approved_by = current.approved_at = None
    current.published_at = None  # a time set before is no decision any more
    _save(current, user, _("Sent back"))
    _log(Action.REJECT, user, current, note)
    _copy_state(current, release)
    return release


@transaction.atomic
def take_back(release, user, *, version=None):
    """In review -> draft, by one of the edition's authors, before anyone decided on it."""
    current = _lock(release, version)
    _check("take_back", current, user)
    current.status = Status.DRAFT
    _save(current, user, _("Submission taken back"))
    _log(Action.TAKE_BACK, user, current, "")
    _copy_state(current, release)
    return release


@transaction.atomic
def approve(release, user, *, version=None):
    """In review -> approved, by someone who is not one of the edition's authors."""
    current = _lock(release, version)
    _check("approve", current, user)  # nor by one of the edition's authors
    _approve(current, user)
    _copy_state(current, release)
    return release


def _approve(current, user):
    current.status = Status.APPROVED
    current.approved_by = user
    current.approved_at = timezone.now()
    _save(current, user, _("Approved"))
    _log(Action.APPROVE, user, current)
