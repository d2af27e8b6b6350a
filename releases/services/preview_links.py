"""Preview links: an unpublished edition shown to reviewers without an account."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PreviewLink
from .rules import Action, WorkflowError, _check, _has_perm, _preview_refusal
from .steps import _local, _log

PREVIEW_DAYS = 7


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
