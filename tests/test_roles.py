"""The role matrix of the README, tried through the admin: a member of each group
(Redaktion, Pressestelle, Administration, as the migrations set them up) does each
thing, and it is done or refused as the matrix says."""

import datetime
from functools import cached_property

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from journalists.models import AccreditationRequest, Journalist, Subscription
from releases import services
from releases.models import Event, Organisation, Release
from tests.admin_helpers import event_data, form_data, publication
from tests.public_data import ANNOUNCED
from tests.workflow_fixtures import logged_in, member, workflow_url

pytest_plugins = ["tests.journalist_fixtures"]
pytestmark = pytest.mark.django_db

Status = Release.Status
GROUPS = ["Redaktion", "Pressestelle", "Administration"]


class World:
    """What the roles act on, written and approved by other people; each thing is made
    when an action first asks for it."""

    def __init__(self, organisation, make_journalist, make_subscription):
        self.organisation = organisation
        self.make_journalist = make_journalist
        self.make_subscription = make_subscription

    @cached_property
    def author(self):
        return member("autorin", "Redaktion")

    @cached_property
    def reviewer(self):
        return member("pruefer", "Pressestelle")

    def release(self, status):
        draft = Release.objects.create(
            organisation=self.organisation, title=f"Meldung {status}", slug=status,
            body="<p>Dresden.</p>", status=Status.DRAFT, created_by=self.author)
        draft.authors.add(self.author)
        if status == Status.DRAFT:
            return draft
        services.submit(draft, self.author)
        if status == Status.IN_REVIEW:
            return draft
        services.approve(draft, self.reviewer)
        if status == Status.APPROVED:
            return draft
        return services.publish(draft, self.reviewer)

    def event(self, **fields):
        return Event.objects.create(
            title="Pressekonferenz", slug="pressekonferenz", organisation=self.organisation,
            starts_at=timezone.now() + datetime.timedelta(days=5), city="Dresden",
            requires_accreditation=True, **fields)

    @cached_property
    def journalist(self):
        return self.make_journalist(status=Journalist.Status.REQUESTED)

    @cached_property
    def request(self):
        return AccreditationRequest.objects.create(
            event=self.event(**ANNOUNCED), name="Erika Muster", medium="MDR",
            email="erika@example.org")

    @cached_property
    def subscription(self):
        return self.make_subscription()


@pytest.fixture
def world(organisation, make_journalist, make_subscription):
    return World(organisation, make_journalist, make_subscription)


def run_operation(client, release, operation, **data):
    release = Release.objects.get(pk=release.pk)
    client.post(workflow_url(release, operation), {"version": str(release.version), **data})
    return Release.objects.get(pk=release.pk).status


def changelist_action(client, model, action, obj, **extra):
    return client.post(reverse(f"admin:journalists_{model}_changelist"),
                       {"action": action, "_selected_action": [str(obj.pk)], **extra})


# Each action returns True when it was done.


def write_a_release(client, world):
    client.post(reverse("admin:releases_release_add"), form_data(
        Release(organisation=world.organisation, title="Neu geschrieben",
                slug="neu-geschrieben", body="<p>Text.</p>"), expected_version=""))
    return Release.objects.filter(title="Neu geschrieben").exists()


def submit_for_review(client, world):
    return run_operation(client, world.release(Status.DRAFT), "submit") == Status.IN_REVIEW


def approve(client, world):
    return run_operation(client, world.release(Status.IN_REVIEW), "approve") == Status.APPROVED


def publish(client, world):
    return run_operation(client, world.release(Status.APPROVED), "publish",
                         override_reason="") == Status.PUBLISHED


def schedule(client, world):
    at = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
    return run_operation(client, world.release(Status.APPROVED), "schedule",
                         at_0=at.strftime("%d.%m.%Y"), at_1="10:00:00",
                         override_reason="") == Status.SCHEDULED


def withdraw(client, world):
    return run_operation(client, world.release(Status.PUBLISHED), "withdraw",
                         reason="Durch eine neuere ersetzt.") == Status.WITHDRAWN


def announce_an_appointment(client, world):
    event = world.event()
    data, _prefix = event_data(client, event, **publication(
        ANNOUNCED["status"], timezone.now() - datetime.timedelta(minutes=1)))
    client.post(reverse("admin:releases_event_change", args=[event.pk]), data)
    return Event.objects.get(pk=event.pk).status == ANNOUNCED["status"]


def approve_a_journalist(client, world):
    changelist_action(client, "journalist", "approve", world.journalist)
    return Journalist.objects.get(pk=world.journalist.pk).is_accredited


