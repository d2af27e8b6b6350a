"""Appointments (Termine) and delegation trips (Delegationsreisen).

Both are prepared before they are announced: an appointment of a minister, or a
trip, is public only once it is announced and its publication time (and
embargo, if any) has come, or once a public release refers to it. That rule is
``public()`` below, next to the one for releases it derives from.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..fields import SanitisedRichTextField, validate_year
from .organisations import Organisation, Topic
from .people import Person
from .public import PublicByAnyQuerySet


class Announcement(models.Model):
    """Status, publication time and embargo of something announced in its own right."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        ANNOUNCED = "announced", _("Announced")

    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT,
        help_text=_("Prepared entries are seen only in the admin. Announced ones are public "
                    "from their publication time, or when a public release refers to them."))
    published_at = models.DateTimeField(
        _("publication time"), null=True, blank=True,
        help_text=_("Date and time (Europe/Berlin) from which an announced entry is public; "
                    "empty means at once."), validators=[validate_year])
    embargo_until = models.DateTimeField(
        _("embargo until"), null=True, blank=True,
        help_text=_("Sperrfrist: not public before this time."), validators=[validate_year])

    class Meta:
        abstract = True


class AnnouncementQuerySet(PublicByAnyQuerySet):
    # The relation from a release to this model (Release.events, Release.delegations).
    release_lookup = None

    def announced(self, now=None):
        """Announced in their own right, publication time and embargo passed."""
        now = now or timezone.now()
        return self.filter(_announced(now))

    def public_conditions(self, now):
        """What the public may see: announced, or referred to by a public release."""
        from .releases import linked_to_public_release

        yield _announced(now)
        yield Q(linked_to_public_release(self.release_lookup, now))


def _announced(now):
    return (Q(embargo_until__isnull=True) | Q(embargo_until__lte=now)) & Q(
        status=Announcement.Status.ANNOUNCED, published_at__lte=now)


class EventQuerySet(AnnouncementQuerySet):
    release_lookup = "events"

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))

    def past(self, now=None):
        now = now or timezone.now()
        return self.exclude(pk__in=self.upcoming(now).values("pk"))


