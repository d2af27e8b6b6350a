"""Rows that are public for any of several reasons, and finding one such row quickly."""

import operator
from functools import reduce

from django.db import models
from django.utils import timezone


class PublicByAnyQuerySet(models.QuerySet):
    """A queryset whose rows are public for any of several reasons: a topic is public
    when a public release, appointment or trip is about it.

    ``public_conditions(now)`` yields the reasons, each a condition on the row: the
    one definition, and the most common reason first. ``public()`` asks for any of
    them. ``get_public()`` finds one row and then asks for the reasons one at a time:
    most rows are public by the first, and Django builds that one condition in a
    fraction of the time it takes to build all of them (each nests the visibility of
    releases, appointments or trips): for a topic's page about 1 ms of CPU instead
    of 5 ms.
    """

    def public_conditions(self, now):
        raise NotImplementedError

    def public(self, now=None):
        return self.filter(reduce(operator.or_, self.public_conditions(now or timezone.now())))

    def get_public(self, now=None, **lookups):
        """The row ``lookups`` name if it is public; DoesNotExist otherwise, as ``get``."""
        row = self.get(**lookups)
        this = self.model._default_manager.filter(pk=row.pk)
        if any(this.filter(condition).exists()
               for condition in self.public_conditions(now or timezone.now())):
            return row
        raise self.model.DoesNotExist(f"No public {self.model._meta.object_name} matches.")
