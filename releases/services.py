"""The editorial workflow: every operation that changes a release goes through here.

Admin buttons and actions, management commands, importers and tests call these
functions; views and admin classes hold no workflow logic of their own. The
operations are listed once, in ``OPERATIONS`` at the end of this module: the
states each starts from, the permission it needs, its label, the form that asks
for its input, the message that reports it done, and the function.

Each operation runs in one transaction: it locks the row, checks the version
the caller based its decision on (optimistic locking: ``version``, by default
the version of the instance passed in), checks permission and state, changes
the row, bumps its version, keeps a revision (django-reversion) and writes an
AuditEntry. A refused operation raises WorkflowError, whose message says why in
the editor's language; the same function (``refusal``) decides which buttons
are offered, so a button is never offered for something that is then refused.

Editions. A new release is its own first edition: draft -> review -> approved
-> scheduled/published. Once published or scheduled its content is the live
edition and is no longer edited in place: a change is written in a working
edition (``start_edition``, releases/editions.py), which goes through the same
states and, when published, replaces the live content in one transaction
(same address, uuid and number). Its correction note, if any, is then shown on
the page and sent to those who received the release; without a note it is a
minor change. Discarding it leaves the live edition as it was. A withdrawn
release stays withdrawn whatever edition is being worked on.

Four eyes (Vier-Augen-Prinzip): everyone who changed an edition's content is
one of its ``authors``; none of them approves it, and publishing it without an
approval by somebody else needs a written reason, logged as an override.

Public moments. A release's number, the words it adds to the search
suggestions and the alerts about it come when it becomes public: at once when
published without an embargo, otherwise when its time or the end of its
embargo has come (``complete_due_publications``, run every minute by
``publish_due``, which also publishes working editions scheduled for then).

``user=None`` is the system: commands and the importer, run by an operator. It
is not asked for permissions and writes a release's content directly, since that
decision was taken elsewhere.
"""

import datetime
from dataclasses import dataclass

import reversion
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, editing, editions, revisions
from .forms import (
    PreviewLinkForm,
    PublishForm,
    RejectForm,
    ScheduleForm,
    WithdrawForm,
    WorkflowForm,
)
from .models import AuditEntry, Correction, Organisation, PreviewLink, Release
from .search import count_public_words, counted_releases, update_search_vector
from .signals import release_corrected, release_published, workflow_step

Status = Release.Status
Action = AuditEntry.Action

MIN_REASON_LENGTH = 10
PREVIEW_DAYS = 7
# Side effects of a publication are overdue when the job has not done them this long
# after the release became public (the job runs every minute).
OVERDUE_AFTER = datetime.timedelta(minutes=5)
# Published or scheduled: the content is the live edition, changed through a working one.
LIVE = {Status.PUBLISHED, Status.SCHEDULED}
UNRELEASED = {Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.SCHEDULED}
# Operations that leave the release as it is: allowed while someone else holds its lock.
LEAVE_RELEASE_AS_IT_IS = {"preview", "duplicate"}

# The fields an operation owns. An edit through the change form never writes them.
WORKFLOW_FIELDS = (
    "status", "published_at", "number", "number_year", "version", "approved_by",
    "approved_at", "effects_done_at", "withdrawn_at", "withdrawal_reason",
    "is_removed_for_legal_reasons", "created_by", "created_at", "uuid", "edition_of",
    "has_publication_time", "public_changed_at", "source_uri",
)


class WorkflowError(ValidationError):
    """An operation refused: not allowed, not in this state, or based on an old version."""

    def __str__(self):
        return " ".join(str(message) for message in self.messages)


# Who may do what, and why not ----------------------------------------------------------

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


# Locking, saving, logging ---------------------------------------------------------------

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
        for field in Release._meta.concrete_fields:
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


def is_public(release, now=None):
    return release.pk is not None and Release.objects.public(now).filter(pk=release.pk).exists()


def was_public_before_withdrawal(release):
    """Whether a withdrawn release had been public: its page then keeps a notice."""
    return Release.objects.withdrawn_after_public().filter(pk=release.pk).exists()


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


# The public moment -----------------------------------------------------------------------

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


# Editions -----------------------------------------------------------------------------

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


# The operations ---------------------------------------------------------------------------

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


