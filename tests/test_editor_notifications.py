"""Editors hear of the workflow steps of their releases by mail, through the outbox.

Submitted: the Pressestelle (who may approve; not the submitter, not an author). Sent
back, approved, scheduled, published, four-eyes overridden: the authors (not who did
it). Each step once per recipient, whatever is repeated; one mail per step, a daily
summary or none, as each editor chooses in the admin.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journalists import outbox
from journalists.models import EditorNotificationSettings, OutboxMessage
from releases import services
from releases.models import AuditEntry, Release
from releases.signals import workflow_step
from tests.mail_helpers import berlin, links_in, path_of
from tests.workflow_fixtures import change_url, fresh, logged_in, member

pytest_plugins = ["tests.workflow_fixtures"]

Delivery = EditorNotificationSettings.Delivery
TITLE = "Große Resonanz bei simul+Werkstatt in Kattowitz"
NOTE = "Bitte das Zitat von Herrn Horn mit ihm abstimmen."
REASON = "Eilmeldung, die Stellvertretung ist nicht erreichbar."


def addressed(user):
    user.email = f"{user.username}@smr.sachsen.de"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def people(editor, spokesperson, deputy):
    """Redaktion and two of the Pressestelle, all with addresses, and a second editor
    who has nothing to do with the release."""
    other = member("kollege", "Redaktion")
    return {name: addressed(user) for name, user in [
        ("editor", editor), ("spokesperson", spokesperson), ("deputy", deputy),
        ("other", other)]}


@pytest.fixture
def draft(make_release, people):
    return make_release(status=Release.Status.DRAFT, published_at=None,
                        created_by=people["editor"], title=TITLE)


def sent(mailoutbox):
    """Send what is due; {recipient address: [mails]}."""
    outbox.send_due()
    by_address = {}
    for message in mailoutbox:
        by_address.setdefault(message.to[0], []).append(message)
    return by_address


def address(user):
    return user.email


def admin_link(release):
    return f"http://127.0.0.1:8000{change_url(release)}"


@pytest.mark.django_db
class TestSubmitted:
    def test_the_pressestelle_gets_a_mail_and_the_submitter_none(
            self, draft, people, mailoutbox, settings):
        settings.SITE_URL = "http://127.0.0.1:8000"
        services.submit(draft, people["editor"])
        mails = sent(mailoutbox)
        assert set(mails) == {address(people["spokesperson"]), address(people["deputy"])}
        message = mails[address(people["spokesperson"])][0]
        assert message.subject == f"Zur Prüfung eingereicht: {TITLE}"
        assert "Guten Tag sprecher," in message.body
        assert f"redakteurin hat die Medieninformation „{TITLE}“ zur Prüfung eingereicht" in (
            message.body)
        assert admin_link(draft) in links_in(message.body)

    def test_the_link_opens_the_release_in_the_admin(self, draft, people, mailoutbox):
        services.submit(draft, people["editor"])
        message = sent(mailoutbox)[address(people["spokesperson"])][0]
        link = next(url for url in links_in(message.body) if "/admin/releases/" in url)
        page = logged_in(people["spokesperson"]).get(path_of(link))
        assert page.status_code == 200
        assert TITLE in page.content.decode()

    def test_the_mail_has_an_html_alternative_with_the_link(self, draft, people, mailoutbox):
        services.submit(draft, people["editor"])
        message = sent(mailoutbox)[address(people["deputy"])][0]
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert f'href="{links_in(message.body)[0]}"' in html

    def test_a_reviewer_who_wrote_the_release_is_not_asked_to_review_it(
            self, draft, people, mailoutbox):
        draft.authors.add(people["deputy"])
        services.submit(draft, people["editor"])
        assert set(sent(mailoutbox)) == {address(people["spokesperson"])}

    def test_the_submitter_of_the_pressestelle_gets_none(self, make_release, people,
                                                         mailoutbox):
        release = make_release(status=Release.Status.DRAFT, published_at=None,
                               created_by=people["spokesperson"])
        services.submit(release, people["spokesperson"])
        assert set(sent(mailoutbox)) == {address(people["deputy"])}

    def test_accounts_without_an_address_or_inactive_get_none(self, draft, people,
                                                              mailoutbox):
        people["deputy"].email = ""
        people["deputy"].save()
        people["spokesperson"].is_active = False
        people["spokesperson"].save()
        services.submit(draft, people["editor"])
        assert sent(mailoutbox) == {}

    def test_a_change_to_a_live_release_says_so(self, draft, people, mailoutbox):
        published = services.publish(services.approve(
            services.submit(draft, people["editor"]), people["spokesperson"]),
            people["spokesperson"])
        mailoutbox.clear()
        outbox.send_due()
        mailoutbox.clear()
        edition = services.start_edition(fresh(published), people["editor"])
        services.submit(edition, people["editor"])
        message = sent(mailoutbox)[address(people["deputy"])][0]
        assert message.subject == f"Änderung zur Prüfung eingereicht: {TITLE}"
        assert "eine Änderung der veröffentlichten Medieninformation" in message.body
        assert admin_link(published) in message.body  # the release, which shows the change

    def test_the_queries_do_not_grow_with_the_number_of_reviewers(self, draft, people):
        def queries_of_submit(release):
            with CaptureQueriesContext(connection) as queries:
                services.submit(release, people["editor"])
            return len(queries)

        def new_draft(n):
            release = Release.objects.create(organisation=draft.organisation, title=f"{n}",
                                             slug=f"entwurf-{n}", created_by=people["editor"])
            release.authors.add(people["editor"])
            return release

        queries_of_submit(draft)  # the first one fills caches (content types, ...)
        few = queries_of_submit(new_draft(1))
        for n in range(10):
            addressed(member(f"pressestelle{n}", "Pressestelle"))
        many = queries_of_submit(new_draft(2))
        assert OutboxMessage.objects.filter(release__slug="entwurf-2").count() == 12
        assert many == few


@pytest.fixture
def in_review(draft, people, mailoutbox):
    release = services.submit(draft, people["editor"])
    outbox.send_due()
    mailoutbox.clear()
    return release


@pytest.mark.django_db
class TestToTheAuthors:
    def test_sent_back_tells_the_authors_with_the_note(self, in_review, people, mailoutbox):
        in_review.authors.add(people["other"])
        services.reject(in_review, people["spokesperson"], NOTE)
        mails = sent(mailoutbox)
        assert set(mails) == {address(people["editor"]), address(people["other"])}
        message = mails[address(people["editor"])][0]
        assert message.subject == f"Zurückgegeben: {TITLE}"
        assert "sprecher hat die Medieninformation" in message.body
        assert NOTE in message.body

    def test_approved_tells_the_authors_not_the_approver(self, in_review, people,
                                                         mailoutbox):
        services.approve(in_review, people["spokesperson"])
        mails = sent(mailoutbox)
        assert set(mails) == {address(people["editor"])}
        assert mails[address(people["editor"])][0].subject == f"Freigegeben: {TITLE}"

    def test_scheduled_tells_the_authors_the_time_in_berlin(self, in_review, people,
                                                            mailoutbox):
        approved = services.approve(in_review, people["spokesperson"])
        mailoutbox.clear()
        outbox.send_due()
        mailoutbox.clear()
        services.schedule(approved, people["deputy"], berlin(2031, 7, 1, 10, 0))
        message = sent(mailoutbox)[address(people["editor"])][0]
        assert message.subject == f"Geplant für 01.07.2031, 10:00 Uhr (MESZ): {TITLE}"
        assert "am 01.07.2031, 10:00 Uhr (MESZ)" in message.body

    def test_published_tells_the_authors(self, in_review, people, mailoutbox):
        approved = services.approve(in_review, people["spokesperson"])
        outbox.send_due()
        mailoutbox.clear()
        services.publish(approved, people["deputy"])
        mails = sent(mailoutbox)
        assert set(mails) == {address(people["editor"])}
        message = mails[address(people["editor"])][0]
        assert message.subject == f"Veröffentlicht: {TITLE}"
        assert "stellvertreterin hat die Medieninformation" in message.body

    def test_a_scheduled_release_tells_its_authors_when_its_time_has_come(
            self, in_review, people, mailoutbox):
        at = timezone.now() + datetime.timedelta(hours=2)
        services.schedule(services.approve(in_review, people["spokesperson"]),
                          people["spokesperson"], at)
        outbox.send_due()
        mailoutbox.clear()
        with time_machine.travel(at + datetime.timedelta(minutes=1)):
            services.complete_due_publications()
            services.complete_due_publications()  # the job runs again
            mails = sent(mailoutbox)
        assert [m.subject for m in mails[address(people["editor"])]] == [
            f"Veröffentlicht: {TITLE}"]
        assert "ist wie geplant veröffentlicht" in mails[address(people["editor"])][0].body

    def test_an_override_tells_the_other_authors_the_reason(self, in_review, people,
                                                            mailoutbox):
        spokesperson = people["spokesperson"]
        in_review.authors.add(spokesperson)  # rewrote it, and publishes it alone
        services.publish(fresh(in_review), spokesperson, override_reason=REASON)
        mails = sent(mailoutbox)
        assert set(mails) == {address(people["editor"])}
        subjects = [message.subject for message in mails[address(people["editor"])]]
        assert subjects == [f"Vier-Augen-Prinzip übergangen: {TITLE}",
                            f"Veröffentlicht: {TITLE}"]
        assert REASON in mails[address(people["editor"])][0].body

    def test_a_published_correction_tells_its_authors_the_note(self, in_review, people,
                                                               mailoutbox):
        live = services.publish(services.approve(in_review, people["spokesperson"]),
                                people["spokesperson"])
        outbox.send_due()
        mailoutbox.clear()
        edition = services.start_edition(fresh(live), people["other"])
        edition.change_note = "In einer früheren Fassung stand ein falsches Datum."
        services.save_release(edition, people["other"], changed=True)
        services.submit(edition, people["other"])
        services.approve(fresh(edition), people["spokesperson"])
        services.publish(fresh(edition), people["deputy"])
        mails = sent(mailoutbox)
        # The change's author hears of it; the first edition's author wrote no part of it.
        subjects = [message.subject for message in mails[address(people["other"])]]
        assert subjects == [f"Freigegeben: {TITLE}", f"Berichtigung veröffentlicht: {TITLE}"]
        assert "falsches Datum" in mails[address(people["other"])][1].body
        assert address(people["editor"]) not in mails
        assert admin_link(live) in mails[address(people["other"])][1].body

    def test_steps_without_a_mail_queue_nothing(self, in_review, people):
        approved = services.approve(in_review, people["spokesperson"])
        before = OutboxMessage.objects.count()
        services.schedule(approved, people["deputy"],
                          timezone.now() + datetime.timedelta(days=1))
        services.unschedule(fresh(approved), people["deputy"])
        assert OutboxMessage.objects.count() == before + 1  # scheduled; unscheduling: none


@pytest.mark.django_db
class TestExactlyOnce:
    def test_a_step_reported_twice_is_queued_once(self, draft, people):
        submitted = services.submit(draft, people["editor"])
        rows = OutboxMessage.objects.count()
        workflow_step.send(sender=Release, release=fresh(submitted),
                           action=AuditEntry.Action.SUBMIT, user=people["editor"],
                           detail="", now=timezone.now())
        assert OutboxMessage.objects.count() == rows == 2

    def test_the_sender_running_twice_mails_once(self, draft, people, mailoutbox):
        services.submit(draft, people["editor"])
        outbox.send_due()
        outbox.send_due()
        outbox.run_alerts()
        assert len(mailoutbox) == 2

    def test_a_refused_repetition_mails_nothing_more(self, draft, people, mailoutbox):
        services.submit(draft, people["editor"])
        with pytest.raises(services.WorkflowError):
            services.submit(fresh(draft), people["editor"])
        assert len(sent(mailoutbox)[address(people["deputy"])]) == 1

    def test_submitted_again_after_sent_back_is_a_new_mail(self, draft, people, mailoutbox):
        services.submit(draft, people["editor"])
        services.reject(fresh(draft), people["spokesperson"], NOTE)
        services.submit(fresh(draft), people["editor"])
        assert len(sent(mailoutbox)[address(people["deputy"])]) == 2

    def test_a_step_rolled_back_queues_nothing(self, draft, people):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.submit(draft, people["editor"])
            raise RuntimeError("the request failed after the step")
        assert not OutboxMessage.objects.exists()

    def test_the_outbox_records_the_recipient_and_address(self, draft, people):
        services.submit(draft, people["editor"])
        outbox.send_due()
        row = OutboxMessage.objects.get(recipient=people["deputy"])
        assert (row.kind, row.status, row.to_address) == (
            OutboxMessage.Kind.SUBMITTED, OutboxMessage.Status.SENT, address(people["deputy"]))


def choose(user, delivery):
    EditorNotificationSettings.objects.update_or_create(user=user,
                                                        defaults={"delivery": delivery})


@pytest.mark.django_db
class TestPreferences:
    def test_without_a_choice_every_step_is_a_mail(self, draft, people, mailoutbox):
        assert not EditorNotificationSettings.objects.exists()
        services.submit(draft, people["editor"])
        assert address(people["deputy"]) in sent(mailoutbox)

    def test_turned_off_gets_nothing(self, draft, people, mailoutbox):
        choose(people["deputy"], Delivery.NONE)
        services.submit(draft, people["editor"])
        assert set(sent(mailoutbox)) == {address(people["spokesperson"])}
        assert not OutboxMessage.objects.filter(recipient=people["deputy"]).exists()

    def test_turned_off_after_the_step_is_not_sent(self, draft, people, mailoutbox):
        services.submit(draft, people["editor"])
        choose(people["deputy"], Delivery.NONE)
        assert address(people["deputy"]) not in sent(mailoutbox)
        assert OutboxMessage.objects.get(recipient=people["deputy"]).status == "skipped"

    def test_the_daily_summary_comes_once_at_the_digest_hour(self, draft, people,
                                                             mailoutbox, settings):
        settings.ALERTS_DIGEST_HOUR = 7
        editor, spokesperson = people["editor"], people["spokesperson"]
        choose(editor, Delivery.DAILY)
        with time_machine.travel(berlin(2031, 3, 4, 15, 0), tick=False):
            services.submit(draft, editor)
            services.reject(fresh(draft), spokesperson, NOTE)
            services.submit(fresh(draft), editor)
            services.approve(fresh(draft), spokesperson)
            assert address(editor) not in sent(mailoutbox)
        with time_machine.travel(berlin(2031, 3, 5, 7, 0), tick=False):
            outbox.send_due()
            outbox.send_due()
        summaries = [m for m in mailoutbox if m.to == [address(editor)]]
        assert len(summaries) == 1
        summary = summaries[0]
        assert summary.subject == (
            "Zusammenfassung vom 05.03.2031: 2 Schritte zu Ihren Medieninformationen")
        body = summary.body
        assert body.index(f"Zurückgegeben: {TITLE}") < body.index(f"Freigegeben: {TITLE}")
        assert NOTE in body
        assert admin_link(draft).split("://", 1)[1] in body
        assert summary.alternatives[0][1] == "text/html"

    def test_every_mail_links_to_the_preferences(self, draft, people, mailoutbox):
        services.submit(draft, people["editor"])
        message = sent(mailoutbox)[address(people["deputy"])][0]
        assert any(path_of(url) == reverse(
            "admin:journalists_editornotificationsettings_changelist")
            for url in links_in(message.body))


@pytest.mark.django_db
class TestPreferencesInTheAdmin:
    def test_the_user_tools_lead_each_editor_to_their_own_form(self, people):
        client = logged_in(people["editor"])
        home = client.get(reverse("admin:index")).content.decode()
        url = reverse("admin:journalists_editornotificationsettings_changelist")
        assert f'href="{url}"' in home
        form = client.get(url, follow=True)
        assert form.status_code == 200
        assert "Benachrichtigungen zu meinen Medieninformationen" in form.content.decode()
        own = EditorNotificationSettings.objects.get(user=people["editor"])
        assert form.redirect_chain[-1][0] == reverse(
            "admin:journalists_editornotificationsettings_change", args=[own.pk])

    def test_an_editor_changes_their_choice(self, people):
        client = logged_in(people["editor"])
        own, _ = EditorNotificationSettings.objects.get_or_create(user=people["editor"])
        url = reverse("admin:journalists_editornotificationsettings_change", args=[own.pk])
        response = client.post(url, {"delivery": Delivery.DAILY}, follow=True)
        assert "Ihre Auswahl ist gespeichert." in response.content.decode()
        own.refresh_from_db()
        assert own.delivery == Delivery.DAILY

    def test_nobody_opens_or_changes_another_editors_choice(self, people):
        theirs = EditorNotificationSettings.objects.create(user=people["deputy"])
        url = reverse("admin:journalists_editornotificationsettings_change", args=[theirs.pk])
        client = logged_in(people["editor"])
        assert client.get(url).status_code == 302  # "does not exist": back to the start
        client.post(url, {"delivery": Delivery.NONE})
        theirs.refresh_from_db()
        assert theirs.delivery == Delivery.EACH

    def test_the_outbox_lists_editors_mails(self, draft, people, administrator):
        services.submit(draft, people["editor"])
        outbox.send_due()
        client = logged_in(administrator)
        page = client.get(reverse("admin:journalists_outboxmessage_changelist"))
        assert page.status_code == 200
        assert address(people["deputy"]) in page.content.decode()
        row = OutboxMessage.objects.get(recipient=people["deputy"])
        assert client.get(reverse("admin:journalists_outboxmessage_change",
                                  args=[row.pk])).status_code == 200


@pytest.mark.django_db
def test_a_deleted_account_keeps_the_row_and_gets_nothing(draft, people, mailoutbox):
    services.submit(draft, people["editor"])
    User.objects.filter(pk=people["deputy"].pk).delete()
    assert address(people["deputy"]) not in sent(mailoutbox)
    assert OutboxMessage.objects.filter(recipient__isnull=True, status="skipped").exists()
