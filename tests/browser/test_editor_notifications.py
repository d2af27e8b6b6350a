"""An editor chooses in the admin how to hear of their releases, in real Chromium.

The editor of the Redaktion follows "Meine Benachrichtigungen" in the user tools, picks
the daily summary and saves; the next step on her release waits for the summary
instead of coming at once. The page shows her choice only: nobody else's. Screenshots
at 1280 and 1440 px go to /tmp/shots12/editor-notifications/.
"""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from journalists.models import EditorNotificationSettings, OutboxMessage
from releases import services
from releases.models import Release
from tests.browser.conftest import axe_violations
from tests.browser.helpers import log_in_to_admin_index, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots12/editor-notifications")


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.fixture
def editors(request):
    request.getfixturevalue("roles")  # the groups, as their migrations make them
    people = {"editor": user("redakteurin", "Redaktion"),
              "spokesperson": user("sprecher", "Pressestelle")}
    for person in people.values():
        person.email = f"{person.username}@smr.sachsen.de"
        person.save()
    return people


def test_an_editor_chooses_the_daily_summary_in_the_admin(live_server, page, editors,
                                                          make_release):
    editor, spokesperson = editors["editor"], editors["spokesperson"]
    EditorNotificationSettings.objects.create(user=spokesperson,
                                              delivery=EditorNotificationSettings.Delivery.NONE)
    log_in_to_admin_index(page, live_server, editor)

    page.get_by_role("link", name="Meine Benachrichtigungen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Benachrichtigungen zu meinen Medieninformationen")
    each = page.get_by_role("radio", name="Eine E-Mail bei jedem Schritt")
    expect(each).to_be_checked()  # the default
    expect(page.get_by_text("redakteurin@smr.sachsen.de")).to_be_visible()
    # The breadcrumbs' link is Django's markup (test_editions.record_axe); the form is ours.
    assert [v for v in axe_violations(page) if ".breadcrumbs" not in v] == []
    shoot(page, "form")

    page.get_by_role("radio", name="Einmal täglich eine Zusammenfassung").check()
    page.get_by_role("button", name="Sichern").click()
    expect(page.get_by_text("Ihre Auswahl ist gespeichert.")).to_be_visible()
    expect(page.get_by_role("radio", name="Einmal täglich eine Zusammenfassung")
           ).to_be_checked()
    shoot(page, "saved")
    assert EditorNotificationSettings.objects.get(user=editor).delivery == "daily"
    # The spokesperson's choice is not hers to see or change.
    assert EditorNotificationSettings.objects.get(user=spokesperson).delivery == "none"
    theirs = EditorNotificationSettings.objects.get(user=spokesperson)
    page.goto(live_server.url + reverse(
        "admin:journalists_editornotificationsettings_change", args=[theirs.pk]))
    expect(page.get_by_role("radio")).to_have_count(0)

    # Her next sent-back release waits for the summary.
    release = make_release(status=Release.Status.DRAFT, published_at=None, created_by=editor)
    services.submit(release, editor)
    services.reject(Release.objects.get(pk=release.pk), spokesperson, "Bitte kürzen.")
    row = OutboxMessage.objects.get(recipient=editor)
    assert (row.kind, row.is_digest) == (OutboxMessage.Kind.SENT_BACK, True)
