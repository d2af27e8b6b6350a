"""The editorial workflow: every operation that changes a release goes through here.

Admin buttons and actions, management commands, importers and tests call these
functions; views and admin classes hold no workflow logic of their own.

Each operation runs in one transaction: it locks the release row, checks the
version the caller based its decision on (optimistic locking: ``version``, by
default the version of the instance passed in), checks permission and state,
changes the row, bumps its version, keeps a revision (django-reversion) and
writes an AuditEntry. A refused operation raises WorkflowError, whose message
says why in the editor's language.

``user=None`` is the system: commands and the importer, run by an operator. It
is not asked for permissions, and the importer may publish directly and set a
status it restores from an export, since that decision was taken elsewhere.

States: draft -> review -> approved -> scheduled/published -> withdrawn.
Four-eyes principle (Vier-Augen-Prinzip): the author (``created_by``) neither
approves nor publishes their own release; publishing without an approval by
someone else needs a written reason, logged as an override.
"""

import datetime
import zoneinfo

import reversion
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, revisions
from .models import AuditEntry, Correction, Organisation, PreviewLink, Release
from .search import update_search_vector

Status = Release.Status
Action = AuditEntry.Action

MIN_REASON_LENGTH = 10
PREVIEW_VALIDITY = datetime.timedelta(days=7)
# Side effects of a scheduled publication are overdue when the job has not done them
# this long after the release became public (the job runs every minute).
OVERDUE_AFTER = datetime.timedelta(minutes=5)

# The fields an operation owns. An edit through the change form never writes them.
WORKFLOW_FIELDS = (
    "status", "published_at", "number", "number_year", "version", "approved_by",
    "approved_at", "effects_done_at", "withdrawn_at", "withdrawal_reason",
    "is_removed_for_legal_reasons", "created_by", "created_at", "uuid",
)


class WorkflowError(ValidationError):
    """An operation refused: not allowed, not in this state, or based on an old version."""

    def __str__(self):
        return " ".join(str(message) for message in self.messages)


# Transitions -------------------------------------------------------------------

# name: (states it starts from, permission it needs)
TRANSITIONS = {
    "submit": ({Status.DRAFT}, "submit_release"),
    "reject": ({Status.IN_REVIEW, Status.APPROVED}, "review_release"),
    "approve": ({Status.IN_REVIEW}, "review_release"),
    "publish": ({Status.APPROVED, Status.SCHEDULED, Status.IN_REVIEW, Status.DRAFT},
                "publish_release"),
    "schedule": ({Status.APPROVED, Status.IN_REVIEW, Status.DRAFT}, "publish_release"),
    "unschedule": ({Status.SCHEDULED}, "publish_release"),
    "withdraw": ({Status.PUBLISHED, Status.SCHEDULED}, "withdraw_release"),
    "restore": ({Status.WITHDRAWN}, "withdraw_release"),
    "correct": ({Status.PUBLISHED}, "correct_release"),
}


def allowed_transitions(release, user):
    """The operations ``user`` may start on ``release`` now, in TRANSITIONS order.

    Publishing and scheduling a release that was not approved by someone else are
    offered too: they then ask for an override reason (see needs_override).
    """
    names = [name for name, (states, permission) in TRANSITIONS.items()
             if release.status in states and _has_perm(user, permission)]
    if release.status == Status.SCHEDULED and is_public(release):
        names = [name for name in names if name not in {"publish", "unschedule"}]
    return names


def _has_perm(user, permission):
    return user is None or user.has_perm(f"releases.{permission}")


def _check_transition(name, release, user):
    states, permission = TRANSITIONS[name]
    if not _has_perm(user, permission):
        raise WorkflowError(
            _("You are not allowed to do this: %(operation)s.")
            % {"operation": operation_label(name)}, code="permission")
    if release.status not in states:
        raise WorkflowError(
            _("Not possible for a release that is “%(status)s”: %(operation)s.")
            % {"status": release.get_status_display(), "operation": operation_label(name)},
            code="state")


def operation_label(name):
    return {
        "submit": _("submit for review"),
        "reject": _("send back"),
        "approve": _("approve"),
        "publish": _("publish"),
        "schedule": _("schedule"),
        "unschedule": _("cancel the schedule"),
        "withdraw": _("withdraw"),
        "restore": _("restore"),
        "correct": _("correct"),
        "edit": _("edit"),
        "preview": _("create a preview link"),
    }[name]


def is_author(release, user):
    return user is not None and release.created_by_id is not None and (
        release.created_by_id == user.pk)


