"""Who may do what, and why not: the rules every operation checks first.

The workflow's states and sets of states, WorkflowError, the four-eyes rule,
and ``refusal``, the one function that decides whether an operation may start
(the admin's buttons are the operations without a refusal). The operations
themselves are registered in ``OPERATIONS`` by releases/services/operations.py.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import editing
from ..models import AuditEntry, Release

Status = Release.Status
Action = AuditEntry.Action

MIN_REASON_LENGTH = 10
# Published or scheduled: the content is the live edition, changed through a working one.
LIVE = {Status.PUBLISHED, Status.SCHEDULED}
UNRELEASED = {Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.SCHEDULED}
# Operations that leave the release as it is: allowed while someone else holds its lock.
LEAVE_RELEASE_AS_IT_IS = {"preview", "duplicate"}

# The operations by name, in the order the admin offers them. Filled by
# releases/services/operations.py, which the package imports: the operations call
# these rules, so the rules look them up here instead of importing them.
OPERATIONS = {}


class WorkflowError(ValidationError):
    """An operation refused: not allowed, not in this state, or based on an old version."""

    def __str__(self):
        return " ".join(str(message) for message in self.messages)


def _has_perm(user, permission):
    return user is None or user.has_perm(f"releases.{permission}")


def is_author(release, user):
    """Whether ``user`` changed the content of this edition."""
    return user is not None and release.pk is not None and (
        release.authors.filter(pk=user.pk).exists())


def four_eyes_problem(release, user):
    """Why approving or publishing ``release`` by ``user`` breaks the four-eyes rule, or None."""
    if user is None:
        return None
    if is_author(release, user):
        return _("You changed this edition. Under the four-eyes principle somebody else "
                 "approves and publishes it.")
    if approves_in_passing(release, user):
        return None
    if release.status not in {Status.APPROVED, Status.SCHEDULED} or (
            release.approved_by_id is None):
        return _("This edition has not been approved by a second person.")
    return None


def approves_in_passing(release, user):
    """Whether publishing or scheduling ``release`` by ``user`` approves it at the same
    time: it is in review and ``user`` may approve it (a second person who reviews)."""
    return (user is not None and release.status == Status.IN_REVIEW
            and _refusal("approve", release, user, None) is None)


def needs_override(release, user):
    """Why publishing ``release`` by ``user`` needs a written reason, and what to do; or None.

    The one wording of this refusal: the publish page shows it, a refused publication
    says it."""
    reason = four_eyes_problem(release, user)
    if reason is None:
        return None
    return _("%(reason)s To publish it all the same, give a reason of at least "
             "%(length)d characters; it is kept in the audit log.") % {
        "reason": reason, "length": MIN_REASON_LENGTH}


def refusal(name, release, user, now=None):
    """Why ``user`` may not start operation ``name`` on ``release`` now, or None.

    The one place that decides: the buttons offered are the operations without a
    refusal, and an operation that is refused says this.
    """
    found = _refusal(name, release, user, now)
    return found and found[1]


def _refusal(name, release, user, now):
    """(code, message) of the refusal, or None."""
    operation = OPERATIONS[name]
    if not _has_perm(user, operation.permission):
        return "permission", _("You are not allowed to do this: %(operation)s.") % {
            "operation": operation.label}
    if not (operation.on_editions if release.is_working_edition else operation.on_documents) \
            or release.status not in operation.states:
        return "state", _("Not possible for a release that is “%(status)s”: %(operation)s.") % {
            "status": status_label(release), "operation": operation.label}
    if name not in LEAVE_RELEASE_AS_IT_IS:
        locked = editing.lock_refusal(release, user)
        if locked:
            return "locked", locked
    if name == "approve" and is_author(release, user):
        return "four_eyes", four_eyes_problem(release, user)
    if name == "take_back" and user is not None and not is_author(release, user):
        return "author", _("Only an author of this edition can take back its submission.")
    if name == "duplicate" and release.is_removed_for_legal_reasons:
        return "state", _("This release was removed for legal reasons.")
    reason = None
    if name == "preview":
        reason = _preview_refusal(release, now)
    elif release.is_working_edition:
        if name in {"publish", "schedule"} and release.edition_of.status == Status.WITHDRAWN:
            reason = _("The release is withdrawn: undo the withdrawal before publishing a "
                       "change to it.")
        elif name in {"publish", "schedule"} and release.edition_of.status not in LIVE:
            # Its withdrawal undone before it was ever public: a draft, edited directly.
            reason = _("The release is not published any more: its text is edited "
                       "directly. Discard this working edition.")
    elif name in {"publish", "unschedule"} and release.status == Status.SCHEDULED and (
            is_public(release, now)):
        reason = _("This release is already public.")
    elif name == "start_edition" and release.get_working_edition() is not None:
        reason = _("A working edition of this release exists already.")
    return reason and ("state", reason)


def allowed_transitions(release, user, now=None):
    """The operations ``user`` may start on ``release`` now, in OPERATIONS order.

    Publishing and scheduling an edition that was not approved by someone else are
    offered too: they then ask for an override reason (see needs_override).
    """
    return [name for name in OPERATIONS if _refusal(name, release, user, now) is None]


def _check(name, release, user, now=None):
    found = _refusal(name, release, user, now)
    if found is not None:
        raise WorkflowError(found[1], code=found[0])


def _check_four_eyes(release, user, override_reason):
    refusal_ = needs_override(release, user)
    if refusal_ is None:
        return None
    override_reason = (override_reason or "").strip()
    if len(override_reason) < MIN_REASON_LENGTH:
        raise WorkflowError(refusal_, code="four_eyes")
    return override_reason


def operation_label(name):
    return str(OPERATIONS[name].label)


def status_label(release):
    if release.is_working_edition:
        return _("working edition, %(status)s") % {"status": release.get_status_display()}
    return release.get_status_display()


def can_edit(release, user):
    """Whether ``user`` may change the content of ``release`` in its present state.

    A published, scheduled or withdrawn release is not changed in place: its changes
    are written in a working edition. The system (``user=None``) may.
    """
    if user is None:
        return True
    if not user.has_perm("releases.change_release"):
        return False
    return release.pk is None or release.is_working_edition or release.status in {
        Status.DRAFT, Status.IN_REVIEW, Status.APPROVED}


def is_public(release, now=None):
    return release.pk is not None and Release.objects.public(now).filter(pk=release.pk).exists()


def _preview_refusal(release, now=None):
    """Why there can be no preview of this edition (now), or None.

    Here, as ``refusal`` asks it; preview_links.py asks it of an existing link too."""
    document = release.document
    if document.is_removed_for_legal_reasons:
        return _("This release was removed for legal reasons.")
    if document.status == Status.WITHDRAWN:
        return _("This release is withdrawn.")
    if not release.is_working_edition and (
            release.status not in UNRELEASED - {Status.SCHEDULED}
            and not (release.status == Status.SCHEDULED and not is_public(release, now))):
        return _("This edition is published: share the release's address instead, or "
                 "start a change and preview that.")
    return None