@transaction.atomic
def publish(release, user=None, *, at=None, version=None, override_reason=""):
    """Publish now; with ``at`` in the future this schedules instead (see schedule).

    A working edition replaces its live edition; a new release becomes public, or is
    published under its embargo. Needs publish_release and an approval by someone who
    is not an author; otherwise ``override_reason`` (at least MIN_REASON_LENGTH
    characters) is required and logged. Returns the release as the public sees it
    (for a working edition: the live release).
    """
    now = timezone.now()
    if user is None and not release.is_working_edition:
        return _publish_as_system(release, at, version, now)
    if at is not None and at > now:
        return schedule(release, user, at, version=version, override_reason=override_reason)
    current = _lock(release, version)
    _check("publish", current, user, now)
    if approves_in_passing(current, user):
        _approve(current, user)
    override = _check_four_eyes(current, user, override_reason)
    if current.is_working_edition:
        live = Release.objects.select_for_update().get(pk=current.edition_of_id)
        return _publish_edition(current, live, user, now, override)
    if override:
        _log(Action.OVERRIDE, user, current, override)
    current.status = Status.PUBLISHED
    current.published_at = now
    current.has_publication_time = True
    current.effects_done_at = None
    _save(current, user, _("Published"))
    public = _complete_if_public(current, now)
    _log(Action.PUBLISH, user, current, current.number_label if public else _(
        "Under embargo until %(time)s.") % {"time": _local(current.embargo_until)})
    _announce(current, now)
    _copy_state(current, release)
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
        action, comment = Action.PUBLISH, _("Published")
    _save(current, None, comment)
    _complete_if_public(current, now)
    _log(action, None, current, _local(current.published_at))
    _copy_state(current, release)
    return release


@transaction.atomic
def schedule(release, user, at, *, version=None, override_reason=""):
    """Approved -> scheduled for ``at``: public exactly then (a working edition: replaces
    the live one when publish_due runs then). The same four-eyes rule as publish."""
    at = berlin_time(at)
    now = timezone.now()
    if user is None and not release.is_working_edition:
        return _publish_as_system(release, at, version, now)
    current = _lock(release, version)
    _check("schedule", current, user, now)
    if at <= now:
        raise WorkflowError(_("The publication time must be in the future."),
                            code="past_time")
    if approves_in_passing(current, user):
        _approve(current, user)
    override = _check_four_eyes(current, user, override_reason)
    if override:
        _log(Action.OVERRIDE, user, current, override, mark_edition=False)
    current.status = Status.SCHEDULED
    current.published_at = at
    current.has_publication_time = True
    current.effects_done_at = None
    _save(current, user, _("Scheduled for %(time)s") % {"time": _local(at)})
    _log(Action.SCHEDULE, user, current, _local(at))
    _copy_state(current, release)
    return release


@transaction.atomic
def unschedule(release, user, *, version=None):
    """Scheduled -> approved, as long as the time has not come."""
    current = _lock(release, version)
    _check("unschedule", current, user)
    planned = _local(current.published_at)
    current.status = Status.APPROVED if current.approved_by_id else Status.IN_REVIEW
    current.published_at = None
    _save(current, user, _("Schedule cancelled"))
    _log(Action.UNSCHEDULE, user, current, planned)
    _copy_state(current, release)
    return release


@transaction.atomic
def withdraw(release, user, reason="", *, is_legal=False, version=None):
    """Published or scheduled -> withdrawn. The page keeps a notice with the reason,
    or answers 410 Gone when removed for legal reasons. A working edition stays, but
    cannot be published while the release is withdrawn."""
    current = _lock(release, version)
    _check("withdraw", current, user)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Give the reason for the withdrawal; it is shown on the page."),
                            code="reason_required")
    if counted_releases().filter(pk=current.pk).exists():
        count_public_words([current], -1)
    current.status = Status.WITHDRAWN
    current.withdrawn_at = timezone.now()
    current.withdrawal_reason = reason
    current.is_removed_for_legal_reasons = bool(is_legal)
    _save(current, user, _("Withdrawn"))
    _log(Action.WITHDRAW, user, current,
         reason + (" [" + _("removed for legal reasons") + "]" if is_legal else ""))
    _copy_state(current, release)
    return release


@transaction.atomic
def restore(release, user, *, version=None):
    """Withdrawn -> published if it had been public, otherwise back to draft."""
    current = _lock(release, version)
    _check("restore", current, user)
    now = timezone.now()
    if was_public_before_withdrawal(current):
        current.status = Status.PUBLISHED
    else:
        current.status = Status.DRAFT
        current.published_at = None
        current.approved_by = current.approved_at = None
    current.withdrawn_at = None
    current.withdrawal_reason = ""
    current.is_removed_for_legal_reasons = False
    _save(current, user, _("Withdrawal undone"))
    if current.status == Status.PUBLISHED and not _complete_if_public(current, now) and (
            counted_releases(now).filter(pk=current.pk).exists()):
        count_public_words([current], 1)
    _log(Action.RESTORE, user, current, current.get_status_display())
    _copy_state(current, release)
    return release


# Editing ---------------------------------------------------------------------------------

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


# Duplicating and deleting drafts ----------------------------------------------------------

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


# Preview links ----------------------------------------------------------------------------