def needs_override(release, user):
    """Why publishing ``release`` by ``user`` breaks the four-eyes rule, or None."""
    if user is None:
        return None
    if is_author(release, user):
        return _("You wrote this release. Under the four-eyes principle somebody else "
                 "publishes it.")
    if release.status not in {Status.APPROVED, Status.SCHEDULED} or (
            release.approved_by_id is None):
        return _("This release has not been approved by a second person.")
    return None


def _check_four_eyes(release, user, override_reason):
    reason = needs_override(release, user)
    if reason is None:
        return None
    override_reason = (override_reason or "").strip()
    if len(override_reason) < MIN_REASON_LENGTH:
        raise WorkflowError(
            _("%(reason)s To publish it all the same, give a reason of at least "
              "%(length)d characters; it is kept in the audit log.")
            % {"reason": reason, "length": MIN_REASON_LENGTH}, code="four_eyes")
    return override_reason


# Locking, saving, logging ---------------------------------------------------------

def _lock(release, version):
    """The release's row, locked; refused when it is not the version the caller saw."""
    try:
        current = Release.objects.select_for_update().get(pk=release.pk)
    except Release.DoesNotExist:
        raise WorkflowError(_("This release no longer exists."), code="missing") from None
    expected = release.version if version in (None, "") else int(version)
    if current.version != expected:
        raise WorkflowError(
            _("Someone else has changed this release in the meantime (now version "
              "%(current)d, you saw version %(expected)d). Nothing was done; reload the "
              "page and check the changes.")
            % {"current": current.version, "expected": expected}, code="conflict")
    return current


def _copy_state(source, target):
    if target is not source:
        for field in Release._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))


def _save(current, release, user, action, comment, detail="", also=None):
    """Bump the version, save with a revision, run ``also`` inside it, log ``action``."""
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
    audit.record(action, user=user, release=current, detail=detail)
    _copy_state(current, release)
    return release


def is_public(release, now=None):
    return Release.objects.public(now).filter(pk=release.pk).exists()


def was_public_before_withdrawal(release):
    """Whether a withdrawn release had been public: its page then keeps a notice."""
    withdrawn_at = release.withdrawn_at
    return bool(
        release.status == Status.WITHDRAWN and withdrawn_at and release.published_at
        and release.published_at <= withdrawn_at
        and (release.embargo_until is None or release.embargo_until <= withdrawn_at))


# Numbering and publication side effects ------------------------------------------

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
    """What happens when a release becomes public: its number, then (later) mail."""
    assign_number(release)
    release.effects_done_at = now


def _announce(release, now, correction=None):
    """Queue the alerts (or embargo mails) in the publishing transaction.

    The outbox rows commit or roll back with the publication; sending happens
    outside the request. The periodic sweep in the journalists app finds anything
    missed here, so a failure to queue never blocks a publication.
    """
    if not apps.is_installed("journalists"):
        return
    from journalists import services as alerts

    if correction is not None:
        alerts.enqueue_correction(release, correction, now)
    else:
        alerts.enqueue_publication(release, now)


def complete_due_publications(now=None):
    """Do the side effects of scheduled releases that have become public; return them.

    Idempotent: a release is done once (effects_done_at) and a second run, or a
    second runner at the same time (rows locked, skipped where the database can),
    finds nothing. Visibility does not wait for this: public() is a comparison
    with the clock.
    """
    now = now or timezone.now()
    done = []
    with transaction.atomic():
        due = (Release.objects.public(now)
               .filter(status=Status.SCHEDULED, effects_done_at__isnull=True)
               .order_by("published_at", "pk"))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        for release in due:
            # Bookkeeping only, no version bump: no editor's form holds these fields.
            release.status = Status.PUBLISHED
            _complete_publication(release, now)
            with reversion.create_revision():
                release.save()
                reversion.set_comment(_("Published as scheduled"))
            audit.record(Action.PUBLISH, release=release,
                         detail=_("Published as scheduled; number %(number)s.")
                         % {"number": release.number_label})
            _announce(release, now)
            done.append(release)
    return done


def overdue_publications(now=None):
    """Scheduled releases public for longer than OVERDUE_AFTER whose side effects wait."""
    now = now or timezone.now()
    return (Release.objects.public(now - OVERDUE_AFTER)
            .filter(status=Status.SCHEDULED, effects_done_at__isnull=True)
            .select_related("organisation").order_by("published_at", "pk"))


# The operations ----------------------------------------------------------------------

@transaction.atomic
def submit(release, user, *, version=None):
    """Draft -> in review."""
    current = _lock(release, version)
    _check_transition("submit", current, user)
    current.status = Status.IN_REVIEW
    return _save(current, release, user, Action.SUBMIT, _("Submitted for review"))