def decide_an_accreditation_request(client, world):
    changelist_action(client, "accreditationrequest", "approve", world.request)
    return AccreditationRequest.objects.get(
        pk=world.request.pk).status == AccreditationRequest.Status.APPROVED


def set_places_and_deadline(client, world):
    event = world.event()
    client.post(reverse("admin:journalists_accreditationsettings_add"), {
        "event": str(event.pk), "capacity": "20", "deadline_0": "", "deadline_1": ""})
    return Event.objects.filter(pk=event.pk, accreditation_settings__capacity=20).exists()


def delete_a_subscription(client, world):
    changelist_action(client, "subscription", "delete_selected", world.subscription,
                      post="yes")
    return not Subscription.objects.filter(pk=world.subscription.pk).exists()


def see_the_outbox(client, world):
    return client.get(reverse("admin:journalists_outboxmessage_changelist")).status_code == 200


def add_an_organisation(client, world):
    client.post(reverse("admin:releases_organisation_add"), {
        "name": "Staatskanzlei", "short_name": "SK", "slug": "sk", "kind": "ministry"})
    return Organisation.objects.filter(slug="sk").exists()


def delete_a_journalist(client, world):
    changelist_action(client, "journalist", "delete_selected", world.journalist,
                      post="yes")
    return not Journalist.objects.filter(pk=world.journalist.pk).exists()


def add_a_legal_page(client, world):
    return client.get(reverse("admin:flatpages_flatpage_add")).status_code == 200


def upload_a_sign_language_video(client, world):
    return client.get(reverse("admin:releases_signlanguagevideo_add")).status_code == 200


def read_the_audit_log(client, world):
    return client.get(reverse("admin:releases_auditentry_changelist")).status_code == 200


def add_a_user(client, world):
    client.post(reverse("admin:auth_user_add"), {
        "username": "neue-kollegin", "usable_password": "true",
        "password1": "Lang-und-sicher-2026", "password2": "Lang-und-sicher-2026"})
    return User.objects.filter(username="neue-kollegin").exists()


# The README's role matrix, row by row: what is tried, and whether the Redaktion, the
# Pressestelle and the Administration may do it.
MATRIX = {
    "write a release": (write_a_release, (True, True, True)),
    "submit for review": (submit_for_review, (True, True, True)),
    "approve": (approve, (False, True, True)),
    "publish": (publish, (False, True, True)),
    "schedule": (schedule, (False, True, True)),
    "withdraw": (withdraw, (False, True, True)),
    "announce an appointment": (announce_an_appointment, (False, True, True)),
    "approve a journalist": (approve_a_journalist, (False, True, True)),
    "decide an accreditation request": (decide_an_accreditation_request, (False, True, True)),
    "set places and deadline": (set_places_and_deadline, (False, True, True)),
    "delete a subscription": (delete_a_subscription, (False, True, True)),
    "see the outbox": (see_the_outbox, (False, True, True)),
    "add an organisation": (add_an_organisation, (False, True, True)),
    "delete a journalist": (delete_a_journalist, (False, False, True)),
    "read the audit log": (read_the_audit_log, (False, False, True)),
    "add a user": (add_a_user, (False, False, True)),
    "add a legal page": (add_a_legal_page, (False, False, True)),
    "upload a sign-language video": (upload_a_sign_language_video, (False, False, True)),
}


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_role_may_do_what_the_matrix_says_and_nothing_else(group, action, world):
    client = logged_in(member(f"mitglied-{group.lower()}", group))
    act, allowed = MATRIX[action]
    assert act(client, world) is allowed[GROUPS.index(group)]


@pytest.mark.parametrize("group", ["Pressestelle", "Administration"])
def test_press_office_and_administration_find_the_journalist_services_on_the_index(group):
    client = logged_in(member(f"mitglied-{group.lower()}", group))
    index = client.get(reverse("admin:index")).content.decode()
    for model in ("journalist", "accreditationrequest", "subscription"):
        assert reverse(f"admin:journalists_{model}_changelist") in index, model


def test_demo_account_of_the_press_office_opens_the_journalists_without_403(db):
    from exchange.management.commands.demo import create_demo_accounts

    create_demo_accounts()
    client = logged_in(User.objects.get(username="pressestelle"))
    for model in ("journalist", "accreditationrequest", "accreditationsettings",
                  "subscription", "outboxmessage", "embargoaccess"):
        assert client.get(reverse(f"admin:journalists_{model}_changelist")
                          ).status_code == 200, model
