"""Accreditation: journalists for embargoed material, and journalists for appointments.

Both start with a public form, both are decided by staff in the admin through
these functions, and both tell the journalist by mail.
"""

from django.db import transaction
from django.db.models import F, Min, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from releases.ics import event_sequence, sequence_at
from releases.links import absolute_url
from releases.models import Event

from . import emails, tokens
from .ics_attachment import ics_attachment
from .models import AccreditationRequest, AccreditationSettings, Journalist, new_feed_token
from .subscriptions import MAIL_INTERVAL, deliver_now, normalise_email

Status = AccreditationRequest.Status


# Journalists for embargoed material ----------------------------------------------------------


def feed_url(journalist):
    return absolute_url(reverse("journalists:feed", args=[journalist.feed_token]))


def register_journalist(data, now=None):
    """Record a registration and mail the verification link (again, if not verified yet).

    A verified address is left as it is: the page says the same either way.
    """
    now = now or timezone.now()
    email = normalise_email(data["email"])
    with transaction.atomic():
        journalist, created = Journalist.objects.select_for_update().get_or_create(
            email=email, defaults={"created_at": now})
        if journalist.email_verified_at is not None:
            return True
        for field in ("name", "medium", "press_card_number"):
            setattr(journalist, field, data.get(field, ""))
        if journalist.verification_sent_at and journalist.verification_sent_at > now - (
                MAIL_INTERVAL):
            journalist.save()
            return True
        journalist.verification_sent_at = now
        journalist.save()
    token = tokens.journalist_token(journalist)
    return deliver_now(emails.transactional("journalist_verify", email, {
        "journalist": journalist,
        "verify_url": absolute_url(reverse("journalists:verify", args=[token])),
    }))


def journalist_from_token(token):
    return tokens.journalist_from(token, Journalist.objects.all())


def verify_journalist(journalist, now=None):
    if journalist.email_verified_at is None:
        journalist.email_verified_at = now or timezone.now()
        journalist.save(update_fields=["email_verified_at"])
    return journalist


def approve_journalist(journalist, user, now=None):
    """Accredit a journalist with a verified address; the mail carries the feed address."""
    if journalist.email_verified_at is None or journalist.status == Journalist.Status.APPROVED:
        return False
    journalist.status = Journalist.Status.APPROVED
    journalist.approved_by = user
    journalist.approved_at = now or timezone.now()
    journalist.revoked_at = None
    journalist.save()
    deliver_now(emails.transactional("journalist_approved", journalist.email, {
        "journalist": journalist, "feed_url": feed_url(journalist)}))
    return True


def revoke_journalist(journalist, now=None):
    """Stop all early access at once: the feed answers 404, queued mails are not sent."""
    if journalist.status == Journalist.Status.REVOKED:
        return False
    journalist.status = Journalist.Status.REVOKED
    journalist.revoked_at = now or timezone.now()
    journalist.feed_token = new_feed_token()
    journalist.save()
    return True


def rotate_feed_token(journalist):
    """A new feed address; the old one answers 404 from now on. The journalist is told."""
    journalist.feed_token = new_feed_token()
    journalist.save(update_fields=["feed_token"])
    if journalist.is_accredited:
        deliver_now(emails.transactional("journalist_new_feed", journalist.email, {
            "journalist": journalist, "feed_url": feed_url(journalist)}))
    return journalist


# Accreditation for appointments --------------------------------------------------------------


def accreditation_rules(event):
    try:
        return event.accreditation_settings
    except AccreditationSettings.DoesNotExist:
        return AccreditationSettings(event=event)


def closes_at():
    """When an appointment stops taking requests: its deadline, at the latest its start
    (an expression over appointments, the rule of ``closed_reason``)."""
    return Least(Coalesce("accreditation_settings__deadline", "starts_at"), "starts_at")


def next_closing(now):
    """The next moment after ``now`` at which an appointment's page stops offering
    accreditation (its cached page must not offer it past that moment)."""
    return (Event.objects.filter(requires_accreditation=True).annotate(closes=closes_at())
            .filter(closes__gt=now).aggregate(first=Min("closes"))["first"])


def closed_reason(event, now=None):
    """Why ``event`` takes no requests (a message for the page), or None when it does."""
    now = now or timezone.now()
    if not event.requires_accreditation:
        return _("This appointment does not require accreditation.")
    if event.is_cancelled:
        return _("This appointment has been cancelled.")
    deadline = accreditation_rules(event).deadline or event.starts_at
    if now >= min(deadline, event.starts_at):
        return _("The deadline for accreditation has passed.")
    return None


