"""The site's identity in real Chromium: the logo in the header on a phone and a desktop,
axe-clean, the letterhead only on paper, and screenshots to look at."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from releases.models import Organisation, Release, SiteIdentity
from tests.browser.conftest import DESKTOP, PHONE, axe_violations
from tests.logo_data import png_upload, svg_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.fixture
def site(live_server):
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    SiteIdentity.objects.create(
        name="Pressestelle des Sächsischen Staatsministeriums für Regionalentwicklung",
        logo=svg_upload(), logo_alt_text="Wappen des Freistaates Sachsen",
        body_name="Sächsisches Staatsministerium für Regionalentwicklung",
        street="Archivstraße 1", postal_code="01097", city="Dresden",
        phone="+49 351 564-50024", email="medien@smr.sachsen.de")
    organisation = Organisation.objects.create(
        name="Sächsisches Staatsministerium für Regionalentwicklung", short_name="SMR",
        slug="smr", logo=png_upload(size=(120, 40)))
    release = Release.objects.create(
        organisation=organisation, title="Große Resonanz bei simul+Werkstatt in Kattowitz",
        slug="grosse-resonanz", body="<p>Text.</p>", status=Release.Status.PUBLISHED,
        published_at=an_hour_ago, effects_done_at=an_hour_ago)
    return {"base": live_server.url, "paths": {"start": "/",
                                               "release": release.get_absolute_url()}}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pages_with_logos_have_no_axe_violations_and_do_not_scroll_sideways(
        site, browser, viewport):
    context = browser.new_context(viewport=viewport, locale="de-DE")
    page = context.new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    try:
        for name, path in site["paths"].items():
            page.goto(site["base"] + path)
            assert page.locator(".brand img").evaluate("image => image.naturalWidth") > 0
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"identity-{name}-{viewport['width']}.png"),
                            full_page=True)
            assert axe_violations(page) == [], name
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()
    assert blocked == []


def test_letterhead_is_hidden_on_screen_and_printed(site, page):
    page.goto(site["base"] + site["paths"]["release"])
    letterhead = page.locator(".letterhead")
    assert not letterhead.is_visible()
    page.emulate_media(media="print")
    assert letterhead.is_visible()
    assert "Archivstraße 1, 01097 Dresden" in letterhead.inner_text()
