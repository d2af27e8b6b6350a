"""Full-page screenshots of the main page types on a phone and a wide screen, each checked
with axe-core, for cookies and scripts, and for the header's and the release page's layout.

The screenshots go to NEWSROOM_SCREENSHOT_DIR if set (to look at them), else to a
temporary directory; measurements.json beside them holds what was measured.
"""

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from releases.models import Delegation, Release, Topic
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
HEADER_LIMIT = 120  # px of a 375 px wide screen the site's header may take
# JSON-LD is data for search engines, not a script a browser runs.
SCRIPTS = 'script:not([type="application/ld+json"])'


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("NEWSROOM_SCREENSHOT_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def pages(live_server):
    """The paths of the page types, on the seed document and the demo archive."""
    call_command("seed", verbosity=0)
    call_command("seed", demo=30, seed_random=7, verbosity=0)
    release = Release.objects.get(title__startswith="Große Resonanz")
    return live_server.url, {
        "start": reverse("releases:home"),
        "release": release.get_absolute_url(),
        "topic": Topic.objects.get(slug="digitalisierung").get_absolute_url(),
        "search": reverse("releases:search") + "?q=Kattowitz",
        "appointments": reverse("releases:event-list"),
        "delegation": Delegation.objects.get(title__contains="Polen").get_absolute_url(),
    }


def visit(browser, size):
    options = {"viewport": size, "locale": "de-DE", "timezone_id": "Europe/Berlin"}
    if size == PHONE:
        options.update(is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    return context, context.new_page()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def record(shots, key, values):
    path = shots / "measurements.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = values
    path.write_text(json.dumps(data, indent=2, sort_keys=True))


def check_every_page(browser, pages, shots, size):
    """Screenshot, axe, cookies and scripts of every page type; the header's height."""
    base, paths = pages
    context, page = visit(browser, size)
    problems, heights = {}, {}
    try:
        for name, path in paths.items():
            page.goto(base + path)
            page.screenshot(path=shots / f"{name}-{size['width']}.png", full_page=True)
            heights[name] = box(page, ".site-header")["height"]
            found = axe_violations(page)
            if page.locator(SCRIPTS).count():
                found.append("script element")
            if context.cookies():
                found.append(f"cookies {context.cookies()}")
            if found:
                problems[name] = found
    finally:
        context.close()
    record(shots, f"header height at {size['width']} px", heights)
    return problems, heights


class TestPhone:
    def test_pages_are_clean_and_the_header_is_short(self, browser, pages, shots):
        problems, heights = check_every_page(browser, pages, shots, PHONE)
        assert problems == {}
        assert max(heights.values()) <= HEADER_LIMIT, heights

    def test_press_contact_link_is_on_the_first_screen_and_leads_to_the_contact(
            self, browser, pages, shots):
        base, paths = pages
        context, page = visit(browser, PHONE)
        try:
            page.goto(base + paths["release"])
            link = page.get_by_role("link", name="Pressekontakt", exact=True)
            position = link.bounding_box()
            record(shots, "press contact link at 375 px", position)
            assert position["y"] + position["height"] <= PHONE["height"]
            link.click()
            page.wait_for_url("**#press-contact")
            contact = box(page, "#press-contact")
            assert -2 <= contact["y"] < PHONE["height"] / 2  # scrolled to the top
            text = box(page, ".release .body")
            assert contact["y"] > text["y"]  # the contact box follows the text on a phone
        finally:
            context.close()

    def test_menu_opens_by_keyboard_and_marks_the_current_section(self, browser, pages,
                                                                    shots):
        base, paths = pages
        context, page = visit(browser, PHONE)
        try:
            page.goto(base + paths["topic"])
            nav = page.get_by_role("navigation", name="Hauptnavigation")
            topics = nav.get_by_role("link", name="Themen")
            assert not topics.is_visible()
            page.locator(".menu > summary").focus()
            page.keyboard.press("Enter")
            assert topics.is_visible() and topics.get_attribute("aria-current") == "true"
            page.screenshot(path=shots / "menu-open-375.png")
            assert axe_violations(page) == []
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "Medieninformationen"
        finally:
            context.close()

    def test_first_search_result_is_on_the_first_screen(self, browser, pages):
        base, paths = pages
        context, page = visit(browser, PHONE)
        try:
            page.goto(base + paths["search"])
            first = box(page, "ol.index-list article h3")
            assert first["y"] + first["height"] <= PHONE["height"]
        finally:
            context.close()


class TestWideScreen:
    def test_pages_are_clean_and_the_navigation_is_open(self, browser, pages, shots):
        problems, _heights = check_every_page(browser, pages, shots, DESKTOP)
        assert problems == {}
        base, paths = pages
        context, page = visit(browser, DESKTOP)
        try:
            page.goto(base + paths["start"])
            nav = page.get_by_role("navigation", name="Hauptnavigation")
            assert not page.locator(".menu > summary").is_visible()
            for name in ["Medieninformationen", "Termine", "Themen", "Archiv"]:
                assert nav.get_by_role("link", name=name).is_visible(), name
        finally:
            context.close()

    def test_contact_box_is_beside_the_text_on_the_first_screen(self, browser, pages, shots):
        base, paths = pages
        context, page = visit(browser, DESKTOP)
        try:
            page.goto(base + paths["release"])
            text, contact = box(page, ".release-text"), box(page, "#press-contact")
            record(shots, "contact box at 1280 px", {"contact": contact, "text": text})
            assert contact["x"] > text["x"] + text["width"]
            assert contact["y"] < DESKTOP["height"]
        finally:
            context.close()


class TestPrint:
    def test_print_view_and_printout_of_the_release(self, browser, pages, shots):
        base, paths = pages
        context, page = visit(browser, DESKTOP)
        try:
            page.goto(base + paths["release"])
            with page.expect_navigation():
                page.get_by_role("link", name="Druckansicht").click()
            hint = "Zum Drucken den Druckbefehl des Browsers verwenden"
            assert page.get_by_text(hint, exact=False).is_visible()
            assert page.locator(".source").is_visible()
            assert page.locator("nav.site-nav").count() == 0
            page.screenshot(path=shots / "print-view-1280.png", full_page=True)
            assert axe_violations(page) == []
            page.emulate_media(media="print")
            assert not page.get_by_text(hint, exact=False).is_visible()
            page.goto(base + paths["release"])
            for hidden in [".site-nav", ".search-form", ".share", ".site-footer nav"]:
                assert not page.locator(hidden).first.is_visible(), hidden
            for shown in [".source", "#press-contact", ".release-data"]:
                assert page.locator(shown).is_visible(), shown
            page.screenshot(path=shots / "release-printed.png", full_page=True)
        finally:
            context.close()
