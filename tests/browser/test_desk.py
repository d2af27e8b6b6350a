"""The editors' desk and the release list in real Chromium, as Redaktion and Pressestelle.

Screenshots at 1280 and 1440 pixels go to /tmp/shots12/desk-and-list/.
"""

import datetime
import zoneinfo
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from releases import services
from releases.models import Release
from tests.browser.helpers import log_in_and_go_to, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots12/desk-and-list")
WIDTHS = (1280, 1440)
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
Status = Release.Status
INDEX = reverse("admin:index")
CHANGELIST = reverse("admin:releases_release_changelist")

# The contrast ratio (WCAG) of a badge's text and background, as the browser computes them.
CONTRAST = """element => {
  const parse = value => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = rgb => {
    const [r, g, b] = rgb.map(c => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(element);
  const [light, dark] = [luminance(parse(style.color)), luminance(parse(style.backgroundColor))]
    .sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""


@pytest.fixture
def people(roles):
    return {"editor": user("redakteurin", "Redaktion"),
            "spokesperson": user("sprecher", "Pressestelle")}


@pytest.fixture
def newsroom(people, make_release):
    """A working day: releases in every state, by both roles."""
    editor, spokesperson = people["editor"], people["spokesperson"]
    now = timezone.now()

    def by(author, status, title, **fields):
        if status in {Status.DRAFT, Status.IN_REVIEW, Status.APPROVED}:
            fields.setdefault("published_at", None)
        return make_release(status=status, title=title, created_by=author, **fields)

    by(editor, Status.DRAFT, "Große Resonanz bei simul+Werkstatt in Kattowitz")
    by(editor, Status.DRAFT, "Förderprogramm „Vitale Dorfkerne“ startet in die dritte Runde")
    by(editor, Status.IN_REVIEW,
       "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut: Delegation besucht Kattowitz, "
       "Krakau und Oppeln")
    by(spokesperson, Status.IN_REVIEW, "Staatsminister eröffnet Verbindungsbüro")
    by(editor, Status.APPROVED, "Regionalbudgets 2027: Antragsfrist verlängert")
    ten = (timezone.localtime(now) + datetime.timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0)
    by(editor, Status.SCHEDULED, "Bürgerbeteiligung zum Landesentwicklungsplan", published_at=ten)
    by(editor, Status.PUBLISHED, "Sperrfrist: Haushaltsentwurf des Ressorts",
       published_at=now - datetime.timedelta(hours=1),
       embargo_until=timezone.localtime(now).replace(hour=23, minute=45))
    for n in range(12):
        make_release(title=f"Medieninformation aus dem Archiv Nr. {n}", number=n + 1,
                     number_year=2026, created_by=spokesperson,
                     published_at=now - datetime.timedelta(days=n))
    live = make_release(title="Kabinett beschließt Strukturwandelgesetz", number=40,
                        number_year=2026, created_by=spokesperson)
    services.start_edition(live, editor)
    return people


def shoot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    path = SHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def desk_block(page, title):
    return page.locator("section.desk-block", has=page.get_by_role("heading", name=title))


def test_redaktion_sees_its_desk_and_opens_its_draft(live_server, page, newsroom):
    base = live_server.url
    log_in_and_go_to(page, base, newsroom["editor"], INDEX)
    drafts = desk_block(page, "Meine Entwürfe")
    expect(drafts.locator(".desk-count")).to_have_text("3")  # two drafts and a working edition
    expect(page.get_by_role("heading", name="Wartet auf meine Prüfung")).to_have_count(0)
    expect(desk_block(page, "Geplant für die nächsten 7 Tage")).to_contain_text("10:00 Uhr")
    expect(desk_block(page, "Sperrfristen, die heute enden")).to_contain_text("23:45 Uhr")
    expect(page.locator("#alle-bereiche")).to_be_visible()
    for width in WIDTHS:
        shoot(page, "desk-redaktion", width)
    drafts.get_by_role("link", name="Große Resonanz bei simul+Werkstatt in Kattowitz").click()
    expect(page.locator("#id_title")).to_have_value(
        "Große Resonanz bei simul+Werkstatt in Kattowitz")


def test_pressestelle_sees_what_waits_for_its_review_and_lists_all_of_it(
        live_server, page, newsroom):
    base = live_server.url
    log_in_and_go_to(page, base, newsroom["spokesperson"], INDEX)
    review = desk_block(page, "Wartet auf meine Prüfung")
    expect(review.locator(".desk-count")).to_have_text("1")
    expect(review).to_contain_text("Zusammenarbeit zwischen Sachsen und Schlesien")
    expect(review).not_to_contain_text("Verbindungsbüro")  # written by the Pressestelle
    for width in WIDTHS:
        shoot(page, "desk-pressestelle", width)
    review.get_by_role("link", name="Alle in der Liste anzeigen").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zusammenarbeit zwischen Sachsen und Schlesien")
    expect(rows.first.locator(".status-badge")).to_have_text("In Prüfung")


def test_release_list_shows_every_column_with_work_in_progress_first(live_server, page, newsroom):
    base = live_server.url
    log_in_and_go_to(page, base, newsroom["spokesperson"], CHANGELIST)
    badges = page.locator("#result_list .status-badge")
    expect(badges.first).to_have_text("Entwurf")
    for index in range(badges.count()):
        assert badges.nth(index).evaluate(CONTRAST) >= 4.5, badges.nth(index).inner_text()
    headers = page.locator("#result_list thead th")
    expect(headers.last).to_contain_text("Letzte Änderung")
    for width in WIDTHS:
        shoot(page, "list", width)
        # Nothing cut off: the table fits its box, the last column ends inside the window.
        fits = page.locator("#changelist .results").evaluate(
            "box => box.scrollWidth <= box.clientWidth")
        assert fits, width
        box = headers.last.bounding_box()
        assert box["x"] + box["width"] <= width
    page.fill("#searchbar", "12/2026")
    page.keyboard.press("Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody tr")).to_contain_text("Archiv Nr. 11")
