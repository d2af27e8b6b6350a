"""The outbox: every mail exactly once, whatever runs twice, at once, or dies halfway."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from journalists import outbox
from journalists.models import OutboxMessage

pytest_plugins = ["tests.journalist_fixtures"]

Status = OutboxMessage.Status


@pytest.fixture
def queued(make_release, make_subscription, topic):
    """Fifty subscribers of a topic and a public release about it, queued."""
    subscriptions = [make_subscription(topics=[topic]) for _ in range(50)]
    release = make_release()
    release.topics.add(topic)
    outbox.enqueue_due()
    return release, subscriptions


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


class CrashingBackend(EmailBackend):
    """Sends, then the process 'dies' before the row is marked sent."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise SystemExit


@pytest.mark.django_db
class TestIdempotency:
    def test_the_same_key_cannot_be_stored_twice(self, queued):
        row = OutboxMessage.objects.first()
        with pytest.raises(IntegrityError), transaction.atomic():
            OutboxMessage.objects.create(key=row.key, kind=row.kind, release=row.release)

    def test_keys_name_kind_release_correction_and_recipient(self):
        assert OutboxMessage.make_key("alert", 3, subscription_id=7) == "alert:r3:s7"
        assert OutboxMessage.make_key("correction", 3, subscription_id=7,
                                      correction_id=2) == "correction:r3:c2:s7"
        assert OutboxMessage.make_key("embargo", 3, journalist_id=4) == "embargo:r3:j4"

    def test_running_the_whole_job_twice_mails_each_subscriber_once(self, queued, mailoutbox):
        outbox.run_alerts()
        outbox.run_alerts()
        outbox.enqueue_due()
        outbox.send_due()
        assert len(mailoutbox) == 50
        assert len({message.to[0] for message in mailoutbox}) == 50
        assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db
class TestClaims:
    def test_claimed_rows_are_not_claimed_again(self, queued):
        first = outbox.claim(OutboxMessage.objects.all())
        second = outbox.claim(OutboxMessage.objects.all())
        assert len(first) == outbox.BATCH
        assert {row.pk for row in first}.isdisjoint({row.pk for row in second})

    def test_a_crash_after_claiming_is_retried_after_the_lease_and_sent_once(
            self, queued, settings, mailoutbox):
        claimed = outbox.claim(OutboxMessage.objects.all())  # then the sender dies
        assert outbox.send_due()[Status.SENT] == 0
        assert mailoutbox == []
        later = timezone.now() + datetime.timedelta(seconds=settings.ALERTS_LEASE_SECONDS + 1)
        with time_machine.travel(later):
            outbox.send_due()
            outbox.send_due()
        assert len(mailoutbox) == len(claimed) == 50

    def test_a_late_sender_cannot_finish_a_claim_taken_over_by_another(self, queued):
        stale = outbox.claim(OutboxMessage.objects.all())[0]
        OutboxMessage.objects.filter(pk=stale.pk).update(claim_token=None,
                                                         status=Status.SENT)
        outbox.finish([stale], Status.FAILED, error="late")
        assert OutboxMessage.objects.get(pk=stale.pk).status == Status.SENT

    def test_a_crash_between_sending_and_marking_leaves_a_claim_not_a_new_mail(
            self, queued, settings):
        settings.EMAIL_BACKEND = "tests.test_outbox.CrashingBackend"
        with pytest.raises(SystemExit):
            outbox.send_due()
        assert OutboxMessage.objects.filter(status=Status.CLAIMED).count() == 50
        assert len(mail.outbox) == 1
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        outbox.send_due()  # within the lease nothing is sent again
        assert len(mail.outbox) == 1


