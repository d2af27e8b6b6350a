"""E-mail alerts: double opt-in, matching, digests, pauses, corrections, unsubscribing,
managing, export and deletion; the real SMTP path on loopback."""

import datetime
import email
import email.policy
import json
import smtplib

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journalists import outbox, subscriptions, tokens
from journalists.models import OutboxMessage, ReleaseNotification, Subscription
from releases.models import (
    Appointment,
    Contact,
    Correction,
    Event,
    Organisation,
    Release,
    ReleasePerson,
    Topic,
)

from .mail_helpers import berlin, free_port, links_in, path_of, readable, sender_of
from .public_data import ANNOUNCED

pytest_plugins = ["tests.journalist_fixtures"]
pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection lost")


def run():
    """One run of the periodic job, as cron would start it."""
    return outbox.run_alerts()


def subscribe(client, **data):
    values = {"email": "leserin@example.org", "topics": [], "frequency": "immediate"}
    values.update(data)
    return client.post(reverse("journalists:subscribe"), values)


@pytest.fixture
def topic(topic, organisation):
    """The topic and organisation, public through an announced appointment (the form offers
    public ones only) without a release that would be news to the subscribers."""
    event = Event.objects.create(title="Pressekonferenz", slug="pressekonferenz",
                                 organisation=organisation,
                                 starts_at=berlin(2021, 10, 7, 10, 0), **ANNOUNCED)
    event.topics.add(topic)
    return topic


@pytest.fixture
def minister(person, organisation):
    Appointment.objects.create(person=person, organisation=organisation,
                               kind=Appointment.Kind.MINISTER, title="Staatsminister",
                               start_date=datetime.date(2019, 12, 20))
    return person


