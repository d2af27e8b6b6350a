"""Editions: a live release keeps its text while a change is written, reviewed and approved
in a working edition; four eyes per edition; what becomes public, and when.

The classes named ``TestReproduction…`` state, each, a way the two promises (nothing
public without a second person, nothing public before its time) broke when a release
was one mutable row; the rest pins down how editions behave.
"""

import ast
import datetime
import json
import pathlib
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from journalists import outbox as alerts
from journalists.models import OutboxMessage
from releases import caching, revisions, services
from releases.links import preview_path
from releases.models import AuditEntry, Correction, Release, ReleaseImage

from .admin_helpers import form_data, messages_of
from .sitemap_helpers import sitemap_text
from .workflow_fixtures import change_live, change_url, fresh, workflow_url

pytest_plugins = ["tests.workflow_fixtures", "tests.journalist_fixtures"]
pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SECOND = datetime.timedelta(seconds=1)
Status = Release.Status
Action = AuditEntry.Action
ROOT = pathlib.Path(__file__).resolve().parents[1]

LIVE_TEXT = "<p>Die simul+Werkstatt fand am 7. Oktober statt.</p>"
NEW_TEXT = "<p>Die simul+Werkstatt fand am 8. Oktober in Kattowitz statt.</p>"
NOTE = "In einer früheren Fassung stand ein falsches Datum."


def berlin(*args, fold=0):
    return datetime.datetime(*args, tzinfo=BERLIN, fold=fold).astimezone(datetime.UTC)