def request_mail(request, template, with_calendar=None):
    """A mail about ``request``; with_calendar "confirmed" or "cancelled" attaches the entry."""
    context = {
        "request": request, "event": request.event,
        "event_url": absolute_url(request.event.get_absolute_url()),
        "cancel_url": absolute_url(reverse("journalists:accreditation-cancel", args=[
            tokens.make(tokens.CANCEL, a=request.pk)])),
    }
    attachments = []
    if with_calendar:
        # Above the public calendar's (the event's last change) and the last mail's.
        newest = max(sequence_at(timezone.now()), event_sequence(request.event) + 1)
        AccreditationRequest.objects.filter(pk=request.pk).update(calendar_sequence=Greatest(
            F("calendar_sequence") + 1, Value(newest)))
        request.refresh_from_db(fields=["calendar_sequence"])
        attachments.append(ics_attachment(request.event, request.calendar_sequence,
                                          cancelled=with_calendar == "cancelled"))
    return deliver_now(emails.transactional(template, request.email, context, attachments,
                                            organisation=request.event.organisation))


class AccreditationClosed(Exception):
    pass


class AlreadyRequested(Exception):
    pass


def request_accreditation(event, data, now=None):
    """A journalist's request: a place while there are places, else the waiting list.

    The appointment row is locked while places are counted, so two requests for the
    last place cannot both get it.
    """
    now = now or timezone.now()
    email = normalise_email(data["email"])
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        reason = closed_reason(event, now)
        if reason:
            raise AccreditationClosed(reason)
        requests = AccreditationRequest.objects.filter(event=event)
        if requests.filter(email=email, status__in=AccreditationRequest.OPEN_STATUSES).exists():
            raise AlreadyRequested
        capacity = accreditation_rules(event).capacity
        full = capacity is not None and requests.holding_place().count() >= capacity
        request = AccreditationRequest.objects.create(
            event=event, email=email, name=data["name"], medium=data["medium"],
            press_card_number=data.get("press_card_number", ""), created_at=now,
            status=Status.WAITLISTED if full else Status.REQUESTED)
    request_mail(request, "accreditation_waitlisted" if full else "accreditation_received")
    return request


def approve_request(request, user, now=None):
    if request.status not in (Status.REQUESTED, Status.WAITLISTED):
        return False
    decide(request, Status.APPROVED, user, now)
    request_mail(request, "accreditation_approved", with_calendar="confirmed")
    return True


def decline_request(request, user, now=None):
    if request.status not in AccreditationRequest.OPEN_STATUSES:
        return False
    was_approved = request.status == Status.APPROVED
    decide(request, Status.DECLINED, user, now)
    request_mail(request, "accreditation_declined",
                 with_calendar="cancelled" if was_approved else None)
    move_up(request.event)
    return True


def cancel_request(request, now=None):
    """The journalist cancels through the link in their mails."""
    if request.status not in AccreditationRequest.OPEN_STATUSES:
        return False
    was_approved = request.status == Status.APPROVED
    decide(request, Status.CANCELLED, None, now)
    request_mail(request, "accreditation_cancelled",
                 with_calendar="cancelled" if was_approved else None)
    move_up(request.event)
    return True


def decide(request, status, user, now=None):
    request.status = status
    request.decided_at = now or timezone.now()
    if user is not None:
        request.decided_by = user
    request.save()


def move_up(event):
    """Free places go to the waiting list in order of arrival; each one is told."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        capacity = accreditation_rules(event).capacity
        requests = AccreditationRequest.objects.filter(event=event)
        free = None if capacity is None else capacity - requests.holding_place().count()
        waiting = requests.filter(status=Status.WAITLISTED).order_by("created_at", "pk")
        moved = list(waiting if free is None else waiting[:max(free, 0)])
        AccreditationRequest.objects.filter(pk__in=[r.pk for r in moved]).update(
            status=Status.REQUESTED)
    for request in moved:
        request.status = Status.REQUESTED
        request_mail(request, "accreditation_moved_up")
    return moved


def request_from_token(token):
    values = tokens.read(tokens.CANCEL, token)
    if not isinstance(values, dict):
        return None
    return AccreditationRequest.objects.select_related("event").filter(pk=values.get("a")).first()
