"""Journalist services, split by concept: alerts, accredited journalists, the outbox,
event accreditation; and the editors' notifications, which go through the same outbox."""

from .accreditation import AccreditationRequest, AccreditationSettings
from .editors import EditorNotificationSettings
from .journalists import EmbargoAccess, Journalist, new_feed_token
from .outbox import OutboxMessage, ReleaseNotification
from .subscriptions import Subscription

__all__ = [
    "AccreditationRequest", "AccreditationSettings", "EditorNotificationSettings",
    "EmbargoAccess", "Journalist",
    "OutboxMessage", "ReleaseNotification", "Subscription", "new_feed_token",
]
