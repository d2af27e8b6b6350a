"""People: ministers and state secretaries with dated offices, and anyone quoted or met."""

import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..collation import German
from ..fields import CheckedImageField, validate_year
from ..images import reencode
from ..uploads import generated_name, validate_image
from .organisations import Organisation
from .public import PublicByAnyQuerySet

# Alphabetical by family name, in German order.
NAME_ORDER = [German("family_name"), German("given_name")]


def portrait_upload_to(instance, filename):
    return generated_name("portraits", filename)


class PersonQuerySet(PublicByAnyQuerySet):
    def public_conditions(self, now):
        """People named in a public release, attending a public appointment, leading or
        met on a public trip, or holding an office that has begun."""
        from .events import Counterpart, Delegation, Event
        from .releases import linked_to_public_release

        yield Q(linked_to_public_release("people", now))
        yield Q(Exists(Event.objects.public(now).filter(ministers=OuterRef("pk"))))
        trips = Delegation.objects.public(now)
        yield Q(Exists(trips.filter(leader=OuterRef("pk"))))
        yield Q(Exists(Counterpart.objects.filter(
            person=OuterRef("pk"), programme_item__stop__delegation__in=trips)))
        yield Q(Exists(Appointment.objects.begun(now).filter(person=OuterRef("pk"))))

    def office_holders(self):
        return self.filter(appointments__isnull=False).distinct()

    def current_ministers(self, on=None):
        """People holding a minister's office today (or on ``on``), by name."""
        on = on or timezone.localdate()
        return (
            self.filter(appointments__in=Appointment.objects.current(on).filter(
                kind=Appointment.Kind.MINISTER))
            .distinct()
            .order_by(*NAME_ORDER)
        )


class Person(models.Model):
    """Anyone named by a release: office holders and people without an office alike."""

    honorific = models.CharField(_("academic title"), max_length=50, blank=True,
                                 help_text=_("e.g. Prof. Dr."))
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.CharField(
        _("usual role"), max_length=300, blank=True,
        help_text=_("For people without an office, e.g. "
                    "„Geschäftsführer der Wirtschaftsförderung Sachsen GmbH“."))
    portrait = CheckedImageField(_("portrait"), upload_to=portrait_upload_to, blank=True,
                                 validators=[validate_image])
    portrait_credit = models.CharField(_("portrait credit"), max_length=200, blank=True)
    biography = models.TextField(_("short biography"), blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = NAME_ORDER

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        # A portrait is stored like a release image: re-encoded, without EXIF and GPS.
        if self.portrait and not self.portrait._committed:
            self.portrait = reencode(self.portrait)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("releases:person-detail", kwargs={"slug": self.slug})

    @property
    def full_name(self):
        return " ".join(filter(None, [self.honorific, self.given_name, self.family_name]))

    def office_on(self, date):
        """The appointment this person held on ``date`` (a date or datetime), or None."""
        if isinstance(date, datetime.datetime):
            date = timezone.localtime(date).date()
        # Uses prefetched appointments when available, so lists stay at fixed queries.
        for appointment in self.appointments.all():
            if appointment.is_held_on(date):
                return appointment
        return None


class AppointmentQuerySet(models.QuerySet):
    def begun(self, now=None):
        """Offices that have begun (in Berlin): a minister's office is announced by then."""
        return self.filter(start_date__lte=timezone.localdate(now or timezone.now()))

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


class Appointment(models.Model):
    """An office held for a period, e.g. Staatsminister für Regionalentwicklung 2019–2024."""

    class Kind(models.TextChoices):
        MINISTER = "minister", _("Minister")
        STATE_SECRETARY = "state_secretary", _("State secretary")
        SPOKESPERSON = "spokesperson", _("Press spokesperson")
        OTHER = "other", _("Other office")

    person = models.ForeignKey(Person, models.CASCADE, related_name="appointments",
                               verbose_name=_("person"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="appointments",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MINISTER)
    title = models.CharField(_("title of office"), max_length=200,
                             help_text=_("e.g. Staatsminister für Regionalentwicklung"))
    start_date = models.DateField(_("in office from"), validators=[validate_year])
    end_date = models.DateField(_("in office until"), null=True, blank=True,
                                help_text=_("Empty while in office."), validators=[validate_year])

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="appointment_ends_after_start",
                violation_error_message=_("An office cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.title}: {self.person}"

    def is_held_on(self, date):
        return self.start_date <= date and (self.end_date is None or date <= self.end_date)
