"""Accreditation: journalists for embargoed material, and for appointments (with waiting
list and calendar entries)."""

import datetime
import re

import icalendar
import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from journalists import accreditation
from journalists.models import AccreditationRequest, AccreditationSettings, Journalist
from releases.models import Event

from .mail_helpers import links_in, path_of, readable, sender_of
from .public_data import ANNOUNCED

pytest_plugins = ["tests.journalist_fixtures"]
pytestmark = pytest.mark.django_db

Status = AccreditationRequest.Status


def staff(permission=None):
    user = User.objects.create_user("pressestelle", password="x", is_staff=True)
    for codename in ("view_journalist", "change_journalist", "view_accreditationrequest",
                     "change_accreditationrequest", permission):
        if codename:
            user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


class TestJournalistRegistration:
    def register(self, client, **data):
        values = {"name": "Erika Muster", "medium": "Sächsische Zeitung",
                  "email": "erika@example.org", "press_card_number": "DJV-123"}
        values.update(data)
        return client.post(reverse("journalists:register"), values)

    def test_the_form_says_which_field_may_stay_empty(self, client):
        html = client.get(reverse("journalists:register")).content.decode()
        assert "Presseausweisnummer (freiwillig)" in html
        assert html.count("(freiwillig)") == 1

    def test_registration_mails_a_link_whose_page_verifies_with_a_button(
            self, client, mailoutbox):
        response = self.register(client)
        assert response.status_code == 302
        journalist = Journalist.objects.get()
        assert journalist.status == Journalist.Status.REQUESTED
        assert journalist.email_verified_at is None
        link = path_of(next(link for link in links_in(mailoutbox[0].body)
                            if "/journalisten/bestaetigen/" in link))
        page = client.get(link)
        assert page.status_code == 200
        assert page["Cache-Control"] == "private, no-store"
        assert '<form method="post"' in page.content.decode()
        journalist.refresh_from_db()
        assert journalist.email_verified_at is None  # a mail scanner's GET changes nothing
        response = client.post(link)
        assert response.status_code == 200
        journalist.refresh_from_db()
        assert journalist.email_verified_at is not None
        assert not journalist.is_accredited
        with translation.override("de"):
            assert gettext("Address confirmed") in response.content.decode()

    def test_verification_needs_the_csrf_token_of_the_page(self, client, mailoutbox):
        self.register(client)
        client = Client(enforce_csrf_checks=True)
        link = path_of(links_in(mailoutbox[0].body)[0])
        assert client.post(link).status_code == 403
        page = client.get(link).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        assert client.post(link, {"csrfmiddlewaretoken": token}).status_code == 200
        assert Journalist.objects.get().email_verified_at is not None

    def test_verification_link_does_not_reveal_the_address(self, client, mailoutbox):
        self.register(client, email="erika.muster@example.org")
        for link in links_in(mailoutbox[0].body):
            text = readable(link).lower()
            assert "erika.muster" not in text and "example.org" not in text, link

    def test_verification_mail_is_from_the_service_by_name(self, client, settings,
                                                          mailoutbox):
        settings.ALERTS_FROM_NAME = "Medienservice Sachsen"
        self.register(client)
        assert sender_of(mailoutbox[0]) == (("Medienservice Sachsen",
                                             settings.DEFAULT_FROM_EMAIL), [])

    def test_missing_fields_are_named_in_german_and_entries_kept(self, client):
        response = self.register(client, name="", email="erika@")
        html = response.content.decode()
        assert response.status_code == 400
        assert "Dieses Feld ist zwingend erforderlich." in html
        assert "gültige E-Mail-Adresse" in html
        assert 'value="Sächsische Zeitung"' in html
        assert not Journalist.objects.exists()

    def test_honeypot_stores_nothing(self, client, mailoutbox):
        self.register(client, website="x")
        assert not Journalist.objects.exists() and mailoutbox == []

    def test_verification_link_expires(self, client, mailoutbox):
        self.register(client)
        link = path_of(links_in(mailoutbox[0].body)[0])
        with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
            assert client.get(link).status_code == 404
            assert client.post(link).status_code == 404
        assert Journalist.objects.get().email_verified_at is None

    def test_approving_needs_the_permission_and_a_verified_address(
            self, client, make_journalist, mailoutbox):
        unverified = make_journalist(status="requested", email_verified_at=None)
        verified = make_journalist(status="requested")
        changelist = reverse("admin:journalists_journalist_changelist")
        client.force_login(staff())
        page = client.get(changelist).content.decode()
        assert 'value="approve"' not in page
        client.post(changelist, {"action": "approve", "_selected_action": [verified.pk]})
        verified.refresh_from_db()
        assert verified.status == "requested"
        client.force_login(User.objects.create_superuser("chefin", password="x"))
        client.post(changelist, {"action": "approve",
                                 "_selected_action": [verified.pk, unverified.pk]})
        verified.refresh_from_db()
        unverified.refresh_from_db()
        assert verified.is_accredited and verified.approved_by.username == "chefin"
        assert unverified.status == "requested"
        assert mailoutbox[-1].to == [verified.email]
        assert verified.feed_token in mailoutbox[-1].body

    def test_rotate_token_action_gives_a_new_address_and_tells_the_journalist(
            self, admin_client, make_journalist, mailoutbox):
        journalist = make_journalist()
        old = journalist.feed_token
        admin_client.post(reverse("admin:journalists_journalist_changelist"),
                          {"action": "rotate_token", "_selected_action": [journalist.pk]})
        journalist.refresh_from_db()
        assert journalist.feed_token != old
        assert journalist.feed_token in mailoutbox[-1].body

    def test_unverified_registrations_are_deleted_after_a_week(self, make_journalist):
        from journalists.outbox import purge_expired

        make_journalist(status="requested", email_verified_at=None,
                        created_at=timezone.now() - datetime.timedelta(days=8))
        kept = make_journalist(created_at=timezone.now() - datetime.timedelta(days=30))
        purge_expired()
        assert list(Journalist.objects.all()) == [kept]


