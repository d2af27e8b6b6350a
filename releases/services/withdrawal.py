"""Withdrawing a published or scheduled release, and undoing the withdrawal."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PreviewLink, Release
from ..search import count_public_words, counted_releases
from ..signals import release_withdrawn
from .completion import _complete_if_public
from .rules import Action, Status, WorkflowError, _check
from .steps import _copy_state, _lock, _log, _save


def was_public_before_withdrawal(release):
    """Whether a withdrawn release had been public: its page then keeps a notice."""
    return Release.objects.withdrawn_after_public().filter(pk=release.pk).exists()


@transaction.atomic
def withdraw(release, user, reason="", *, is_legal=False, version=None):
    """Published or scheduled -> withdrawn. The page keeps a notice with the reason,
    or answers 410 Gone when removed for legal reasons. A working edition stays, but
    cannot be published while the release is withdrawn. Sends release_withdrawn."""
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
    # Links to it or a working edition of it end for good: undoing the withdrawal does
    # not give them back.
    PreviewLink.objects.active().filter(
        Q(release=current) | Q(release__edition_of=current)).update(revoked_at=current.withdrawn_at)
    _log(Action.WITHDRAW, user, current,
         reason + (" [" + _("removed for legal reasons") + "]" if is_legal else ""))
    # In this transaction: the notices to whoever got it by e-mail commit with it.
    release_withdrawn.send(sender=Release, release=current, now=current.withdrawn_at)
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
