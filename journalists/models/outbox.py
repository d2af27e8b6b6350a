"""The outbox: one row per mail that must go out exactly once.

Rows are written when a release becomes public (or is put under embargo, or is
corrected or withdrawn), and for the editors when a workflow step concerns them
(``recipient``); an idempotency key makes writing them twice harmless. Senders claim
rows in short transactions (SELECT ... FOR UPDATE SKIP LOCKED), send, and mark
them sent; a claim older than the lease is given up and retried.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from releases.models import Correction, Release

from .journalists import Journalist
from .subscriptions import Subscription


class OutboxQuerySet(models.QuerySet):
    def due(self, now, lease):
        """Pending rows whose time has come, and claims whose lease has run out."""
        return self.filter(
            Q(status=OutboxMessage.Status.PENDING, due_at__lte=now)
            | Q(status=OutboxMessage.Status.CLAIMED, claimed_at__lt=now - lease)
        )


class OutboxMessage(models.Model):
    class Kind(models.TextChoices):
        ALERT = "alert", _("alert")
        CORRECTION = "correction", _("correction")
        EMBARGO = "embargo", _("embargoed release")
        WITHDRAWAL = "withdrawal", _("withdrawal notice")
        # To editors, about a workflow step (journalists/editors.py).
        SUBMITTED = "submitted", _("submitted for review")
        SENT_BACK = "sent_back", _("sent back")
        APPROVED = "approved", _("approved")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        OVERRIDDEN = "overridden", _("four-eyes rule overridden")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        CLAIMED = "claimed", _("being sent")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("not sent")
        FAILED = "failed", _("failed")

    key = models.CharField(_("idempotency key"), max_length=100, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    release = models.ForeignKey(Release, models.CASCADE, related_name="+",
                                verbose_name=_("press release"))
    correction = models.ForeignKey(Correction, models.CASCADE, null=True, blank=True,
                                   related_name="+", verbose_name=_("correction"))
    # Deleting a subscriber or journalist keeps the row (so nothing is queued again) but
    # forgets who it was for: the foreign key becomes NULL and the address is wiped.
    subscription = models.ForeignKey(Subscription, models.SET_NULL, null=True, blank=True,
                                     related_name="messages", verbose_name=_("subscription"))
    journalist = models.ForeignKey(Journalist, models.SET_NULL, null=True, blank=True,
                                   related_name="messages", verbose_name=_("journalist"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("recipient"))
    # What an editor's mail says of the step, as it was taken.
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    detail = models.TextField(_("note or reason"), blank=True)
    is_working_edition = models.BooleanField(_("change to a published release"),
                                             default=False)
    to_address = models.EmailField(_("sent to"), blank=True)
    is_digest = models.BooleanField(_("in the daily digest"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status,
                              default=Status.PENDING)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The key is kind, release, correction and recipient: one mail each, ever.
            models.UniqueConstraint(fields=["key"], name="outbox_message_once"),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="outbox_due_idx")]

    def __str__(self):
        return self.key

    @property
    def recipient_email(self):
        """Where the mail goes: the subscriber's, journalist's or editor's address."""
        for person in (self.subscription, self.journalist, self.recipient):
            if person is not None:
                return person.email
        return ""

    @staticmethod
    def make_key(kind, release_id, subscription_id=None, journalist_id=None,
                 correction_id=None, withdrawn_at=None):
        """One message per release, recipient and event: a correction is named by its
        id, a withdrawal by its moment (a release restored and withdrawn again is a new
        withdrawal)."""
        parts = [kind, f"r{release_id}"]
        if correction_id is not None:
            parts.append(f"c{correction_id}")
        if withdrawn_at is not None:
            parts.append(f"w{withdrawn_at.astimezone(datetime.UTC):%Y%m%d%H%M%S%f}")
        parts.append(f"s{subscription_id}" if subscription_id else f"j{journalist_id}")
        return ":".join(parts)

    @staticmethod
    def make_step_key(kind, release_id, version, user_id):
        """An editor's mail about one step: the edition and its version name the step
        (every step saves a new version), the user the recipient."""
        return f"{kind}:r{release_id}:v{version}:u{user_id}"


class ReleaseNotification(models.Model):
    """Marks a release whose alerts were queued, so the periodic sweep leaves it alone."""

    release = models.OneToOneField(Release, models.CASCADE, related_name="+",
                                   verbose_name=_("press release"))
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("queued alert")
        verbose_name_plural = _("queued alerts")

    def __str__(self):
        return str(self.release)