class Event(Announcement):
    """A dated appointment: a press conference, a visit, a workshop."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), validators=[validate_year])
    has_time = models.BooleanField(
        _("time known"), default=True,
        help_text=_("Off when only the day is known: the appointment is shown with its date "
                    "alone, its start stored as the beginning of that day."))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, validators=[validate_year])
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, default="Deutschland")
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    description = SanitisedRichTextField(_("description"), blank=True)
    expected_participants = models.PositiveIntegerField(
        _("participants"), null=True, blank=True, help_text=_("Approximate number."))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="events",
                                     verbose_name=_("organisation"))
    ministers = models.ManyToManyField(Person, blank=True, related_name="events",
                                       verbose_name=_("attending office holders"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="events",
                                    verbose_name=_("topics"))
    delegation = models.ForeignKey("Delegation", models.SET_NULL, null=True, blank=True,
                                   related_name="events", verbose_name=_("delegation trip"))
    is_press_open = models.BooleanField(
        _("open to the press"), null=True, blank=True, default=None,
        help_text=_("Leave it unknown when the source does not say: nothing is shown then."))
    requires_accreditation = models.BooleanField(_("accreditation required"), default=False)
    is_photo_opportunity = models.BooleanField(_("photo opportunity"), default=False)
    press_information = models.TextField(
        _("information for the press"), blank=True,
        help_text=_("Registration, arrival, parking, contact on site."))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["starts_at"]),
                   models.Index(fields=["ends_at"], name="event_ends_idx")]
        permissions = [
            ("announce_event", _("Can announce appointments and delegation trips")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("An appointment cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status="announced") | Q(published_at__isnull=False),
                name="event_announced_needs_time",
                violation_error_message=_("An announced appointment needs a publication "
                                          "time."),
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.title} ({local:%d.%m.%Y})"

    def get_absolute_url(self):
        return reverse("releases:event-detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def place(self):
        return ", ".join(filter(None, [self.venue, self.address, self.city, self.country]))


def describe_link(link):
    """A row of a many-to-many relation that Django makes itself, named by what it links.

    Shown where such rows are listed, e.g. what deleting an appointment takes along,
    instead of "Release_events object (1)".
    """
    source, target = (getattr(link, field.name) for field in link._meta.fields
                      if field.is_relation)
    return f"„{source}“ – „{target}“"


Event.ministers.through.__str__ = describe_link
Event.topics.through.__str__ = describe_link


class DelegationQuerySet(AnnouncementQuerySet):
    release_lookup = "delegations"


class Delegation(Announcement):
    """An official trip of a minister with a delegation."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    leader = models.ForeignKey(Person, models.PROTECT, related_name="led_delegations",
                               verbose_name=_("led by"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="delegations",
                                     verbose_name=_("organisation"))
    start_date = models.DateField(_("from"), validators=[validate_year])
    end_date = models.DateField(_("until"), null=True, blank=True, validators=[validate_year])
    countries = models.CharField(_("countries"), max_length=200,
                                 help_text=_("Comma-separated, e.g. Polen, Tschechien"))
    member_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    description = SanitisedRichTextField(_("description"), blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="delegations",
                                    verbose_name=_("topics"))

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation trip")
        verbose_name_plural = _("delegation trips")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="delegation_ends_after_start",
                violation_error_message=_("A trip cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status="announced") | Q(published_at__isnull=False),
                name="delegation_announced_needs_time",
                violation_error_message=_("An announced trip needs a publication time."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("releases:delegation-detail", kwargs={"slug": self.slug})

    @staticmethod
    def leaders_organisation(leader, start_date):
        """The organisation of the office ``leader`` holds on ``start_date``, or None:
        a trip's organisation when none is chosen."""
        office = leader.office_on(start_date) if leader and start_date else None
        return office.organisation if office else None

    @property
    def country_list(self):
        return [c.strip() for c in self.countries.split(",") if c.strip()]


Delegation.topics.through.__str__ = describe_link


class DelegationMember(models.Model):
    """A named member of a delegation (business, science, administration)."""

    delegation = models.ForeignKey(Delegation, models.CASCADE, related_name="members",
                                   verbose_name=_("delegation trip"))
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role or organisation"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class DelegationStop(models.Model):
    """A city on a delegation's itinerary."""

    delegation = models.ForeignKey(Delegation, models.CASCADE, related_name="stops",
                                   verbose_name=_("delegation trip"))
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=100, blank=True)
    arrival_date = models.DateField(_("arrival"), null=True, blank=True, validators=[validate_year])
    departure_date = models.DateField(_("departure"), null=True, blank=True,
                                      validators=[validate_year])
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        ordering = ["order", "arrival_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(departure_date__isnull=True) | Q(arrival_date__isnull=True)
                | Q(departure_date__gte=models.F("arrival_date")),
                name="stop_departs_after_arrival",
                violation_error_message=_("Departure cannot be before arrival."),
            ),
        ]

    def __str__(self):
        return f"{self.city} ({self.delegation})"

    def save(self, *args, **kwargs):
        # Most trips go to one country: a stop without one is in it.
        if not self.country:
            countries = self.delegation.country_list
            if len(countries) == 1:
                self.country = countries[0]
        super().save(*args, **kwargs)


class ProgrammeItem(models.Model):
    """An item on a stop's programme, e.g. talks with named counterparts."""

    stop = models.ForeignKey(DelegationStop, models.CASCADE, related_name="programme",
                             verbose_name=_("stop"))
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True, validators=[validate_year])
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        ordering = ["order", "date"]

    def __str__(self):
        return f"{self.title} ({self.stop.city})"


class Counterpart(models.Model):
    """Someone the delegation meets, with the role they held at the meeting."""

    programme_item = models.ForeignKey(ProgrammeItem, models.CASCADE,
                                       related_name="counterparts",
                                       verbose_name=_("programme item"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="meetings",
                               verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("counterpart")
        verbose_name_plural = _("counterparts")
        ordering = ["order"]

    def __str__(self):
        return f"{self.person}, {self.role}" if self.role else str(self.person)
