"""What the page cache could not be told (releases/caching.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MissedContentChange(models.Model):
    """Public changes made while the cache could not be reached, counted in one row: the
    next process to find it reachable and the count moved drops the pages kept from
    before (``releases.caching.settle_missed_changes``)."""

    count = models.PositiveBigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("change missed by the cache")
        verbose_name_plural = _("changes missed by the cache")

    def __str__(self):
        return str(self.count)