class TestSubscribing:
    def test_form_offers_topics_ministries_ministers_and_kinds_in_fieldsets(
            self, client, topic, organisation, minister):
        response = client.get(reverse("journalists:subscribe"))
        html = response.content.decode()
        assert response.status_code == 200
        for legend in ("Themen", "Ministerien und Behörden", "Ministerinnen und Minister",
                       "Arten von Medieninformationen", "Wie oft"):
            assert f"<legend>{legend}" in html, legend
        for choice in (topic.name, organisation.name, minister.full_name, "Rede"):
            assert choice in html
        assert 'aria-describedby="id_email_helptext"' in html
        assert response["Cache-Control"] == "private, no-store"

    def test_a_list_with_nothing_to_choose_is_left_out_and_the_rest_works(
            self, client, topic, mailoutbox):
        # No minister in office: no empty box of ministers.
        response = client.get(reverse("journalists:subscribe"))
        html = response.content.decode()
        assert "<legend>Themen" in html
        assert "<legend>Ministerinnen und Minister" not in html
        response = subscribe(client, email="leserin@example.org", topics=[topic.pk])
        assert response.status_code == 302
        assert list(Subscription.objects.get().topics.all()) == [topic]

    def test_subscribing_mails_a_confirmation_link_and_nothing_else_before_confirming(
            self, client, topic, make_release, mailoutbox):
        response = subscribe(client, topics=[topic.pk])
        assert response.status_code == 302
        assert response["Location"] == reverse("journalists:subscribe-sent")
        assert len(mailoutbox) == 1
        confirmation = mailoutbox[0]
        assert confirmation.to == ["leserin@example.org"]
        assert "bestätigen" in confirmation.subject
        assert any("/benachrichtigungen/bestaetigen/" in link
                   for link in links_in(confirmation.body))
        subscription = Subscription.objects.get()
        assert subscription.confirmed_at is None
        make_release().topics.add(topic)
        run()
        assert len(mailoutbox) == 1

    def test_confirmation_link_shows_a_button_and_the_button_confirms(
            self, client, topic, mailoutbox):
        subscribe(client, topics=[topic.pk])
        link = path_of(next(link for link in links_in(mailoutbox[0].body)
                            if "bestaetigen" in link))
        page = client.get(link)
        assert page.status_code == 200
        assert "Abonnement bestätigen" in page.content.decode()
        assert Subscription.objects.get().confirmed_at is None  # a mail scanner's GET
        response = client.post(link)
        assert response.status_code == 302
        assert "/benachrichtigungen/verwalten/" in response["Location"]
        assert Subscription.objects.get().confirmed_at is not None
        assert "ist bestätigt" in client.get(response["Location"]).content.decode()

    def test_confirmation_mail_says_who_sends_and_what_was_chosen(
            self, client, topic, organisation, minister, settings, mailoutbox):
        settings.ALERTS_FROM_NAME = "Medienservice Sachsen"
        settings.DEFAULT_FROM_EMAIL = "medienservice@sachsen.example"
        subscribe(client, topics=[topic.pk], organisations=[organisation.pk],
                  ministers=[minister.pk], kinds=["rede", "statement"], frequency="daily")
        message = mailoutbox[0]
        assert sender_of(message) == (("Medienservice Sachsen",
                                       "medienservice@sachsen.example"), [])
        assert "Medienservice Sachsen" in message.subject
        for line in ("Themen: Digitalisierung",
                     f"Ministerien und Behörden: {organisation.name}",
                     "Ministerinnen und Minister: Thomas Schmidt",
                     "Arten von Medieninformationen: Statement, Rede",
                     "Wie oft: Einmal täglich, alle Medieninformationen in einer E-Mail",
                     f"Medienservice Sachsen ({settings.SITE_URL})"):
            assert line in message.body, line

    def test_links_in_the_mails_do_not_reveal_the_address(
            self, client, topic, make_subscription, mailoutbox):
        subscribe(client, email="erika.muster@example.org", topics=[topic.pk])
        make_subscription(email="leserin@example.org", topics=[topic])
        subscribe(client, email="leserin@example.org", topics=[topic.pk])
        assert len(mailoutbox) == 2
        for message, address in zip(mailoutbox, ["erika.muster@example.org",
                                                 "leserin@example.org"], strict=True):
            links = links_in(message.body)
            assert links
            for link in links:
                text = readable(link).lower()
                assert address.split("@")[0] not in text, link
                assert "example.org" not in text, link

    def test_nothing_chosen_is_refused_in_german_and_the_entries_are_kept(self, client, db):
        response = subscribe(client, email="leserin@example.org")
        html = response.content.decode()
        assert response.status_code == 400
        assert "Bitte wählen Sie mindestens ein Thema" in html
        assert "error-summary" not in html  # no field to lead to
        assert 'value="leserin@example.org"' in html
        assert not Subscription.objects.exists()

    def test_invalid_address_is_refused_in_german(self, client, topic):
        response = subscribe(client, email="kein-at-zeichen", topics=[topic.pk])
        html = response.content.decode()
        assert response.status_code == 400
        assert "gültige E-Mail-Adresse" in html
        assert 'aria-invalid="true"' in html
        assert f'value="{topic.pk}" aria-invalid' not in html and "checked" in html
        # The page says so in its title, and a summary, focused on arrival, names the
        # field and leads to it.
        assert "<title>Fehler: E-Mail-Benachrichtigungen" in html
        summary = html.split('id="form-errors"')[1].split("</div>")[0]
        assert 'tabindex="-1" autofocus' in summary
        assert '<a href="#id_email">Ihre E-Mail-Adresse</a>: ' in summary
        assert "gültige E-Mail-Adresse" in summary

    @pytest.mark.parametrize("data", [
        {"topics": ["x"]}, {"kinds": ["nonsense"]}, {"frequency": "hourly"},
        {"email": "a" * 300 + "@example.org"},
    ])
    def test_odd_input_is_a_form_error_never_a_server_error(self, client, topic, data):
        response = subscribe(client, **{"topics": [topic.pk], **data})
        assert response.status_code == 400

    def test_filled_honeypot_looks_like_success_but_stores_and_sends_nothing(
            self, client, topic, mailoutbox):
        response = subscribe(client, topics=[topic.pk], website="http://spam.example")
        assert response.status_code == 302
        assert not Subscription.objects.exists()
        assert mailoutbox == []

    def test_more_than_five_subscriptions_from_one_connection_are_refused(
            self, client, topic, mailoutbox):
        for n in range(5):
            assert subscribe(client, email=f"l{n}@example.org",
                             topics=[topic.pk]).status_code == 302
        response = subscribe(client, email="l6@example.org", topics=[topic.pk])
        assert response.status_code == 429
        assert "Zu viele Anfragen" in response.content.decode()
        assert len(mailoutbox) == 5

    def test_mail_system_down_is_a_clear_message_not_an_error(self, client, topic, settings):
        settings.EMAIL_BACKEND = "tests.test_alerts.BrokenBackend"
        response = subscribe(client, topics=[topic.pk])
        assert response.status_code == 503
        assert "konnten die E-Mail gerade nicht senden" in response.content.decode()

    def test_subscribing_a_confirmed_address_again_changes_nothing_and_mails_its_link(
            self, client, topic, organisation, make_subscription, mailoutbox):
        existing = make_subscription(email="leserin@example.org", topics=[topic])
        subscribe(client, organisations=[organisation.pk])
        existing.refresh_from_db()
        assert list(existing.topics.all()) == [topic]
        assert list(existing.organisations.all()) == []
        assert len(mailoutbox) == 1
        assert "/benachrichtigungen/verwalten/" in mailoutbox[0].body

    def test_repeated_requests_for_one_address_send_one_mail_in_five_minutes(
            self, client, topic, mailoutbox):
        subscribe(client, topics=[topic.pk])
        subscribe(client, topics=[topic.pk])
        assert len(mailoutbox) == 1

    def test_confirmation_link_expires_and_unconfirmed_subscriptions_are_deleted(
            self, client, topic, mailoutbox):
        subscribe(client, topics=[topic.pk])
        link = path_of(next(link for link in links_in(mailoutbox[0].body)
                            if "bestaetigen" in link))
        with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
            response = client.get(link)
            assert response.status_code == 404
            assert "Link ist nicht gültig" in response.content.decode()
            run()
        assert not Subscription.objects.exists()

    def test_confirmed_subscription_is_not_deleted_by_the_job(self, make_subscription, topic):
        make_subscription(topics=[topic], created_at=timezone.now() - datetime.timedelta(
            days=30))
        run()
        assert Subscription.objects.count() == 1


