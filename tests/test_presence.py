"""Two editors at one release: presence notices, edit locks, refused saves and taking both.

Redaktion writes, the Pressestelle reviews and may release anyone's lock. Times are
frozen in Berlin winter time, so "10:12 Uhr" is 09:12 UTC.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from releases import editing, services
from releases.merge import merge
from releases.models import AuditEntry, EditLock, EditorPresence, Release

from .admin_helpers import form_data
from .workflow_fixtures import change_url, fresh, logged_in, member, workflow_url

pytest_plugins = ["tests.workflow_fixtures"]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
MORNING = datetime.datetime(2026, 3, 10, 10, 12, tzinfo=BERLIN)
MINUTE = datetime.timedelta(minutes=1)
Action = AuditEntry.Action


def named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def erika(editor):
    return named(editor, "Erika", "Muster")


@pytest.fixture
def colleague(db):
    """A second member of Redaktion."""
    return named(member("kollege", "Redaktion"), "Max", "Beispiel")


@pytest.fixture
def colleague_client(colleague):
    return logged_in(colleague)


@pytest.fixture
def kept_draft(organisation, erika):
    """A draft written through the services, so its versions are kept (a merge's base)."""
    return services.save_release(Release(
        organisation=organisation, title="Große Resonanz bei simul+Werkstatt in Kattowitz",
        slug="simul-werkstatt", teaser="Zusammenarbeit ausgebaut.",
        body="<p>Die simul+Werkstatt fand am 7. Oktober statt.</p>"), erika)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def text_of(response):
    return response.content.decode()


def presence_url(release):
    return reverse("admin:releases_release_presence", args=[release.pk])


def lock_url(release):
    return reverse("admin:releases_release_lock", args=[release.pk])


def unlock_url(release):
    return reverse("admin:releases_release_unlock", args=[release.pk])


class TestPresence:
    def test_second_editor_is_told_who_has_the_form_open_since_when(
            self, draft, editor_client, spokesperson_client, erika):
        with time_machine.travel(MORNING, tick=False):
            editor_client.get(change_url(draft))
        with time_machine.travel(MORNING + 2 * MINUTE, tick=False):
            response = spokesperson_client.get(change_url(draft))
        assert "Erika Muster bearbeitet diese Medieninformation seit 10:12 Uhr." in text_of(
            response)

    def test_own_open_form_is_no_notice(self, draft, editor_client):
        editor_client.get(change_url(draft))
        response = editor_client.get(change_url(draft))
        assert "bearbeitet diese Medieninformation" not in text_of(response)

    def test_a_save_is_reported_with_its_time(self, draft, editor_client,
                                              spokesperson_client, erika):
        with time_machine.travel(MORNING, tick=False):
            editor_client.get(change_url(draft))
        with time_machine.travel(MORNING + 2 * MINUTE, tick=False):
            response = editor_client.post(change_url(draft), form_data(
                draft, teaser="Neu geschrieben."))
            assert response.status_code == 302
        with time_machine.travel(MORNING + 3 * MINUTE, tick=False):
            response = spokesperson_client.get(change_url(draft))
        assert "Erika Muster hat diese Medieninformation um 10:14 Uhr gespeichert." in (
            text_of(response))

    def test_saving_and_reopening_reports_both(self, draft, editor_client,
                                               spokesperson_client, erika):
        with time_machine.travel(MORNING, tick=False):
            editor_client.get(change_url(draft))
        with time_machine.travel(MORNING + 2 * MINUTE, tick=False):
            editor_client.post(change_url(draft), form_data(draft, teaser="Neu.",
                                                            _continue="1"))
            editor_client.get(change_url(draft))
        with time_machine.travel(MORNING + 3 * MINUTE, tick=False):
            response = spokesperson_client.get(change_url(draft))
        assert ("Erika Muster bearbeitet diese Medieninformation seit 10:12 Uhr und hat sie "
                "um 10:14 Uhr gespeichert.") in text_of(response)

    def test_presence_older_than_the_window_is_neither_shown_nor_kept(
            self, draft, editor_client, spokesperson_client):
        with time_machine.travel(MORNING, tick=False):
            editor_client.get(change_url(draft))
        with time_machine.travel(MORNING + editing.PRESENCE_WINDOW + MINUTE, tick=False):
            response = spokesperson_client.get(change_url(draft))
        assert "bearbeitet diese Medieninformation" not in text_of(response)
        assert list(EditorPresence.objects.values_list("user__username", flat=True)) == [
            "sprecher"]

    def test_heartbeat_keeps_the_notice_and_its_start(self, draft, editor_client,
                                                      spokesperson_client):
        with time_machine.travel(MORNING, tick=False):
            editor_client.get(change_url(draft))
        for minutes in (4, 8, 12):
            with time_machine.travel(MORNING + minutes * MINUTE, tick=False):
                assert editor_client.post(presence_url(draft)).status_code == 200
        with time_machine.travel(MORNING + 13 * MINUTE, tick=False):
            response = spokesperson_client.get(change_url(draft))
        assert "bearbeitet diese Medieninformation seit 10:12 Uhr" in text_of(response)

    def test_heartbeat_answers_who_else_is_at_work(self, draft, editor_client,
                                                   spokesperson_client, erika):
        with time_machine.travel(MORNING, tick=False):
            editor_client.get(change_url(draft))
            answer = spokesperson_client.post(presence_url(draft)).json()
        assert answer == {"notices": [
            "Erika Muster bearbeitet diese Medieninformation seit 10:12 Uhr."]}

    def test_heartbeat_without_csrf_token_is_refused(self, draft, editor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        assert client.post(presence_url(draft)).status_code == 403
        assert not EditorPresence.objects.exists()

    def test_closing_the_form_ends_the_notice(self, draft, editor_client,
                                              spokesperson_client):
        editor_client.get(change_url(draft))
        editor_client.post(presence_url(draft), {"state": "left"})
        response = spokesperson_client.get(change_url(draft))
        assert "bearbeitet diese Medieninformation" not in text_of(response)

    def test_reading_a_published_release_is_not_editing_it(self, published, editor_client,
                                                           spokesperson_client):
        editor_client.get(change_url(published))
        response = spokesperson_client.get(change_url(published))
        assert "bearbeitet diese Medieninformation" not in text_of(response)
        # Nothing to lock or to be told about: no empty "Bearbeitung" box either.
        assert 'id="editing-heading"' not in response.content.decode()


class TestLocks:
    def test_others_see_who_locked_it_since_when_in_form_and_list(
            self, draft, editor_client, colleague_client, erika):
        with time_machine.travel(MORNING, tick=False):
            response = editor_client.post(lock_url(draft), follow=True)
            assert any("gesperrt" in message for message in messages_of(response))
            form = text_of(colleague_client.get(change_url(draft)))
            changelist = text_of(colleague_client.get(
                reverse("admin:releases_release_changelist")))
        assert ("Erika Muster hat diese Medieninformation seit 10:12 Uhr zum Bearbeiten "
                "gesperrt.") in form
        assert "Zum Bearbeiten sperren" not in form
        assert "Erika Muster" in changelist and "seit 10:12 Uhr" in changelist

    def test_holder_is_told_it_is_theirs_and_may_save(self, draft, editor_client, editor):
        editing.lock(draft, editor)
        page = text_of(editor_client.get(change_url(draft)))
        assert "Sie haben diese Medieninformation seit" in page
        assert "Sperre aufheben" in page
        response = editor_client.post(change_url(draft), form_data(draft, teaser="Meins."))
        assert response.status_code == 302
        assert fresh(draft).teaser == "Meins."

    def test_other_editor_cannot_save_and_keeps_the_text(self, draft, editor,
                                                         colleague_client):
        editing.lock(draft, editor)
        response = colleague_client.post(change_url(draft), form_data(
            draft, teaser="Mein ungespeicherter Vorspann."))
        page = text_of(response)
        assert response.status_code == 200
        assert "zum Bearbeiten gesperrt" in page
        assert "Ihre Änderungen wurden nicht gespeichert; sie stehen noch im Formular." in page
        assert "Mein ungespeicherter Vorspann." in page
        assert fresh(draft).teaser != "Mein ungespeicherter Vorspann."

    def test_other_editor_cannot_release_it(self, draft, editor, colleague_client):
        editing.lock(draft, editor)
        page = text_of(colleague_client.get(change_url(draft)))
        assert "Sperre aufheben" not in page
        response = colleague_client.post(unlock_url(draft), follow=True)
        assert any("Nur redakteurin oder die Pressestelle" in message
                   for message in messages_of(response))
        assert EditLock.objects.filter(release=draft).exists()

    def test_press_office_releases_anyones_lock_logged(self, draft, editor,
                                                       spokesperson_client):
        editing.lock(draft, editor)
        page = text_of(spokesperson_client.get(change_url(draft)))
        assert "Sie können die Sperre aufheben." not in page  # the button says it
        assert "Sperre aufheben" in page
        response = spokesperson_client.post(unlock_url(draft), follow=True)
        assert "Die Sperre ist aufgehoben." in messages_of(response)
        assert not EditLock.objects.exists()
        entries = list(AuditEntry.objects.filter(release=draft, action__in=[
            Action.LOCK, Action.UNLOCK]).order_by("pk").values_list(
            "action", "actor_name", "detail"))
        assert entries[0][:2] == (Action.LOCK, "redakteurin")
        assert entries[1][:2] == (Action.UNLOCK, "sprecher")
        assert "Sperre von redakteurin" in entries[1][2]

    def test_a_second_lock_by_someone_else_is_refused(self, draft, editor, colleague):
        editing.lock(draft, editor)
        with pytest.raises(editing.LockRefused):
            editing.lock(fresh(draft), colleague)
        assert EditLock.objects.get().locked_by == editor

    def test_workflow_steps_of_others_are_refused_and_not_offered(
            self, draft, editor, colleague, colleague_client):
        editing.lock(draft, editor)
        assert "submit" not in services.allowed_transitions(fresh(draft), colleague)
        with pytest.raises(services.WorkflowError) as caught:
            services.submit(fresh(draft), colleague)
        assert caught.value.code == "locked"
        response = colleague_client.post(workflow_url(draft, "submit"),
                                         {"version": str(draft.version)}, follow=True)
        assert any("zum Bearbeiten gesperrt" in message for message in messages_of(response))
        assert fresh(draft).status == Release.Status.DRAFT

    def test_press_office_cannot_approve_while_locked(self, make_release, editor,
                                                      spokesperson):
        release = make_release(status=Release.Status.IN_REVIEW, published_at=None,
                               created_by=editor)
        editing.lock(release, editor)
        refusal = services.refusal("approve", fresh(release), spokesperson)
        assert "Sie können die Sperre aufheben." in refusal
        with pytest.raises(services.WorkflowError):
            services.approve(fresh(release), spokesperson)
        editing.unlock(release, spokesperson)
        assert services.refusal("approve", fresh(release), spokesperson) is None

    def test_preview_link_is_not_a_change_and_allowed(self, draft, editor, colleague):
        editing.lock(draft, editor)
        assert services.refusal("preview", fresh(draft), colleague) is None

    def test_services_refuse_a_save_too(self, draft, editor, colleague):
        editing.lock(draft, editor)
        release = fresh(draft)
        release.title = "Überschrieben"
        with pytest.raises(services.WorkflowError) as caught:
            services.save_release(release, colleague)
        assert caught.value.code == "locked"
        assert fresh(draft).title != "Überschrieben"

    def test_a_published_release_is_not_locked(self, published, editor_client):
        response = editor_client.post(lock_url(published), follow=True)
        assert any("nicht gesperrt" in message for message in messages_of(response))
        assert not EditLock.objects.exists()

    def test_list_queries_do_not_grow_with_locked_releases(
            self, make_release, editor, spokesperson_client):
        def locked_releases(count):
            for _ in range(count):
                editing.lock(make_release(status=Release.Status.DRAFT, published_at=None),
                             editor)

        url = reverse("admin:releases_release_changelist")
        locked_releases(1)
        spokesperson_client.get(url)  # the site's name in the header is kept from then on
        with CaptureQueriesContext(connection) as one:
            spokesperson_client.get(url)
        locked_releases(10)
        with CaptureQueriesContext(connection) as eleven:
            page = text_of(spokesperson_client.get(url))
        assert page.count('class="edit-lock-badge"') == 11
        assert len(eleven.captured_queries) == len(one.captured_queries)


class TestRefusedSave:
    """Erika loads the release; Max saves first; Erika's save is refused, then merged."""

    def test_refused_save_keeps_my_text_and_shows_the_other_value(
            self, kept_draft, editor_client, colleague, colleague_client):
        loaded = fresh(kept_draft)
        colleague_client.post(change_url(loaded), form_data(
            loaded, title="Große Resonanz in Kattowitz"))
        response = editor_client.post(change_url(loaded), form_data(
            loaded, teaser="Mein neuer Vorspann."))
        page = text_of(response)
        assert response.status_code == 200
        assert "Mein neuer Vorspann." in page
        assert "Was Max Beispiel geändert hat" in page
        other = page[page.index('class="module diff other-change"'):]
        assert "nur dort geändert" in other
        assert "Große Resonanz <del>bei simul+Werkstatt</del> in Kattowitz" in other
        assert "Beides übernehmen" in page
        assert fresh(kept_draft).teaser == "Zusammenarbeit ausgebaut."

    def test_take_both_saves_their_field_and_mine(self, kept_draft, editor_client,
                                                  colleague_client):
        loaded = fresh(kept_draft)
        colleague_client.post(change_url(loaded), form_data(
            loaded, title="Große Resonanz in Kattowitz"))
        mine = form_data(loaded, teaser="Mein neuer Vorspann.")
        refused = editor_client.post(change_url(loaded), mine)
        form = refused.context["adminform"].form
        response = editor_client.post(change_url(loaded), {
            **mine, "expected_version": form["expected_version"].value(),
            "merge_base": str(loaded.version), "_take_both": "1"}, follow=True)
        stored = fresh(kept_draft)
        assert (stored.title, stored.teaser) == ("Große Resonanz in Kattowitz",
                                                 "Mein neuer Vorspann.")
        assert any("Beide Änderungen sind gespeichert" in message and "Titel" in message
                   for message in messages_of(response))

    def test_take_both_leaves_a_field_both_changed_to_me(self, kept_draft, editor_client,
                                                         colleague_client):
        loaded = fresh(kept_draft)
        colleague_client.post(change_url(loaded), form_data(
            loaded, title="Titel von Max", subtitle="Unterzeile von Max"))
        mine = form_data(loaded, title="Titel von Erika")
        refused = editor_client.post(change_url(loaded), mine)
        assert "von Ihnen beiden geändert" in text_of(refused)
        response = editor_client.post(change_url(loaded), {
            **mine, "expected_version": refused.context["adminform"].form[
                "expected_version"].value(),
            "merge_base": str(loaded.version), "_take_both": "1"})
        page = text_of(response)
        form = response.context["adminform"].form
        assert response.status_code == 200
        assert "Sie beide haben geändert: Titel." in page
        assert form["title"].value() == "Titel von Erika"
        assert form["subtitle"].value() == "Unterzeile von Max"
        assert fresh(kept_draft).title == "Titel von Max"
        # Deciding and saving again keeps the merged form.
        response = editor_client.post(change_url(loaded), {
            **mine, "subtitle": form["subtitle"].value(),
            "expected_version": form["expected_version"].value()})
        assert response.status_code == 302
        assert (fresh(kept_draft).title, fresh(kept_draft).subtitle) == (
            "Titel von Erika", "Unterzeile von Max")


class TestMerge:
    BASE = {"title": "Alt", "teaser": "Vorspann", "topics": [1, 2]}

    def test_a_field_only_they_changed_takes_their_value(self):
        result = merge(self.BASE, dict(self.BASE), {**self.BASE, "title": "Ihrer"})
        assert result.values["title"] == "Ihrer"
        assert (result.taken, result.conflicts) == (("title",), ())

    def test_a_field_only_i_changed_keeps_mine(self):
        result = merge(self.BASE, {**self.BASE, "teaser": "Meiner"}, dict(self.BASE))
        assert result.values["teaser"] == "Meiner"
        assert (result.taken, result.conflicts) == ((), ())

    def test_both_changing_different_fields_takes_both(self):
        result = merge(self.BASE, {**self.BASE, "teaser": "Meiner"},
                       {**self.BASE, "topics": [1, 2, 3]})
        assert result.values == {"title": "Alt", "teaser": "Meiner", "topics": [1, 2, 3]}
        assert result.taken == ("topics",)

    def test_the_same_change_on_both_sides_is_no_conflict(self):
        result = merge(self.BASE, {**self.BASE, "title": "Neu"}, {**self.BASE, "title": "Neu"})
        assert (result.values["title"], result.taken, result.conflicts) == ("Neu", (), ())

    def test_different_changes_to_one_field_are_a_conflict_keeping_mine(self):
        result = merge(self.BASE, {**self.BASE, "title": "Meiner"},
                       {**self.BASE, "title": "Ihrer"})
        assert (result.values["title"], result.conflicts) == ("Meiner", ("title",))

    def test_key_decides_what_counts_as_a_change(self):
        result = merge({"body": "<p>A</p>"}, {"body": "<p>A</p>\n"}, {"body": "<p>B</p>"},
                       key=lambda name, value: value.strip())
        assert (result.values["body"], result.taken) == ("<p>B</p>", ("body",))

    def test_fields_not_in_my_form_are_not_merged(self):
        result = merge(self.BASE, {"title": "Alt"}, {**self.BASE, "teaser": "Ihrer"})
        assert result.values == {"title": "Alt"}
