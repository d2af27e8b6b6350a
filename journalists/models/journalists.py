"""Accredited journalists: embargoed material (Sperrfrist) by mail and personal feed."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from releases.collation import German
from releases.models import Release


def new_feed_token():
    return secrets.token_urlsafe(32)


class JournalistQuerySet(models.QuerySet):
    def accredited(self):
        """Approved by staff and with a verified address: they may see embargoed releases."""
        return self.filter(status=Journalist.Status.APPROVED, email_verified_at__isnull=False)


class Journalist(models.Model):
    """A journalist accredited for embargoed material (Akkreditierung für Sperrfrist-Material)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REVOKED = "revoked", _("Revoked")

    name = models.CharField(_("name"), max_length=200)
    medium = models.CharField(_("medium"), max_length=200,
                              help_text=_("Newspaper, broadcaster, agency or „freelance“."))
    email = models.EmailField(_("e-mail address"), unique=True)
    press_card_number = models.CharField(_("press card number"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status,
                              default=Status.REQUESTED)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True,
                                             editable=False)
    verification_sent_at = models.DateTimeField(_("verification sent at"), null=True,
                                                blank=True, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", editable=False,
                                    verbose_name=_("accredited by"))
    approved_at = models.DateTimeField(_("accredited at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    feed_token = models.CharField(_("feed token"), max_length=64, unique=True,
                                  default=new_feed_token, editable=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    objects = JournalistQuerySet.as_manager()

    class Meta:
        verbose_name = _("accredited journalist")
        verbose_name_plural = _("accredited journalists")
        ordering = [German("name")]
        permissions = [
            ("approve_journalist", _("Can approve and revoke journalists' accreditation")),
        ]

    def __str__(self):
        return f"{self.name} ({self.medium})"

    @property
    def is_accredited(self):
        return self.status == self.Status.APPROVED and self.email_verified_at is not None


class EmbargoAccess(models.Model):
    """Who received which embargoed release, how, first and last (one row per way)."""

    class Via(models.TextChoices):
        FEED = "feed", _("personal feed")
        MAIL = "mail", _("e-mail")

    journalist = models.ForeignKey(Journalist, models.CASCADE, related_name="embargo_accesses",
                                   verbose_name=_("journalist"))
    release = models.ForeignKey(Release, models.CASCADE, related_name="+",
                                verbose_name=_("press release"))
    via = models.CharField(_("via"), max_length=10, choices=Via)
    first_at = models.DateTimeField(_("first access"), default=timezone.now)
    last_at = models.DateTimeField(_("last access"), default=timezone.now)
    count = models.PositiveIntegerField(_("number of accesses"), default=1)

    class Meta:
        verbose_name = _("access to embargoed material")
        verbose_name_plural = _("accesses to embargoed material")
        ordering = ["-last_at"]
        constraints = [
            models.UniqueConstraint(fields=["journalist", "release", "via"],
                                    name="embargo_access_once_per_way"),
        ]

    def __str__(self):
        return f"{self.journalist}: {self.release} ({self.get_via_display()})"
