"""What the editorial workflow records: corrections, preview links, the audit log."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .releases import Release


class Correction(models.Model):
    """A public correction note (Berichtigung) on a published release."""

    release = models.ForeignKey(Release, models.CASCADE, related_name="corrections",
                                verbose_name=_("press release"))
    text = models.TextField(_("correction note"),
                            help_text=_("Shown on the page, e.g. „In einer früheren Fassung "
                                        "stand ein falsches Datum.“"))
    published_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-published_at"]
        get_latest_by = "published_at"

    def __str__(self):
        return f"{self.release}: {self.text[:60]}"


def _new_token():
    return secrets.token_urlsafe(24)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class PreviewLink(models.Model):
    """A revocable, expiring link to one unpublished edition, for reviewers without an account.

    The link belongs to the edition it was made for: a release not yet published, or
    a working edition. Once that edition is published or discarded, or the release
    withdrawn, the link is gone (410); ``release`` is then empty if the edition's row is.
    """

    release = models.ForeignKey(Release, models.SET_NULL, null=True, blank=True,
                                related_name="preview_links", verbose_name=_("edition"))
    token = models.CharField(_("token"), max_length=64, unique=True, default=_new_token,
                             editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("created by"))
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.release} ({self.expires_at:%d.%m.%Y %H:%M})"


class AuditEntry(models.Model):
    """Who did what when. Written by the services, never edited."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        EDIT = "edit", _("edited")
        SUBMIT = "submit", _("submitted for review")
        APPROVE = "approve", _("approved")
        REJECT = "reject", _("sent back")
        SCHEDULE = "schedule", _("scheduled")
        UNSCHEDULE = "unschedule", _("schedule cancelled")
        PUBLISH = "publish", _("published")
        CORRECT = "correct", _("corrected")
        WITHDRAW = "withdraw", _("withdrawn")
        RESTORE = "restore", _("restored")
        START_EDITION = "start_edition", _("working edition started")
        DISCARD = "discard", _("working edition discarded")
        TAKE_BACK = "take_back", _("submission taken back")
        DELETE = "delete", _("draft deleted")
        ANNOUNCE = "announce", _("announced")
        OVERRIDE = "override", _("four-eyes rule overridden")
        PREVIEW_LINK = "preview_link", _("preview link created")
        PREVIEW_REVOKE = "preview_revoke", _("preview link revoked")
        LOCK = "lock", _("locked for editing")
        UNLOCK = "unlock", _("lock released")
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logged out")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("user"))
    actor_name = models.CharField(_("user name"), max_length=150, blank=True,
                                  help_text=_("Kept when the account is deleted, and for "
                                              "failed logins."))
    action = models.CharField(_("action"), max_length=20, choices=Action, db_index=True)
    release = models.ForeignKey(Release, models.SET_NULL, null=True, blank=True,
                                related_name="audit_entries", verbose_name=_("press release"))
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%d.%m.%Y %H:%M} {self.actor_name} {self.get_action_display()}"
