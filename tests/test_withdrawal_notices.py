"""Withdrawal notices: whoever got a release by e-mail hears, once, that it was withdrawn.

An accredited journalist who got the embargoed full text, or a subscriber who got the
alert, must not go on thinking the text may be published. The notice goes through the
outbox like a correction: queued in the withdrawing transaction (release_withdrawn),
found by the job's sweep as well, and sent exactly once.
"""

import datetime

import pytest
from django.utils import timezone

from journalists import accreditation, outbox
from journalists.models import OutboxMessage
from releases import services as workflow
from releases.models import Release

pytest_plugins = ["tests.workflow_fixtures", "tests.journalist_fixtures"]
pytestmark = pytest.mark.django_db

REASON = "Beschluss vertagt, bitte nicht veröffentlichen."


def fresh(release):
    return Release.objects.get(pk=release.pk)


def notices(mailoutbox):
    return [m for m in mailoutbox if "zurückgezogen" in m.subject.lower()]


@pytest.fixture
def embargoed(make_release, contact):
    release = make_release(title="Haushalt 2027", body="<p>Die Zahlen: 4,2 Mrd.</p>",
                           embargo_until=timezone.now() + datetime.timedelta(hours=20))
    release.contacts.add(contact)
    return release


@pytest.fixture
def alerted(make_release, make_subscription, topic):
    """A public release, alerted to one subscriber of its topic."""
    release = make_release(title="Neue Förderrichtlinie")
    release.topics.add(topic)
    subscription = make_subscription(topics=[topic])
    outbox.run_alerts()
    return release, subscription


class TestEmbargoedRelease:
    def test_journalists_who_got_the_text_are_told_not_to_publish_it_once(
            self, embargoed, make_journalist, spokesperson, mailoutbox):
        journalist = make_journalist()
        outbox.run_alerts()
        assert [m.subject.split(":")[0] for m in mailoutbox] == ["Sperrfrist"]
        later = make_journalist()  # accredited after the mail went out: got nothing
        workflow.withdraw(fresh(embargoed), spokesperson, REASON)
        outbox.run_alerts()
        outbox.run_alerts()
        sent = notices(mailoutbox)
        assert [m.to for m in sent] == [[journalist.email]]
        assert later.email not in [m.to[0] for m in mailoutbox]
        message = sent[0]
        assert message.subject == ("Sperrfrist-Meldung zurückgezogen: Haushalt 2027 – "
                                   "bitte nicht veröffentlichen")
        assert message.body.startswith(
            "SPERRFRIST-MELDUNG ZURÜCKGEZOGEN – BITTE NICHT VERÖFFENTLICHEN")
        assert "auch nicht nach Ablauf der Sperrfrist" in message.body
        assert REASON in message.body
        assert REASON in message.alternatives[0][0]
        assert "4,2 Mrd." not in message.body
        assert "List-Unsubscribe" not in message.extra_headers

    def test_the_notice_is_queued_in_the_withdrawing_transaction(
            self, embargoed, make_journalist, spokesperson):
        journalist = make_journalist()
        outbox.run_alerts()
        workflow.withdraw(fresh(embargoed), spokesperson, REASON)
        row = OutboxMessage.objects.get(kind=OutboxMessage.Kind.WITHDRAWAL)
        assert (row.release_id, row.journalist_id) == (embargoed.pk, journalist.pk)

    def test_the_job_finds_a_withdrawal_without_the_signal(
            self, embargoed, make_journalist, mailoutbox):
        make_journalist()
        outbox.run_alerts()
        Release.objects.filter(pk=embargoed.pk).update(
            status=Release.Status.WITHDRAWN, withdrawn_at=timezone.now(),
            withdrawal_reason=REASON)
        assert outbox.run_alerts()["queued"] == 1
        assert outbox.run_alerts()["queued"] == 0
        assert len(notices(mailoutbox)) == 1

    def test_a_journalist_revoked_meanwhile_is_still_told_not_to_use_the_text(
            self, embargoed, make_journalist, spokesperson, mailoutbox):
        journalist = make_journalist()
        outbox.run_alerts()
        accreditation.revoke_journalist(journalist)
        workflow.withdraw(fresh(embargoed), spokesperson, REASON)
        outbox.run_alerts()
        [message] = notices(mailoutbox)
        assert message.to == [journalist.email]
        assert "bitte nicht veröffentlichen" in message.subject

    def test_removed_for_legal_reasons_says_only_that_it_must_not_be_used(
            self, embargoed, make_journalist, spokesperson, mailoutbox):
        make_journalist()
        outbox.run_alerts()
        workflow.withdraw(fresh(embargoed), spokesperson, "Einstweilige Verfügung XY",
                          is_legal=True)
        outbox.run_alerts()
        [message] = notices(mailoutbox)
        assert "Einstweilige Verfügung" not in message.body
        assert "Einstweilige Verfügung" not in message.alternatives[0][0]
        assert "Grund:" not in message.body
        assert "Sie darf nicht veröffentlicht werden" in message.body