class TestWhoGetsWhat:
    def test_each_matching_subscriber_gets_exactly_one_mail(
            self, make_release, make_subscription, topic, organisation, minister, mailoutbox):
        other_topic = Topic.objects.create(name="Polen", slug="polen")
        release = make_release(kind=Release.Kind.SPEECH)
        release.topics.add(topic)
        ReleasePerson.objects.create(release=release, person=minister)
        by_topic = make_subscription(topics=[topic])
        by_organisation = make_subscription(organisations=[organisation])
        by_minister = make_subscription(ministers=[minister])
        by_kind = make_subscription(kinds=["rede"])
        by_all = make_subscription(topics=[topic], organisations=[organisation],
                                   ministers=[minister], kinds=["rede"])
        make_subscription(topics=[other_topic], kinds=["statement"])
        run()
        run()
        recipients = sorted(message.to[0] for message in mailoutbox)
        assert recipients == sorted(s.email for s in (by_topic, by_organisation, by_minister,
                                                      by_kind, by_all))

    def test_enqueue_publication_twice_queues_once(self, make_release, make_subscription,
                                                   topic):
        release = make_release()
        release.topics.add(topic)
        make_subscription(topics=[topic])
        assert outbox.enqueue_publication(release) == 1
        assert outbox.enqueue_publication(release) == 0
        assert OutboxMessage.objects.count() == 1

    def test_release_public_before_the_confirmation_is_not_sent(
            self, make_release, make_subscription, topic, mailoutbox):
        release = make_release(published_at=timezone.now() - datetime.timedelta(hours=3))
        release.topics.add(topic)
        make_subscription(topics=[topic],
                          confirmed_at=timezone.now() - datetime.timedelta(hours=1))
        run()
        assert mailoutbox == []

    def test_release_not_yet_public_is_not_sent(self, make_release, make_subscription, topic,
                                                mailoutbox):
        for fields in ({"status": Release.Status.DRAFT},
                       {"status": Release.Status.SCHEDULED,
                        "published_at": timezone.now() + datetime.timedelta(hours=1)},
                       {"embargo_until": timezone.now() + datetime.timedelta(hours=1)}):
            make_release(**fields).topics.add(topic)
        make_subscription(topics=[topic])
        run()
        assert mailoutbox == []

    def test_scheduled_release_is_sent_by_the_job_once_its_time_has_come(
            self, make_release, make_subscription, topic, mailoutbox):
        at = berlin(2026, 10, 25, 2, 30, fold=1)  # the second 02:30 of the DST change
        with time_machine.travel(at - datetime.timedelta(days=1), tick=False):
            make_subscription(topics=[topic], confirmed_at=timezone.now())
            release = make_release(status=Release.Status.SCHEDULED, published_at=at)
            release.topics.add(topic)
        with time_machine.travel(at - SECOND, tick=False):
            run()
            assert mailoutbox == []
        with time_machine.travel(at + SECOND, tick=False):
            run()
            run()
        assert len(mailoutbox) == 1
        assert "25.10.2026, 02:30 Uhr (MEZ)" in mailoutbox[0].body
        # Numbered by this job, though the job completing publications has not run.
        release.refresh_from_db()
        assert release.number_label and release.number_label in mailoutbox[0].body

    def test_release_withdrawn_before_sending_is_not_sent(
            self, make_release, make_subscription, topic, mailoutbox):
        make_subscription(topics=[topic])
        release = make_release()
        release.topics.add(topic)
        outbox.enqueue_due()
        Release.objects.filter(pk=release.pk).update(status=Release.Status.WITHDRAWN)
        outbox.send_due()
        assert mailoutbox == []


