"""People in the editorial roles and releases in each state, for the workflow's tests.

The users are members of the groups that migration 0004_roles creates, as in
production: Redaktion writes and submits, Pressestelle reviews and publishes,
Administration runs the place. Loaded as a plugin (pytest_plugins).
"""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from releases import services
from releases.models import Release


def member(username, group):
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    """Redaktion: writes and submits."""
    return member("redakteurin", "Redaktion")


@pytest.fixture
def spokesperson(db):
    """Pressestelle: reviews, publishes, corrects, withdraws."""
    return member("sprecher", "Pressestelle")


@pytest.fixture
def deputy(db):
    """A second member of the Pressestelle, for releases the spokesperson wrote."""
    return member("stellvertreterin", "Pressestelle")


@pytest.fixture
def administrator(db):
    return member("administratorin", "Administration")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor):
    return logged_in(editor)


@pytest.fixture
def spokesperson_client(spokesperson):
    return logged_in(spokesperson)


@pytest.fixture
def draft(make_release, editor):
    """A draft the editor wrote, with no publication time yet."""
    return make_release(status=Release.Status.DRAFT, published_at=None, created_by=editor,
                        title="Große Resonanz bei simul+Werkstatt in Kattowitz")


@pytest.fixture
def in_review(draft, editor):
    return services.submit(draft, editor)


@pytest.fixture
def approved(in_review, spokesperson):
    return services.approve(in_review, spokesperson)


@pytest.fixture
def published(approved, spokesperson):
    return services.publish(approved, spokesperson)


def workflow_url(release, operation):
    return reverse("admin:releases_release_workflow", args=[release.pk, operation])


def change_url(release):
    return reverse("admin:releases_release_change", args=[release.pk])


def fresh(release):
    return Release.objects.get(pk=release.pk)


def change_live(release, author, reviewer, *, note="", publisher=None, **fields):
    """A change to a live release, as the workflow has it: a working edition written by
    ``author``, approved by ``reviewer`` and published (by ``publisher``, else the
    reviewer). ``note`` makes it a correction. Returns the live release, reloaded."""
    edition = services.start_edition(fresh(release), author)
    for name, value in fields.items():
        setattr(edition, name, value)
    edition.change_note = note
    services.save_release(edition, author, changed=True)
    services.submit(edition, author)
    services.approve(edition, reviewer)
    services.publish(fresh(edition), publisher or reviewer)
    return fresh(release)