class TestPublicRelease:
    def test_subscribers_who_got_the_alert_are_told_with_the_reason(
            self, alerted, make_subscription, topic, spokesperson, mailoutbox):
        release, subscription = alerted
        make_subscription(topics=[topic], confirmed_at=timezone.now())  # came later
        workflow.withdraw(fresh(release), spokesperson, "Die Angaben waren fehlerhaft.")
        outbox.run_alerts()
        outbox.run_alerts()
        sent = notices(mailoutbox)
        assert [m.to for m in sent] == [[subscription.email]]
        assert sent[0].subject == "Zurückgezogen: Neue Förderrichtlinie"
        assert "Die Angaben waren fehlerhaft." in sent[0].body
        assert "Sie darf nicht mehr verwendet werden." in sent[0].body
        assert "List-Unsubscribe" in sent[0].extra_headers
        assert "/benachrichtigungen/verwalten/" in sent[0].body

    def test_legal_removal_leaves_out_the_reason(self, alerted, spokesperson, mailoutbox):
        release, _ = alerted
        workflow.withdraw(fresh(release), spokesperson, "Persönlichkeitsrecht verletzt",
                          is_legal=True)
        outbox.run_alerts()
        [message] = notices(mailoutbox)
        assert message.subject == "Zurückgezogen: Neue Förderrichtlinie"
        assert "Persönlichkeitsrecht" not in message.body
        assert "Sie darf nicht mehr verwendet werden." in message.body

    def test_a_withdrawal_undone_before_sending_sends_nothing(
            self, alerted, spokesperson, mailoutbox):
        release, _ = alerted
        workflow.withdraw(fresh(release), spokesperson, "Versehen.")
        workflow.restore(fresh(release), spokesperson)
        outbox.run_alerts()
        assert notices(mailoutbox) == []

    def test_withdrawn_again_after_a_restore_tells_them_again(
            self, alerted, spokesperson, mailoutbox):
        release, subscription = alerted
        workflow.withdraw(fresh(release), spokesperson, "Zahlen werden geprüft.")
        outbox.run_alerts()
        workflow.restore(fresh(release), spokesperson)
        workflow.withdraw(fresh(release), spokesperson, "Endgültig zurückgezogen.")
        outbox.run_alerts()
        outbox.run_alerts()
        sent = notices(mailoutbox)
        assert [m.to for m in sent] == [[subscription.email]] * 2
        assert "Zahlen werden geprüft." in sent[0].body
        assert "Endgültig zurückgezogen." in sent[1].body

    def test_an_undone_withdrawal_not_yet_sent_is_not_sent_beside_the_next(
            self, alerted, spokesperson, mailoutbox):
        release, subscription = alerted
        workflow.withdraw(fresh(release), spokesperson, "Versehen.")
        workflow.restore(fresh(release), spokesperson)
        workflow.withdraw(fresh(release), spokesperson, "Überholt.")
        outbox.run_alerts()
        [message] = notices(mailoutbox)
        assert "Überholt." in message.body and "Versehen." not in message.body

    def test_nobody_who_got_nothing_is_told(self, make_release, make_subscription, topic,
                                            spokesperson, mailoutbox):
        release = make_release()
        release.topics.add(topic)
        make_subscription(topics=[topic], confirmed_at=timezone.now())  # after publication
        outbox.run_alerts()
        workflow.withdraw(fresh(release), spokesperson, "Überholt.")
        outbox.run_alerts()
        assert mailoutbox == []


def test_an_embargoed_item_its_source_cancels_on_import_tells_the_journalists(
        make_journalist, mailoutbox, organisation):
    """A news agency's feed cancels an item that went out under embargo: as an editor's
    withdrawal, the journalists who got the text hear of it."""
    from exchange.importers.store import store_release
    from exchange.ninjs import from_ninjs

    embargo = (timezone.now() + datetime.timedelta(hours=20)).replace(microsecond=0)
    item = {"uri": "https://agentur.example/meldung/7", "type": "text", "pubstatus": "usable",
            "contentcreated": timezone.now().replace(microsecond=0).isoformat(),
            "embargoed": embargo.isoformat(),
            "headlines": [{"role": "main", "value": "Haushalt 2027"}],
            "bodies": [{"role": "main", "contenttype": "text/html",
                        "value": "<p>Die Zahlen: 4,2 Mrd.</p>"}],
            "organisations": [{"name": organisation.name, "rel": "publisher"}]}
    journalist = make_journalist()
    store_release(from_ninjs(item), publish=True)
    outbox.run_alerts()
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Sperrfrist"]
    store_release(from_ninjs({**item, "pubstatus": "canceled"}), publish=True)
    outbox.run_alerts()
    assert [m.to for m in notices(mailoutbox)] == [[journalist.email]]
    assert Release.objects.get().withdrawn_at is not None
