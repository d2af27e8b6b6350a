"""The search page in real Chromium: on a phone the first result comes first and the
filters wait behind one control; on wide screens the filters are open."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots13/search-page")
PHONE = {"width": 375, "height": 667}
PAGES = {
    "query": {"q": "Kattowitz"},
    "filters": {"topic": "digitalisierung"},
}


@pytest.fixture
def base(live_server):
    call_command("seed", verbosity=0)
    call_command("seed", demo=30, seed_random=7, verbosity=0)
    return live_server.url


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(viewport=PHONE, locale="de-DE", timezone_id="Europe/Berlin",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    yield context.new_page()
    context.close()


def open_search(page, base, name):
    query = "&".join(f"{key}={value}" for key, value in PAGES[name].items())
    page.goto(f"{base}{reverse('releases:search')}?{query}")


def screenshot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png")


@pytest.mark.parametrize("name", PAGES)
def test_on_a_phone_the_first_result_is_on_the_first_screen(base, small_phone, name):
    page = small_phone
    open_search(page, base, name)
    screenshot(page, f"phone-375-{name}")
    first = page.locator("ol.index-list article").first
    box = first.locator("h3").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    assert first.locator(".meta").bounding_box()["y"] < PHONE["height"]
    filters = page.locator("form.search-page fieldset")
    assert not filters.is_visible()
    assert axe_violations(page) == []


def test_on_a_phone_the_filters_open_with_one_control(base, small_phone):
    page = small_phone
    open_search(page, base, "query")
    page.get_by_text("Filter", exact=True).click()
    filters = page.locator("form.search-page fieldset")
    assert filters.is_visible()
    page.get_by_label("Thema").select_option("digitalisierung")
    page.get_by_label("Suchbegriffe").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Suchen").last.click()
    assert page.locator("ol.index-list article").count() > 0
    # The list the filters select offers its feed.
    assert page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute(
        "href").endswith("?topic=digitalisierung")
    screenshot(page, "phone-375-filters-open")
    assert axe_violations(page) == []


@pytest.mark.parametrize("name", PAGES)
def test_on_wide_screens_the_filters_are_open(base, page, name):
    open_search(page, base, name)
    assert page.locator("ol.index-list article").count() > 0
    for width in (1440, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.locator("form.search-page fieldset").is_visible(), width
        assert page.get_by_label("Thema").is_visible(), width
        assert not page.locator("form.search-page summary").is_visible(), width
        screenshot(page, f"desktop-{width}-{name}")
        assert axe_violations(page) == [], width