def page(client, release):
    response = client.get(fresh(release).get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def api(client, release):
    return client.get(f"/api/releases/{release.uuid}/").json()


def feed(client):
    return client.get(reverse("releases:feed")).content.decode()


def write(edition, user, **fields):
    """Save content into a (working) edition as an editor does."""
    edition = fresh(edition)
    for name, value in fields.items():
        setattr(edition, name, value)
    return services.save_release(edition, user, changed=True)


def post_operation(client, release, name, **data):
    return client.post(workflow_url(release, name),
                       {"version": str(fresh(release).version), **data}, follow=True)


@pytest.fixture
def live(published, editor, spokesperson):
    """A published release with a known text (itself changed through an edition)."""
    return change_live(published, editor, spokesperson, body=LIVE_TEXT)


# Reproductions ----------------------------------------------------------------------------

class TestReproductionFourEyesBypass:
    """A Pressestelle user rewrote a release Redaktion wrote, then approved and published
    it alone: everyone who changes an edition is one of its authors."""

    def test_rewriting_an_editors_release_makes_the_press_office_an_author(
            self, spokesperson_client, spokesperson, editor, in_review):
        response = spokesperson_client.post(change_url(in_review), form_data(
            fresh(in_review), body="<p>Von der Pressestelle neu geschrieben.</p>"))
        assert response.status_code == 302
        assert set(fresh(in_review).authors.all()) == {editor, spokesperson}

    def test_who_rewrote_it_cannot_approve_it(self, spokesperson_client, in_review):
        spokesperson_client.post(change_url(in_review), form_data(
            fresh(in_review), body="<p>Von der Pressestelle neu geschrieben.</p>"))
        response = post_operation(spokesperson_client, in_review, "approve")
        assert fresh(in_review).status == Status.IN_REVIEW
        assert [message for message in messages_of(response) if "Vier-Augen" in message]
        assert workflow_url(in_review, "approve") not in spokesperson_client.get(
            change_url(in_review)).content.decode()

    def test_publishing_it_alone_asks_for_a_reason_and_logs_the_override(
            self, spokesperson_client, spokesperson, in_review):
        spokesperson_client.post(change_url(in_review), form_data(
            fresh(in_review), body="<p>Von der Pressestelle neu geschrieben.</p>"))
        post_operation(spokesperson_client, in_review, "approve")
        response = post_operation(spokesperson_client, in_review, "publish",
                                  override_reason="")
        assert response.status_code == 200
        assert not services.is_public(in_review)
        assert not AuditEntry.objects.filter(action=Action.PUBLISH).exists()
        reason = "Eilmeldung, die Stellvertretung ist nicht erreichbar."
        post_operation(spokesperson_client, in_review, "publish", override_reason=reason)
        assert services.is_public(in_review)
        override = AuditEntry.objects.get(action=Action.OVERRIDE)
        assert (override.actor, override.detail) == (spokesperson, reason)


class TestReproductionSilentRewrite:
    """Whoever could correct changed a published text as a "minor change", alone."""

    def test_the_change_form_of_a_published_release_changes_nothing(
            self, spokesperson_client, published, spokesperson, client):
        response = spokesperson_client.post(change_url(published), form_data(
            fresh(published), body="<p>Heimlich umgeschrieben.</p>"))
        assert response.status_code == 409  # and the text is shown, not saved
        assert "Heimlich" not in page(client, published)
        with pytest.raises(services.WorkflowError):
            release = fresh(published)
            release.body = "<p>Heimlich umgeschrieben.</p>"
            services.save_release(release, spokesperson)
        assert "Heimlich" not in page(client, published)

    def test_a_minor_change_needs_a_second_person_too(self, spokesperson, live, client):
        edition = services.start_edition(live, spokesperson)
        write(edition, spokesperson, body="<p>Heimlich umgeschrieben.</p>")
        services.submit(fresh(edition), spokesperson)
        with pytest.raises(services.WorkflowError) as refusal:
            services.approve(fresh(edition), spokesperson)
        assert refusal.value.code == "four_eyes"
        with pytest.raises(services.WorkflowError) as refusal:
            services.publish(fresh(edition), spokesperson)
        assert refusal.value.code == "four_eyes"
        assert "Heimlich" not in page(client, live)


class TestReproductionEditAfterScheduledPublication:
    """Redaktion edited a release that had become public by its schedule (before
    publish_due ran): it went back to review and its address answered 404."""

    def test_the_release_stays_public_with_its_text(self, editor_client, approved, editor,
                                                    spokesperson, client):
        at = timezone.now() + datetime.timedelta(hours=1)
        services.schedule(approved, spokesperson, at)
        with time_machine.travel(at + 10 * SECOND, tick=False):
            title = fresh(approved).title
            assert title in page(client, approved)
            response = editor_client.post(change_url(approved), form_data(
                fresh(approved), title="Nachträglich geändert"))
            assert response.status_code == 409
            response = post_operation(editor_client, approved, "start_edition")
            edition = fresh(approved).get_working_edition()
            assert response.redirect_chain[-1][0] == change_url(edition)
            response = editor_client.post(change_url(edition), form_data(
                edition, title="Nachträglich geändert"))
            assert response.status_code == 302
            stored = fresh(approved)
            assert (stored.status, stored.title) == (Status.SCHEDULED, title)
            content = page(client, approved)
            assert title in content and "Nachträglich geändert" not in content
            assert [r.pk for r in services.complete_due_publications()] == [approved.pk]
            assert fresh(approved).status == Status.PUBLISHED
            assert fresh(edition).title == "Nachträglich geändert"


class TestReproductionTextLostWhenPublishedMeanwhile:
    """An editor's typed text was lost when someone else published the release (403) or
    its working edition (the form's release no longer existed) before the save."""

    def test_the_release_published_meanwhile_shows_the_text_typed(
            self, editor_client, in_review, spokesperson, client):
        typed = form_data(fresh(in_review), title="Neuer Titel",
                          body="<p>Mein neuer Absatz.</p><script>x()</script>")
        services.publish(services.approve(fresh(in_review), spokesperson), spokesperson)
        response = editor_client.post(change_url(in_review), typed)
        content = response.content.decode()
        assert response.status_code == 409
        assert "nicht gespeichert" in content
        assert "Neuer Titel" in content and "<p>Mein neuer Absatz.</p>" in content
        assert "<script>x()" not in content
        assert f'href="{change_url(in_review)}"' in content
        assert "Neuer Titel" not in page(client, in_review)

    def test_the_working_edition_published_meanwhile_shows_the_text_typed(
            self, editor_client, live, editor, spokesperson, client):
        edition = services.start_edition(live, editor)
        typed = form_data(fresh(edition), body="<p>Noch ein Satz dazu.</p>")
        services.submit(fresh(edition), editor)
        services.publish(services.approve(fresh(edition), spokesperson), spokesperson)
        response = editor_client.post(change_url(edition), typed)
        assert response.status_code == 409
        assert "<p>Noch ein Satz dazu.</p>" in response.content.decode()


class TestReproductionRestoringBeforeACorrection:
    """Restoring the version from before a correction put the wrong text live at once,
    under a correction box that said it was wrong."""

    def test_the_old_text_waits_in_a_working_edition(self, live, editor, spokesperson,
                                                     client):
        before = next(version for version in revisions.versions_of(live)
                      if version.field_dict["body"] == LIVE_TEXT)
        corrected = change_live(live, editor, spokesperson, note=NOTE, body=NEW_TEXT)
        edition = services.restore_revision(corrected, spokesperson, before)
        content = page(client, live)
        assert "8. Oktober" in content and "7. Oktober" not in content
        assert NOTE in content
        assert Correction.objects.count() == 1
        assert (edition.edition_of, fresh(edition).body, fresh(edition).status) == (
            fresh(live), LIVE_TEXT, Status.DRAFT)
        with pytest.raises(services.WorkflowError):
            services.publish(fresh(edition), spokesperson)  # not without a second person


class TestReproductionEditionOfARestoredDraft:
    """A scheduled release with a working edition, withdrawn and restored, is a draft
    again, edited directly; publishing the old working edition put its stale text back."""

    def test_the_old_working_edition_cannot_be_published(self, approved, editor,
                                                         spokesperson):
        services.schedule(approved, spokesperson,
                          timezone.now() + datetime.timedelta(days=1))
        edition = services.start_edition(fresh(approved), editor)
        write(edition, editor, body="<p>Alter Stand.</p>")
        services.submit(fresh(edition), editor)
        services.approve(fresh(edition), spokesperson)
        services.withdraw(fresh(approved), spokesperson, "Termin verschoben")
        services.restore(fresh(approved), spokesperson)
        assert fresh(approved).status == Status.DRAFT
        with pytest.raises(services.WorkflowError, match="nicht mehr veröffentlicht"):
            services.publish(fresh(edition), spokesperson)
        assert "Alter Stand" not in fresh(approved).body
        assert "publish" not in services.allowed_transitions(fresh(edition), spokesperson)


class TestReproductionPreviewAfterWithdrawal:
    """A preview link made while a release was scheduled still showed it once withdrawn."""

    def test_the_link_is_gone(self, approved, editor, spokesperson, client):
        services.schedule(approved, spokesperson, timezone.now() + datetime.timedelta(days=1))
        link = services.create_preview_link(fresh(approved), editor)
        assert client.get(preview_path(link)).status_code == 200
        services.withdraw(fresh(approved), spokesperson, "Termin abgesagt.")
        response = client.get(preview_path(link))
        assert response.status_code == 410
        assert fresh(approved).title not in response.content.decode()
        # Nor does undoing the withdrawal bring it back (a new link can be made).
        services.restore(fresh(approved), spokesperson)
        assert client.get(preview_path(link)).status_code == 410


class TestReproductionFeedsOfANeverPublicRelease:
    """Withdrawing a scheduled release that was never public changed the feeds' validators."""

    @pytest.mark.parametrize("url", ["releases:feed", "releases:feed-atom"])
    def test_the_feeds_do_not_move(self, client, make_release, approved, spokesperson, url,
                                   topic):
        make_release(title="Längst öffentlich").topics.add(topic)
        approved.topics.add(topic)
        services.schedule(approved, spokesperson, timezone.now() + datetime.timedelta(days=1))
        urls = [reverse(url), reverse(f"{url.replace('feed', 'topic-feed')}",
                                      kwargs={"slug": topic.slug})]
        before = {u: client.get(u) for u in urls}
        services.withdraw(fresh(approved), spokesperson, "Doch nicht.")
        for u in urls:
            after = client.get(u)
            assert (after["ETag"], after["Last-Modified"]) == (
                before[u]["ETag"], before[u]["Last-Modified"]), u
            assert client.get(u, HTTP_IF_NONE_MATCH=before[u]["ETag"]).status_code == 304

    def test_withdrawing_a_public_release_moves_them(self, client, live, spokesperson,
                                                     make_release):
        make_release(title="Bleibt", published_at=timezone.now() - datetime.timedelta(days=2))
        before = client.get(reverse("releases:feed"))
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
            services.withdraw(fresh(live), spokesperson, "Überholt.")
            after = client.get(reverse("releases:feed"))
        assert after["ETag"] != before["ETag"]
        assert after["Last-Modified"] != before["Last-Modified"]


MOMENTS = {
    "summer": berlin(2026, 6, 10, 10, 0),
    # 02:30 happens twice on 25 October 2026; this is the second time (winter time).
    "fall-back": berlin(2026, 10, 25, 2, 30, fold=1),
    "spring-forward": berlin(2026, 3, 29, 3, 0),
}


class TestReproductionNumbersUnderEmbargo:
    """Numbers were given when an embargoed release was published: the public numbering
    showed gaps until the embargo ended."""

    @pytest.mark.parametrize("moment", list(MOMENTS.values()), ids=list(MOMENTS))
    def test_the_number_comes_when_the_release_becomes_public(
            self, moment, make_release, editor, spokesperson):
        def approved(title, **fields):
            release = make_release(title=title, status=Status.DRAFT, published_at=None,
                                   created_by=editor, **fields)
            services.submit(release, editor)
            return services.approve(release, spokesperson)

        with time_machine.travel(moment - datetime.timedelta(hours=2), tick=False):
            embargoed = services.publish(approved("Unter Sperrfrist", embargo_until=moment),
                                         spokesperson)
            assert fresh(embargoed).number is None
        with time_machine.travel(moment - datetime.timedelta(hours=1), tick=False):
            other = services.publish(approved("Sofort öffentlich"), spokesperson)
            assert fresh(other).number_label.startswith("1/")
        with time_machine.travel(moment - SECOND, tick=False):
            assert services.complete_due_publications() == []
            assert fresh(embargoed).number is None
        with time_machine.travel(moment, tick=False):
            assert [r.pk for r in services.complete_due_publications()] == [embargoed.pk]
            assert services.complete_due_publications() == []
        numbers = sorted(Release.objects.public(moment).values_list("number", flat=True))
        assert numbers == [1, 2]
        assert fresh(embargoed).number == 2


@pytest.mark.postgres
class TestReproductionSuggestionsOfHiddenWords:
    """"Meinten Sie …?" spelled words of embargoed, scheduled, draft, withdrawn and
    overwritten text: a typo of the word plus "oder Sachsen" was enough."""

    WORDS = {"embargoed": "Quarkspeicher", "scheduled": "Tulpenzwiebel",
             "draft": "Bernsteinzimmer", "withdrawn": "Glockenspiele",
             "overwritten": "Pfefferminztee"}

    @pytest.fixture
    def hidden(self, make_release, editor, spokesperson, deputy):
        def release(title, word, **fields):
            draft = make_release(title=title, body=f"<p>Es geht um {word}.</p>",
                                 status=Status.DRAFT, published_at=None, created_by=editor,
                                 **fields)
            services.submit(draft, editor)
            return services.approve(draft, spokesperson)

        publicly = services.publish(release("Sachsen baut aus", "Sachsen"), spokesperson)
        soon = timezone.now() + datetime.timedelta(hours=3)
        services.publish(release("Sperrfrist", self.WORDS["embargoed"], embargo_until=soon),
                         spokesperson)
        services.schedule(release("Geplant", self.WORDS["scheduled"]), spokesperson, soon)
        make_release(title="Entwurf", body=f"<p>{self.WORDS['draft']}</p>",
                     status=Status.DRAFT, published_at=None)
        withdrawn = services.publish(release("Zurückgezogen", self.WORDS["withdrawn"]),
                                     spokesperson)
        services.withdraw(fresh(withdrawn), spokesperson, "Überholt.")
        overwritten = fresh(services.publish(release("Überschrieben", self.WORDS["overwritten"]),
                                             spokesperson))
        overwritten.body = "<p>Es geht um Kräutertee.</p>"  # by the importer, say
        services.save_release(overwritten)
        return publicly, soon

    @staticmethod
    def typo(word):
        return word[:3] + word[4:]

    def suggestions(self, client):
        found = {}
        for kind, word in self.WORDS.items():
            response = client.get(reverse("releases:search"),
                                  {"q": f"{self.typo(word)} oder Sachsen"})
            found[kind] = response.context["suggestion"]
            assert word.lower() not in response.content.decode().lower(), kind
        return found

    def test_no_suggestion_spells_a_hidden_word(self, client, hidden):
        assert self.suggestions(client) == dict.fromkeys(self.WORDS, "")

    def test_a_rebuild_leaves_them_out_too(self, client, hidden):
        from releases.search import rebuild_search_index

        rebuild_search_index()
        assert self.suggestions(client) == dict.fromkeys(self.WORDS, "")

    def test_the_text_a_working_edition_replaced_is_not_suggested(
            self, client, hidden, make_release, editor, spokesperson, deputy):
        word = "Lindenblütentee"
        release = make_release(title="Ersetzt", body=f"<p>Es geht um {word}.</p>",
                               status=Status.DRAFT, published_at=None, created_by=editor)
        services.submit(release, editor)
        services.approve(fresh(release), spokesperson)
        services.publish(fresh(release), spokesperson)
        query = {"q": f"{self.typo(word)} oder Sachsen"}
        assert client.get(reverse("releases:search"), query).context["suggestion"] == (
            f"{word} oder Sachsen")
        change_live(release, editor, spokesperson, publisher=deputy,
                    body="<p>Es geht um Kräutertee.</p>", note="Die Teesorte war falsch.")
        assert client.get(reverse("releases:search"), query).context["suggestion"] == ""

    def test_words_come_when_the_release_becomes_public(self, client, hidden):
        _publicly, soon = hidden
        with time_machine.travel(soon + SECOND, tick=False):
            services.complete_due_publications()
            response = client.get(reverse("releases:search"), {
                "q": f"{self.typo(self.WORDS['embargoed'])} oder Sachsen"})
        assert response.context["suggestion"] == f"{self.WORDS['embargoed']} oder Sachsen"


# How editions behave ----------------------------------------------------------------------

class TestWorkingEdition:
    def test_it_starts_with_the_live_content_and_links(self, live, editor, topic, contact,
                                                       person):
        live.topics.add(topic)
        live.contacts.add(contact)
        live.release_people.create(person=person, role="Gastgeber")
        edition = services.start_edition(fresh(live), editor)
        assert (edition.edition_of, edition.status, edition.body, edition.number) == (
            fresh(live), Status.DRAFT, LIVE_TEXT, None)
        assert list(edition.topics.all()) == [topic]
        assert list(edition.contacts.all()) == [contact]
        assert [(p.person, p.role) for p in edition.release_people.all()] == [
            (person, "Gastgeber")]
        assert list(edition.authors.all()) == [editor]
        assert services.start_edition(fresh(live), editor) == edition  # only one
        assert actions_of(live)[-1] == Action.START_EDITION

    def test_nothing_of_it_is_public_until_it_is_published(self, client, live, editor,
                                                           spokesperson):
        edition = services.start_edition(live, editor)
        write(edition, editor, title="Arbeitstitel Xylofon", body="<p>Xylofon.</p>")
        services.submit(fresh(edition), editor)
        services.approve(fresh(edition), spokesperson)
        for url in ["/", reverse("releases:release-list"), reverse("releases:feed"),
                    reverse("releases:feed-atom"), "/sitemap.xml", "/sitemap-releases.xml",
                    "/api/releases/", fresh(live).get_absolute_url()]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Xylofon" not in response.content.decode(), url
        assert list(client.get(reverse("releases:search"), {"q": "Xylofon"}).context[
            "results"]) == []
        assert client.get(edition.get_absolute_url()).status_code == 404
        assert not Release.objects.public().filter(pk=edition.pk).exists()

    def test_publishing_it_moves_page_feed_and_api_together(self, client, live, editor,
                                                            spokesperson):
        before = fresh(live)
        edition = services.start_edition(live, editor)
        write(edition, editor, title="Neuer Titel", body=NEW_TEXT, change_note=NOTE)
        services.submit(fresh(edition), editor)
        services.approve(fresh(edition), spokesperson)
        assert "Neuer Titel" not in page(client, live) + feed(client)
        assert api(client, live)["headlines"][0]["value"] == before.title
        result = services.publish(fresh(edition), spokesperson)
        assert result == before
        after = fresh(live)
        assert (after.pk, after.uuid, after.number, after.published_at, after.slug) == (
            before.pk, before.uuid, before.number, before.published_at, before.slug)
        assert "Neuer Titel" in page(client, live) and NOTE in page(client, live)
        assert "Neuer Titel" in feed(client)
        assert api(client, live)["headlines"][0]["value"] == "Neuer Titel"
        assert not Release.objects.filter(pk=edition.pk).exists()
        assert Correction.objects.get().text == NOTE
        assert actions_of(live)[-1] == Action.CORRECT

    def test_images_move_to_the_live_release_and_old_files_stay(self, live, editor,
                                                                spokesperson, client):
        from .admin_helpers import png_upload

        old = ReleaseImage.objects.create(release=live, image=png_upload(), alt_text="Alt",
                                          credit="Foto: SMR")
        edition = services.start_edition(fresh(live), editor)
        copy = edition.images.get()
        assert copy.image.name == old.image.name
        copy.alt_text = "Podium in Kattowitz"
        copy.save()
        services.submit(fresh(edition), editor)
        services.approve(fresh(edition), spokesperson)
        services.publish(fresh(edition), spokesperson)
        (image,) = fresh(live).images.all()
        assert (image.pk, image.alt_text) == (copy.pk, "Podium in Kattowitz")
        assert image.image.storage.exists(old.image.name)
        assert 'alt="Podium in Kattowitz"' in page(client, live)

    def test_a_minor_change_has_no_note(self, client, live, editor, spokesperson):
        change_live(live, editor, spokesperson, body=NEW_TEXT)
        assert "8. Oktober" in page(client, live)
        assert not Correction.objects.exists()
        entry = AuditEntry.objects.filter(release=live).order_by("pk").last()
        assert (entry.action, entry.actor) == (Action.PUBLISH, spokesperson)
        assert "ohne Hinweis" in entry.detail or "without a note" in entry.detail

    def test_discarding_it_leaves_the_live_edition(self, client, live, editor):
        version = fresh(live).version
        edition = services.start_edition(live, editor)
        write(edition, editor, body=NEW_TEXT)
        link = services.create_preview_link(fresh(edition), editor)
        assert services.discard_edition(fresh(edition), editor) == fresh(live)
        assert not Release.objects.filter(pk=edition.pk).exists()
        assert (fresh(live).body, fresh(live).version) == (LIVE_TEXT, version)
        assert client.get(preview_path(link)).status_code == 410
        assert actions_of(live)[-1] == Action.DISCARD

    def test_every_author_needs_somebody_else(self, live, editor, spokesperson, deputy):
        edition = services.start_edition(live, editor)
        write(edition, spokesperson, body=NEW_TEXT)
        services.submit(fresh(edition), editor)
        for author in (editor, spokesperson):
            assert services.four_eyes_problem(fresh(edition), author)
        with pytest.raises(services.WorkflowError):
            services.approve(fresh(edition), spokesperson)
        services.approve(fresh(edition), deputy)
        with pytest.raises(services.WorkflowError):
            services.publish(fresh(edition), spokesperson)
        services.publish(fresh(edition), deputy)
        assert fresh(live).body == NEW_TEXT

    def test_a_withdrawn_release_stays_withdrawn(self, client, live, editor, spokesperson,
                                                 deputy):
        edition = services.start_edition(live, editor)
        write(edition, editor, body=NEW_TEXT)
        services.submit(fresh(edition), editor)
        services.approve(fresh(edition), deputy)
        services.withdraw(fresh(live), spokesperson, "Überholt.")
        assert "publish" not in services.allowed_transitions(fresh(edition), spokesperson)
        with pytest.raises(services.WorkflowError):
            services.publish(fresh(edition), spokesperson)
        assert fresh(live).status == Status.WITHDRAWN
        assert NEW_TEXT not in client.get(fresh(live).get_absolute_url()).content.decode()

    def test_a_change_after_approval_goes_back_to_review_without_its_time(
            self, live, editor, spokesperson):
        edition = services.start_edition(live, editor)
        services.submit(fresh(edition), editor)
        services.approve(fresh(edition), spokesperson)
        services.schedule(fresh(edition), spokesperson,
                          timezone.now() + datetime.timedelta(hours=2))
        write(edition, editor, body=NEW_TEXT)
        stored = fresh(edition)
        assert (stored.status, stored.published_at, stored.approved_by) == (
            Status.IN_REVIEW, None, None)

    def test_sending_back_clears_a_stale_time(self, in_review, spokesperson):
        Release.objects.filter(pk=in_review.pk).update(
            published_at=timezone.now() + datetime.timedelta(days=1))
        services.reject(fresh(in_review), spokesperson, "Bitte den Vorspann kürzen.")
        assert (fresh(in_review).status, fresh(in_review).published_at) == (
            Status.DRAFT, None)


class TestScheduledEdition:
    @pytest.mark.parametrize("moment", list(MOMENTS.values()), ids=list(MOMENTS))
    def test_it_replaces_the_live_edition_when_its_time_has_come(
            self, moment, client, make_release, editor, spokesperson):
        with time_machine.travel(moment - datetime.timedelta(days=3), tick=False):
            release = make_release(body=LIVE_TEXT, published_at=timezone.now())
            edition = services.start_edition(release, editor)
            write(edition, editor, body=NEW_TEXT)
            services.submit(fresh(edition), editor)
            services.approve(fresh(edition), spokesperson)
            services.schedule(fresh(edition), spokesperson, moment)
        with time_machine.travel(moment - SECOND, tick=False):
            assert services.complete_due_publications() == []
            assert "7. Oktober" in page(client, release)
        with time_machine.travel(moment, tick=False):
            assert services.complete_due_publications() == [fresh(release)]
            assert "8. Oktober" in page(client, release)
            assert services.complete_due_publications() == []

    def test_one_whose_release_was_withdrawn_is_not_published(self, live, editor,
                                                              spokesperson):
        at = timezone.now() + datetime.timedelta(hours=1)
        edition = services.start_edition(live, editor)
        write(edition, editor, body=NEW_TEXT)
        services.submit(fresh(edition), editor)
        services.approve(fresh(edition), spokesperson)
        services.schedule(fresh(edition), spokesperson, at)
        services.withdraw(fresh(live), spokesperson, "Überholt.")
        with time_machine.travel(at + SECOND, tick=False):
            assert services.complete_due_publications() == []
        stored = fresh(edition)
        assert (stored.status, stored.published_at) == (Status.APPROVED, None)
        assert fresh(live).body == LIVE_TEXT


class TestEmbargoOfAnEdition:
    def test_an_embargoed_release_can_get_a_new_embargo(self, make_release, editor,
                                                        spokesperson):
        first = timezone.now() + datetime.timedelta(hours=2)
        release = make_release(embargo_until=first)
        later = first + datetime.timedelta(hours=1)
        change_live(release, editor, spokesperson, embargo_until=later)
        assert fresh(release).embargo_until == later

    @pytest.mark.parametrize("moment", list(MOMENTS.values()), ids=list(MOMENTS))
    def test_a_sperrfrist_brought_forward_makes_it_public_at_the_new_time(
            self, client, make_release, editor, spokesperson, moment):
        with time_machine.travel(moment - datetime.timedelta(days=3), tick=False):
            release = services.publish(make_release(
                status=Status.APPROVED, published_at=None,
                embargo_until=moment + datetime.timedelta(days=10)), None)
            change_live(release, editor, spokesperson, embargo_until=moment)
            assert fresh(release).published_at == moment
        with time_machine.travel(moment - SECOND, tick=False):
            assert client.get(fresh(release).get_absolute_url()).status_code == 404
        with time_machine.travel(moment, tick=False):
            assert client.get(fresh(release).get_absolute_url()).status_code == 200
            assert [r.pk for r in services.complete_due_publications()] == [release.pk]
            assert fresh(release).number is not None

    def test_a_sperrfrist_lifted_makes_it_public_and_numbered_at_once(
            self, client, make_release, editor, spokesperson):
        release = services.publish(make_release(
            status=Status.APPROVED, published_at=None,
            embargo_until=timezone.now() + datetime.timedelta(days=10)), None)
        assert client.get(release.get_absolute_url()).status_code == 404
        release = change_live(release, editor, spokesperson, embargo_until=None)
        assert client.get(release.get_absolute_url()).status_code == 200
        assert release.number is not None and release.published_at <= timezone.now()

    def test_a_public_release_gets_no_embargo_from_an_edition(self, client, live, editor,
                                                              spokesperson):
        change_live(live, editor, spokesperson,
                    embargo_until=timezone.now() + datetime.timedelta(days=1))
        assert fresh(live).embargo_until is None
        assert client.get(fresh(live).get_absolute_url()).status_code == 200


class TestCorrectionMail:
    @pytest.fixture
    def received(self, approved, spokesperson, topic, make_subscription, mailoutbox):
        """A release sent to a subscriber when it was published."""
        approved.topics.add(topic)
        subscriber = make_subscription(topics=[topic])
        services.publish(fresh(approved), spokesperson)
        alerts.run_alerts()
        assert [m.to for m in mailoutbox] == [[subscriber.email]]
        return fresh(approved), subscriber

    def test_the_correction_goes_out_once_to_those_who_got_the_release(
            self, received, editor, spokesperson, mailoutbox):
        release, subscriber = received
        edition = services.start_edition(release, editor)
        write(edition, editor, body=NEW_TEXT, change_note=NOTE)
        services.submit(fresh(edition), editor)
        services.approve(fresh(edition), spokesperson)
        assert not OutboxMessage.objects.filter(kind=OutboxMessage.Kind.CORRECTION).exists()
        services.publish(fresh(edition), spokesperson)
        assert OutboxMessage.objects.filter(kind=OutboxMessage.Kind.CORRECTION).count() == 1
        alerts.run_alerts()
        alerts.run_alerts()
        corrections = [m for m in mailoutbox if m.subject.startswith("Berichtigung")]
        assert [m.to for m in corrections] == [[subscriber.email]]
        assert NOTE in corrections[0].body

    def test_a_minor_change_sends_nothing(self, received, editor, deputy, mailoutbox):
        release, _subscriber = received
        change_live(release, editor, deputy, body=NEW_TEXT)
        alerts.run_alerts()
        assert len(mailoutbox) == 1


class TestPreviewOfAnEdition:
    def test_it_shows_the_change_as_it_will_look_until_it_is_published(
            self, client, live, editor, spokesperson):
        edition = services.start_edition(live, editor)
        write(edition, editor, body=NEW_TEXT, change_note=NOTE)
        link = services.create_preview_link(fresh(edition), editor)
        content = client.get(preview_path(link)).content.decode()
        assert "8. Oktober" in content and NOTE in content
        assert fresh(live).number_label in content
        assert "7. Oktober" in page(client, live)
        services.submit(fresh(edition), editor)
        services.approve(fresh(edition), spokesperson)
        services.publish(fresh(edition), spokesperson)
        response = client.get(preview_path(link))
        assert response.status_code == 410
        assert "8. Oktober" not in response.content.decode()

    def test_a_live_release_gets_no_preview_link(self, live, editor):
        with pytest.raises(services.WorkflowError):
            services.create_preview_link(fresh(live), editor)


class TestPageCache:
    """Only what the public can see moves the page cache's generation."""

    @pytest.fixture(autouse=True)
    def page_cache(self, settings):
        settings.PAGE_CACHE_SECONDS = 600

    def test_drafts_and_working_editions_leave_it(self, live, make_release, editor,
                                                  django_capture_on_commit_callbacks):
        draft = make_release(status=Status.DRAFT, published_at=None, created_by=editor)
        with django_capture_on_commit_callbacks(execute=True):
            before = caching.generation()
            write(draft, editor, body=NEW_TEXT)
            services.submit(fresh(draft), editor)
            edition = services.start_edition(fresh(live), editor)
            write(edition, editor, body=NEW_TEXT, change_note=NOTE)
            services.submit(fresh(edition), editor)
        assert caching.generation() == before

    def test_publishing_the_edition_moves_it(self, live, editor, spokesperson,
                                             django_capture_on_commit_callbacks):
        edition = services.start_edition(fresh(live), editor)
        write(edition, editor, body=NEW_TEXT)
        services.submit(fresh(edition), editor)
        services.approve(fresh(edition), spokesperson)
        before = caching.generation()
        with django_capture_on_commit_callbacks(execute=True):
            services.publish(fresh(edition), spokesperson)
        assert caching.generation() != before


class TestAdmin:
    def test_live_release_form_shows_the_working_edition(self, spokesperson_client, live,
                                                         editor):
        edition = services.start_edition(live, editor)
        write(edition, editor, body=NEW_TEXT, change_note=NOTE)
        services.submit(fresh(edition), editor)
        response = spokesperson_client.get(change_url(live))
        content = response.content.decode()
        workflow = response.context["workflow"]
        assert workflow["edition"] == edition
        assert workflow["edition_authors"] == [editor.username]
        assert change_url(edition) in content
        assert workflow_url(edition, "approve") in content
        changes = {change["name"]: change["lines"] for change in workflow["edition_changes"]}
        assert ("added", "Die simul+Werkstatt fand am 8. Oktober in Kattowitz statt.") in (
            changes["body"])
        assert NOTE in content
        # The live text rendered, not its HTML source.
        assert LIVE_TEXT in content and "&lt;p&gt;Die simul" not in content

    def test_edition_form_has_the_live_text_read_only_and_its_buttons(
            self, editor_client, live, editor):
        edition = services.start_edition(live, editor)
        response = editor_client.get(change_url(edition))
        content = response.content.decode()
        assert response.context["has_change_permission"]
        assert 'name="change_note"' in content
        assert 'name="slug"' not in content  # the address stays the live one's
        assert LIVE_TEXT in content
        assert workflow_url(edition, "submit") in content
        assert workflow_url(edition, "discard") in content
        assert change_url(live) in content

    def test_saving_an_edition_returns_to_its_release(self, editor_client, live, editor):
        edition = services.start_edition(live, editor)
        response = editor_client.post(change_url(edition), form_data(
            edition, body=NEW_TEXT, slug=""))
        assert response.status_code == 302
        assert response["Location"] == change_url(live)
        assert fresh(edition).body == NEW_TEXT

    def test_list_shows_releases_with_their_working_edition(self, spokesperson_client, live,
                                                            editor):
        edition = services.start_edition(live, editor)
        changelist = reverse("admin:releases_release_changelist")
        response = spokesperson_client.get(changelist)
        assert [r.pk for r in response.context["cl"].result_list] == [live.pk]
        assert change_url(edition) in response.content.decode()
        response = spokesperson_client.get(changelist, {"fassung": "arbeitsfassungen"})
        assert [r.pk for r in response.context["cl"].result_list] == [edition.pk]

    def test_publish_page_shows_the_change_and_the_note(self, spokesperson_client, live,
                                                        editor):
        edition = services.start_edition(live, editor)
        write(edition, editor, body=NEW_TEXT, change_note=NOTE)
        response = spokesperson_client.get(workflow_url(edition, "publish"))
        content = response.content.decode()
        assert NOTE in content
        assert "<ins>in Kattowitz</ins>" in content

    def test_a_refusal_is_one_message_in_one_wording(self, editor_client, in_review, editor):
        response = post_operation(editor_client, in_review, "approve")
        assert messages_of(response) == [services.refusal("approve", fresh(in_review),
                                                          editor)]

    def test_buttons_offered_are_the_operations_not_refused(self, spokesperson, editor,
                                                            live, in_review):
        edition = services.start_edition(live, editor)
        for release in (fresh(live), fresh(edition), fresh(in_review)):
            for user in (editor, spokesperson):
                offered = services.allowed_transitions(release, user)
                assert offered == [name for name in services.OPERATIONS
                                   if services.refusal(name, release, user) is None]
        assert "discard" in services.allowed_transitions(fresh(edition), editor)
        assert "withdraw" not in services.allowed_transitions(fresh(edition), spokesperson)
        assert "start_edition" not in services.allowed_transitions(fresh(live), editor)

    def test_save_and_submit_is_one_click(self, editor_client, live, editor, spokesperson):
        edition = services.start_edition(live, editor)
        assert 'name="_save_and_submit"' in editor_client.get(
            change_url(edition)).content.decode()
        response = editor_client.post(change_url(edition), {
            **form_data(edition, body=NEW_TEXT, change_note=NOTE), "_save_and_submit": "1"},
            follow=True)
        stored = fresh(edition)
        assert (stored.body, stored.status) == (NEW_TEXT, Status.IN_REVIEW)
        assert response.redirect_chain[-1][0] == change_url(live)
        assert 'name="_save_and_submit"' not in editor_client.get(
            change_url(edition)).content.decode()  # only a draft is submitted

    def test_the_enter_key_saves_and_does_not_submit(self, editor_client, live, editor):
        # A browser submits a form with its first submit button when Enter is pressed in a
        # text field: that must be plain saving, not the submission for review.
        edition = services.start_edition(live, editor)
        html = editor_client.get(change_url(edition)).content.decode()
        form = html[html.index('id="release_form"'):]
        first = re.search(r'<input type="submit"[^>]*>', form).group(0)
        assert 'name="_save"' in first

    def test_save_and_submit_of_a_release_in_review_saves_and_says_why_not(
            self, spokesperson_client, in_review, spokesperson):
        response = spokesperson_client.post(change_url(in_review), {
            **form_data(fresh(in_review), teaser="Neuer Vorspann."), "_save_and_submit": "1"},
            follow=True)
        assert fresh(in_review).teaser == "Neuer Vorspann."
        assert fresh(in_review).status == Status.IN_REVIEW
        refusal = services.refusal("submit", fresh(in_review), spokesperson)
        assert refusal in messages_of(response)

    def test_unknown_operation_is_not_found(self, editor_client, live):
        assert editor_client.post(workflow_url(live, "delete")).status_code == 404


class TestLayers:
    """The core app never imports the apps built on it; the admin never the public views."""

    @staticmethod
    def imported(path):
        tree = ast.parse(path.read_text())
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names.add(("." * node.level) + (node.module or ""))
        return names

    def test_releases_does_not_import_journalists(self):
        for path in (ROOT / "releases").rglob("*.py"):
            assert not any(name.startswith("journalists") for name in self.imported(path)), path

    def test_admin_does_not_import_public_views(self):
        for path in (ROOT / "releases").glob("*admin*.py"):
            assert not any("views" in name for name in self.imported(path)), path


def actions_of(release):
    return list(AuditEntry.objects.filter(release=release).order_by("pk")
                .values_list("action", flat=True))


class TestWorkingEditionsStayOutOfOtherLists:
    def test_the_related_releases_autocomplete_offers_releases_only(self, editor_client, live,
                                                                     editor):
        services.start_edition(live, editor)
        response = editor_client.get(reverse("admin:autocomplete"), {
            "app_label": "releases", "model_name": "release", "field_name": "related",
            "term": fresh(live).title[:8]})
        assert [int(item["id"]) for item in response.json()["results"]] == [live.pk]

    def test_an_appointment_lists_releases_not_their_working_editions(
            self, spokesperson_client, live, editor, organisation):
        from releases.models import Event

        event = Event.objects.create(title="Werkstatt", slug="werkstatt",
                                     organisation=organisation, starts_at=timezone.now())
        live.events.add(event)
        edition = services.start_edition(fresh(live), editor)
        response = spokesperson_client.get(reverse("admin:releases_event_change",
                                                   args=[event.pk]))
        content = response.content.decode()
        assert change_url(live) in content and change_url(edition) not in content


class TestLastPublicChange:
    """JSON-LD dateModified, the sitemap's lastmod and ninjs versioncreated say when what the
    public sees last changed (Release.last_public_change_at), not when the row was saved."""

    @staticmethod
    def modified(client, release):
        html = page(client, release)
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                    html, re.S).group(1))
        return data["dateModified"], api(client, release)["versioncreated"]

    def test_it_is_the_end_of_the_embargo_then_each_published_change(
            self, client, no_page_cache, approved, editor, spokesperson):
        embargo = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
        Release.objects.filter(pk=approved.pk).update(embargo_until=embargo)
        services.publish(fresh(approved), spokesperson)
        with time_machine.travel(embargo + datetime.timedelta(minutes=3), tick=False):
            services.complete_due_publications()  # the job comes a little late
            became_public = timezone.localtime(embargo).isoformat()
            assert self.modified(client, approved) == (became_public, became_public)
        changed = embargo + datetime.timedelta(days=1)
        with time_machine.travel(changed, tick=False):
            change_live(approved, editor, spokesperson, body=NEW_TEXT)  # a minor change
        with time_machine.travel(changed + datetime.timedelta(days=1), tick=False):
            # Writing the next change is not public yet.
            edition = services.start_edition(fresh(approved), editor)
            write(edition, editor, body=LIVE_TEXT)
            expected = timezone.localtime(changed).isoformat()
            assert self.modified(client, approved) == (expected, expected)
            sitemap = sitemap_text(client)
        assert (f"{fresh(approved).get_absolute_url()}</loc>"
                f"<lastmod>{timezone.localdate(changed).isoformat()}</lastmod>") in sitemap
