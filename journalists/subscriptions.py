"""E-mail alert subscriptions: double opt-in, changes, pause, export, deletion.

Views and the admin call these functions; none of them needs an account, the
signed links of journalists/tokens.py stand in for one.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from releases.links import absolute_url

from . import emails, outbox, tokens
from .models import OutboxMessage, Subscription
from .models.subscriptions import people_label

logger = logging.getLogger(__name__)

# One confirmation or reminder mail per address in this time, whatever the form receives.
MAIL_INTERVAL = datetime.timedelta(minutes=5)


def normalise_email(address):
    """One address, one row: mail systems treat the local part case-insensitively too."""
    return address.strip().lower()


def deliver_now(message):
    """Send a transactional mail in the request; False (and logged) when the mail
    system refuses, so the page can say so instead of failing."""
    try:
        message.send()
    except Exception as error:  # SMTP, DNS, socket: the visitor can try again
        logger.warning("Could not send %r to %s: %s", message.subject, message.to, error)
        return False
    return True


def links(subscription):
    return {
        "confirm_url": absolute_url(reverse("journalists:confirm", args=[
            tokens.subscription_token(tokens.CONFIRM, subscription)])),
        **emails.subscription_links(subscription),
    }


def summary(subscription):
    """What a subscription is about, in the form's words: [(label, "a, b"), ...]. For
    the mail, so in the mails' language: the labels become text here, not when the
    mail is rendered, and the request may be in English."""
    with emails.in_mail_language():
        rows = [
            (_("Topics"), [topic.name for topic in subscription.topics.all()]),
            (_("Ministries and authorities"),
             [organisation.name for organisation in subscription.organisations.all()]),
            (people_label(subscription.ministers.all()),
             [person.full_name for person in subscription.ministers.all()]),
            (_("Kinds of release"), [str(label) for label in subscription.kind_labels()]),
            (_("How often"), [subscription.get_frequency_display()]),
        ]
        return [(str(label), ", ".join(values)) for label, values in rows if values]


def apply_choices(subscription, choices):
    for name in ("frequency", "kinds", "paused_until"):
        if name in choices:
            setattr(subscription, name, choices[name])
    subscription.save()
    for name in ("topics", "organisations", "ministers"):
        if name in choices:
            getattr(subscription, name).set(choices[name])


def subscribe(email, choices, now=None):
    """Record a wish to subscribe and mail the confirmation link.

    An address that is already confirmed keeps its choices (nobody but its owner may
    change them) and gets a reminder with its manage link instead. The page says the
    same either way, so the form does not tell who subscribes. Returns False only when
    a mail was due but could not be sent.
    """
    now = now or timezone.now()
    email = normalise_email(email)
    try:
        with transaction.atomic():
            subscription, created = Subscription.objects.select_for_update().get_or_create(
                email=email, defaults={"created_at": now})
            if not subscription.is_confirmed:
                apply_choices(subscription, choices)
            recently = (subscription.confirmation_sent_at is not None
                        and subscription.confirmation_sent_at > now - MAIL_INTERVAL)
            if recently:
                return True
            subscription.confirmation_sent_at = now
            subscription.save(update_fields=["confirmation_sent_at"])
    except IntegrityError:  # the same address sent twice at once: the other request wins
        return True
    template = "subscription_exists" if subscription.is_confirmed else "subscription_confirm"
    return deliver_now(emails.transactional(template, email, {
        "subscription": subscription, "choices": summary(subscription),
        **links(subscription)}))


def confirm(subscription, now=None):
    if not subscription.is_confirmed:
        subscription.confirmed_at = now or timezone.now()
        subscription.save(update_fields=["confirmed_at", "updated_at"])
    return subscription


def change(subscription, choices):
    with transaction.atomic():
        apply_choices(subscription, choices)
        outbox.reschedule_held(subscription)
    return subscription


def rotate_links(subscription):
    """Invalidate every manage and unsubscribe link sent so far."""
    Subscription.objects.filter(pk=subscription.pk).update(
        token_version=F("token_version") + 1)
    subscription.refresh_from_db(fields=["token_version"])
    return subscription


@transaction.atomic
def delete(subscription):
    """Unsubscribe and forget: the subscription, its choices, and its address on every
    outbox row. Rows stay (without recipient) so that nothing is queued again."""
    messages = OutboxMessage.objects.filter(subscription=subscription)
    messages.filter(status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.CLAIMED]
                    ).update(status=OutboxMessage.Status.SKIPPED)
    messages.update(to_address="", subscription=None)
    subscription.delete()


def export(subscription):
    """Everything stored about a subscriber (GDPR Art. 15 and 20), as JSON-ready data."""
    def stamp(value):
        return timezone.localtime(value).isoformat() if value else None

    messages = (OutboxMessage.objects.filter(subscription=subscription)
                .select_related("release").order_by("created_at", "pk"))
    return {
        "email": subscription.email,
        "subscribed_at": stamp(subscription.created_at),
        "confirmed_at": stamp(subscription.confirmed_at),
        "frequency": subscription.frequency,
        "paused_until": subscription.paused_until.isoformat()
        if subscription.paused_until else None,
        "topics": [topic.name for topic in subscription.topics.all()],
        "organisations": [organisation.name for organisation in
                          subscription.organisations.all()],
        "ministers": [person.full_name for person in subscription.ministers.all()],
        "kinds": [str(label) for label in subscription.kind_labels()],
        "messages": [
            {
                "kind": message.kind,
                "release": message.release.title,
                "status": message.status,
                "queued_at": stamp(message.created_at),
                "sent_at": stamp(message.sent_at),
                "sent_to": message.to_address or None,
            }
            for message in messages
        ],
    }
