"""Who works on a release right now: editors' presence and edit locks.

Kept in the database, not the cache: the cache may be away (releases/cache_backend.py),
and a lock that vanishes with it would be worse than none. Presence rows are short-lived
and pruned as they go stale (releases/editing.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .releases import Release


class EditorPresenceQuerySet(models.QuerySet):
    def stale(self, since):
        """Rows with nothing to say since ``since``: neither open nor saved after it."""
        return self.filter(Q(seen_at__isnull=True) | Q(seen_at__lt=since),
                           Q(saved_at__isnull=True) | Q(saved_at__lt=since))


class EditorPresence(models.Model):
    """An editor who has a release's change form open, or saved it, recently.

    ``opened_at`` is when this stretch of work began, ``seen_at`` the last sign of
    the open form (its page or its heartbeat), ``saved_at`` the editor's last save.
    """

    release = models.ForeignKey(Release, models.CASCADE, related_name="presences",
                                verbose_name=_("press release"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+",
                             verbose_name=_("user"))
    opened_at = models.DateTimeField(_("open since"), null=True, blank=True)
    seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, db_index=True)
    saved_at = models.DateTimeField(_("saved at"), null=True, blank=True)

    objects = EditorPresenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("editor presence")
        verbose_name_plural = _("editor presences")
        constraints = [models.UniqueConstraint(fields=["release", "user"],
                                               name="presence_once_per_editor")]

    def __str__(self):
        return f"{self.user} – {self.release}"


class EditLock(models.Model):
    """A release locked for editing by one editor: nobody else saves it or moves it on
    in the workflow until the lock is released (by its holder, or the Pressestelle)."""

    release = models.OneToOneField(Release, models.CASCADE, related_name="edit_lock",
                                   verbose_name=_("press release"))
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+",
                                  verbose_name=_("locked by"))
    locked_at = models.DateTimeField(_("locked at"))

    class Meta:
        verbose_name = _("edit lock")
        verbose_name_plural = _("edit locks")

    def __str__(self):
        return f"{self.release} ({self.locked_by})"
