"""Two people at one release in real Chromium: Redaktion and the Pressestelle.

Erika Muster (Redaktion) opens her draft; the spokesperson opening it is told she is
at work on it, and she learns of him (and of his leaving) by the form's heartbeat. She
locks it: the lock shows in the form and in the list, his save is refused with his
text kept, and he releases her lock. When he saves first without a lock, her refused
save shows his change and takes both. Screenshots at 1280 and 1440 pixels go to
SCREENSHOTS.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from releases import editing, services
from releases.models import EditLock, EditorPresence, Release
from tests.browser.helpers import log_in_and_go_to, user, wait_for_ckeditor
from tests.workflow_fixtures import change_url, fresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/shots12/presence")
WIDTHS = (1280, 1440)


@pytest.fixture
def people(roles):
    editor, spokesperson = user("redakteurin", "Redaktion"), user("sprecher", "Pressestelle")
    editor.first_name, editor.last_name = "Erika", "Muster"
    spokesperson.first_name, spokesperson.last_name = "Paul", "Sprecher"
    editor.save()
    spokesperson.save()
    return editor, spokesperson


def screenshots(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def csp_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    return errors


def test_redaktion_locks_and_the_pressestelle_sees_it_and_releases_it(
        live_server, context_of, people, make_release, monkeypatch):
    monkeypatch.setattr(editing, "HEARTBEAT_SECONDS", 1)  # the script's beat, sped up
    editor, spokesperson = people
    release = make_release(status=Release.Status.DRAFT, published_at=None, created_by=editor,
                           title="Große Resonanz bei simul+Werkstatt in Kattowitz")
    base, path = live_server.url, change_url(release)

    erika = context_of()
    erika_csp = csp_errors(erika)
    log_in_and_go_to(erika, base, editor, path)
    wait_for_ckeditor(erika)
    expect(erika.locator(".editing-notices")).to_be_hidden()

    # The spokesperson opens the same form: he is told who is at work on it.
    paul = context_of()
    paul_csp = csp_errors(paul)
    log_in_and_go_to(paul, base, spokesperson, path)
    expect(paul.locator(".editing-notices")).to_contain_text(re.compile(
        r"Erika Muster bearbeitet diese Medieninformation seit \d\d:\d\d Uhr\."))
    # ... and she learns of him by the heartbeat, without reloading.
    expect(erika.locator(".editing-notices")).to_contain_text(
        "Paul Sprecher bearbeitet diese Medieninformation seit", timeout=10_000)
    screenshots(paul, "notice")

    # She locks it.
    said_left = []
    monkeypatch.setattr(editing, "record_left",
                        lambda release, user: said_left.append(user.username))
    # The forms lead back to the page they are on: wait_for_url would not wait.
    with erika.expect_navigation(url=base + path):
        erika.get_by_role("button", name="Zum Bearbeiten sperren").click()
    expect(erika.locator(".editing-lock")).to_contain_text(
        "Sie haben diese Medieninformation seit")
    screenshots(erika, "locked-own")
    assert EditLock.objects.get(release=release).locked_by == editor
    # Locking is no leaving: the page before did not say she left (which, arriving after
    # this page, took her off the others' notices), and her form is still open for them.
    erika.wait_for_timeout(1500)
    assert said_left == []
    assert EditorPresence.objects.get(release=release, user=editor).seen_at is not None

    # He sees the lock in the list ...
    paul.goto(base + reverse("admin:releases_release_changelist"))
    row = paul.locator("#result_list tbody tr", has_text=release.title)
    expect(row.locator(".edit-lock")).to_contain_text("Erika Muster")
    expect(row.locator(".edit-lock")).to_contain_text(re.compile(r"seit \d\d:\d\d Uhr"))
    screenshots(paul, "list-locked")

    # ... and in the form; his save is refused and his text stays.
    paul.goto(base + path)
    wait_for_ckeditor(paul)
    expect(paul.locator(".editing-lock")).to_contain_text(re.compile(
        r"Erika Muster hat diese Medieninformation seit \d\d:\d\d Uhr zum Bearbeiten "
        r"gesperrt\."))
    paul.fill("#id_teaser", "Vorspann der Pressestelle.")
    with paul.expect_navigation():
        paul.locator('input[name="_continue"]').first.click()
    expect(paul.locator(".errornote, .errorlist").first).to_be_visible()
    expect(paul.locator("#release_form")).to_contain_text(
        "Ihre Änderungen wurden nicht gespeichert; sie stehen noch im Formular.")
    expect(paul.locator("#id_teaser")).to_have_value("Vorspann der Pressestelle.")
    assert fresh(release).teaser != "Vorspann der Pressestelle."
    screenshots(paul, "save-refused")

    # The Pressestelle releases her lock.
    paul.once("dialog", lambda dialog: dialog.accept())
    with paul.expect_navigation(url=base + path):
        paul.get_by_role("button", name="Sperre aufheben").click()
    expect(paul.locator(".messagelist")).to_contain_text("Die Sperre ist aufgehoben.")
    assert not EditLock.objects.filter(release=release).exists()
    erika.reload()
    expect(erika.get_by_role("button", name="Zum Bearbeiten sperren")).to_be_visible()
    assert erika_csp == [] and paul_csp == []


def test_a_refused_save_shows_the_other_change_and_takes_both(
        live_server, context_of, people, organisation):
    editor, spokesperson = people
    release = services.save_release(Release(
        organisation=organisation, title="Große Resonanz bei simul+Werkstatt in Kattowitz",
        slug="simul-werkstatt", teaser="Zusammenarbeit ausgebaut.",
        body="<p>Die simul+Werkstatt fand am 7. Oktober statt.</p>"), editor)
    base, path = live_server.url, change_url(release)
    erika, paul = context_of(), context_of()
    log_in_and_go_to(erika, base, editor, path)
    log_in_and_go_to(paul, base, spokesperson, path)
    wait_for_ckeditor(erika)
    wait_for_ckeditor(paul)

    # He saves a new title first; her new teaser is refused, and kept.
    paul.fill("#id_title", "Große Resonanz in Kattowitz")
    # His save is stored before hers is sent.
    with paul.expect_navigation(url=base + path):
        paul.locator('input[name="_continue"]').first.click()
    erika.fill("#id_teaser", "Sachsen und Schlesien arbeiten enger zusammen.")
    with erika.expect_navigation():
        erika.locator('input[name="_continue"]').first.click()
    other = erika.locator(".other-change")
    expect(other).to_contain_text("Was Paul Sprecher geändert hat")
    expect(other.locator("del")).to_contain_text(["bei simul+Werkstatt"])
    expect(erika.locator("#id_teaser")).to_have_value(
        "Sachsen und Schlesien arbeiten enger zusammen.")
    screenshots(erika, "refused-other-change")

    with erika.expect_navigation(url=base + path):
        erika.get_by_role("button", name="Beides übernehmen").click()
    expect(erika.locator(".messagelist")).to_contain_text(
        "Beide Änderungen sind gespeichert. Aus der anderen Änderung übernommen: Titel.")
    stored = fresh(release)
    assert (stored.title, stored.teaser) == (
        "Große Resonanz in Kattowitz", "Sachsen und Schlesien arbeiten enger zusammen.")
