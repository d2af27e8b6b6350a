"""E-mail alerts: who wants which releases, confirmed by double opt-in."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from releases.models import Organisation, Person, Release, Topic


def confirmation_window():
    return datetime.timedelta(days=settings.ALERTS_CONFIRMATION_DAYS)


def people_label(people):
    """The heading of chosen ``people`` (a Person queryset): "Ministers" while all of them
    are ministers in office, else "People" (someone quoted, a former minister)."""
    ministers = Person.objects.current_ministers().values("pk")
    return _("People") if people.exclude(pk__in=ministers).exists() else _("Ministers")


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_expired(self, now=None):
        """Never confirmed within the window: these are deleted, not kept."""
        now = now or timezone.now()
        return self.filter(confirmed_at__isnull=True, created_at__lt=now - confirmation_window())

    def matching(self, release):
        """Subscriptions interested in ``release``: any chosen topic, organisation, minister
        or kind of release. Kinds are a short list per row and are compared in Python."""
        related = (
            Q(topics__in=release.topics.all())
            | Q(organisations=release.organisation_id)
            | Q(ministers__in=release.people.all())
        )
        ids = set(self.filter(related).values_list("pk", flat=True))
        ids |= {pk for pk, kinds in self.values_list("pk", "kinds") if release.kind in kinds}
        return self.filter(pk__in=ids)


class Subscription(models.Model):
    """One e-mail address and what it wants to hear about. No account: signed links."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately, one e-mail per press release")
        DAILY = "daily", _("Once a day, all press releases in one e-mail")

    email = models.EmailField(_("e-mail address"), unique=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="+",
                                    verbose_name=_("topics"))
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="+",
                                           verbose_name=_("organisations"))
    ministers = models.ManyToManyField(Person, blank=True, related_name="+",
                                       verbose_name=_("ministers"))
    kinds = models.JSONField(_("kinds of release"), default=list, blank=True,
                             help_text=_("Values of the release kinds, e.g. „rede“."))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency,
                                 default=Frequency.IMMEDIATE)
    paused_until = models.DateField(
        _("paused until"), null=True, blank=True,
        help_text=_("No e-mails up to and including this day."))
    created_at = models.DateTimeField(_("subscribed at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True,
                                                blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    token_version = models.PositiveIntegerField(
        _("link version"), default=1, editable=False,
        help_text=_("Raising it makes every earlier manage and unsubscribe link invalid."))

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail subscription")
        verbose_name_plural = _("e-mail subscriptions")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def is_paused(self, now=None):
        return self.paused_until is not None and self.paused_until >= timezone.localdate(
            now or timezone.now())

    def kind_labels(self):
        """The chosen kinds' names, in the order the form offers them."""
        return [label for value, label in Release.Kind.choices if value in self.kinds]
