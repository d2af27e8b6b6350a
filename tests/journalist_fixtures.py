"""Fixtures for the journalist services' tests (alerts, outbox, embargo, accreditation).

Loaded as a plugin by those modules (pytest_plugins).
"""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from journalists.models import Journalist, Subscription


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_subscription(db):
    """A confirmed subscription (confirmed a day ago) unless told otherwise."""
    counter = iter(range(1, 100_000))

    def make(email=None, topics=(), organisations=(), ministers=(), kinds=(),
             confirmed=True, **fields):
        n = next(counter)
        values = {
            "email": email or f"leser{n}@example.org",
            "kinds": list(kinds),
            "created_at": timezone.now() - datetime.timedelta(days=2),
            "confirmed_at": timezone.now() - datetime.timedelta(days=1) if confirmed else None,
        }
        values.update(fields)
        subscription = Subscription.objects.create(**values)
        subscription.topics.set(topics)
        subscription.organisations.set(organisations)
        subscription.ministers.set(ministers)
        return subscription

    return make


@pytest.fixture
def make_journalist(db):
    """An accredited journalist (verified and approved) unless told otherwise."""
    counter = iter(range(1, 100_000))

    def make(**fields):
        n = next(counter)
        now = timezone.now()
        values = {
            "name": f"Erika Muster {n}", "medium": "Sächsische Zeitung",
            "email": f"redaktion{n}@example.org", "status": Journalist.Status.APPROVED,
            "email_verified_at": now - datetime.timedelta(days=3),
            "approved_at": now - datetime.timedelta(days=2),
        }
        values.update(fields)
        return Journalist.objects.create(**values)

    return make
