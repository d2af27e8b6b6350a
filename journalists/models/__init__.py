"""Journalist services, split by concept: alerts, accredited journalists, the outbox,
event accreditation."""

from .accreditation import AccreditationRequest, AccreditationSettings
from .journalists import EmbargoAccess, Journalist, new_feed_token
from .outbox import OutboxMessage, ReleaseNotification
from .subscriptions import Subscription

__all__ = [
    "AccreditationRequest", "AccreditationSettings", "EmbargoAccess", "Journalist",
    "OutboxMessage", "ReleaseNotification", "Subscription", "new_feed_token",
]