@pytest.fixture
def event(organisation):
    return Event.objects.create(
        title="Pressekonferenz zur Digitalisierung", slug="pk-digital",
        starts_at=timezone.now() + datetime.timedelta(days=5), venue="Staatskanzlei",
        city="Dresden", organisation=organisation, requires_accreditation=True,
        press_information="Einlass ab 9:30 Uhr.", **ANNOUNCED)


def request_for(client, event, **data):
    values = {"name": "Erika Muster", "medium": "MDR", "email": "erika@example.org"}
    values.update(data)
    return client.post(reverse("journalists:accreditation",
                               kwargs={"pk": event.pk, "slug": event.slug}), values)


class TestEventAccreditationForm:
    def test_mails_are_from_the_office_of_the_appointment_with_replies_to_it(
            self, client, event, organisation, settings, mailoutbox):
        settings.DEFAULT_FROM_EMAIL = "newsroom@presse.example"
        request_for(client, event)
        assert sender_of(mailoutbox[0]) == ((organisation.name, "newsroom@presse.example"),
                                            [organisation.press_email])
        assert mailoutbox[0].body.rstrip().endswith(organisation.name)

    def test_event_page_links_the_form_and_the_form_works(self, client, event, mailoutbox):
        page = client.get(event.get_absolute_url()).content.decode()
        form_url = reverse("journalists:accreditation", kwargs={"pk": event.pk,
                                                                "slug": event.slug})
        assert form_url in page
        form = client.get(form_url)
        assert form.status_code == 200
        assert '<label for="id_press_card_number">' in form.content.decode()
        response = request_for(client, event, press_card_number="123")
        assert response.status_code == 302
        request = AccreditationRequest.objects.get()
        assert (request.status, request.press_card_number) == (Status.REQUESTED, "123")
        assert mailoutbox[0].to == ["erika@example.org"]
        assert "/termine/akkreditierung/absagen/" in mailoutbox[0].body

    def test_event_without_accreditation_has_no_form(self, client, event):
        event.requires_accreditation = False
        event.save()
        assert client.get(reverse("journalists:accreditation", kwargs={
            "pk": event.pk, "slug": event.slug})).status_code == 404

    def test_after_the_deadline_requests_are_refused_clearly(self, client, event):
        AccreditationSettings.objects.create(
            event=event, deadline=timezone.now() - datetime.timedelta(hours=1))
        page = client.get(reverse("journalists:accreditation", kwargs={
            "pk": event.pk, "slug": event.slug}))
        assert "Die Frist für die Akkreditierung ist abgelaufen." in page.content.decode()
        assert request_for(client, event).status_code == 400
        assert not AccreditationRequest.objects.exists()

    def test_cancelled_event_takes_no_requests(self, client, event):
        event.is_cancelled = True
        event.save()
        assert request_for(client, event).status_code == 400

    def test_second_request_for_one_address_is_refused_in_german(self, client, event):
        request_for(client, event)
        response = request_for(client, event, email="Erika@EXAMPLE.org")
        assert response.status_code == 400
        assert "Für diese Adresse liegt bereits eine Anfrage vor." in response.content.decode()
        assert AccreditationRequest.objects.count() == 1

    @pytest.mark.parametrize("data", [
        {"name": ""}, {"email": "nope"}, {"medium": "x" * 300},
        {"press_card_number": "9" * 60},
    ])
    def test_bad_input_is_a_form_error(self, client, event, data):
        assert request_for(client, event, **data).status_code == 400

    def test_wrong_slug_redirects_and_unknown_event_is_not_found(self, client, event):
        response = client.get(f"/termine/{event.pk}-alt/akkreditierung/")
        assert response.status_code == 301
        assert client.get("/termine/999999-x/akkreditierung/").status_code == 404


