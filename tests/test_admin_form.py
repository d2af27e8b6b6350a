"""The release form's comforts: the preview of unsaved changes, length hints, using a
release as a template, deleting one's own draft, taking back a submission, and the
word difference between versions."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from reversion.models import Version

from releases import revisions, services
from releases.html import clean_html
from releases.models import AuditEntry, Contact, Organisation, Release, ReleaseImage, ReleasePerson
from tests.admin_helpers import (
    form_data,
    management_form,
    messages_of,
    png_upload,
    release_data,
)
from tests.workflow_fixtures import change_url, fresh, logged_in, member, workflow_url

pytest_plugins = ["tests.workflow_fixtures"]

Action = AuditEntry.Action
HOSTILE_BODY = ('<p onclick="steal()">Erster <strong>Absatz</strong>.</p>'
                '<script>alert(1)</script><p><a href="javascript:alert(2)">Link</a>'
                '<img src="x" onerror="alert(3)"></p>')


def preview_url(release=None):
    if release is None:
        return reverse("admin:releases_release_live_preview_add")
    return reverse("admin:releases_release_live_preview", args=[release.pk])


def stored_state():
    """Everything a save would leave behind."""
    return (Release.objects.count(), Version.objects.count(), AuditEntry.objects.count(),
            list(Release.objects.values_list("pk", "version", "title", "body")))


@pytest.fixture
def image(draft):
    return ReleaseImage.objects.create(release=draft, image=png_upload(), order=0,
                                       alt_text="Staatsminister am Rednerpult",
                                       caption="Eröffnung", credit="Foto: SMR")


def image_rows(*images, **fields):
    data = management_form("images", total=len(images), initial=len(images))
    for index, row in enumerate(images):
        data.update({f"images-{index}-id": str(row.pk), f"images-{index}-release":
                     str(row.release_id), f"images-{index}-alt_text": row.alt_text,
                     f"images-{index}-caption": row.caption,
                     f"images-{index}-credit": row.credit, f"images-{index}-licence": "",
                     f"images-{index}-order": str(row.order)})
    data.update(fields)
    return data


class TestLivePreview:
    def test_preview_shows_the_unsaved_text_and_saves_nothing(
            self, editor_client, draft, topic, contact):
        before = stored_state()
        response = editor_client.post(preview_url(draft), form_data(
            draft, title="Noch nicht gesicherter Titel", teaser="Neuer Vorspann.",
            body="<p>Neuer Text.</p>", topics=[str(topic.pk)], contacts=[str(contact.pk)]))
        assert response.status_code == 200
        assert "releases/release_detail.html" in [t.name for t in response.templates]
        content = response.content.decode()
        assert "<h1 lang=\"de\">Noch nicht gesicherter Titel</h1>" in content
        assert "Neuer Vorspann." in content and "<p>Neuer Text.</p>" in content
        assert "Ungesicherte Vorschau:" in content
        assert topic.name in content and contact.name in content
        assert "no-store" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
        assert stored_state() == before
        assert fresh(draft).title == draft.title

    def test_preview_of_the_add_form_creates_no_release(self, editor_client, organisation):
        before = stored_state()
        response = editor_client.post(preview_url(), release_data(
            organisation, title="Ein neuer Entwurf"))
        assert response.status_code == 200
        assert "Ein neuer Entwurf" in response.content.decode()
        assert stored_state() == before
        assert not Release.objects.exists()

    def test_body_is_sanitised_as_on_saving(self, editor_client, draft):
        response = editor_client.post(preview_url(draft), form_data(draft, body=HOSTILE_BODY))
        content = response.content.decode()
        assert f'<div class="body" lang="de">{clean_html(HOSTILE_BODY)}</div>' in content
        for hostile in ("onclick", "<script>alert", "javascript:", "onerror", "<img src=\"x\""):
            assert hostile not in content

    def test_preview_is_served_under_the_admins_strict_policy(self, editor_client, draft):
        response = editor_client.post(preview_url(draft), form_data(draft))
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy

    def test_stored_images_show_as_edited_and_deleted_ones_not(self, spokesperson_client,
                                                               draft, image):
        # The Pressestelle may delete images (Redaktion's form has no such box).
        second = ReleaseImage.objects.create(release=draft, image=png_upload("zwei.png"),
                                             order=1, alt_text="Publikum", credit="SMR")
        before = stored_state()
        response = spokesperson_client.post(preview_url(draft), form_data(draft, **image_rows(
            image, second, **{"images-0-caption": "Neue Bildunterschrift",
                              "images-1-DELETE": "on"})))
        content = response.content.decode()
        assert "Neue Bildunterschrift" in content
        assert image.image.url in content
        assert second.image.url not in content
        assert stored_state() == before
        assert ReleaseImage.objects.get(pk=image.pk).caption == "Eröffnung"

    def test_new_uploads_are_not_stored_for_a_preview(self, editor_client, draft, settings):
        data = form_data(draft, **management_form("images", total=1))
        data.update({"images-0-image": png_upload("neu.png"), "images-0-alt_text": "Neu",
                     "images-0-credit": "SMR", "images-0-order": "0"})
        response = editor_client.post(preview_url(draft), data)
        assert response.status_code == 200
        assert not ReleaseImage.objects.exists()
        assert not list((settings.MEDIA_ROOT).rglob("*.png"))

    def test_people_chosen_in_the_form_are_shown(self, editor_client, draft, person):
        data = form_data(draft, **management_form("release_people", total=1))
        data.update({"release_people-0-person": str(person.pk), "release_people-0-role": "",
                     "release_people-0-order": "0", "release_people-0-is_quoted": "on"})
        content = editor_client.post(preview_url(draft), data).content.decode()
        assert person.full_name in content
        assert not ReleasePerson.objects.exists()

    def test_a_working_edition_is_previewed_as_it_will_look_live(
            self, editor_client, published, editor):
        edition = services.start_edition(fresh(published), editor)
        response = editor_client.post(preview_url(edition), form_data(
            edition, title="Berichtigter Titel", change_note="Das Datum war falsch."))
        content = response.content.decode()
        assert "Berichtigter Titel" in content
        assert "Das Datum war falsch." in content  # the correction to come
        assert fresh(published).number_label in content

    def test_fields_that_cannot_be_read_are_listed_and_nothing_is_shown(self, editor_client,
                                                                         draft):
        response = editor_client.post(preview_url(draft), form_data(draft, title=""))
        assert response.status_code == 400
        assert "Vorschau nicht möglich" in response.content.decode()

    def test_a_conflicting_save_does_not_stop_the_preview(self, editor_client, draft):
        data = form_data(draft, title="Meine Fassung", expected_version=str(draft.version - 1))
        response = editor_client.post(preview_url(draft), data)
        assert response.status_code == 200
        assert "Meine Fassung" in response.content.decode()

    def test_only_those_who_may_change_the_release_see_a_preview(self, client, draft,
                                                                 published, editor_client):
        reader = User.objects.create_user("leserin", is_staff=True)
        reader.user_permissions.add(Permission.objects.get(codename="view_release"))
        assert logged_in(reader).post(preview_url(draft), form_data(draft)).status_code == 403
        assert logged_in(reader).post(preview_url(), {}).status_code == 403
        # A published release is changed in a working edition, not in its own form.
        assert editor_client.post(preview_url(published),
                                  form_data(published)).status_code == 403
        assert client.post(preview_url(draft), form_data(draft)).status_code == 302  # login
        assert editor_client.get(preview_url(draft)).status_code == 405

    def test_change_form_has_the_preview_button_opening_a_new_tab(self, editor_client, draft):
        content = editor_client.get(change_url(draft)).content.decode()
        assert f'formaction="{preview_url(draft)}" formtarget="_blank"' in content
        add = editor_client.get(reverse("admin:releases_release_add")).content.decode()
        assert f'formaction="{preview_url()}"' in add


class TestLengthHints:
    def test_title_and_teaser_say_their_recommended_length(self, editor_client, draft):
        response = editor_client.get(change_url(draft))
        form = response.context["adminform"].form
        title, teaser = form.fields["title"], form.fields["teaser"]
        assert title.widget.attrs["data-recommended-length"] == 70
        assert teaser.widget.attrs["data-recommended-length"] == 300
        content = response.content.decode()
        assert "Suchmaschinen zeigen etwa 70 Zeichen eines Titels." in content
        assert "Feeds und Linkvorschauen zeigen etwa 300 Zeichen." in content
        assert 'data-counter-text="{count} / {limit} Zeichen"' in content
        assert "js/admin-form" in content


class TestStartingValues:
    """A new release starts with what the editor most likely writes for."""

    def add_form(self, client):
        return client.get(reverse("admin:releases_release_add")).context["adminform"].form

    def test_in_a_newsroom_of_one_office_its_organisation_and_only_contact(
            self, editor_client, organisation, contact):
        form = self.add_form(editor_client)
        assert form.initial["organisation"] == organisation.pk
        assert form.initial["contacts"] == [contact.pk]

    def test_otherwise_those_of_the_editors_latest_release(
            self, editor_client, editor, organisation, contact):
        other = Organisation.objects.create(name="Sächsische Staatskanzlei", short_name="SK",
                                            slug="sk")
        other_contact = Contact.objects.create(name="Ralph Schreiber", organisation=other)
        latest = Release.objects.create(organisation=other, title="Kabinett", slug="kabinett",
                                        status=Release.Status.DRAFT)
        latest.authors.add(editor)
        latest.contacts.add(other_contact)
        form = self.add_form(editor_client)
        assert form.initial["organisation"] == other.pk
        assert form.initial["contacts"] == [other_contact.pk]

    def test_nothing_is_guessed_among_several_offices(self, spokesperson_client, organisation):
        Organisation.objects.create(name="Sächsische Staatskanzlei", short_name="SK", slug="sk")
        form = self.add_form(spokesperson_client)
        assert "organisation" not in form.initial and "contacts" not in form.initial


class TestUseAsTemplate:
    def test_a_published_release_becomes_a_new_draft_of_the_user(
            self, published, topic, contact, person, editor, spokesperson):
        release = fresh(published)
        release.topics.add(topic)
        release.contacts.add(contact)
        ReleasePerson.objects.create(release=release, person=person, role="Staatsminister",
                                     is_quoted=True)
        ReleaseImage.objects.create(release=release, image=png_upload(), alt_text="Bild",
                                    credit="SMR")
        other = member("zweite", "Redaktion")
        response = logged_in(other).post(workflow_url(release, "duplicate"),
                                         {"version": str(release.version)})
        copy = Release.objects.exclude(pk=release.pk).get()
        assert response.status_code == 302 and response["Location"] == change_url(copy)
        assert (copy.title, copy.subtitle, copy.teaser, copy.body, copy.organisation_id) == (
            release.title, release.subtitle, release.teaser, release.body,
            release.organisation_id)
        assert copy.status == Release.Status.DRAFT
        assert (copy.number, copy.published_at, copy.embargo_until, copy.approved_by) == (
            None, None, None, None)
        assert list(copy.topics.all()) == [topic]
        assert list(copy.contacts.all()) == [contact]
        assert [(row.person, row.role, row.is_quoted) for row in copy.release_people.all()] == [
            (person, "Staatsminister", True)]
        assert not copy.images.exists()
        assert list(copy.authors.all()) == [other] and copy.created_by == other
        entry = copy.audit_entries.get()
        assert entry.action == Action.CREATE and release.title in entry.detail
        assert fresh(release).version == release.version  # the original is untouched

    def test_the_button_is_offered_on_every_release_but_not_on_a_working_edition(
            self, draft, published, editor):
        edition = services.start_edition(fresh(published), editor)
        assert "duplicate" in services.allowed_transitions(fresh(draft), editor)
        assert "duplicate" in services.allowed_transitions(fresh(published), editor)
        assert "duplicate" not in services.allowed_transitions(fresh(edition), editor)


class TestDeletingOwnDraft:
    def delete_url(self, release):
        return reverse("admin:releases_release_delete", args=[release.pk])

    def test_author_deletes_her_draft_and_the_log_keeps_its_title(self, editor_client,
                                                                  draft):
        assert editor_client.get(self.delete_url(draft)).status_code == 200
        response = editor_client.post(self.delete_url(draft), {"post": "yes"})
        assert response.status_code == 302
        assert not Release.objects.filter(pk=draft.pk).exists()
        entry = AuditEntry.objects.get(action=Action.DELETE)
        assert entry.object_repr == draft.title
        assert entry.get_action_display() == "Entwurf gelöscht"

    def test_the_change_form_offers_deleting_only_then(self, editor_client, draft, editor):
        assert self.delete_url(draft) in editor_client.get(change_url(draft)).content.decode()
        services.submit(draft, editor)
        assert self.delete_url(draft) not in editor_client.get(
            change_url(draft)).content.decode()

    def test_a_draft_written_with_someone_else_is_not_deleted(self, editor_client, draft):
        draft.authors.add(member("ko-autorin", "Redaktion"))
        assert editor_client.post(self.delete_url(draft), {"post": "yes"}).status_code == 403
        assert Release.objects.filter(pk=draft.pk).exists()

    def test_someone_elses_draft_is_not_deleted(self, draft):
        other = logged_in(member("andere", "Redaktion"))
        assert other.post(self.delete_url(draft), {"post": "yes"}).status_code == 403

    def test_a_submitted_or_published_release_is_not_deleted(self, editor_client, in_review,
                                                             make_release, editor):
        assert editor_client.post(self.delete_url(in_review), {"post": "yes"}).status_code \
            == 403
        published = make_release(created_by=editor)
        assert editor_client.post(self.delete_url(published), {"post": "yes"}).status_code \
            == 403

    def test_a_draft_that_was_out_once_is_not_deleted(self, approved, editor, spokesperson):
        # Scheduled (journalists may have had it under embargo), withdrawn, restored.
        import datetime

        from django.utils import timezone

        services.schedule(approved, spokesperson, timezone.now() + datetime.timedelta(days=1))
        services.withdraw(fresh(approved), spokesperson, "Termin abgesagt.")
        services.restore(fresh(approved), spokesperson)
        draft = fresh(approved)
        assert draft.status == Release.Status.DRAFT
        assert services.deletion_refusal(draft, editor) is not None
        with pytest.raises(services.WorkflowError):
            services.delete_draft(draft, editor)

    def test_a_working_edition_is_discarded_not_deleted(self, published, editor):
        edition = services.start_edition(fresh(published), editor)
        assert services.deletion_refusal(edition, editor) is not None

    def test_the_list_offers_no_bulk_deletion_to_editors(self, editor_client, draft):
        changelist = editor_client.get(reverse("admin:releases_release_changelist"))
        actions = [name for name, _label in
                   changelist.context["action_form"].fields["action"].choices]
        assert "delete_selected" not in actions


class TestTakingBackSubmission:
    def test_author_takes_back_her_submission(self, editor_client, in_review, editor):
        assert "take_back" in services.allowed_transitions(fresh(in_review), editor)
        response = editor_client.post(workflow_url(in_review, "take_back"),
                                      {"version": str(fresh(in_review).version)}, follow=True)
        assert fresh(in_review).status == Release.Status.DRAFT
        assert messages_of(response) == [
            "Die Einreichung ist zurückgezogen: Die Medieninformation ist wieder ein Entwurf."]
        entry = in_review.audit_entries.order_by("-pk").first()
        assert (entry.action, entry.actor) == (Action.TAKE_BACK, editor)
        assert entry.get_action_display() == "Einreichung zurückgezogen"

    def test_nobody_but_an_author_takes_it_back(self, in_review, spokesperson):
        other = member("andere", "Redaktion")
        for user in (other, spokesperson):
            assert "take_back" not in services.allowed_transitions(fresh(in_review), user)
            with pytest.raises(services.WorkflowError) as refused:
                services.take_back(fresh(in_review), user)
            assert refused.value.code == "author"
        assert fresh(in_review).status == Release.Status.IN_REVIEW

    def test_an_approved_release_is_not_taken_back(self, approved, editor):
        with pytest.raises(services.WorkflowError):
            services.take_back(fresh(approved), editor)
        assert fresh(approved).status == Release.Status.APPROVED

    def test_a_decision_on_an_old_version_is_refused(self, in_review, editor):
        stale = fresh(in_review)
        services.save_release(fresh(in_review), editor, changed=True)
        with pytest.raises(services.WorkflowError):
            services.take_back(stale, editor)


class TestWordDifference:
    def words(self, old, new, name="body"):
        (change,) = revisions.differences({name: old}, {name: new})
        return str(change["words"])

    def test_changed_words_are_marked_in_the_running_text(self):
        html = self.words("<p>Die Werkstatt fand am <strong>7. Oktober</strong> statt.</p>"
                          "<p>Bleibt.</p>",
                          "<p>Die Werkstatt fand am <strong>8. Oktober</strong> in "
                          "Kattowitz statt.</p><p>Bleibt.</p>")
        assert html == ("<p>Die Werkstatt fand am <del><strong>7</strong></del> "
                        "<ins><strong>8</strong></ins><strong>.</strong> "
                        "<strong>Oktober</strong> <ins>in Kattowitz</ins> statt.</p>"
                        "<p>Bleibt.</p>")

    def test_non_breaking_spaces_are_spaces_not_entities(self):
        html = self.words("<p>Staatsminister&nbsp;Thomas Schmidt</p>",
                          "<p>Staatsminister&nbsp;Thomas Schmidt sprach</p>")
        assert "&nbsp;" not in html and "\u00a0" not in html
        assert html == "<p>Staatsminister Thomas Schmidt <ins>sprach</ins></p>"

    def test_a_change_of_formatting_alone_is_shown(self):
        html = self.words("<p>Wichtig ist das.</p>", "<p><strong>Wichtig</strong> ist das.</p>")
        assert html == "<p><del>Wichtig</del> <ins><strong>Wichtig</strong></ins> ist das.</p>"

    def test_plain_fields_are_compared_word_by_word(self):
        assert self.words("Alter Titel", "Neuer Titel", "title") == (
            "<p><del>Alter</del> <ins>Neuer</ins> Titel</p>")

    def test_hostile_text_stays_inert(self):
        html = self.words("<p>Harmlos</p>",
                          "<p>&lt;script&gt;alert(1)&lt;/script&gt; Harmlos</p>")
        assert "<script>" not in html
        assert "&lt;script&gt;" in html

    def test_compare_view_shows_the_word_difference(self, editor_client, draft, editor):
        services.save_release(fresh(draft), editor, changed=True)
        edited = fresh(draft)
        edited.body = "<p>Text mit <em>Nachtrag</em>.</p>"
        services.save_release(edited, editor, changed=True)
        old = revisions.versions_of(draft).first()
        response = editor_client.get(reverse("admin:releases_release_compare",
                                             args=[draft.pk]), {"old": old.pk})
        content = response.content.decode()
        assert '<div class="diff-words" lang="de"><p>Text <ins>mit <em>Nachtrag</em></ins>.' \
            in content
