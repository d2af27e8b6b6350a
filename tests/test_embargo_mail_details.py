"""Details of the journalist services' mails and job that an outside test found wrong.

A correction during the Sperrfrist is marked like the embargo mail and reaches nobody
but accredited journalists; the confirmation of a subscription made on the English site
is German throughout; the job counts only the mails it queued; and an appointment's page
offers accreditation only while requests are taken.
"""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from journalists import outbox
from journalists.models import AccreditationSettings, OutboxMessage
from releases.models import Correction, Event

from .public_data import ANNOUNCED

pytest_plugins = ["tests.journalist_fixtures"]
pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def embargoed(make_release, contact, topic):
    release = make_release(title="Haushalt 2027", body="<p>Die Zahlen: 4,2 Mrd.</p>",
                           embargo_until=timezone.now() + datetime.timedelta(hours=20))
    release.contacts.add(contact)
    release.topics.add(topic)
    return release


class TestCorrectionUnderEmbargo:
    def correct(self, release):
        return Correction.objects.create(release=release, text="Es sind 4,3 Mrd.")

    def test_is_marked_with_the_sperrfrist_like_the_embargo_mail(
            self, embargoed, make_journalist, mailoutbox):
        journalist = make_journalist()
        outbox.run_alerts()
        self.correct(embargoed)
        outbox.run_alerts()
        embargo_mail, correction = mailoutbox
        notice = embargo_mail.subject.removesuffix(": Haushalt 2027")
        assert notice.startswith("Sperrfrist: Veröffentlichung nicht vor ")
        assert correction.to == [journalist.email]
        assert correction.subject == f"Berichtigung: {notice}: Haushalt 2027"
        assert correction.body.splitlines()[0] == notice.upper()
        assert "BERICHTIGUNG vom" in correction.body
        assert "Der Link funktioniert ab dem Ende der Sperrfrist." in correction.body
        assert "erst nach Ablauf der Sperrfrist" in correction.body
        assert notice in correction.alternatives[0][0]

    def test_reaches_no_subscriber_before_the_embargo_ends(
            self, embargoed, make_journalist, make_subscription, topic, mailoutbox):
        subscription = make_subscription(topics=[topic])
        make_journalist()
        outbox.run_alerts()
        self.correct(embargoed)
        outbox.run_alerts()
        assert subscription.email not in [m.to[0] for m in mailoutbox]
        # Even a correction row for a subscriber (however it came) is not sent early.
        row = OutboxMessage.objects.create(
            key="correction:test", kind=OutboxMessage.Kind.CORRECTION, release=embargoed,
            correction=Correction.objects.get(), subscription=subscription)
        outbox.send_due()
        row.refresh_from_db()
        assert row.status == OutboxMessage.Status.SKIPPED
        assert subscription.email not in [m.to[0] for m in mailoutbox]

    def test_sent_after_the_embargo_it_is_an_ordinary_correction(
            self, embargoed, make_journalist, mailoutbox):
        make_journalist()
        outbox.run_alerts()
        correction = self.correct(embargoed)
        outbox.enqueue_correction(embargoed, correction)
        with time_machine.travel(embargoed.embargo_until + SECOND):
            outbox.send_due()
        assert mailoutbox[-1].subject == "Berichtigung: Haushalt 2027"
        assert "SPERRFRIST" not in mailoutbox[-1].body


class TestEnglishSiteSubscription:
    def test_confirmation_mail_is_german_throughout(self, client, mailoutbox):
        with translation.override("en"):
            url = reverse("journalists:subscribe")
        assert url.startswith("/en/")
        client.post(url, {"email": "reader@example.org", "kinds": ["statement", "rede"],
                          "frequency": "daily"})
        body = mailoutbox[0].body
        assert "Arten von Medieninformationen: Statement, Rede" in body
        assert "Wie oft: Einmal täglich, alle Medieninformationen in einer E-Mail" in body
        assert "Speech" not in body and "Once a day" not in body


class TestQueuedCount:
    def test_a_run_counts_only_what_it_queued(self, embargoed, make_journalist, capsys):
        make_journalist()
        make_journalist()
        assert outbox.enqueue_due() == 2
        assert outbox.enqueue_due() == 0
        call_command("send_alerts")
        assert "queued=0" in capsys.readouterr().out

    def test_each_enqueue_returns_the_rows_it_added(self, embargoed, make_journalist):
        make_journalist()
        assert outbox.enqueue_embargo(embargoed) == 1
        assert outbox.enqueue_embargo(embargoed) == 0
        outbox.send_due()
        correction = Correction.objects.create(release=embargoed, text="Berichtigt.")
        assert outbox.enqueue_correction(embargoed, correction) == 1
        assert outbox.enqueue_correction(embargoed, correction) == 0


class TestAccreditationLink:
    @pytest.fixture
    def event(self, organisation):
        return Event.objects.create(
            title="Pressekonferenz zum Haushalt", slug="pk-haushalt",
            starts_at=timezone.now() + datetime.timedelta(days=5), venue="Staatskanzlei",
            city="Dresden", organisation=organisation, requires_accreditation=True,
            **ANNOUNCED)

    def form_url(self, event):
        return reverse("journalists:accreditation", kwargs={"pk": event.pk,
                                                            "slug": event.slug})

    def test_offered_while_requests_are_taken(self, client, event, no_page_cache):
        assert self.form_url(event) in client.get(event.get_absolute_url()).content.decode()

    def test_not_offered_after_the_deadline(self, client, event, no_page_cache):
        AccreditationSettings.objects.create(
            event=event, deadline=timezone.now() - datetime.timedelta(hours=1))
        page = client.get(event.get_absolute_url()).content.decode()
        assert self.form_url(event) not in page
        assert "Die Frist für die Akkreditierung ist abgelaufen." in page

    def test_not_offered_for_a_cancelled_appointment(self, client, event, no_page_cache):
        event.is_cancelled = True
        event.save()
        assert self.form_url(event) not in client.get(
            event.get_absolute_url()).content.decode()
