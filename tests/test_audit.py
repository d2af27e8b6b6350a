"""The audit log: every operation, login, logout and failed login is recorded; the log is
read-only and only the Administration group sees it."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from releases import services
from releases.models import AuditEntry

from .workflow_fixtures import change_live, fresh, logged_in, member

pytest_plugins = ["tests.workflow_fixtures"]
pytestmark = pytest.mark.django_db

Action = AuditEntry.Action
CHANGELIST = "admin:releases_auditentry_changelist"
PASSWORD = "Kattowitz-2021-Werkstatt"


@pytest.fixture
def with_password(editor):
    editor.set_password(PASSWORD)
    editor.save()
    return editor


class TestAuthentication:
    def test_login_is_logged_with_the_address(self, client, with_password):
        response = client.post("/admin/login/?next=/admin/",
                               {"username": "redakteurin", "password": PASSWORD})
        assert response.status_code == 302
        entry = AuditEntry.objects.get(action=Action.LOGIN)
        assert (entry.actor, entry.actor_name, entry.ip_address) == (
            with_password, "redakteurin", "127.0.0.1")

    def test_failed_login_is_logged_with_the_name_tried_and_no_password(self, client,
                                                                        with_password):
        client.post("/admin/login/", {"username": "redakteurin", "password": "falsch123"})
        entry = AuditEntry.objects.get(action=Action.LOGIN_FAILED)
        assert (entry.actor, entry.actor_name, entry.ip_address) == (
            None, "redakteurin", "127.0.0.1")
        assert "falsch123" not in str(list(AuditEntry.objects.values()))

    def test_logout_is_logged(self, client, with_password):
        client.post("/admin/login/", {"username": "redakteurin", "password": PASSWORD})
        client.post(reverse("admin:logout"))
        entry = AuditEntry.objects.get(action=Action.LOGOUT)
        assert entry.actor == with_password


class TestOperationsAreLogged:
    def test_a_release_s_life_is_in_the_log_in_order(self, draft, editor, spokesperson,
                                                     deputy):
        release = services.save_release(draft, editor)
        services.create_preview_link(release, editor)
        services.submit(release, editor)
        services.approve(release, spokesperson)
        services.publish(release, deputy)
        change_live(release, editor, spokesperson, note="Datum berichtigt.", publisher=deputy)
        services.withdraw(fresh(release), spokesperson, "Überholt.")
        services.restore(fresh(release), spokesperson)
        logged = list(AuditEntry.objects.filter(release=release).order_by("pk")
                      .values_list("action", "actor__username"))
        assert logged == [
            (Action.EDIT, "redakteurin"), (Action.PREVIEW_LINK, "redakteurin"),
            (Action.SUBMIT, "redakteurin"), (Action.APPROVE, "sprecher"),
            (Action.PUBLISH, "stellvertreterin"),
            # The correction, written in a working edition and logged on the release.
            (Action.START_EDITION, "redakteurin"), (Action.EDIT, "redakteurin"),
            (Action.SUBMIT, "redakteurin"), (Action.APPROVE, "sprecher"),
            (Action.CORRECT, "stellvertreterin"),
            (Action.WITHDRAW, "sprecher"), (Action.RESTORE, "sprecher")]

    def test_system_operations_are_logged_as_the_system(self, make_release):
        release = services.publish(make_release(status="draft"))
        entry = AuditEntry.objects.get(release=release)
        assert (entry.action, entry.actor, entry.actor_name) == (Action.PUBLISH, None,
                                                                  "system")

    def test_entry_keeps_the_release_s_title(self, draft, editor):
        services.submit(draft, editor)
        assert AuditEntry.objects.get().object_repr == draft.title


class TestAuditAdmin:
    @pytest.fixture
    def entries(self, draft, editor, spokesperson):
        services.submit(draft, editor)
        services.reject(draft, spokesperson, "Bitte Quelle angeben.")
        return list(AuditEntry.objects.all())

    def test_administration_sees_the_log_with_time_user_action_and_release(
            self, administrator, entries, draft):
        response = logged_in(administrator).get(reverse(CHANGELIST))
        assert response.status_code == 200
        # Her own login is in the log too.
        assert set(response.context["cl"].result_list) == {
            *entries, AuditEntry.objects.get(action=Action.LOGIN)}
        content = response.content.decode()
        assert "sprecher" in content and draft.title in content

    @pytest.mark.parametrize("query", [
        {"action__exact": "reject"}, {"q": "Quelle"}, {"q": "sprecher"},
    ])
    def test_log_is_filtered_and_searched(self, administrator, entries, query):
        response = logged_in(administrator).get(reverse(CHANGELIST), query)
        assert [entry.action for entry in response.context["cl"].result_list] == [
            Action.REJECT]

    def test_log_is_filtered_by_user_and_date(self, administrator, entries, editor):
        client = logged_in(administrator)
        response = client.get(reverse(CHANGELIST), {"actor__id__exact": editor.pk})
        assert [entry.action for entry in response.context["cl"].result_list] == [
            Action.SUBMIT]
        local = timezone.localtime(entries[0].at)
        response = client.get(reverse(CHANGELIST), {
            "at__year": local.year, "at__month": local.month, "at__day": local.day})
        assert set(entries) <= set(response.context["cl"].result_list)
        response = client.get(reverse(CHANGELIST), {"at__year": local.year - 1})
        assert response.context["cl"].result_count == 0

    def test_log_cannot_be_added_changed_or_deleted(self, administrator, entries):
        client = logged_in(administrator)
        entry = entries[0]
        assert client.get(reverse("admin:releases_auditentry_add")).status_code == 403
        change = client.get(reverse("admin:releases_auditentry_change", args=[entry.pk]))
        assert change.status_code == 200 and not change.context["has_change_permission"]
        assert client.post(reverse("admin:releases_auditentry_change", args=[entry.pk]),
                           {"detail": "geschönt"}).status_code == 403
        assert client.get(reverse("admin:releases_auditentry_delete",
                                  args=[entry.pk])).status_code == 403
        entry.refresh_from_db()
        assert entry.detail != "geschönt"

    @pytest.mark.parametrize("group", ["Redaktion", "Pressestelle"])
    def test_editorial_groups_do_not_see_the_log(self, group, entries):
        client = logged_in(member(f"mitglied-{group.lower()}", group))
        assert client.get(reverse(CHANGELIST)).status_code == 403
        index = client.get(reverse("admin:index")).content.decode()
        assert reverse(CHANGELIST) not in index

    def test_administration_finds_the_log_on_the_index(self, administrator):
        index = logged_in(administrator).get(reverse("admin:index")).content.decode()
        assert reverse(CHANGELIST) in index

    def test_user_deleted_later_stays_named_in_the_log(self, entries, editor):
        User.objects.filter(pk=editor.pk).delete()
        entry = AuditEntry.objects.get(action=Action.SUBMIT)
        assert (entry.actor, entry.actor_name) == (None, "redakteurin")