class TestHolidayPause:
    """Nothing is mailed during a pause; what it held comes in one digest after it."""

    def test_releases_of_the_pause_come_in_one_digest_at_the_digest_hour_after_it(
            self, make_release, make_subscription, topic, settings, mailoutbox):
        settings.ALERTS_DIGEST_HOUR = 7
        with time_machine.travel(berlin(2026, 8, 1, 9, 0), tick=False):
            make_subscription(topics=[topic], paused_until=datetime.date(2026, 8, 31))
        for moment, title in [(berlin(2026, 8, 10, 10, 0), "Mitten im Urlaub"),
                              (berlin(2026, 8, 31, 23, 59, 59), "Am letzten Urlaubstag"),
                              (berlin(2026, 9, 1, 0, 0, 1), "Nach dem Urlaub")]:
            with time_machine.travel(moment, tick=False):
                make_release(title=title, published_at=timezone.now()).topics.add(topic)
                run()
        # The pause ends with its last day: what comes after goes out at once.
        assert [m.subject for m in mailoutbox] == ["Medieninformation: Nach dem Urlaub"]
        with time_machine.travel(berlin(2026, 9, 1, 7, 0) - SECOND, tick=False):
            run()
        assert len(mailoutbox) == 1
        with time_machine.travel(berlin(2026, 9, 1, 7, 0) + SECOND, tick=False):
            run()
            run()
        assert len(mailoutbox) == 2
        digest = mailoutbox[1]
        assert digest.subject == "2 neue Medieninformationen"
        assert "MITTEN IM URLAUB" in digest.body and "AM LETZTEN URLAUBSTAG" in digest.body
        assert "NACH DEM URLAUB" not in digest.body
        assert "List-Unsubscribe" in digest.extra_headers

    def test_daily_subscriber_gets_the_pause_and_the_first_day_in_one_digest(
            self, make_release, make_subscription, topic, settings, mailoutbox):
        settings.ALERTS_DIGEST_HOUR = 7
        with time_machine.travel(berlin(2026, 8, 1, 9, 0), tick=False):
            make_subscription(topics=[topic], frequency="daily",
                              paused_until=datetime.date(2026, 8, 31))
        for moment, title in [(berlin(2026, 8, 31, 12, 0), "Im Urlaub"),
                              (berlin(2026, 9, 1, 5, 0), "Am Morgen danach")]:
            with time_machine.travel(moment, tick=False):
                make_release(title=title, published_at=timezone.now()).topics.add(topic)
                run()
        with time_machine.travel(berlin(2026, 9, 1, 7, 0) + SECOND, tick=False):
            run()
        assert [m.subject for m in mailoutbox] == ["2 neue Medieninformationen"]

    def test_pause_after_queueing_holds_the_mail_for_the_digest_after_it(
            self, make_release, make_subscription, topic, mailoutbox):
        subscription = make_subscription(topics=[topic])
        release = make_release(title="Vor dem Urlaub eingereiht")
        release.topics.add(topic)
        outbox.enqueue_publication(release)
        subscription.paused_until = timezone.localdate()
        subscription.save()
        outbox.send_due()
        assert mailoutbox == []
        with time_machine.travel(outbox.resume_at(subscription) - SECOND, tick=False):
            outbox.send_due()
        assert mailoutbox == []
        with time_machine.travel(outbox.resume_at(subscription) + SECOND, tick=False):
            outbox.send_due()
        assert len(mailoutbox) == 1
        assert "VOR DEM URLAUB EINGEREIHT" in mailoutbox[0].body
        assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT

    def test_ending_the_pause_early_sends_what_it_held_at_once(
            self, client, make_release, make_subscription, topic, mailoutbox):
        subscription = make_subscription(
            topics=[topic], paused_until=timezone.localdate() + datetime.timedelta(days=10))
        make_release(title="Während der Pause").topics.add(topic)
        run()
        assert mailoutbox == []
        manage = reverse("journalists:manage", args=[
            tokens.subscription_token(tokens.MANAGE, subscription)])
        client.post(manage, {"topics": [topic.pk], "frequency": "immediate",
                             "paused_until": ""})
        run()
        assert len(mailoutbox) == 1
        assert "WÄHREND DER PAUSE" in mailoutbox[0].body

    def test_manage_page_says_when_the_held_releases_come(self, client, make_subscription,
                                                          topic, settings):
        settings.ALERTS_DIGEST_HOUR = 7
        with time_machine.travel(berlin(2026, 8, 1, 9, 0), tick=False):
            subscription = make_subscription(topics=[topic],
                                             paused_until=datetime.date(2026, 8, 31))
            page = client.get(reverse("journalists:manage", args=[
                tokens.subscription_token(tokens.MANAGE, subscription)])).content.decode()
        assert "31. August 2026" in page
        assert "1. September 2026" in page and "07:00" in page