class TestPlacesAndWaitingList:
    @pytest.fixture
    def full_event(self, client, event):
        AccreditationSettings.objects.create(event=event, capacity=2)
        for n in range(4):
            request_for(client, event, email=f"j{n}@example.org")
        return event

    def test_requests_beyond_the_places_are_waitlisted_and_told_so(self, full_event,
                                                                   mailoutbox, client):
        statuses = list(AccreditationRequest.objects.order_by("pk").values_list("status",
                                                                                 flat=True))
        assert statuses == [Status.REQUESTED, Status.REQUESTED, Status.WAITLISTED,
                            Status.WAITLISTED]
        assert mailoutbox[2].subject.startswith("Warteliste")

    def test_declining_moves_the_first_on_the_waiting_list_up(self, full_event, mailoutbox):
        first = AccreditationRequest.objects.order_by("pk").first()
        accreditation.decline_request(first, None)
        statuses = list(AccreditationRequest.objects.order_by("pk").values_list("status",
                                                                                 flat=True))
        assert statuses == [Status.DECLINED, Status.REQUESTED, Status.REQUESTED,
                            Status.WAITLISTED]
        assert mailoutbox[-1].to == ["j2@example.org"]
        assert mailoutbox[-1].subject.startswith("Von der Warteliste nachgerückt")

    def test_cancelling_through_the_mail_link_moves_up_too(self, client, full_event,
                                                           mailoutbox):
        link = path_of(next(link for link in links_in(mailoutbox[0].body)
                            if "absagen" in link))
        assert client.get(link).status_code == 200
        assert AccreditationRequest.objects.order_by("pk").first().status == Status.REQUESTED
        client.post(link)
        assert AccreditationRequest.objects.order_by("pk").first().status == Status.CANCELLED
        assert AccreditationRequest.objects.get(email="j2@example.org").status == (
            Status.REQUESTED)

    def test_the_last_place_cannot_be_given_twice(self, event):
        AccreditationSettings.objects.create(event=event, capacity=1)
        first = accreditation.request_accreditation(event, {
            "name": "A", "medium": "M", "email": "a@example.org"})
        second = accreditation.request_accreditation(event, {
            "name": "B", "medium": "M", "email": "b@example.org"})
        assert (first.status, second.status) == (Status.REQUESTED, Status.WAITLISTED)


class TestDecisionsAndCalendar:
    @pytest.fixture
    def request_row(self, client, event):
        request_for(client, event)
        return AccreditationRequest.objects.get()

    def approve(self, client, request_row):
        client.force_login(staff("decide_accreditationrequest"))
        return client.post(reverse("admin:journalists_accreditationrequest_changelist"),
                           {"action": "approve", "_selected_action": [request_row.pk]})

    def test_approval_mails_a_confirmation_with_an_ics_entry(self, client, event,
                                                            request_row, mailoutbox, settings):
        self.approve(client, request_row)
        request_row.refresh_from_db()
        assert request_row.status == Status.APPROVED
        message = mailoutbox[-1]
        assert message.subject == f"Akkreditierung bestätigt: {event.title}"
        name, content, mimetype = message.attachments[0]
        assert name.endswith(".ics") and mimetype == "text/calendar"
        calendar = icalendar.Calendar.from_ical(content)
        entry = calendar.walk("VEVENT")[0]
        assert str(entry["UID"]) == f"event-{event.pk}@127.0.0.1"
        assert entry["SUMMARY"] == event.title
        starts_at = event.starts_at.replace(microsecond=0)
        assert entry.decoded("DTSTART") == starts_at
        assert entry.decoded("DTEND") == starts_at + datetime.timedelta(hours=1)
        assert "Staatskanzlei" in entry["LOCATION"]
        assert "Einlass ab 9:30 Uhr." in entry["DESCRIPTION"]
        assert entry["STATUS"] == "CONFIRMED"
        # Newer than the public calendar's entry of the same UID, which calendars have
        # seen already, and so not ignored by them.
        public = icalendar.Calendar.from_ical(client.get(
            reverse("releases:event-ics", args=[event.pk])).content).walk("VEVENT")[0]
        assert public["UID"] == entry["UID"]
        assert entry["SEQUENCE"] > public["SEQUENCE"]
        assert "DTSTAMP" in entry
        assert calendar["METHOD"] == "PUBLISH"

    def test_declining_an_approved_request_sends_a_cancelling_entry(
            self, client, event, request_row, mailoutbox):
        self.approve(client, request_row)
        client.post(reverse("admin:journalists_accreditationrequest_changelist"),
                    {"action": "decline", "_selected_action": [request_row.pk]})
        entry = icalendar.Calendar.from_ical(mailoutbox[-1].attachments[0][1]).walk(
            "VEVENT")[0]
        assert entry["STATUS"] == "CANCELLED"
        confirmed = icalendar.Calendar.from_ical(mailoutbox[-2].attachments[0][1]).walk(
            "VEVENT")[0]
        assert entry["SEQUENCE"] > confirmed["SEQUENCE"]

    def test_deciding_needs_the_permission(self, client, request_row):
        client.force_login(staff())
        client.post(reverse("admin:journalists_accreditationrequest_changelist"),
                    {"action": "approve", "_selected_action": [request_row.pk]})
        request_row.refresh_from_db()
        assert request_row.status == Status.REQUESTED

    def test_settings_admin_finds_events_by_autocomplete(self, admin_client, event):
        page = admin_client.get(reverse("admin:journalists_accreditationsettings_add"))
        assert page.status_code == 200
        assert "admin-autocomplete" in page.content.decode()