@transaction.atomic
def reject(release, user, note, *, version=None):
    """In review (or approved) -> draft, with a note for the author."""
    current = _lock(release, version)
    _check_transition("reject", current, user)
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("Say what should be changed: the note is required."),
                            code="note_required")
    current.status = Status.DRAFT
    current.approved_by = current.approved_at = None
    return _save(current, release, user, Action.REJECT, _("Sent back"), detail=note)


@transaction.atomic
def approve(release, user, *, version=None):
    """In review -> approved, by someone other than the author."""
    current = _lock(release, version)
    _check_transition("approve", current, user)
    if is_author(current, user):
        raise WorkflowError(
            _("You wrote this release. Under the four-eyes principle somebody else "
              "approves it."), code="four_eyes")
    current.status = Status.APPROVED
    current.approved_by = user
    current.approved_at = timezone.now()
    return _save(current, release, user, Action.APPROVE, _("Approved"))


@transaction.atomic
def publish(release, user=None, *, at=None, version=None, override_reason=""):
    """Publish now; with ``at`` in the future this schedules instead (see schedule).

    Needs publish_release and an approval by someone other than the author, and
    the publisher must not be the author; otherwise ``override_reason`` (at least
    MIN_REASON_LENGTH characters) is required and logged. Numbering and the other
    side effects happen at once.
    """
    now = timezone.now()
    if user is None:
        return _publish_as_system(release, at, version, now)
    if at is not None and at > now:
        return schedule(release, user, at, version=version, override_reason=override_reason)
    current = _lock(release, version)
    _check_transition("publish", current, user)
    if current.status == Status.SCHEDULED and is_public(current, now):
        raise WorkflowError(_("This release is already public."), code="state")
    override = _check_four_eyes(current, user, override_reason)
    if override:
        audit.record(Action.OVERRIDE, user=user, release=current, detail=override)
    current.status = Status.PUBLISHED
    current.published_at = now
    _complete_publication(current, now)
    _save(current, release, user, Action.PUBLISH, _("Published"), detail=current.number_label)
    _announce(current, now)
    return release


def _publish_as_system(release, at, version, now):
    """The importer's and the seed's publication: a decision taken elsewhere."""
    current = _lock(release, version)
    current.published_at = at or current.published_at or now
    current.withdrawn_at = None
    if current.published_at > now:
        current.status = Status.SCHEDULED
        current.effects_done_at = None
        action, comment = Action.SCHEDULE, _("Scheduled")
    else:
        current.status = Status.PUBLISHED
        _complete_publication(current, now)
        action, comment = Action.PUBLISH, _("Published")
    return _save(current, release, None, action, comment, detail=_local(current.published_at))


def _local(moment):
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M") if moment else ""


def berlin_time(value):
    """An aware datetime for ``value``; a naive one is wall-clock time in Europe/Berlin.

    A wall-clock time that does not exist (skipped when clocks go forward) or
    exists twice (when they go back) is refused: the editor must say which.
    """
    if timezone.is_aware(value):
        return value
    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    first, second = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise WorkflowError(
            _("%(time)s does not exist or exists twice in German time (clock change). "
              "Choose another time.") % {"time": value.strftime("%d.%m.%Y %H:%M")},
            code="ambiguous_time")
    return first


@transaction.atomic
def schedule(release, user, at, *, version=None, override_reason=""):
    """Approved -> scheduled for ``at``; public exactly then, numbered by the job.

    The same four-eyes rule as publish applies.
    """
    at = berlin_time(at)
    now = timezone.now()
    if user is None:
        return _publish_as_system(release, at, version, now)
    current = _lock(release, version)
    _check_transition("schedule", current, user)
    if at <= now:
        raise WorkflowError(_("The publication time must be in the future."),
                            code="past_time")
    override = _check_four_eyes(current, user, override_reason)
    if override:
        audit.record(Action.OVERRIDE, user=user, release=current, detail=override)
    current.status = Status.SCHEDULED
    current.published_at = at
    current.effects_done_at = None
    return _save(current, release, user, Action.SCHEDULE,
                 _("Scheduled for %(time)s") % {"time": _local(at)}, detail=_local(at))


@transaction.atomic
def unschedule(release, user, *, version=None):
    """Scheduled -> approved, as long as the time has not come."""
    current = _lock(release, version)
    _check_transition("unschedule", current, user)
    if is_public(current):
        raise WorkflowError(_("This release is already public; withdraw it instead."),
                            code="state")
    planned = _local(current.published_at)
    current.status = Status.APPROVED if current.approved_by_id else Status.IN_REVIEW
    current.published_at = None
    return _save(current, release, user, Action.UNSCHEDULE, _("Schedule cancelled"),
                 detail=planned)


