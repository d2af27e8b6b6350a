"""The release form as Redaktion uses it in real Chromium: length counters, the preview
of unsaved changes in a new tab, the warning before leaving unsaved changes, and a
release used as a template. Screenshots at 1280 and 1440 px go to /tmp/shots12/admin-form.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from releases import revisions, services
from releases.models import Release
from tests.browser.helpers import log_in_and_go_to, wait_for_ckeditor
from tests.workflow_fixtures import change_url, fresh

pytest_plugins = ["tests.journalist_fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots12/admin-form")
TITLE = "Große Resonanz bei simul+Werkstatt in Kattowitz"
UNSAVED_TITLE = "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut"
NEW_BODY = ("<p>Staatsminister Thomas Schmidt eröffnete am <strong>7. Oktober</strong> "
            "die Werkstatt.</p>")
LONG_TITLE = ("Große Resonanz bei simul+Werkstatt in Kattowitz: Zusammenarbeit zwischen "
              "Sachsen und Schlesien ausgebaut")


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def written(people, make_release, topic, contact):
    """A draft of Redaktion's, with a topic and a press contact."""
    release = make_release(status=Release.Status.DRAFT, published_at=None,
                           created_by=people["editor"], title=TITLE,
                           teaser="Rund 70 Teilnehmer diskutierten in Kattowitz.",
                           body="<p>Staatsminister Thomas Schmidt eröffnete die Werkstatt.</p>")
    release.topics.add(topic)
    release.contacts.add(contact)
    # Its first stored version, for the history.
    return services.save_release(fresh(release), people["editor"], changed=True)


def retype(page, selector, text):
    """Typed as a person types (a user gesture, which the leaving warning needs)."""
    page.click(selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_counters_preview_and_leaving_warning_in_the_change_form(
        live_server, context_of, people, written):
    base = live_server.url
    page = context_of()
    log_in_and_go_to(page, base, people["editor"], change_url(written))
    wait_for_ckeditor(page)

    # Counters under title and teaser, in a warning colour above the recommended length.
    counter = page.locator("#id_title_counter")
    expect(counter).to_have_text(f"{len(TITLE)} / 70 Zeichen")
    expect(page.locator("#id_teaser_counter")).to_have_text("45 / 300 Zeichen")
    quiet = counter.evaluate("element => getComputedStyle(element).color")
    retype(page, "#id_title", LONG_TITLE)
    expect(counter).to_have_text(f"{len(LONG_TITLE)} / 70 Zeichen: länger als empfohlen")
    expect(counter).to_have_class(re.compile("char-counter-over"))
    assert counter.evaluate("element => getComputedStyle(element).color") != quiet
    for width in (1280, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, f"change-form-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The preview opens in a new tab with the unsaved title; nothing is saved.
    retype(page, "#id_title", UNSAVED_TITLE)
    expect(counter).to_have_text(f"{len(UNSAVED_TITLE)} / 70 Zeichen")
    page.evaluate("""html => new Promise(done =>
        CKEDITOR.instances.id_body.setData(html, {callback: done}))""", NEW_BODY)
    with page.context.expect_page() as opened:
        page.locator("input.live-preview").first.click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.get_by_role("heading", level=1)).to_have_text(UNSAVED_TITLE)
    expect(preview.locator("main .notice")).to_contain_text("Ungesicherte Vorschau")
    expect(preview.locator("main .body")).to_have_text(
        "Staatsminister Thomas Schmidt eröffnete am 7. Oktober die Werkstatt.")
    expect(preview.locator("main .body strong")).to_have_text("7. Oktober")
    for width in (1280, 1440):
        preview.set_viewport_size({"width": width, "height": 900})
        shoot(preview, f"preview-{width}")
    preview.close()
    assert fresh(written).title == TITLE
    assert page.url == base + change_url(written)

    # Leaving with the unsaved title: the browser asks; staying keeps the text.
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    with page.expect_event("dialog"):
        page.locator("#site-name a, .breadcrumbs a").first.click()
    assert asked == ["beforeunload"]
    assert page.url == base + change_url(written)
    expect(page.locator("#id_title")).to_have_value(UNSAVED_TITLE)

    # Saving asks nothing.
    page.locator('input[name="_save"]').first.click()
    page.wait_for_url(base + reverse("admin:releases_release_changelist"))
    assert asked == ["beforeunload"]
    assert fresh(written).title == UNSAVED_TITLE

    # The history compares the versions word by word, with their formatting.
    first = revisions.versions_of(written).first()
    page.goto(base + reverse("admin:releases_release_compare", args=[written.pk])
              + f"?old={first.pk}")
    body = page.locator(".diff-words").nth(1)
    expect(body).to_have_text("Staatsminister Thomas Schmidt eröffnete am 7. Oktober die "
                              "Werkstatt.")
    expect(body.locator("ins")).to_have_text("am 7. Oktober")
    expect(body.locator("ins strong")).to_have_text(["7", ".", "Oktober"])
    for width in (1280, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, f"compare-{width}")


def test_an_unchanged_form_is_left_without_a_question(
        live_server, context_of, people, written):
    base = live_server.url
    page = context_of()
    log_in_and_go_to(page, base, people["editor"], change_url(written))
    wait_for_ckeditor(page)
    page.click("#id_title")  # a gesture, but no change
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.locator(".breadcrumbs a").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert asked == []


def test_a_published_release_used_as_a_template(
        live_server, context_of, people, written, topic, contact):
    editor, spokesperson = people["editor"], people["spokesperson"]
    services.submit(written, editor)
    services.approve(fresh(written), spokesperson)
    services.publish(fresh(written), spokesperson)
    base = live_server.url
    page = context_of(viewport={"width": 1440, "height": 900})
    log_in_and_go_to(page, base, editor, change_url(written))
    page.locator(f'form[action$="/{written.pk}/workflow/duplicate/"] button').click()
    page.wait_for_url(re.compile(rf"/admin/releases/release/(?!{written.pk}/)\d+/change/$"))
    copy = Release.objects.exclude(pk=written.pk).get()
    assert page.url == base + change_url(copy)
    expect(page.locator(".messagelist .success")).to_contain_text("neuer Entwurf")
    wait_for_ckeditor(page)
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator(".workflow-state strong")).to_have_text("Entwurf")
    assert list(copy.topics.all()) == [topic] and list(copy.contacts.all()) == [contact]
    assert list(copy.authors.all()) == [editor] and copy.number is None
    shoot(page, "copy-1440")
