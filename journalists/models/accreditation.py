"""Accreditation for appointments (Termine) that require it: deadline, places, waiting list."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from releases.models import Event


class AccreditationSettings(models.Model):
    """An appointment's accreditation rules; without a row the appointment's start is the
    deadline and places are unlimited."""

    event = models.OneToOneField(Event, models.CASCADE, related_name="accreditation_settings",
                                 verbose_name=_("appointment"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True,
                                    help_text=_("Requests are accepted until this time; "
                                                "empty: until the appointment starts."))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True,
        help_text=_("Requests beyond this number go on the waiting list; empty: no limit."))

    class Meta:
        verbose_name = _("accreditation settings")
        verbose_name_plural = _("accreditation settings")

    def __str__(self):
        return str(self.event)


class AccreditationRequestQuerySet(models.QuerySet):
    def holding_place(self):
        """Requests that take one of the places: waiting for a decision or approved."""
        return self.filter(status__in=AccreditationRequest.PLACE_STATUSES)


class AccreditationRequest(models.Model):
    """A journalist's request to attend an appointment."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        WAITLISTED = "waitlisted", _("On the waiting list")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    PLACE_STATUSES = (Status.REQUESTED, Status.APPROVED)
    OPEN_STATUSES = (Status.REQUESTED, Status.WAITLISTED, Status.APPROVED)

    event = models.ForeignKey(Event, models.CASCADE, related_name="accreditation_requests",
                              verbose_name=_("appointment"))
    name = models.CharField(_("name"), max_length=200)
    medium = models.CharField(_("medium"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    press_card_number = models.CharField(_("press card number"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status,
                              default=Status.REQUESTED)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", editable=False,
                                   verbose_name=_("decided by"))
    calendar_sequence = models.PositiveIntegerField(
        _("calendar version"), default=0, editable=False,
        help_text=_("SEQUENCE of the last calendar entry sent, so updates replace it."))

    objects = AccreditationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("accreditation request")
        verbose_name_plural = _("accreditation requests")
        ordering = ["event", "created_at", "pk"]
        permissions = [
            ("decide_accreditationrequest", _("Can approve and decline accreditation requests")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(status__in=["requested", "waitlisted", "approved"]),
                name="accreditation_one_open_request_per_address",
                violation_error_message=_("There is already a request for this address."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.medium}): {self.event}"
