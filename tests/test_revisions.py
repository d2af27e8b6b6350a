"""Versions of a release: kept on every save, listed, compared field by field (inert for
hostile text), and restored byte for byte through the service."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from releases import revisions, services
from releases.models import AuditEntry, Release, ReleaseAttachment, ReleasePerson

from .workflow_fixtures import change_url, fresh

pytest_plugins = ["tests.workflow_fixtures"]
pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def versions(release):
    return list(revisions.versions_of(release))


def edit(release, user, **fields):
    release = fresh(release)
    for name, value in fields.items():
        setattr(release, name, value)
    return services.save_release(release, user)


def history_url(release):
    return reverse("admin:releases_release_history", args=[release.pk])


def revision_url(release, version):
    return reverse("admin:releases_release_revision", args=[release.pk, version.pk])


class TestKeepingVersions:
    def test_every_service_operation_keeps_a_version_with_user_and_comment(
            self, draft, editor, spokesperson):
        release = edit(draft, editor, title="Erste Fassung")
        services.submit(release, editor)
        services.approve(release, spokesperson)
        kept = versions(release)
        assert len(kept) == 3
        assert [version.revision.user for version in kept] == [editor, editor, spokesperson]
        assert all(version.revision.comment for version in kept)

    def test_admin_save_keeps_a_version_with_the_editor(self, editor_client, draft, editor):
        from .admin_helpers import form_data
        editor_client.post(change_url(draft), form_data(draft, title="Im Admin geändert"))
        (version,) = versions(draft)
        assert version.revision.user == editor
        assert version.field_dict["title"] == "Im Admin geändert"

    def test_version_follows_people_images_and_attachments(self, draft, editor, person):
        ReleasePerson.objects.create(release=draft, person=person, role="Gastgeber")
        ReleaseAttachment.objects.create(
            release=draft, title="Programm",
            file=SimpleUploadedFile("programm.pdf", b"%PDF-1.4\n%%EOF\n"))
        edit(draft, editor, title="Mit Anhang")
        (version,) = versions(draft)
        models = {other._model for other in version.revision.version_set.all()}
        assert {Release, ReleasePerson, ReleaseAttachment} <= models


class TestRestoring:
    ORIGINAL = {
        "title": "Große Resonanz bei simul+Werkstatt in Kattowitz",
        "subtitle": "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut",
        "teaser": "Rund 70 Teilnehmer – „Digitalisierung“ & Wertschöpfung.\nZweite Zeile.",
        "body": '<p>Staatsminister <strong>Thomas Schmidt</strong> eröffnete die Werkstatt.'
                '</p><ul><li>Kattowitz</li><li>Krakau</li></ul><p><a href="https://www.smr.'
                'sachsen.de" rel="noopener noreferrer">SMR</a></p>',
    }

    @pytest.fixture
    def versioned(self, draft, editor, topic, person):
        """A draft with a version of the original text, topic and person, then changed."""
        release = edit(draft, editor, **self.ORIGINAL)
        release.topics.add(topic)
        ReleasePerson.objects.create(release=release, person=person, role="Gastgeber")
        release = edit(release, editor)  # a version with topic and person
        original = versions(release)[-1]
        release = edit(release, editor, title="Geändert", subtitle="", teaser="Neu",
                       body="<p>Ganz anderer Text.</p>")
        release.topics.clear()
        ReleasePerson.objects.filter(release=release).delete()
        return fresh(release), original

    @pytest.fixture
    def live(self, versioned, editor, spokesperson):
        """The changed text published; the original is one of its earlier versions."""
        release, original = versioned
        services.submit(release, editor)
        services.approve(release, spokesperson)
        services.publish(fresh(release), spokesperson)
        return fresh(release), original

    def test_restoring_a_draft_gives_byte_identical_fields_and_relations(
            self, versioned, editor, topic, person):
        release, original = versioned
        services.restore_revision(release, editor, original)
        stored = fresh(release)
        for name, value in self.ORIGINAL.items():
            assert getattr(stored, name) == value, name
        assert list(stored.topics.all()) == [topic]
        assert [(p.person, p.role) for p in stored.release_people.all()] == [
            (person, "Gastgeber")]

    def test_restoring_keeps_the_workflow_state_bumps_the_version_and_logs(
            self, versioned, editor):
        release, original = versioned
        before = fresh(release)
        services.restore_revision(release, editor, original)
        stored = fresh(release)
        assert (stored.status, stored.number, stored.published_at) == (
            before.status, before.number, before.published_at)
        assert stored.version == before.version + 1
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.RESTORE).get()
        assert entry.actor == editor

    def test_restoring_a_live_release_fills_its_working_edition_only(
            self, live, editor, client, topic, person):
        release, original = live
        edition = services.restore_revision(release, editor, original)
        assert edition.is_working_edition and edition.edition_of == release
        stored = fresh(release)
        assert (stored.title, stored.version) == ("Geändert", release.version)
        assert "Geändert" in client.get(release.get_absolute_url()).content.decode()
        edition = fresh(edition)
        for name, value in self.ORIGINAL.items():
            assert getattr(edition, name) == value, name
        assert list(edition.topics.all()) == [topic]
        assert [(p.person, p.role) for p in edition.release_people.all()] == [
            (person, "Gastgeber")]
        assert list(edition.authors.all()) == [editor]

    def test_the_restored_text_goes_live_after_review_byte_for_byte(
            self, live, editor, spokesperson, client, topic, person):
        release, original = live
        edition = services.restore_revision(release, editor, original)
        services.submit(edition, editor)
        services.approve(edition, spokesperson)
        services.publish(fresh(edition), spokesperson)
        stored = fresh(release)
        for name, value in self.ORIGINAL.items():
            assert getattr(stored, name) == value, name
        assert list(stored.topics.all()) == [topic]
        assert [(p.person, p.role) for p in stored.release_people.all()] == [
            (person, "Gastgeber")]
        assert (stored.number, stored.published_at) == (release.number, release.published_at)

    def test_restoring_on_an_old_version_is_refused(self, versioned, editor):
        release, original = versioned
        with pytest.raises(services.WorkflowError):
            services.restore_revision(release, editor, original,
                                      version=release.version - 1)
        assert fresh(release).title == "Geändert"

    def test_version_of_another_release_is_refused(self, versioned, make_release, editor):
        release, original = versioned
        other = make_release(status=Release.Status.DRAFT)
        with pytest.raises(services.WorkflowError):
            services.restore_revision(other, editor, original)

    def test_restoring_an_approved_release_sends_it_back_to_review(self, approved, editor,
                                                                  spokesperson):
        release = edit(approved, editor, title="Nach der Freigabe")
        assert fresh(release).status == Release.Status.IN_REVIEW
        services.approve(release, spokesperson)
        services.restore_revision(release, editor, versions(release)[0])
        assert fresh(release).status == Release.Status.IN_REVIEW

    def test_restoring_through_the_admin_opens_the_working_edition(
            self, spokesperson_client, live):
        release, original = live
        page = spokesperson_client.get(revision_url(release, original))
        assert page.status_code == 200
        assert page.context["can_restore"]
        assert "Arbeitsfassung" in page.content.decode()
        response = spokesperson_client.post(revision_url(release, original),
                                            {"version": str(fresh(release).version)})
        edition = fresh(release).get_working_edition()
        assert response.status_code == 302
        assert response["Location"] == change_url(edition)
        assert edition.title == self.ORIGINAL["title"]
        assert fresh(release).title == "Geändert"


class TestHistoryAndDifferences:
    @pytest.fixture
    def two_versions(self, draft, editor):
        edit(draft, editor, title="Alter Titel", body="<p>Erster Absatz.</p><p>Bleibt.</p>")
        edit(draft, editor, title="Neuer Titel", body="<p>Zweiter Absatz.</p><p>Bleibt.</p>")
        return versions(draft)

    def test_history_lists_the_versions(self, editor_client, draft, two_versions):
        response = editor_client.get(history_url(draft))
        assert response.status_code == 200
        assert response.context["object"] == draft
        content = response.content.decode()
        for version in two_versions:
            assert revision_url(draft, version) in content

    def test_difference_is_field_by_field_on_plain_text(self, two_versions):
        old, new = two_versions
        changes = {change["name"]: change["lines"] for change in revisions.differences(
            revisions.values_of_version(old), revisions.values_of_version(new))}
        assert set(changes) == {"title", "body"}
        assert changes["title"] == [("removed", "Alter Titel"), ("added", "Neuer Titel")]
        assert changes["body"] == [("removed", "Erster Absatz."), ("added", "Zweiter Absatz."),
                                   ("same", "Bleibt.")]

    def test_compare_view_shows_the_difference(self, editor_client, draft, two_versions):
        old, new = two_versions
        response = editor_client.get(
            reverse("admin:releases_release_compare", args=[draft.pk]),
            {"old": old.pk, "new": new.pk})
        content = response.content.decode()
        assert response.status_code == 200
        assert "<del>Alter</del> <ins>Neuer</ins> Titel" in content

    def test_compare_with_the_present_is_the_default(self, editor_client, draft,
                                                     two_versions, editor):
        edit(draft, editor, subtitle="Heute ergänzt")
        response = editor_client.get(
            reverse("admin:releases_release_compare", args=[draft.pk]),
            {"old": two_versions[-1].pk})
        assert "<ins>Heute ergänzt</ins>" in response.content.decode()

    def test_difference_of_hostile_text_is_inert(self, editor_client, draft, editor):
        edit(draft, editor, title="Harmlos")
        edit(draft, editor, title=HOSTILE, teaser=HOSTILE,
             body=f"<p>{HOSTILE}</p><p>&lt;script&gt;alert(2)&lt;/script&gt;</p>")
        old, _new = versions(draft)
        for url in (revision_url(draft, old),
                    reverse("admin:releases_release_compare", args=[draft.pk]) + (
                        f"?old={old.pk}&new=current")):
            content = editor_client.get(url).content.decode()
            assert "<script>alert" not in content, url
            assert "onerror=alert" not in content.replace("onerror=alert(1)&gt;", ""), url
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content, url
            assert "<img src=x" not in content, url

    def test_unknown_or_foreign_version_is_not_found(self, editor_client, draft,
                                                     make_release, editor, two_versions):
        other = make_release(status=Release.Status.DRAFT)
        edit(other, editor, title="Andere")
        foreign = versions(other)[0]
        compare = reverse("admin:releases_release_compare", args=[draft.pk])
        assert editor_client.get(compare, {"old": foreign.pk}).status_code == 404
        assert editor_client.get(compare, {"old": "x"}).status_code == 404
        assert editor_client.get(revision_url(draft, foreign)).status_code == 404

    def test_recovering_deleted_releases_is_for_superusers(self, editor_client, client,
                                                           admin_user):
        url = reverse("admin:releases_release_recoverlist")
        assert editor_client.get(url).status_code == 403
        client.force_login(admin_user)
        assert client.get(url).status_code == 200

    def test_versions_are_kept_in_reversion_tables(self, draft, editor):
        edit(draft, editor, title="Gespeichert")
        assert Version.objects.get_for_object(draft).count() == 1
