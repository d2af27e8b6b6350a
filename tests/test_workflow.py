"""The editorial workflow: draft, review, approval, scheduling, publication, correction,
withdrawal; who may do what (the groups of 0004_roles), the four-eyes principle and its
logged override, the clock at its boundaries, and how the admin offers all of it."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from releases import services
from releases.models import AuditEntry, Correction, Release
from releases.search import search

from .admin_helpers import form_data, messages_of
from .workflow_fixtures import change_live, change_url, fresh, workflow_url

pytest_plugins = ["tests.workflow_fixtures"]
pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SECOND = datetime.timedelta(seconds=1)
Status = Release.Status
Action = AuditEntry.Action


def berlin(*args, fold=0):
    """An instant given in Berlin wall-clock time, as UTC."""
    return datetime.datetime(*args, tzinfo=BERLIN, fold=fold).astimezone(datetime.UTC)


def refused(code, operation, *args, **kwargs):
    with pytest.raises(services.WorkflowError) as caught:
        operation(*args, **kwargs)
    assert caught.value.code == code, str(caught.value)
    return caught.value


def actions(release):
    return list(AuditEntry.objects.filter(release=release).order_by("pk")
                .values_list("action", flat=True))


def is_public(release, now=None):
    return Release.objects.public(now).filter(pk=release.pk).exists()


class TestSubmit:
    def test_editor_submits_her_draft_for_review(self, draft, editor):
        services.submit(draft, editor)
        stored = fresh(draft)
        assert stored.status == Status.IN_REVIEW
        assert stored.version == 2 == draft.version
        assert actions(draft) == [Action.SUBMIT]
        assert AuditEntry.objects.get().actor == editor

    def test_a_release_in_review_cannot_be_submitted_again(self, in_review, editor):
        refused("state", services.submit, in_review, editor)

    def test_staff_without_the_submit_permission_is_refused(self, draft):
        writer = User.objects.create_user("schreiber", is_staff=True)
        writer.user_permissions.add(Permission.objects.get(codename="change_release"))
        refused("permission", services.submit, draft, writer)
        assert fresh(draft).status == Status.DRAFT


class TestSendBack:
    def test_press_office_sends_back_with_a_note(self, in_review, spokesperson):
        services.reject(in_review, spokesperson, "Bitte das Zitat von Herrn Horn prüfen.")
        assert fresh(in_review).status == Status.DRAFT
        entry = AuditEntry.objects.filter(action=Action.REJECT).get()
        assert entry.detail == "Bitte das Zitat von Herrn Horn prüfen."

    def test_sending_back_needs_a_note(self, in_review, spokesperson):
        refused("note_required", services.reject, in_review, spokesperson, "  ")
        assert fresh(in_review).status == Status.IN_REVIEW

    def test_editor_cannot_send_back(self, in_review, editor):
        refused("permission", services.reject, in_review, editor, "Passt nicht.")

    def test_sending_back_an_approved_release_withdraws_the_approval(self, approved,
                                                                     spokesperson):
        services.reject(approved, spokesperson, "Doch noch nicht.")
        stored = fresh(approved)
        assert (stored.status, stored.approved_by, stored.approved_at) == (
            Status.DRAFT, None, None)


class TestApprove:
    def test_press_office_approves_the_editors_release(self, in_review, spokesperson):
        services.approve(in_review, spokesperson)
        stored = fresh(in_review)
        assert stored.status == Status.APPROVED
        assert stored.approved_by == spokesperson
        assert stored.approved_at is not None

    def test_author_cannot_approve_her_own_release(self, make_release, spokesperson):
        release = make_release(status=Status.IN_REVIEW, created_by=spokesperson)
        error = refused("four_eyes", services.approve, release, spokesperson)
        assert "Vier-Augen" in str(error) or "four-eyes" in str(error)
        assert fresh(release).status == Status.IN_REVIEW

    def test_editor_cannot_approve(self, make_release, editor, spokesperson):
        release = make_release(status=Status.IN_REVIEW, created_by=spokesperson)
        refused("permission", services.approve, release, editor)

    def test_a_draft_cannot_be_approved(self, draft, spokesperson):
        refused("state", services.approve, draft, spokesperson)


class TestPublish:
    @time_machine.travel(datetime.datetime(2026, 10, 8, 10, tzinfo=BERLIN), tick=False)
    def test_approved_release_is_published_numbered_and_completed_at_once(
            self, approved, spokesperson):
        services.publish(approved, spokesperson)
        stored = fresh(approved)
        assert stored.status == Status.PUBLISHED
        assert stored.published_at == timezone.now()
        assert stored.number_label == "1/2026"
        assert stored.effects_done_at == timezone.now()
        assert is_public(stored)
        assert actions(stored) == [Action.SUBMIT, Action.APPROVE, Action.PUBLISH]

    def test_published_under_embargo_it_is_dated_when_the_public_sees_it(
            self, approved, spokesperson, make_release):
        """Across New Year: clicked on 31 December, public (and numbered) in the new year;
        a release published in between lists below it."""
        Release.objects.filter(pk=approved.pk).update(embargo_until=berlin(2027, 1, 1, 0, 30))
        approved.refresh_from_db()
        with time_machine.travel(berlin(2026, 12, 31, 23, 0), tick=False):
            services.publish(approved, spokesperson)
            assert fresh(approved).published_at == berlin(2027, 1, 1, 0, 30)
            assert not is_public(fresh(approved))
        between = make_release(published_at=berlin(2026, 12, 31, 23, 30))
        with time_machine.travel(berlin(2027, 1, 1, 0, 31), tick=False):
            services.complete_due_publications()
            stored = fresh(approved)
            assert is_public(stored)
            assert stored.number_label == "1/2027"
            assert list(Release.objects.public().order_by("-published_at")) == [stored, between]

    def test_the_approver_may_also_publish(self, approved, spokesperson):
        services.publish(approved, spokesperson)
        assert fresh(approved).approved_by == spokesperson

    def test_editor_cannot_publish_even_with_a_reason(self, approved, editor):
        refused("permission", services.publish, approved, editor,
                override_reason="Eilmeldung, niemand erreichbar.")
        assert not is_public(approved)

    def test_author_publishing_her_own_release_is_refused(self, make_release, spokesperson,
                                                          deputy):
        release = make_release(status=Status.DRAFT, published_at=None,
                               created_by=spokesperson)
        services.submit(release, spokesperson)
        services.approve(release, deputy)
        refused("four_eyes", services.publish, release, spokesperson)
        assert not is_public(release)

    def test_override_with_too_short_a_reason_is_refused(self, make_release, spokesperson,
                                                         deputy):
        release = make_release(status=Status.APPROVED, approved_by=deputy,
                               created_by=spokesperson)
        refused("four_eyes", services.publish, release, spokesperson, override_reason="Eilig")
        assert not AuditEntry.objects.filter(action=Action.OVERRIDE).exists()

    def test_override_with_a_reason_publishes_and_is_logged(self, make_release, spokesperson,
                                                            deputy):
        release = make_release(status=Status.APPROVED, approved_by=deputy,
                               created_by=spokesperson)
        reason = "Unwetterwarnung, Stellvertretung nicht erreichbar"
        services.publish(release, spokesperson, override_reason=reason)
        assert is_public(release)
        override = AuditEntry.objects.get(action=Action.OVERRIDE)
        assert (override.actor, override.release, override.detail) == (
            spokesperson, release, reason)
        assert actions(release) == [Action.OVERRIDE, Action.PUBLISH]

    def test_a_reviewer_publishing_a_release_in_review_approves_it_in_passing(
            self, in_review, spokesperson):
        # The second person decides once: approved and published in one step, no override.
        services.publish(in_review, spokesperson)
        assert is_public(in_review)
        stored = fresh(in_review)
        assert stored.approved_by == spokesperson
        assert list(AuditEntry.objects.filter(release=in_review, actor=spokesperson)
                    .order_by("pk").values_list("action", flat=True)) == [
            Action.APPROVE, Action.PUBLISH]

    def test_a_reviewer_scheduling_a_release_in_review_approves_it_in_passing(
            self, in_review, spokesperson):
        at = timezone.now() + datetime.timedelta(days=1)
        services.schedule(in_review, spokesperson, at)
        stored = fresh(in_review)
        assert (stored.status, stored.approved_by) == (Status.SCHEDULED, spokesperson)
        assert not AuditEntry.objects.filter(action=Action.OVERRIDE).exists()

    def test_the_publish_page_says_it_approves_too_and_asks_no_reason(
            self, in_review, spokesperson_client):
        html = spokesperson_client.get(workflow_url(in_review, "publish")).content.decode()
        assert "Damit geben Sie sie zugleich frei" in html
        assert 'name="override_reason"' not in html
        response = spokesperson_client.post(workflow_url(in_review, "publish"),
                                            {"version": str(fresh(in_review).version)})
        assert response.status_code == 302
        assert is_public(in_review)

    def test_release_in_review_published_by_someone_who_may_not_review_needs_an_override(
            self, in_review):
        publisher = User.objects.create_user("chefin", is_staff=True)
        publisher.user_permissions.add(Permission.objects.get(codename="publish_release"))
        publisher = User.objects.get(pk=publisher.pk)  # permissions read anew
        refused("four_eyes", services.publish, in_review, publisher)
        services.publish(in_review, publisher,
                         override_reason="Freigabe telefonisch durch die Staatssekretärin")
        assert is_public(in_review)
        assert AuditEntry.objects.filter(action=Action.OVERRIDE, release=in_review).exists()

    def test_published_release_cannot_be_published_again(self, published, deputy):
        refused("state", services.publish, published, deputy)

    def test_withdrawn_release_cannot_be_published(self, published, spokesperson):
        services.withdraw(published, spokesperson, "Veraltet.")
        refused("state", services.publish, published, spokesperson,
                override_reason="Soll wieder erscheinen, bitte.")

    def test_decision_on_an_old_version_is_refused_and_changes_nothing(self, approved,
                                                                       spokesperson):
        old_version = approved.version
        services.reject(fresh(approved), spokesperson, "Noch ein Fehler im Titel.")
        refused("conflict", services.publish, approved, spokesperson, version=old_version)
        assert fresh(approved).status == Status.DRAFT
        assert not AuditEntry.objects.filter(action=Action.PUBLISH).exists()

    def test_every_operation_bumps_the_version(self, draft, editor, spokesperson):
        services.submit(draft, editor)
        services.approve(draft, spokesperson)
        services.publish(draft, spokesperson)
        assert fresh(draft).version == 4


class TestSchedule:
    def test_scheduled_release_is_hidden_until_its_time_and_public_from_then(
            self, approved, spokesperson):
        at = berlin(2026, 6, 1, 10, 0)
        with time_machine.travel(berlin(2026, 5, 30, 9, 0), tick=False):
            services.schedule(approved, spokesperson, datetime.datetime(2026, 6, 1, 10, 0))
        stored = fresh(approved)
        assert (stored.status, stored.published_at, stored.number) == (
            Status.SCHEDULED, at, None)
        assert not is_public(stored, now=at - SECOND)
        assert is_public(stored, now=at)
        assert is_public(stored, now=at + SECOND)

    @pytest.mark.parametrize(("wall_clock", "utc"), [
        # Clocks go forward at 02:00 on 29 March 2026: 03:00 CEST is 01:00 UTC.
        ((2026, 3, 29, 3, 0), datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC)),
        # Clocks go back at 03:00 on 25 October 2026: 03:00 CET is 02:00 UTC.
        ((2026, 10, 25, 3, 0), datetime.datetime(2026, 10, 25, 2, 0, tzinfo=datetime.UTC)),
    ], ids=["spring-forward", "fall-back"])
    def test_scheduled_across_a_clock_change_goes_public_at_the_german_time(
            self, approved, spokesperson, wall_clock, utc):
        with time_machine.travel(utc - datetime.timedelta(days=2), tick=False):
            services.schedule(approved, spokesperson, datetime.datetime(*wall_clock))
        assert fresh(approved).published_at == utc
        with time_machine.travel(utc - SECOND, tick=False):
            assert not is_public(approved)
            assert services.complete_due_publications() == []
        with time_machine.travel(utc, tick=False):
            assert is_public(approved)
            assert services.complete_due_publications() == [approved]

    @pytest.mark.parametrize("wall_clock", [(2026, 3, 29, 2, 30), (2026, 10, 25, 2, 30)],
                             ids=["skipped-hour", "repeated-hour"])
    def test_time_that_does_not_exist_or_exists_twice_is_refused(self, approved,
                                                                 spokesperson, wall_clock):
        with time_machine.travel(datetime.datetime(2026, 3, 1, tzinfo=BERLIN), tick=False):
            refused("ambiguous_time", services.schedule, approved, spokesperson,
                    datetime.datetime(*wall_clock))
        assert fresh(approved).status == Status.APPROVED

    def test_time_in_the_past_is_refused(self, approved, spokesperson):
        refused("past_time", services.schedule, approved, spokesperson,
                timezone.now() - SECOND)

    def test_scheduling_follows_the_four_eyes_principle(self, make_release, spokesperson):
        release = make_release(status=Status.IN_REVIEW, created_by=spokesperson)
        later = timezone.now() + datetime.timedelta(days=1)
        refused("four_eyes", services.schedule, release, spokesperson, later)
        services.schedule(release, spokesperson, later,
                          override_reason="Die Ministerin hat den Text selbst freigegeben.")
        assert fresh(release).status == Status.SCHEDULED
        assert actions(release) == [Action.OVERRIDE, Action.SCHEDULE]

    def test_editor_cannot_schedule(self, approved, editor):
        refused("permission", services.schedule, approved, editor,
                timezone.now() + datetime.timedelta(days=1))

    def test_unscheduling_returns_the_release_to_approved(self, approved, spokesperson):
        services.schedule(approved, spokesperson, timezone.now() + datetime.timedelta(days=1))
        services.unschedule(approved, spokesperson)
        stored = fresh(approved)
        assert (stored.status, stored.published_at) == (Status.APPROVED, None)
        assert actions(stored)[-1] == Action.UNSCHEDULE

    def test_release_whose_time_has_come_cannot_be_unscheduled(self, approved, spokesperson):
        at = timezone.now() + datetime.timedelta(hours=1)
        services.schedule(approved, spokesperson, at)
        with time_machine.travel(at + SECOND, tick=False):
            refused("state", services.unschedule, approved, spokesperson)


class TestCompletingDuePublications:
    """Side effects at publication time: one idempotent job, run every minute."""

    def schedule(self, release, user, at):
        with time_machine.travel(at - datetime.timedelta(days=1), tick=False):
            return services.schedule(release, user, at)

    def test_nothing_is_done_one_second_before_and_everything_at_the_time(
            self, approved, spokesperson):
        at = berlin(2026, 6, 1, 10, 0)
        self.schedule(approved, spokesperson, at)
        assert services.complete_due_publications(now=at - SECOND) == []
        assert fresh(approved).number is None
        assert services.complete_due_publications(now=at) == [approved]
        stored = fresh(approved)
        assert (stored.status, stored.number_label, stored.effects_done_at) == (
            Status.PUBLISHED, "1/2026", at)

    def test_running_twice_changes_nothing(self, approved, spokesperson):
        at = berlin(2026, 6, 1, 10, 0)
        self.schedule(approved, spokesperson, at)
        services.complete_due_publications(now=at + SECOND)
        row = Release.objects.filter(pk=approved.pk).values().get()
        entries = AuditEntry.objects.count()
        assert services.complete_due_publications(now=at + 2 * SECOND) == []
        assert Release.objects.filter(pk=approved.pk).values().get() == row
        assert AuditEntry.objects.count() == entries

    def test_numbers_follow_the_publication_times(self, make_release, editor, spokesperson):
        later, earlier = [make_release(status=Status.APPROVED, created_by=editor,
                                       approved_by=spokesperson, title=title)
                          for title in ("Später", "Früher")]
        self.schedule(later, spokesperson, berlin(2026, 6, 1, 12, 0))
        self.schedule(earlier, spokesperson, berlin(2026, 6, 1, 9, 0))
        services.complete_due_publications(now=berlin(2026, 6, 1, 13, 0))
        assert (fresh(earlier).number, fresh(later).number) == (1, 2)

    def test_embargoed_release_is_completed_when_its_embargo_ends(self, approved,
                                                                  spokesperson):
        at, embargo = berlin(2026, 6, 1, 10, 0), berlin(2026, 6, 1, 12, 0)
        Release.objects.filter(pk=approved.pk).update(embargo_until=embargo)
        self.schedule(fresh(approved), spokesperson, at)
        assert services.complete_due_publications(now=embargo - SECOND) == []
        assert len(services.complete_due_publications(now=embargo)) == 1

    def test_command_completes_and_check_passes(self, approved, spokesperson):
        at = timezone.now() - datetime.timedelta(minutes=2)
        self.schedule(approved, spokesperson, at)
        out = io.StringIO()
        call_command("publish_due", stdout=out)
        assert approved.title in out.getvalue()
        assert fresh(approved).effects_done_at is not None
        call_command("publish_due", "--check", stdout=io.StringIO())

    def test_check_lists_overdue_publications_and_fails(self, approved, spokesperson):
        self.schedule(approved, spokesperson, timezone.now() - datetime.timedelta(minutes=6))
        out = io.StringIO()
        with pytest.raises(CommandError):
            call_command("publish_due", "--check", stdout=out)
        assert approved.title in out.getvalue()
        assert fresh(approved).effects_done_at is None  # --check changes nothing

    def test_check_passes_within_the_first_minutes(self, approved, spokesperson):
        self.schedule(approved, spokesperson, timezone.now() - datetime.timedelta(minutes=4))
        call_command("publish_due", "--check", stdout=io.StringIO())

    def test_changelist_warns_of_overdue_publications(self, approved, spokesperson,
                                                      spokesperson_client):
        self.schedule(approved, spokesperson, timezone.now() - datetime.timedelta(hours=1))
        response = spokesperson_client.get(reverse("admin:releases_release_changelist"))
        assert any(approved.title in message and "publish_due" in message
                   for message in messages_of(response))

    def test_releases_published_directly_are_never_overdue(self, published):
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
            assert not services.overdue_publications().exists()


class TestWithdraw:
    REASON = "Die Veranstaltung wurde abgesagt; die Medieninformation ist überholt."

    def test_published_release_is_withdrawn_with_its_reason(self, published, spokesperson):
        services.withdraw(published, spokesperson, self.REASON)
        stored = fresh(published)
        assert (stored.status, stored.withdrawal_reason) == (Status.WITHDRAWN, self.REASON)
        assert stored.withdrawn_at is not None
        assert not is_public(stored)
        assert AuditEntry.objects.get(action=Action.WITHDRAW).detail == self.REASON

    def test_page_keeps_its_address_with_a_notice(self, client, published, spokesperson):
        services.withdraw(published, spokesperson, self.REASON)
        response = client.get(published.get_absolute_url())
        content = response.content.decode()
        assert response.status_code == 200
        assert published.title in content
        assert self.REASON in content
        assert "zurückgezogen" in content
        assert timezone.localtime(fresh(published).withdrawn_at).strftime("%Y") in content
        assert "Text." not in content  # the body is gone
        assert response["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in content

    def test_removed_for_legal_reasons_is_gone_and_says_nothing(self, client, published,
                                                                spokesperson):
        services.withdraw(published, spokesperson, "Einstweilige Verfügung", is_legal=True)
        response = client.get(published.get_absolute_url())
        content = response.content.decode()
        assert response.status_code == 410
        assert published.title not in content
        assert "Verfügung" not in content

    def test_legal_removal_is_gone_also_under_another_slug(self, client, published,
                                                           spokesperson):
        services.withdraw(published, spokesperson, "Einstweilige Verfügung", is_legal=True)
        url = reverse("releases:release-detail", kwargs={"pk": published.pk, "slug": "x"})
        assert client.get(url).status_code == 410

    def test_withdrawn_before_it_was_ever_public_is_not_found(self, client, approved,
                                                              spokesperson):
        services.schedule(approved, spokesperson, timezone.now() + datetime.timedelta(days=1))
        services.withdraw(approved, spokesperson, "Termin verschoben.")
        assert client.get(approved.get_absolute_url()).status_code == 404

    def test_removed_for_legal_reasons_before_it_was_ever_public_is_not_found(
            self, client, approved, spokesperson):
        """Not 410: that would tell that a release under this number exists."""
        services.schedule(approved, spokesperson, timezone.now() + datetime.timedelta(days=1))
        services.withdraw(approved, spokesperson, "Einstweilige Verfügung", is_legal=True)
        for url in (approved.get_absolute_url(), reverse(
                "releases:release-print", kwargs={"pk": approved.pk, "slug": "x"})):
            assert client.get(url).status_code == 404

    def test_withdrawing_needs_a_reason(self, published, spokesperson):
        refused("reason_required", services.withdraw, published, spokesperson, "")

    def test_editor_cannot_withdraw(self, published, editor):
        refused("permission", services.withdraw, published, editor, self.REASON)

    def test_restoring_a_release_that_was_public_publishes_it_again_with_its_number(
            self, client, published, spokesperson):
        number = fresh(published).number_label
        services.withdraw(published, spokesperson, self.REASON, is_legal=True)
        services.restore(published, spokesperson)
        stored = fresh(published)
        assert (stored.status, stored.number_label, stored.withdrawal_reason) == (
            Status.PUBLISHED, number, "")
        assert not stored.is_removed_for_legal_reasons
        assert client.get(published.get_absolute_url()).status_code == 200
        assert actions(stored)[-1] == Action.RESTORE

    def test_restoring_a_release_that_was_never_public_makes_it_a_draft(self, approved,
                                                                        spokesperson):
        services.schedule(approved, spokesperson, timezone.now() + datetime.timedelta(days=1))
        services.withdraw(approved, spokesperson, "Termin verschoben.")
        services.restore(approved, spokesperson)
        stored = fresh(approved)
        assert (stored.status, stored.published_at, stored.approved_by) == (
            Status.DRAFT, None, None)


class TestWithdrawnReleaseLeavesEveryOutput:
    """Whatever lists releases reads public(): a withdrawn release is nowhere."""

    TITLE = "Zusammenarbeit mit Schlesien ausgebaut"

    @pytest.fixture
    def release(self, published, editor, spokesperson, topic, make_release):
        # A minor change, indexed for search.
        release = change_live(published, editor, spokesperson, title=self.TITLE,
                              teaser="Kattowitz")
        release.topics.add(topic)
        # The topic has another public release: its page and feed stay.
        make_release(title="Andere Meldung", published_at=berlin(2020, 1, 6, 10)).topics.add(topic)
        return release

    def outputs(self, client, release, topic):
        local = timezone.localtime(release.published_at)
        return {
            "home": client.get(reverse("releases:home")),
            "list": client.get(reverse("releases:release-list")),
            "topic": client.get(reverse("releases:topic-detail", kwargs={"slug": topic.slug})),
            "archive": client.get(reverse("releases:archive-month", kwargs={
                "year": str(local.year), "month": f"{local.month:02d}"})),
            "feed": client.get(reverse("releases:feed")),
            "atom": client.get(reverse("releases:feed-atom")),
            "topic-feed": client.get(reverse("releases:topic-feed",
                                             kwargs={"slug": topic.slug})),
            "sitemap": client.get(reverse("sitemap-section", kwargs={"section": "releases"})),
            "api": client.get("/api/releases/"),
        }

    def test_before_withdrawal_every_output_shows_it(self, client, release, topic):
        for name, response in self.outputs(client, release, topic).items():
            assert self.TITLE in response.content.decode() or (
                release.get_absolute_url() in response.content.decode()), name
        assert [found.pk for found in search("Schlesien")] == [release.pk]

    def test_after_withdrawal_no_output_shows_it(self, client, release, topic, spokesperson):
        services.withdraw(release, spokesperson, "Überholt durch eine neuere Meldung.")
        for name, response in self.outputs(client, release, topic).items():
            if name == "archive":
                assert response.status_code == 404, name  # the month has no release left
                continue
            assert response.status_code == 200, name
            content = response.content.decode()
            assert self.TITLE not in content, name
            assert release.get_absolute_url() not in content, name
        assert list(search("Schlesien")) == []
        # Its ninjs document says it is withdrawn, without its text (tests/test_api_sync.py).
        document = client.get(f"/api/releases/{release.uuid}/").json()
        assert document["pubstatus"] == "canceled" and "bodies" not in document

    def test_archive_count_drops(self, client, release, make_release, spokesperson):
        make_release(published_at=release.published_at)
        archive = reverse("releases:archive")
        year = timezone.localtime(release.published_at).year
        assert f'>{year}</a> <span class="count">2 ' in client.get(archive).content.decode()
        services.withdraw(release, spokesperson, "Überholt durch eine neuere Meldung.")
        assert f'>{year}</a> <span class="count">1 ' in client.get(archive).content.decode()


class TestCorrect:
    """A correction is a working edition with a note, published after a second person's
    review (tests/test_editions.py has the editions themselves)."""

    NOTE = "In einer früheren Fassung stand ein falsches Datum."

    def test_correction_is_shown_on_the_page_with_its_date(self, client, published,
                                                           editor, spokesperson):
        change_live(published, editor, spokesperson, note=self.NOTE)
        correction = Correction.objects.get()
        assert (correction.release, correction.created_by) == (published, spokesperson)
        content = client.get(published.get_absolute_url()).content.decode()
        assert self.NOTE in content
        assert "Berichtigung" in content
        assert actions(published)[-1] == Action.CORRECT

    def test_feed_dates_the_update_by_the_latest_correction(self, client, published,
                                                            editor, spokesperson):
        atom = reverse("releases:feed-atom")
        published_at = fresh(published).published_at
        assert f"<updated>{published_at.isoformat()}</updated>" in (
            client.get(atom).content.decode().replace("+00:00", "+00:00"))
        with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=False):
            change_live(published, editor, spokesperson, note=self.NOTE)
            corrected_at = timezone.now()
        content = client.get(atom).content.decode()
        assert f"<updated>{corrected_at.isoformat()}</updated>" in content

    def test_minor_change_does_not_date_an_update(self, client, published, editor,
                                                  spokesperson):
        with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=False):
            change_live(published, editor, spokesperson, title="Tippfehler im Titel behoben")
        content = client.get(reverse("releases:feed-atom")).content.decode()
        assert f"<updated>{fresh(published).published_at.isoformat()}</updated>" in content
        assert "Tippfehler im Titel behoben" in content
        assert not Correction.objects.exists()
        assert actions(published)[-1] == Action.PUBLISH

    @pytest.mark.parametrize("feed", ["releases:feed", "releases:feed-atom"])
    def test_feed_queries_do_not_grow_with_corrections(self, client, make_release, feed,
                                                       editor, spokesperson):
        counts = []
        for _ in range(2):
            for release in [make_release() for _ in range(5)]:
                change_live(release, editor, spokesperson, note=self.NOTE)
            client.get(reverse(feed))
            with CaptureQueriesContext(connection) as captured:
                client.get(reverse(feed))
            counts.append(len(captured.captured_queries))
        assert counts[0] == counts[1]

    def test_a_draft_has_no_working_edition(self, draft, editor):
        refused("state", services.start_edition, draft, editor)

    def test_editor_cannot_publish_a_correction(self, published, editor, spokesperson):
        edition = services.start_edition(published, editor)
        edition.change_note = self.NOTE
        services.save_release(edition, editor, changed=True)
        services.submit(edition, editor)
        services.approve(edition, spokesperson)
        refused("permission", services.publish, fresh(edition), editor)
        assert not Correction.objects.exists()


# The admin ---------------------------------------------------------------------------

class TestChangeFormButtons:
    def test_editor_sees_submit_but_not_approve_on_her_draft(self, editor_client, draft):
        content = editor_client.get(change_url(draft)).content.decode()
        assert f'action="{workflow_url(draft, "submit")}"' in content
        assert workflow_url(draft, "approve") not in content

    def test_press_office_sees_approve_and_send_back_on_a_release_in_review(
            self, spokesperson_client, in_review):
        content = spokesperson_client.get(change_url(in_review)).content.decode()
        assert f'action="{workflow_url(in_review, "approve")}"' in content
        assert f'href="{workflow_url(in_review, "reject")}"' in content

    def test_status_is_not_a_field_of_the_form(self, editor_client, draft):
        form = editor_client.get(change_url(draft)).context["adminform"].form
        assert "status" not in form.fields
        assert "published_at" not in form.fields

    def test_submit_button_submits_and_says_so(self, editor_client, draft):
        response = editor_client.post(workflow_url(draft, "submit"),
                                      {"version": str(draft.version)}, follow=True)
        assert fresh(draft).status == Status.IN_REVIEW
        assert "Zur Prüfung eingereicht." in messages_of(response)

    def test_button_on_an_old_version_shows_an_error_not_a_crash(self, editor_client, draft,
                                                                 editor):
        old = draft.version
        services.submit(fresh(draft), editor)
        response = editor_client.post(workflow_url(draft, "submit"), {"version": str(old)},
                                      follow=True)
        assert response.status_code == 200
        assert any("in der Zwischenzeit" in message for message in messages_of(response))

    def test_refused_operation_is_a_message(self, editor_client, in_review):
        response = editor_client.post(workflow_url(in_review, "approve"),
                                      {"version": str(in_review.version)}, follow=True)
        assert response.status_code == 200
        assert fresh(in_review).status == Status.IN_REVIEW
        assert any("dürfen Sie nicht" in message for message in messages_of(response))

    def test_send_back_without_a_note_shows_the_form_again(self, spokesperson_client,
                                                          in_review):
        url = workflow_url(in_review, "reject")
        assert spokesperson_client.get(url).status_code == 200
        response = spokesperson_client.post(url, {"version": str(in_review.version),
                                                  "note": ""})
        assert response.status_code == 200
        assert response.context["form"].errors["note"]
        response = spokesperson_client.post(url, {"version": str(in_review.version),
                                                  "note": "Zitat fehlt."})
        assert response.status_code == 302
        assert fresh(in_review).status == Status.DRAFT

    def test_publish_by_the_author_asks_for_a_reason_and_keeps_it(self, make_release,
                                                                   spokesperson,
                                                                   spokesperson_client):
        release = make_release(status=Status.IN_REVIEW, created_by=spokesperson)
        url = workflow_url(release, "publish")
        page = spokesperson_client.get(url)
        assert page.context["override_needed"]
        assert 'name="override_reason"' in page.content.decode()
        response = spokesperson_client.post(url, {"version": str(release.version),
                                                  "override_reason": "zu kurz"})
        assert response.status_code == 200
        assert "zu kurz" in response.content.decode()
        assert not is_public(release)
        reason = "Die Staatssekretärin hat den Text am Telefon freigegeben."
        response = spokesperson_client.post(url, {"version": str(release.version),
                                                  "override_reason": reason})
        assert response.status_code == 302
        assert is_public(release)
        assert AuditEntry.objects.get(action=Action.OVERRIDE).detail == reason

    def test_schedule_form_takes_german_time(self, spokesperson_client, approved):
        url = workflow_url(approved, "schedule")
        with time_machine.travel(berlin(2026, 10, 20, 9, 0), tick=False):
            response = spokesperson_client.post(url, {
                "version": str(approved.version), "at_0": "25.10.2026", "at_1": "02:30"})
            assert response.status_code == 200
            assert response.context["form"].errors["at"]  # exists twice that night
            response = spokesperson_client.post(url, {
                "version": str(approved.version), "at_0": "26.10.2026", "at_1": "10:00"})
        assert response.status_code == 302
        assert fresh(approved).published_at == berlin(2026, 10, 26, 10, 0)

    def test_a_time_in_the_past_is_refused_at_the_time(self, spokesperson_client, approved):
        past = timezone.localtime(timezone.now() - datetime.timedelta(hours=2))
        response = spokesperson_client.post(workflow_url(approved, "schedule"), {
            "version": str(approved.version), "at_0": past.strftime("%d.%m.%Y"),
            "at_1": past.strftime("%H:%M")})
        assert response.status_code == 200
        assert response.context["form"].errors["at"] == [
            "Der Veröffentlichungszeitpunkt muss in der Zukunft liegen."]
        assert fresh(approved).status == Status.APPROVED

    def test_schedule_form_without_a_time_is_refused_at_the_time(self, spokesperson_client,
                                                                 approved):
        response = spokesperson_client.post(workflow_url(approved, "schedule"), {
            "version": str(approved.version), "at_0": "", "at_1": ""})
        assert response.status_code == 200
        assert response.context["form"].errors["at"]
        assert fresh(approved).status == Status.APPROVED

    def test_withdraw_form_withdraws_with_the_reason(self, spokesperson_client, published):
        response = spokesperson_client.post(workflow_url(published, "withdraw"), {
            "version": str(published.version), "reason": "Überholt.", "is_legal": ""})
        assert response.status_code == 302
        assert fresh(published).withdrawal_reason == "Überholt."

    def test_unknown_operation_is_not_found(self, spokesperson_client, draft):
        assert spokesperson_client.post(workflow_url(draft, "delete"), {
            "version": "1"}).status_code == 404


class TestChangelistActions:
    def post(self, client, action, releases):
        return client.post(reverse("admin:releases_release_changelist"), {
            "action": action, "_selected_action": [str(r.pk) for r in releases]}, follow=True)

    def test_submit_selected_reports_the_ones_it_skipped(self, editor_client, draft,
                                                         make_release, editor):
        other = make_release(status=Status.PUBLISHED, created_by=editor, title="Schon da")
        response = self.post(editor_client, "submit_selected", [draft, other])
        assert fresh(draft).status == Status.IN_REVIEW
        assert fresh(other).status == Status.PUBLISHED
        texts = messages_of(response)
        assert any("1 Medieninformation" in text for text in texts)
        assert any("Schon da" in text and "übersprungen" in text for text in texts)

    def test_publish_selected_keeps_four_eyes_per_release(self, spokesperson_client,
                                                          approved, make_release,
                                                          spokesperson, deputy):
        own = make_release(status=Status.APPROVED, created_by=spokesperson,
                           approved_by=deputy, title="Eigener Text")
        response = self.post(spokesperson_client, "publish_selected", [approved, own])
        assert is_public(approved)
        assert not is_public(own)
        assert any("Eigener Text" in text for text in messages_of(response))

    def test_editor_is_not_offered_review_or_publish_actions(self, editor_client, draft):
        response = editor_client.get(reverse("admin:releases_release_changelist"))
        offered = [name for name, _label in
                   response.context["action_form"].fields["action"].choices]
        assert "submit_selected" in offered
        assert "approve_selected" not in offered
        assert "publish_selected" not in offered
        assert "delete_selected" not in offered


class TestEditingThroughTheChangeForm:
    def test_editor_creates_a_draft_logged_as_created(self, editor_client, organisation,
                                                      editor):
        response = editor_client.post(reverse("admin:releases_release_add"), form_data(
            Release(organisation=organisation, title="Neu", slug="neu", body="<p>A</p>"),
            expected_version=""))
        assert response.status_code == 302
        release = Release.objects.get()
        assert (release.status, release.created_by, release.version) == (
            Status.DRAFT, editor, 1)
        assert actions(release) == [Action.CREATE]

    def test_nobody_changes_a_published_release_in_place(self, spokesperson_client,
                                                         published, client):
        version = fresh(published).version
        response = spokesperson_client.post(change_url(published), form_data(
            fresh(published), title="Ohne Tippfehler"))
        assert response.status_code == 409  # refused, the text typed shown to copy
        stored = fresh(published)
        assert (stored.title, stored.version, stored.status) == (
            published.title, version, Status.PUBLISHED)
        assert "Ohne Tippfehler" not in client.get(published.get_absolute_url()).content.decode()

    def test_editor_sees_a_published_release_read_only(self, editor_client, published):
        response = editor_client.get(change_url(published))
        assert response.status_code == 200
        assert not response.context["has_change_permission"]
        response = editor_client.post(change_url(published), form_data(
            fresh(published), title="Heimlich geändert"))
        assert response.status_code == 409
        assert fresh(published).title != "Heimlich geändert"

    def test_changing_an_approved_release_sends_it_back_to_review(self, editor_client,
                                                                  approved):
        response = editor_client.post(change_url(approved), form_data(
            fresh(approved), teaser="Ein neuer Vorspann nach der Freigabe."), follow=True)
        stored = fresh(approved)
        assert (stored.status, stored.approved_by) == (Status.IN_REVIEW, None)
        assert any("erneut" in message for message in messages_of(response))
        assert "Freigabe" in AuditEntry.objects.filter(action=Action.EDIT).last().detail

    def test_saving_an_approved_release_unchanged_keeps_the_approval(self, editor_client,
                                                                     approved):
        editor_client.post(change_url(approved), form_data(fresh(approved)))
        assert fresh(approved).status == Status.APPROVED


class TestConcurrentEdits:
    """Two editors open the same release; the second save must not overwrite the first."""

    def test_second_save_on_the_same_version_is_refused_and_keeps_the_text(
            self, editor_client, spokesperson_client, draft, spokesperson):
        spokesperson.user_permissions.add(Permission.objects.get(codename="change_release"))
        first_form = editor_client.get(change_url(draft)).context["adminform"].form
        second_form = spokesperson_client.get(change_url(draft)).context["adminform"].form
        assert first_form["expected_version"].value() == second_form[
            "expected_version"].value() == draft.version

        response = editor_client.post(change_url(draft), form_data(
            draft, title="Titel der Redakteurin"))
        assert response.status_code == 302

        response = spokesperson_client.post(change_url(draft), form_data(
            draft, title="Titel des Sprechers", teaser="Vorspann des Sprechers"))
        content = response.content.decode()
        assert response.status_code == 200
        assert "jemand anderes" in content.lower() or "Jemand anderes" in content
        assert 'value="Titel des Sprechers"' in content
        assert "Vorspann des Sprechers" in content
        changes = {change["name"]: change["lines"] for change in response.context["conflict"]}
        assert ("removed", "Titel der Redakteurin") in changes["title"]
        assert ("added", "Titel des Sprechers") in changes["title"]
        assert 'Titel <del>der Redakteurin</del> <ins>des Sprechers</ins>' in content
        assert fresh(draft).title == "Titel der Redakteurin"

        # Saving again, having seen the difference, replaces the stored version knowingly.
        form = response.context["adminform"].form
        assert form["expected_version"].value() == str(fresh(draft).version)
        response = spokesperson_client.post(change_url(draft), form_data(
            draft, title="Titel des Sprechers", expected_version=str(fresh(draft).version)))
        assert response.status_code == 302
        assert fresh(draft).title == "Titel des Sprechers"

    def test_conflict_difference_is_inert_for_hostile_text(self, editor_client, draft,
                                                           spokesperson_client, spokesperson):
        spokesperson.user_permissions.add(Permission.objects.get(codename="change_release"))
        hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        editor_client.post(change_url(draft), form_data(draft, title=hostile))
        response = spokesperson_client.post(change_url(draft), form_data(
            draft, title="Harmlos"))
        content = response.content.decode()
        assert response.status_code == 200
        assert '<script>alert("x")' not in content
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content

    def test_workflow_step_between_load_and_save_is_a_conflict(self, editor_client, draft,
                                                               editor):
        data = form_data(draft, title="Nach dem Einreichen geändert")
        services.submit(fresh(draft), editor)
        response = editor_client.post(change_url(draft), data)
        assert response.status_code == 200
        assert response.context["conflict"] == [
            change for change in response.context["conflict"] if change["name"] == "title"]
        assert fresh(draft).title != "Nach dem Einreichen geändert"
        assert fresh(draft).status == Status.IN_REVIEW

    def test_stale_version_is_refused_by_the_service_too(self, draft, editor):
        old = fresh(draft)
        services.submit(fresh(draft), editor)
        old.title = "Überschrieben"
        refused("conflict", services.save_release, old, editor)
        assert fresh(draft).title != "Überschrieben"


class TestRoles:
    """The groups of 0004_roles, as the admin offers them."""

    def test_redaktion_may_write_and_submit_only(self, editor):
        assert editor.has_perm("releases.submit_release")
        for codename in ("review_release", "publish_release", "correct_release",
                         "withdraw_release", "delete_release", "view_auditentry"):
            assert not editor.has_perm(f"releases.{codename}"), codename

    def test_pressestelle_may_review_publish_correct_and_withdraw(self, spokesperson):
        for codename in ("submit_release", "review_release", "publish_release",
                         "correct_release", "withdraw_release"):
            assert spokesperson.has_perm(f"releases.{codename}"), codename
        assert not spokesperson.has_perm("releases.delete_release")
        assert not spokesperson.has_perm("releases.view_auditentry")

    def test_a_whole_run_with_real_roles_through_the_admin(self, editor_client, organisation,
                                                           spokesperson_client, client):
        editor_client.post(reverse("admin:releases_release_add"), form_data(
            Release(organisation=organisation, title="Kabinett beschließt Förderprogramm",
                    slug="kabinett", body="<p>Dresden.</p>"), expected_version=""))
        release = Release.objects.get()
        for actor, operation, data in [
                (editor_client, "submit", {}),
                (spokesperson_client, "reject", {"note": "Bitte Zahlen ergänzen."}),
                (editor_client, "submit", {}),
                (spokesperson_client, "approve", {}),
                (spokesperson_client, "publish", {"override_reason": ""})]:
            response = actor.post(workflow_url(release, operation), {
                "version": str(fresh(release).version), **data})
            assert response.status_code == 302, (operation, response.content[:300])
        assert client.get(release.get_absolute_url()).status_code == 200
        assert actions(release) == [Action.CREATE, Action.SUBMIT, Action.REJECT,
                                    Action.SUBMIT, Action.APPROVE, Action.PUBLISH]
