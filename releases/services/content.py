"""Writing an edition's content: creating and editing it, and restoring a stored version.

The workflow's own fields (``WORKFLOW_FIELDS``) are never written by an edit.
Whoever changes the content becomes one of the edition's authors, and a change
after approval sends the edition back to review.
"""

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import editing, editions, revisions
from ..models import Release
from ..search import count_public_words, counted_releases, update_search_vector
from .completion import _complete_if_public
from .rules import LIVE, Action, Status, WorkflowError, can_edit
from .steps import _copy_state, _lock, _log, _save
from .working_editions import start_edition

# The fields an operation owns. An edit through the change form never writes them.
WORKFLOW_FIELDS = (
    "status", "published_at", "number", "number_year", "version", "approved_by",
    "approved_at", "effects_done_at", "withdrawn_at", "withdrawal_reason",
    "is_removed_for_legal_reasons", "created_by", "created_at", "uuid", "edition_of",
    "has_publication_time", "public_changed_at", "source_uri",
)


def _content_changed(stored, edited):
    return any(getattr(stored, Release._meta.get_field(name).attname)
               != getattr(edited, Release._meta.get_field(name).attname)
               for name in revisions.CONTENT_FIELDS)


def _edit_refusal(release):
    if release.status == Status.WITHDRAWN:
        return _("A withdrawn release is not changed. Undo the withdrawal first.")
    return _("The published text is not changed directly: start a change (a working "
             "edition), which is published after a second person's review.")


def _back_to_review(release):
    """A change after approval withdraws the approval (and a planned time)."""
    if release.status not in {Status.APPROVED, Status.SCHEDULED}:
        return ""
    release.status = Status.IN_REVIEW
    release.approved_by = release.approved_at = None
    release.published_at = None
    release.effects_done_at = None
    return _("Changed after approval: back in review.")


@transaction.atomic
def save_release(release, user=None, *, version=None, save_related=None, changed=None):
    """Create or edit an edition's content; the workflow fields are left as they are.

    ``save_related`` saves what hangs off the release (the admin's inlines and
    many-to-many fields) inside the same transaction and revision. ``changed`` says
    whether anything changed, when the caller knows better than a comparison of the
    release's own fields (inlines). Whoever changes the content becomes one of the
    edition's authors. Changing an approved or scheduled edition withdraws the
    approval: it goes back to review.
    """
    if release.pk is None:
        return _create(release, user, save_related)
    current = _lock(release, version)
    if user is not None and not user.has_perm("releases.change_release"):
        raise WorkflowError(_("You are not allowed to do this: %(operation)s.")
                            % {"operation": _("edit")}, code="permission")
    if not can_edit(current, user):
        raise WorkflowError(_edit_refusal(current), code="state")
    locked = editing.lock_refusal(current, user)
    if locked:
        raise WorkflowError(locked, code="locked")
    if changed is None:
        changed = _content_changed(current, release)
    now = timezone.now()
    # The system may rewrite a public release: its words change with it.
    if user is None and counted_releases(now).filter(pk=current.pk).exists():
        count_public_words([current], -1)
    if user is not None:
        # An edit never changes the workflow's fields, whatever the instance says.
        for name in WORKFLOW_FIELDS:
            field = Release._meta.get_field(name)
            setattr(release, field.attname, getattr(current, field.attname))
    elif release.status in Release.VISIBLE_STATUSES and release.published_at is None:
        release.published_at = now
    detail = _back_to_review(release) if user is not None and changed else ""
    release.version = current.version
    _save(release, user, _("Changed"), also=save_related)
    if user is not None and changed:
        release.authors.add(user)
    if not release.is_working_edition:
        update_search_vector([release.pk])
    if user is None and not _complete_if_public(release, now) and (
            counted_releases(now).filter(pk=release.pk).exists()):
        count_public_words([release], 1)
    _log(Action.EDIT, user, release, detail)
    return release


def _create(release, user, save_related, detail=""):
    now = timezone.now()
    if user is not None:
        if not user.has_perm("releases.add_release"):
            raise WorkflowError(_("You are not allowed to add releases."), code="permission")
        release.created_by = release.updated_by = user
        release.status = Status.DRAFT
        release.published_at = None
        release.edition_of = None
    elif release.status in Release.VISIBLE_STATUSES and release.published_at is None:
        release.published_at = now
    release.version = 1
    with reversion.create_revision():
        release.save()
        if save_related is not None:
            save_related()
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(_("Created"))
    if user is not None:
        release.authors.add(user)
    update_search_vector([release.pk])
    if user is None:
        _complete_if_public(release, now)
    _log(Action.CREATE, user, release, detail)
    return release


@transaction.atomic
def restore_revision(release, user, stored_version, *, version=None):
    """Give an edition the content of one of the release's stored versions again.

    The fields, many-to-many links, images, attachments and people become what they
    were then; the workflow's fields stay as they are now. On a published or
    scheduled release the content goes into its working edition (started if there
    is none), to be reviewed like any change; the live edition stays. Like an edit,
    it sends an approved edition back to review. Returns the edition changed.
    """
    current = _lock(release, version)
    if str(stored_version.object_id) != str(current.pk) or (
            stored_version.content_type.model_class() is not Release):
        raise WorkflowError(_("This version belongs to another release."), code="mismatch")
    if user is not None and not user.has_perm("releases.change_release"):
        raise WorkflowError(_("You are not allowed to do this: %(operation)s.")
                            % {"operation": _("edit")}, code="permission")
    locked = editing.lock_refusal(current, user)
    if locked:
        raise WorkflowError(locked, code="locked")
    target = current
    if not current.is_working_edition and current.status in LIVE:
        target = start_edition(current, user, version=current.version)
        target = _lock(target)
    elif not can_edit(current, user):
        raise WorkflowError(_edit_refusal(current), code="state")
    fields = stored_version.field_dict
    for name in revisions.CONTENT_FIELDS:
        if name in editions.FIXED_FIELDS and target is not current:
            continue
        attname = Release._meta.get_field(name).attname
        setattr(target, attname, fields.get(attname, "" if name == "change_note" else None))
    detail = _back_to_review(target)

    def related():
        for name in revisions.CONTENT_M2M:
            getattr(target, name).set(fields.get(name, []) or [])
        for name in revisions.FOLLOWED_MODELS:
            getattr(target, name).all().delete()
            for row in revisions.stored_rows(stored_version, name):
                row.pk = None
                row._state.adding = True
                row.release = target
                row.save()

    saved_at = timezone.localtime(stored_version.revision.date_created)
    comment = _("Version of %(time)s restored") % {"time": saved_at.strftime("%d.%m.%Y %H:%M:%S")}
    _save(target, user, comment, also=related)
    if user is not None:
        target.authors.add(user)
    if not target.is_working_edition:
        update_search_vector([target.pk])
    _log(Action.RESTORE, user, target, " ".join(filter(None, [comment + ".", detail])))
    if target is current:
        _copy_state(current, release)
        return release
    return target