class TestTheMail:
    @pytest.fixture
    def sent(self, make_release, make_subscription, topic, contact, mailoutbox):
        release = make_release(title="Große Resonanz bei simul+Werkstatt",
                               subtitle="Zusammenarbeit ausgebaut",
                               teaser="Rund 70 Teilnehmer in Kattowitz.",
                               published_at=berlin(2021, 10, 8, 10, 30))
        release.topics.add(topic)
        release.contacts.add(contact)
        Contact.objects.filter(pk=contact.pk).update(role="Pressesprecher")
        subscription = make_subscription(topics=[topic],
                                         confirmed_at=berlin(2021, 10, 1, 9, 0))
        with time_machine.travel(berlin(2021, 10, 8, 10, 31), tick=False):
            run()
        return mailoutbox[0], release, subscription

    def test_subject_names_kind_and_title(self, sent):
        message, release, _ = sent
        assert message.subject == "Medieninformation: Große Resonanz bei simul+Werkstatt"

    def test_text_has_title_subtitle_teaser_link_date_organisation_and_contact(
            self, sent, settings):
        message, release, _ = sent
        body = message.body
        for part in ("GROSSE RESONANZ BEI SIMUL+WERKSTATT", "Zusammenarbeit ausgebaut",
                     "Rund 70 Teilnehmer in Kattowitz.", "08.10.2021, 10:30 Uhr",
                     "Sächsisches Staatsministerium für Regionalentwicklung",
                     "Frank Meyer, Pressesprecher", "Telefon +49 351 564 50024",
                     "E-Mail medien@smr.sachsen.de",
                     settings.SITE_URL + release.get_absolute_url()):
            assert part in body, part

    def test_html_alternative_has_the_same_content_escaped(self, sent, settings):
        message, release, _ = sent
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert '<html lang="de">' in html
        assert "Große Resonanz bei simul+Werkstatt" in html
        assert 'href="mailto:medien@smr.sachsen.de"' in html
        assert f'href="{settings.SITE_URL}{release.get_absolute_url()}"' in html

    def test_every_alert_has_unsubscribe_headers_and_links(self, sent, settings):
        message, _, subscription = sent
        header = message.extra_headers["List-Unsubscribe"]
        https, mailto = [part.strip(" <>") for part in header.split(",")]
        assert https.startswith(settings.SITE_URL + "/benachrichtigungen/abmelden/")
        assert mailto.startswith(f"mailto:{settings.ALERTS_UNSUBSCRIBE_EMAIL}?subject=")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert https in message.body
        assert "/benachrichtigungen/verwalten/" in message.body
        assert https in message.alternatives[0][0]

    def test_message_id_is_derived_from_the_idempotency_key(self, sent):
        message, _, _ = sent
        key = OutboxMessage.objects.get().key
        assert message.extra_headers["Message-ID"].startswith(
            "<" + key.replace(":", ".") + "@")