@transaction.atomic
def withdraw(release, user, reason, *, is_legal=False, version=None):
    """Published or scheduled -> withdrawn. The page keeps a notice with the reason,
    or answers 410 Gone when removed for legal reasons."""
    current = _lock(release, version)
    _check_transition("withdraw", current, user)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Give the reason for the withdrawal; it is shown on the page."),
                            code="reason_required")
    current.status = Status.WITHDRAWN
    current.withdrawn_at = timezone.now()
    current.withdrawal_reason = reason
    current.is_removed_for_legal_reasons = bool(is_legal)
    detail = reason + (" [" + _("removed for legal reasons") + "]" if is_legal else "")
    return _save(current, release, user, Action.WITHDRAW, _("Withdrawn"), detail=detail)


@transaction.atomic
def restore(release, user, *, version=None):
    """Withdrawn -> published if it had been public, otherwise back to draft."""
    current = _lock(release, version)
    _check_transition("restore", current, user)
    if was_public_before_withdrawal(current):
        current.status = Status.PUBLISHED
        if current.effects_done_at is None:
            _complete_publication(current, timezone.now())
    else:
        current.status = Status.DRAFT
        current.published_at = None
        current.approved_by = current.approved_at = None
    current.withdrawn_at = None
    current.withdrawal_reason = ""
    current.is_removed_for_legal_reasons = False
    return _save(current, release, user, Action.RESTORE, _("Withdrawal undone"),
                 detail=current.get_status_display())


@transaction.atomic
def correct(release, user, note, *, version=None):
    """A public correction note (Berichtigung) on a published release."""
    current = _lock(release, version)
    correction = _add_correction(current, user, note)
    _save(current, release, user, Action.CORRECT, _("Correction"), detail=note.strip())
    _announce(current, timezone.now(), correction=correction)
    return release


def _add_correction(current, user, note):
    _check_transition("correct", current, user)
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("The correction note is required."), code="note_required")
    return Correction.objects.create(release=current, text=note, created_by=user)


# Editing ------------------------------------------------------------------------------

def can_edit(release, user):
    """Whether ``user`` may change the content of ``release`` in its present state.

    Published and withdrawn releases are changed only with correct_release (a
    minor change, or a correction with a public note).
    """
    if user is None:
        return True
    if not user.has_perm("releases.change_release"):
        return False
    if release.pk is not None and release.status in {Status.PUBLISHED, Status.WITHDRAWN}:
        return user.has_perm("releases.correct_release")
    return True


def _content_changed(stored, edited):
    return any(getattr(stored, Release._meta.get_field(name).attname)
               != getattr(edited, Release._meta.get_field(name).attname)
               for name in revisions.CONTENT_FIELDS)


@transaction.atomic
def save_release(release, user=None, *, version=None, save_related=None, changed=None,
                 correction_note=""):
    """Create or edit a release's content; the workflow fields are left as they are.

    ``save_related`` saves what hangs off the release (the admin's inlines and
    many-to-many fields) inside the same transaction and revision. ``changed`` says
    whether anything changed, when the caller knows better than a comparison of the
    release's own fields (inlines). Changing an approved or scheduled release
    withdraws the approval: it goes back to review. A ``correction_note`` on a
    published release is published with the change.
    """
    if release.pk is None:
        return _create(release, user, save_related)
    current = _lock(release, version)
    if not can_edit(current, user):
        raise WorkflowError(_("You are not allowed to change this release in its present "
                              "state (“%(status)s”).")
                            % {"status": current.get_status_display()}, code="permission")
    if changed is None:
        changed = _content_changed(current, release)
    if user is not None:
        # An edit never changes the workflow's fields, whatever the instance says.
        for name in WORKFLOW_FIELDS:
            field = Release._meta.get_field(name)
            setattr(release, field.attname, getattr(current, field.attname))
    else:
        _make_consistent(release)
    action, comment, detail = Action.EDIT, _("Changed"), ""
    if user is not None and changed and current.status in {Status.APPROVED, Status.SCHEDULED}:
        release.status = Status.IN_REVIEW
        release.approved_by = release.approved_at = None
        release.effects_done_at = None
        detail = _("Changed after approval: back in review.")
    correction = None
    if correction_note and correction_note.strip():
        correction = _add_correction(current, user, correction_note)
        action, comment, detail = Action.CORRECT, _("Correction"), correction.text
    release.version = current.version
    _save(release, release, user, action, comment, detail=detail, also=save_related)
    update_search_vector([release.pk])
    if correction is not None:
        _announce(release, timezone.now(), correction=correction)
    return release


