"""A correction to a published release, as the people involved see it in real Chromium.

Redaktion starts a change of a published release, rewrites its title and text with a
correction note and submits it; the Pressestelle approves and publishes it. An
anonymous visitor watches the page, the RSS feed and the API throughout: nothing
moves until the second person publishes, then all three move together, at the same
address and with the same number, and the subscriber who got the release gets one
correction mail. Screenshots of the admin pages go to test-results/screenshots.
"""

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from journalists import outbox as alerts
from journalists.models import OutboxMessage
from releases import services
from releases.models import Correction, Release
from tests.browser.conftest import PHONE, axe_violations
from tests.browser.helpers import SCREENSHOTS, log_in_and_go_to, wait_for_ckeditor
from tests.workflow_fixtures import change_url, fresh

pytest_plugins = ["tests.journalist_fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD_TITLE = "Große Resonanz bei simul+Werkstatt in Kattowitz"
OLD_TEXT = "Die simul+Werkstatt fand am 7. Oktober statt."
OLD_BODY = "<p>Die simul+Werkstatt fand am <strong>7. Oktober</strong> statt.</p>"
NEW_TITLE = "Große Resonanz bei simul+Werkstatt in Kattowitz am 8. Oktober"
NEW_TEXT = "Die simul+Werkstatt fand am 8. Oktober in Kattowitz statt."
NEW_BODY = "<p>Die simul+Werkstatt fand am <strong>8. Oktober</strong> in Kattowitz statt.</p>"
NOTE = "In einer früheren Fassung stand ein falsches Datum (7. statt 8. Oktober)."


@pytest.fixture
def received(people, make_release, topic, make_subscription, mailoutbox):
    """A published, numbered release that a subscriber to its topic has been sent."""
    editor, spokesperson = people["editor"], people["spokesperson"]
    release = make_release(status=Release.Status.DRAFT, published_at=None, created_by=editor,
                           title=OLD_TITLE, body=OLD_BODY)
    release.topics.add(topic)
    subscriber = make_subscription(topics=[topic])
    services.submit(release, editor)
    services.approve(fresh(release), spokesperson)
    services.publish(fresh(release), spokesperson)
    alerts.run_alerts()
    assert [mail.to for mail in mailoutbox] == [[subscriber.email]]
    release = fresh(release)
    assert release.number
    return release, subscriber


def record_axe(page, name):
    """axe-core's findings on an admin page, written down to be read, not asserted: the
    admin's own markup (breadcrumbs, select2) is Django's and the tests hold only the
    public pages to axe (test_visitor.py)."""
    violations = axe_violations(page)
    path = SCREENSHOTS.parent / f"axe-{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{violation}\n" for violation in violations) or "none\n")
    print(f"axe, {name}:", violations or "none")
    return violations


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


class Public:
    """What an anonymous visitor gets: the page in the browser, the feed and the API."""

    def __init__(self, page, base, release):
        self.page, self.base = page, base
        self.url = base + release.get_absolute_url()
        self.api = f"{base}/api/releases/{release.uuid}/"
        self.feed = base + reverse("releases:feed")
        self.number = release.number_label

    def shows(self, title, text, note=None):
        response = self.page.goto(self.url)
        assert response.status in (200, 304) and self.page.url == self.url
        expect(self.page.get_by_role("heading", level=1)).to_have_text(title)
        expect(self.page.locator("main .body")).to_have_text(text)
        expect(self.page.locator("main .meta")).to_contain_text(self.number)
        corrections = self.page.locator("section.corrections")
        if note is None:
            expect(corrections).to_have_count(0)
        else:
            expect(corrections).to_contain_text(note)

        feed = self.page.request.get(self.feed)
        assert feed.ok
        (item,) = ElementTree.fromstring(feed.body()).iter("item")
        assert item.findtext("title") == title
        assert urlsplit(item.findtext("link")).path == urlsplit(self.url).path
        assert text in item.findtext("description")

        document = self.page.request.get(self.api)
        assert document.ok
        document = document.json()
        assert document["headlines"][0]["value"] == title
        assert text in re.sub(r"<[^>]+>", "", document["bodies"][0]["value"])
        assert {"role": "number", "value": self.number} in document["altids"]