class TestSender:
    """Alerts come in the name of the office whose release they carry."""

    @pytest.fixture
    def release(self, make_release, topic):
        release = make_release(title="Förderprogramm beschlossen")
        release.topics.add(topic)
        return release

    def test_alert_is_from_the_office_by_name_with_replies_to_its_press_address(
            self, release, make_subscription, topic, organisation, settings, mailoutbox):
        settings.DEFAULT_FROM_EMAIL = "newsroom@presse.example"
        make_subscription(topics=[topic])
        run()
        assert sender_of(mailoutbox[0]) == ((organisation.name, "newsroom@presse.example"),
                                            ["medien@smr.sachsen.de"])

    def test_office_in_a_sender_domain_sends_from_its_press_address(
            self, release, make_subscription, topic, organisation, settings, mailoutbox):
        settings.ALERTS_SENDER_DOMAINS = ["smr.sachsen.de"]
        make_subscription(topics=[topic])
        run()
        assert sender_of(mailoutbox[0]) == ((organisation.name, "medien@smr.sachsen.de"), [])

    def test_digest_of_several_offices_is_from_the_service(
            self, release, make_release, make_subscription, topic, settings, mailoutbox):
        settings.ALERTS_FROM_NAME = "Medienservice Sachsen"
        other = Organisation.objects.create(name="Staatskanzlei", short_name="SK", slug="sk")
        make_release(organisation=other).topics.add(topic)
        make_subscription(topics=[topic], frequency="daily")
        run()
        with time_machine.travel(outbox.next_digest_at(timezone.now()) + SECOND):
            run()
        assert sender_of(mailoutbox[0]) == (("Medienservice Sachsen",
                                             settings.DEFAULT_FROM_EMAIL), [])