@pytest.mark.django_db
class TestFailures:
    def test_a_refused_mail_is_retried_later_and_given_up_after_five_attempts(
            self, make_release, make_subscription, topic, settings, mailoutbox):
        make_subscription(topics=[topic])
        make_release().topics.add(topic)
        outbox.enqueue_due()
        settings.EMAIL_BACKEND = "tests.test_outbox.FailingBackend"
        now = timezone.now()
        for attempt in range(1, 6):
            with time_machine.travel(now + datetime.timedelta(hours=attempt)):
                assert outbox.send_due()[Status.FAILED] == 1
        row = OutboxMessage.objects.get()
        assert row.status == Status.FAILED
        assert row.attempts == 5
        assert "ConnectionRefusedError" in row.last_error
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        with time_machine.travel(now + datetime.timedelta(days=1)):
            outbox.send_due()
        assert mailoutbox == []

    def test_a_failed_attempt_is_retried_and_then_sent(
            self, make_release, make_subscription, topic, settings, mailoutbox):
        make_subscription(topics=[topic])
        make_release().topics.add(topic)
        outbox.enqueue_due()
        settings.EMAIL_BACKEND = "tests.test_outbox.FailingBackend"
        outbox.send_due()
        assert OutboxMessage.objects.get().status == Status.PENDING
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        outbox.send_due()
        assert mailoutbox == []  # not before its retry time
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
            outbox.send_due()
        assert len(mailoutbox) == 1


    def test_a_mail_that_cannot_be_built_fails_alone_and_the_others_go(
            self, make_release, make_subscription, topic, mailoutbox, monkeypatch):
        make_subscription(topics=[topic])
        broken, fine = make_release(title="Kaputt"), make_release(title="In Ordnung")
        for release in (broken, fine):
            release.topics.add(topic)
        outbox.enqueue_due()
        compose = outbox.compose

        def failing(row, now):
            if row.release_id == broken.pk:
                raise ValueError("no address for this release")
            return compose(row, now)

        monkeypatch.setattr(outbox, "compose", failing)
        outbox.send_due()
        assert [m.subject for m in mailoutbox if "In Ordnung" in m.subject]
        assert not [m for m in mailoutbox if "Kaputt" in m.subject]
        row = OutboxMessage.objects.get(release=broken)
        assert "ValueError" in row.last_error and row.status == Status.PENDING


def in_threads(target, count=2):
    """Run ``target`` in ``count`` threads started together, each with its own connection."""
    barrier = threading.Barrier(count)
    errors = []

    def work():
        try:
            barrier.wait()
            target()
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestConcurrentSenders:
    def test_two_senders_at_once_send_each_mail_exactly_once(self, queued, mailoutbox,
                                                              monkeypatch):
        monkeypatch.setattr(outbox, "BATCH", 5)  # many small claims: more chances to clash
        assert connection.vendor == "postgresql"
        assert OutboxMessage.objects.count() == 50
        in_threads(outbox.send_due, count=3)
        recipients = [message.to[0] for message in mailoutbox]
        assert len(recipients) == 50
        assert sorted(recipients) == sorted(s.email for s in queued[1])
        assert OutboxMessage.objects.filter(status=Status.SENT).count() == 50

    def test_two_whole_jobs_at_once_queue_and_send_each_mail_exactly_once(
            self, make_release, make_subscription, topic, mailoutbox):
        subscriptions = [make_subscription(topics=[topic]) for _ in range(30)]
        for _ in range(3):
            make_release().topics.add(topic)
        in_threads(outbox.run_alerts, count=3)
        pairs = [(message.to[0], message.subject) for message in mailoutbox]
        assert len(pairs) == len(set(pairs)) == 90
        assert {to for to, _ in pairs} == {s.email for s in subscriptions}

    def test_rows_locked_by_another_sender_are_skipped_not_waited_for(self, queued):
        locked, release = threading.Event(), threading.Event()

        def hold_ten():
            try:
                with transaction.atomic():
                    list(OutboxMessage.objects.select_for_update().order_by("pk")[:10])
                    locked.set()
                    release.wait(timeout=30)
            finally:
                connections.close_all()

        holder = threading.Thread(target=hold_ten)
        holder.start()
        try:
            assert locked.wait(timeout=30)
            claimed = outbox.claim(OutboxMessage.objects.all())
        finally:
            release.set()
            holder.join(timeout=30)
        first_ten = set(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True)[:10])
        assert len(claimed) == 40
        assert first_ten.isdisjoint(row.pk for row in claimed)