def status_label(status):
    with translation.override("de"):
        return str(status.label)


def workflow_button(page, release, operation):
    return page.locator(f'form[action$="/{release.pk}/workflow/{operation}/"] button')


def workflow_link(page, release, operation):
    return page.locator(f'a[href$="/{release.pk}/workflow/{operation}/"]')


def test_a_correction_written_by_redaktion_goes_live_only_when_the_pressestelle_publishes_it(
        live_server, settings, context_of, people, received, mailoutbox):
    # Each visit asks the server (a browser would otherwise keep the page a minute).
    settings.PAGE_MAX_AGE = 0
    release, subscriber = received
    base = live_server.url
    public = Public(context_of(), base, release)
    public.shows(OLD_TITLE, OLD_TEXT)

    # Redaktion: the published release is read-only, its text rendered.
    editor = context_of()
    log_in_and_go_to(editor, base, people["editor"], change_url(release))
    expect(editor.locator(".cke")).to_have_count(0)
    expect(editor.locator("textarea, input[name=title]")).to_have_count(0)
    rendered = editor.locator(".rendered-text")
    expect(rendered).to_be_visible()
    expect(rendered).to_have_text(OLD_TEXT)  # as text, not "<p>…"
    expect(rendered.locator("strong")).to_have_text("7. Oktober")

    # Starting a change opens the working edition's form.
    workflow_button(editor, release, "start_edition").click()
    editor.wait_for_url(re.compile(rf"/admin/releases/release/(?!{release.pk}/)\d+/change/$"))
    edition = Release.objects.get(edition_of=release)
    assert editor.url == base + change_url(edition)
    expect(editor.locator(".messagelist .success")).to_have_count(1)
    public.shows(OLD_TITLE, OLD_TEXT)

    wait_for_ckeditor(editor)
    expect(editor.locator("#id_title")).to_have_value(OLD_TITLE)
    editor.fill("#id_title", NEW_TITLE)
    editor.evaluate("""html => new Promise(done =>
        CKEDITOR.instances.id_body.setData(html, {callback: done}))""", NEW_BODY)
    expect(editor.frame_locator("iframe.cke_wysiwyg_frame").locator("body")).to_have_text(
        NEW_TEXT)
    editor.fill("#id_change_note", NOTE)
    screenshot(editor, "edition-form-1280")
    record_axe(editor, "edition-form")

    # A workflow button would leave the unsaved text behind: the browser asks first.
    asked = []
    editor.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    with editor.expect_event("dialog"):
        workflow_button(editor, edition, "submit").click()
    assert asked and "nicht gesichert" in asked[0]
    assert editor.url == base + change_url(edition)
    expect(editor.locator("#id_title")).to_have_value(NEW_TITLE)
    assert fresh(edition).status == Release.Status.DRAFT

    # The same form on the editor's phone (logged in there too).
    phone = context_of(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                       storage_state=editor.context.storage_state())
    phone.goto(base + change_url(edition))
    wait_for_ckeditor(phone)
    screenshot(phone, "edition-form-375")

    # Saved, the editor is back at the release, where the working edition waits.
    editor.locator('input[name="_save"]').first.click()
    editor.wait_for_url(base + change_url(release))
    expect(editor.locator(".messagelist .success")).to_have_count(1)
    stored = fresh(edition)
    assert (stored.title, stored.body, stored.change_note) == (NEW_TITLE, NEW_BODY, NOTE)
    assert list(stored.authors.all()) == [people["editor"]]
    public.shows(OLD_TITLE, OLD_TEXT)

    # Submitted for review; Redaktion is offered neither approval nor publication.
    workflow_button(editor, edition, "submit").click()
    editor.wait_for_url(base + change_url(edition))
    expect(editor.locator(".workflow-state strong")).to_have_text(
        status_label(Release.Status.IN_REVIEW))
    assert fresh(edition).status == Release.Status.IN_REVIEW
    public.shows(OLD_TITLE, OLD_TEXT)
    for url in (change_url(edition), change_url(release)):
        if editor.url != base + url:
            editor.goto(base + url)
        expect(workflow_button(editor, edition, "submit")).to_have_count(0)
        expect(workflow_button(editor, edition, "approve")).to_have_count(0)
        expect(workflow_link(editor, edition, "publish")).to_have_count(0)

    # Trying the publish address anyway: refused before a form is shown, back at the edition.
    editor.goto(base + reverse("admin:releases_release_workflow",
                               args=[edition.pk, "publish"]))
    editor.wait_for_url(re.compile(rf"/{edition.pk}/change/$"))
    expect(editor.locator("ul.messagelist li.error")).to_contain_text("veröffentlichen")
    expect(editor.locator("textarea[name=override_reason]")).to_have_count(0)
    assert Release.objects.filter(pk=edition.pk, status=Release.Status.IN_REVIEW).exists()
    public.shows(OLD_TITLE, OLD_TEXT)

    # Pressestelle: sees the change waiting, who wrote it and what differs.
    press = context_of()
    log_in_and_go_to(press, base, people["spokesperson"], change_url(release))
    waiting = press.locator("section.workflow-edition")
    expect(waiting).to_contain_text(status_label(Release.Status.IN_REVIEW))
    expect(waiting).to_contain_text("redakteurin")
    expect(waiting).to_contain_text(NOTE)
    diff = press.locator("section.diff")
    # Word by word: the title gained three words, the date in bold changed.
    expect(diff.locator("ins").filter(has_text="am 8. Oktober")).to_have_count(1)
    expect(diff.locator("del strong")).to_have_text("7")
    expect(diff).to_contain_text("8. Oktober")
    screenshot(press, "release-with-edition-in-review-1280")

    workflow_button(press, edition, "approve").click()
    expect(press.locator(".messagelist .success")).to_have_count(1)
    assert fresh(edition).status == Release.Status.APPROVED
    public.shows(OLD_TITLE, OLD_TEXT)

    workflow_link(press, edition, "publish").first.click()
    press.wait_for_url(re.compile(rf"/{edition.pk}/workflow/publish/$"))
    expect(press.locator("#content-main")).to_contain_text(NOTE)
    expect(press.locator("section.diff ins").filter(has_text="am 8. Oktober")).to_have_count(1)
    expect(press.locator("textarea[name=override_reason]")).to_have_count(0)
    screenshot(press, "publish-edition-1280")
    record_axe(press, "publish-edition")
    assert not OutboxMessage.objects.filter(kind=OutboxMessage.Kind.CORRECTION).exists()
    press.locator("#content-main form input[type=submit]").click()
    press.wait_for_url(re.compile(rf"/{release.pk}/change/$"))
    expect(press.locator(".messagelist .success")).to_have_count(1)
    # The correction mail was queued with the publication, once.
    assert OutboxMessage.objects.filter(kind=OutboxMessage.Kind.CORRECTION).count() == 1

    # Now everything moves together: page, feed and API; same address and number.
    public.shows(NEW_TITLE, NEW_TEXT, note=NOTE)
    after = fresh(release)
    assert (after.pk, after.uuid, after.number_label, after.get_absolute_url()) == (
        release.pk, release.uuid, release.number_label, release.get_absolute_url())
    assert not Release.objects.filter(pk=edition.pk).exists()
    assert list(Correction.objects.values_list("text", flat=True)) == [NOTE]

    # One correction mail, to the subscriber who got the release, however often the job runs.
    alerts.run_alerts()
    alerts.run_alerts()
    assert len(mailoutbox) == 2
    correction = mailoutbox[1]
    assert correction.subject.startswith("Berichtigung")
    assert correction.to == [subscriber.email]
    assert NOTE in correction.body