class TestUnsubscribing:
    @pytest.fixture
    def unsubscribe_url(self, make_release, make_subscription, topic, mailoutbox):
        make_subscription(topics=[topic])
        make_release().topics.add(topic)
        run()
        return path_of(mailoutbox[0].extra_headers["List-Unsubscribe"].split(">")[0][1:])

    def test_one_click_post_needs_no_csrf_token_and_no_login(self, unsubscribe_url):
        client = Client(enforce_csrf_checks=True)
        response = client.post(unsubscribe_url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert not Subscription.objects.exists()
        assert "csrftoken" not in response.cookies

    def test_opening_the_link_does_not_unsubscribe_but_offers_a_button(
            self, client, unsubscribe_url):
        response = client.get(unsubscribe_url)
        assert response.status_code == 200
        assert Subscription.objects.count() == 1
        assert "csrftoken" not in response.cookies
        client.post(unsubscribe_url)
        assert not Subscription.objects.exists()

    def test_unsubscribing_twice_is_fine(self, client, unsubscribe_url):
        assert client.post(unsubscribe_url).status_code == 200
        assert client.post(unsubscribe_url).status_code == 200

    def test_unsubscribing_forgets_the_address_on_sent_mails(self, client, unsubscribe_url):
        assert OutboxMessage.objects.get().to_address
        client.post(unsubscribe_url)
        row = OutboxMessage.objects.get()
        assert row.to_address == "" and row.subscription is None

    def test_forged_link_is_refused(self, client, unsubscribe_url):
        response = client.post(unsubscribe_url.replace("/abmelden/", "/abmelden/x"))
        assert response.status_code == 404
        assert Subscription.objects.count() == 1


class TestManaging:
    @pytest.fixture
    def subscription(self, make_subscription, topic):
        return make_subscription(email="leserin@example.org", topics=[topic])

    @pytest.fixture
    def manage_url(self, subscription):
        return reverse("journalists:manage", args=[
            tokens.subscription_token(tokens.MANAGE, subscription)])

    def test_manage_page_shows_the_choices_and_saves_changes(
            self, client, subscription, manage_url, organisation, topic):
        page = client.get(manage_url)
        assert page.status_code == 200
        assert page["X-Robots-Tag"] == "noindex, nofollow"
        assert f'value="{topic.pk}"' in page.content.decode()
        pause = timezone.localdate() + datetime.timedelta(days=14)
        response = client.post(manage_url, {
            "organisations": [organisation.pk], "frequency": "daily",
            "paused_until": pause.isoformat()})
        assert response.status_code == 302
        subscription.refresh_from_db()
        assert list(subscription.topics.all()) == []
        assert list(subscription.organisations.all()) == [organisation]
        assert subscription.frequency == "daily"
        assert subscription.paused_until == pause
        assert "gespeichert" in client.get(response["Location"]).content.decode()

    def test_pause_in_the_past_is_refused_in_german(self, client, manage_url, topic):
        response = client.post(manage_url, {"topics": [topic.pk], "frequency": "immediate",
                                            "paused_until": "01.01.2020"})
        assert response.status_code == 400
        assert "Die Pause muss heute oder später enden." in response.content.decode()

    def test_german_date_is_accepted(self, client, manage_url, topic, subscription):
        day = timezone.localdate() + datetime.timedelta(days=3)
        client.post(manage_url, {"topics": [topic.pk], "frequency": "immediate",
                                 "paused_until": day.strftime("%d.%m.%Y")})
        subscription.refresh_from_db()
        assert subscription.paused_until == day

    def test_export_is_a_json_download_of_everything_stored(
            self, client, subscription, manage_url, make_release, topic):
        make_release(title="Exportierte Meldung").topics.add(topic)
        run()
        response = client.get(manage_url + "daten.json")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
        data = json.loads(response.content)
        assert data["email"] == "leserin@example.org"
        assert data["topics"] == [topic.name]
        assert data["messages"][0]["release"] == "Exportierte Meldung"
        assert data["messages"][0]["sent_to"] == "leserin@example.org"

    def test_delete_removes_the_subscription_and_the_address_everywhere(
            self, client, subscription, manage_url, make_release, topic):
        make_release().topics.add(topic)
        run()
        assert client.get(manage_url + "loeschen/").status_code == 200
        response = client.post(manage_url + "loeschen/")
        assert response.status_code == 200
        assert not Subscription.objects.exists()
        assert not OutboxMessage.objects.filter(to_address="leserin@example.org").exists()
        assert client.get(manage_url).status_code == 404

    def test_rotated_links_stop_working(self, client, subscription, manage_url):
        subscriptions.rotate_links(subscription)
        assert client.get(manage_url).status_code == 404
        new_url = reverse("journalists:manage", args=[
            tokens.subscription_token(tokens.MANAGE, subscription)])
        assert client.get(new_url).status_code == 200

    def test_manage_token_cannot_be_used_to_unsubscribe_or_confirm(self, client, subscription):
        manage = tokens.subscription_token(tokens.MANAGE, subscription)
        assert client.post(reverse("journalists:unsubscribe", args=[manage])).status_code == 404
        assert client.get(reverse("journalists:confirm", args=[manage])).status_code == 404
        assert Subscription.objects.count() == 1

    def test_manage_links_do_not_expire(self, client, manage_url):
        with time_machine.travel(timezone.now() + datetime.timedelta(days=800)):
            assert client.get(manage_url).status_code == 200


class TestDigest:
    def test_daily_subscribers_get_one_mail_with_all_releases_at_the_digest_hour(
            self, make_release, make_subscription, topic, settings, mailoutbox):
        settings.ALERTS_DIGEST_HOUR = 7
        morning = berlin(2026, 3, 30, 7, 0)
        with time_machine.travel(berlin(2026, 3, 29, 9, 0), tick=False):
            daily = make_subscription(topics=[topic], frequency="daily")
            immediate = make_subscription(topics=[topic])
        for hour in (10, 14, 18):
            with time_machine.travel(berlin(2026, 3, 29, hour, 0), tick=False):
                make_release(title=f"Meldung um {hour}",
                             published_at=timezone.now()).topics.add(topic)
                run()
        with time_machine.travel(morning - SECOND, tick=False):
            run()
        assert [m.to[0] for m in mailoutbox] == [immediate.email] * 3
        with time_machine.travel(morning + SECOND, tick=False):
            run()
            run()
        digests = [m for m in mailoutbox if m.to == [daily.email]]
        assert len(digests) == 1
        assert digests[0].subject == "3 neue Medieninformationen"
        for hour in (10, 14, 18):
            assert f"Meldung um {hour}".upper() in digests[0].body
        assert "List-Unsubscribe" in digests[0].extra_headers

    def test_next_digest_time_is_the_configured_hour_in_berlin(self, settings):
        settings.ALERTS_DIGEST_HOUR = 7
        assert outbox.next_digest_at(berlin(2026, 10, 25, 6, 0)) == berlin(2026, 10, 25, 7)
        assert outbox.next_digest_at(berlin(2026, 10, 25, 7, 0)) == berlin(2026, 10, 26, 7)
        # 07:00 is 06:00 UTC in winter and 05:00 UTC in summer.
        assert outbox.next_digest_at(berlin(2026, 10, 24, 8)).astimezone(
            datetime.UTC).hour == 6
        assert outbox.next_digest_at(berlin(2026, 10, 23, 8)).astimezone(
            datetime.UTC).hour == 5


class TestCorrections:
    def test_correction_goes_to_those_who_got_the_original_only(
            self, make_release, make_subscription, topic, mailoutbox):
        release = make_release()
        release.topics.add(topic)
        got_it = make_subscription(topics=[topic])
        run()
        make_subscription(topics=[topic], confirmed_at=timezone.now())  # came later
        correction = Correction.objects.create(release=release,
                                               text="Das Datum war falsch.")
        outbox.enqueue_correction(release, correction)
        outbox.enqueue_correction(release, correction)
        run()
        corrections = [m for m in mailoutbox if m.subject.startswith("Berichtigung")]
        assert [m.to for m in corrections] == [[got_it.email]]
        assert "Das Datum war falsch." in corrections[0].body
        assert "List-Unsubscribe" in corrections[0].extra_headers

    def test_the_job_finds_corrections_without_a_call(self, make_release, make_subscription,
                                                      topic, mailoutbox):
        release = make_release()
        release.topics.add(topic)
        make_subscription(topics=[topic])
        run()
        Correction.objects.create(release=release, text="Berichtigt.")
        run()
        run()
        assert [m.subject.split(":")[0] for m in mailoutbox] == ["Medieninformation",
                                                                 "Berichtigung"]


class TestJob:
    def test_send_alerts_command_queues_and_sends(self, make_release, make_subscription,
                                                  topic, mailoutbox, capsys):
        make_subscription(topics=[topic])
        make_release().topics.add(topic)
        call_command("send_alerts")
        assert len(mailoutbox) == 1
        assert "sent=1" in capsys.readouterr().out
        assert ReleaseNotification.objects.count() == 1

    def test_task_runs_the_same_job(self, make_release, make_subscription, topic, mailoutbox,
                                    settings):
        from journalists.tasks import send_alerts

        make_subscription(topics=[topic])
        make_release().topics.add(topic)
        result = send_alerts.call()
        assert result["sent"] == 1
        assert len(mailoutbox) == 1

    def test_with_a_worker_queueing_enqueues_the_task_after_commit(
            self, make_release, make_subscription, topic, settings,
            django_capture_on_commit_callbacks, mailoutbox):
        settings.ALERTS_USE_TASK_WORKER = True
        settings.TASKS = {"default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        make_subscription(topics=[topic])
        release = make_release()
        release.topics.add(topic)
        with django_capture_on_commit_callbacks(execute=True):
            outbox.enqueue_publication(release)
        assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
class TestRealSmtp:
    """Through smtplib to an SMTP server on loopback: what a mail server receives."""

    def test_alert_arrives_over_smtp_as_multipart_with_list_headers(
            self, make_release, make_subscription, topic, settings):
        from aiosmtpd.controller import Controller

        received = []

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                received.append(envelope)
                return "250 OK"

        controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
        controller.start()
        try:
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST = "127.0.0.1"
            settings.EMAIL_PORT = controller.port
            settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
            subscription = make_subscription(topics=[topic])
            make_release(title="Über SMTP").topics.add(topic)
            assert run()["sent"] == 1
        finally:
            controller.stop()
        assert len(received) == 1
        envelope = received[0]
        assert envelope.rcpt_tos == [subscription.email]
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == [
            "text/plain", "text/html"]
        assert message["Subject"] == "Medieninformation: Über SMTP"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "<mailto:" in message["List-Unsubscribe"]
        assert message["Message-ID"].startswith("<alert.")
        assert "ÜBER SMTP" in message.get_body(("plain",)).get_content()
