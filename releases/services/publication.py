"""Publishing and scheduling, by an editor (with the four-eyes rule) or by the system.

``publish`` makes a release public now, or under its embargo; a working edition
replaces its live edition. ``schedule`` sets the time it becomes public,
``unschedule`` cancels that while the time has not come.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Release
from .completion import _announce, _complete_if_public
from .review import _approve
from .rules import Action, Status, WorkflowError, _check, _check_four_eyes, approves_in_passing
from .steps import _copy_state, _local, _lock, _log, _save, berlin_time, date_by_embargo
from .working_editions import _publish_edition


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
        live = _publish_edition(current, live, user, now, override)
        _complete_if_public(live, now)  # an embargo it ended at once, say
        return live
    if override:
        _log(Action.OVERRIDE, user, current, override)
    current.status = Status.PUBLISHED
    date_by_embargo(current, now)
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
    scheduled = current.published_at > now
    date_by_embargo(current, current.published_at)
    if scheduled:
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