def _create(release, user, save_related):
    if user is not None:
        if not user.has_perm("releases.add_release"):
            raise WorkflowError(_("You are not allowed to add releases."), code="permission")
        release.created_by = release.updated_by = user
        release.status = Status.DRAFT
        release.published_at = None
    else:
        _make_consistent(release)
    release.version = 1
    with reversion.create_revision():
        release.save()
        if save_related is not None:
            save_related()
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(_("Created"))
    update_search_vector([release.pk])
    audit.record(Action.CREATE, user=user, release=release)
    return release


def _make_consistent(release):
    """For the system's saves: a release set to published or scheduled gets its time and
    number (a published one at once, a scheduled one when the job completes it)."""
    if release.status in Release.VISIBLE_STATUSES:
        now = timezone.now()
        if release.published_at is None:
            release.published_at = now
        if release.status == Status.PUBLISHED or release.published_at <= now:
            assign_number(release)
            release.effects_done_at = release.effects_done_at or now


@transaction.atomic
def restore_revision(release, user, stored_version, *, version=None):
    """Give ``release`` the content of one of its stored versions again.

    The release's fields, many-to-many links, images, attachments and people become
    exactly what they were then; the workflow's fields stay as they are now. Like
    an edit, it needs an editable state and sends an approved release back to review.
    """
    current = _lock(release, version)
    if not can_edit(current, user):
        raise WorkflowError(_("You are not allowed to change this release in its present "
                              "state (“%(status)s”).")
                            % {"status": current.get_status_display()}, code="permission")
    if stored_version.content_type.model_class() is not Release or (
            str(stored_version.object_id) != str(current.pk)):
        raise WorkflowError(_("This version belongs to another release."), code="mismatch")
    fields = stored_version.field_dict
    for name in revisions.CONTENT_FIELDS:
        attname = Release._meta.get_field(name).attname
        setattr(current, attname, fields[attname])
    detail = ""
    if current.status in {Status.APPROVED, Status.SCHEDULED}:
        current.status = Status.IN_REVIEW
        current.approved_by = current.approved_at = None
        current.effects_done_at = None
        detail = _("Changed after approval: back in review.")

    def related():
        for name in revisions.CONTENT_M2M:
            getattr(current, name).set(fields.get(name, []) or [])
        for name, model in revisions.FOLLOWED_MODELS.items():
            kept = [other for other in stored_version.revision.version_set.all()
                    if other._model is model
                    and str(other._object_version.object.release_id) == str(current.pk)]
            getattr(current, name).exclude(
                pk__in=[other._object_version.object.pk for other in kept]).delete()
            for other in kept:
                other.revert()

    saved_at = timezone.localtime(stored_version.revision.date_created)
    comment = _("Version of %(time)s restored") % {"time": saved_at.strftime("%d.%m.%Y %H:%M:%S")}
    _save(current, release, user, Action.RESTORE, comment,
          detail=" ".join(filter(None, [comment + ".", detail])), also=related)
    update_search_vector([current.pk])
    return release


# Preview links ------------------------------------------------------------------------

@transaction.atomic
def create_preview_link(release, user, valid_for=PREVIEW_VALIDITY):
    """A link for reviewers without an account, valid for ``valid_for``."""
    if not _has_perm(user, "add_previewlink"):
        raise WorkflowError(_("You are not allowed to do this: %(operation)s.")
                            % {"operation": operation_label("preview")}, code="permission")
    if release.is_removed_for_legal_reasons:
        raise WorkflowError(_("This release was removed for legal reasons."), code="state")
    if is_public(release):
        raise WorkflowError(_("This release is public: share its address instead."),
                            code="state")
    if valid_for <= datetime.timedelta(0) or valid_for > datetime.timedelta(days=30):
        raise WorkflowError(_("A preview link is valid for one to 30 days."),
                            code="validity")
    link = PreviewLink.objects.create(release=release, created_by=user,
                                      expires_at=timezone.now() + valid_for)
    audit.record(Action.PREVIEW_LINK, user=user, release=release,
                 detail=_("valid until %(time)s") % {"time": _local(link.expires_at)})
    return link


@transaction.atomic
def revoke_preview_link(link, user):
    if not _has_perm(user, "change_previewlink"):
        raise WorkflowError(_("You are not allowed to revoke preview links."),
                            code="permission")
    link = PreviewLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit.record(Action.PREVIEW_REVOKE, user=user, release=link.release,
                     detail=_("valid until %(time)s") % {"time": _local(link.expires_at)})
    return link