def _preview_refusal(release, now=None):
    """Why there can be no preview of this edition (now), or None."""
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


def preview_is_gone(link, now=None):
    """Whether a preview link no longer shows anything: its edition was published or
    discarded, the release withdrawn or removed, or the link revoked or expired."""
    now = now or timezone.now()
    return (link.release is None or link.revoked_at is not None or link.expires_at <= now
            or _preview_refusal(link.release, now) is not None)


@transaction.atomic
def create_preview_link(release, user, *, days=PREVIEW_DAYS, version=None):
    """A link to this edition for reviewers without an account, valid for ``days``."""
    _check("preview", release, user)
    if not 1 <= int(days) <= 30:
        raise WorkflowError(_("A preview link is valid for one to 30 days."),
                            code="validity")
    link = PreviewLink.objects.create(
        release=release, created_by=user,
        expires_at=timezone.now() + datetime.timedelta(days=int(days)))
    _log(Action.PREVIEW_LINK, user, release,
         _("valid until %(time)s") % {"time": _local(link.expires_at)})
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
        if link.release is not None:
            _log(Action.PREVIEW_REVOKE, user, link.release,
                 _("valid until %(time)s") % {"time": _local(link.expires_at)})
    return link


# The registry -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Operation:
    """One operation of the workflow, as the admin offers it and the services check it.

    ``function(release, user, **form.cleaned_data)`` does it; ``form`` asks for its
    input (None: a button that posts the version); ``done`` reports it. It applies to
    releases as documents (``on_documents``: a new release, or a live one) and/or
    to working editions (``on_editions``).
    """

    name: str
    label: str
    states: frozenset
    permission: str
    function: object
    done: str
    form: type = None
    on_documents: bool = True
    on_editions: bool = True

    def __call__(self, release, user, data):
        return self.function(release, user, **data)


OPERATIONS = {operation.name: operation for operation in [
    Operation("start_edition", gettext_lazy("start a change"), frozenset(LIVE),
              "change_release", start_edition, on_editions=False,
              done=gettext_lazy("A working edition has been started. The public still sees "
                                "the published text until the working edition is "
                                "published after a second person's review.")),
    Operation("submit", gettext_lazy("submit for review"), frozenset({Status.DRAFT}),
              "submit_release", submit, done=gettext_lazy("Submitted for review.")),
    Operation("take_back", gettext_lazy("take back the submission"),
              frozenset({Status.IN_REVIEW}), "submit_release", take_back,
              done=gettext_lazy("The submission is taken back: the release is a draft again.")),
    Operation("reject", gettext_lazy("send back"),
              frozenset({Status.IN_REVIEW, Status.APPROVED}), "review_release", reject,
              form=RejectForm, done=gettext_lazy("Sent back to the authors as a draft.")),
    Operation("approve", gettext_lazy("approve"), frozenset({Status.IN_REVIEW}),
              "review_release", approve,
              done=gettext_lazy("Approved. It can now be published or scheduled.")),
    Operation("publish", gettext_lazy("publish"), frozenset(UNRELEASED), "publish_release",
              publish, form=PublishForm, done=gettext_lazy("Published.")),
    Operation("schedule", gettext_lazy("schedule"),
              frozenset({Status.DRAFT, Status.IN_REVIEW, Status.APPROVED}), "publish_release",
              schedule, form=ScheduleForm, done=gettext_lazy("Scheduled.")),
    Operation("unschedule", gettext_lazy("cancel the schedule"), frozenset({Status.SCHEDULED}),
              "publish_release", unschedule,
              done=gettext_lazy("The schedule is cancelled; the edition is approved again.")),
    Operation("discard", gettext_lazy("discard the working edition"), frozenset(UNRELEASED),
              "change_release", discard_edition, form=WorkflowForm, on_documents=False,
              done=gettext_lazy("The working edition is discarded; the published text is "
                                "unchanged.")),
    Operation("withdraw", gettext_lazy("withdraw"), frozenset(LIVE), "withdraw_release",
              withdraw, form=WithdrawForm, on_editions=False, done=gettext_lazy("Withdrawn.")),
    Operation("restore", gettext_lazy("restore"), frozenset({Status.WITHDRAWN}),
              "withdraw_release", restore, on_editions=False,
              done=gettext_lazy("The withdrawal is undone.")),
    Operation("preview", gettext_lazy("create a preview link"), frozenset(UNRELEASED),
              "add_previewlink", create_preview_link, form=PreviewLinkForm,
              done=gettext_lazy("Preview link created.")),
    Operation("duplicate", gettext_lazy("use as a template"), frozenset(Status),
              "add_release", duplicate, on_editions=False,
              done=gettext_lazy("A copy is open as a new draft, with you as its author: text, "
                                "topics, press contacts and people; no images, attachments "
                                "or links to appointments.")),
]}
