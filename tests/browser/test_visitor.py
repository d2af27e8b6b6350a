"""A visitor's walk through the site in real Chromium, with axe-core on every page type."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from releases.legal import ensure_legal_pages
from releases.models import Delegation, Event, Person, Release, Topic
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.fixture
def site(live_server):
    call_command("seed", verbosity=0)
    call_command("seed", demo=30, seed_random=7, verbosity=0)
    ensure_legal_pages()
    seed_release = Release.objects.get(title__startswith="Große Resonanz")
    return {
        "base": live_server.url,
        "release": seed_release,
        "topic": Topic.objects.get(slug="digitalisierung"),
        "minister": Person.objects.get(family_name="Schmidt"),
        "event": Event.objects.get(title__contains="simul+Werkstatt"),
        "delegation": Delegation.objects.get(title__contains="Polen"),
    }


def page_types(site):
    """Every kind of public page, by its path."""
    release = site["release"]
    local = release.local_published_at
    return {
        "start": reverse("releases:home"),
        "release": release.get_absolute_url(),
        "release list": reverse("releases:release-list"),
        "topic": site["topic"].get_absolute_url(),
        "topics": reverse("releases:topic-list"),
        "minister": site["minister"].get_absolute_url(),
        "organisation": release.organisation.get_absolute_url(),
        "kind": reverse("releases:kind-detail", kwargs={"kind": release.kind}),
        "archive": reverse("releases:archive"),
        "archive year": reverse("releases:archive-year", kwargs={"year": local.year}),
        "archive month": reverse("releases:archive-month",
                                 kwargs={"year": local.year, "month": f"{local.month:02d}"}),
        "search": reverse("releases:search") + "?q=Kattowitz",
        "search without result": reverse("releases:search") + "?q=Xylophonorchester",
        "events": reverse("releases:event-list"),
        "past events": reverse("releases:event-past"),
        "event": site["event"].get_absolute_url(),
        "delegations": reverse("releases:delegation-list"),
        "delegation": site["delegation"].get_absolute_url(),
        "contacts": reverse("releases:contact-list"),
        "imprint": reverse("releases:imprint"),
        "privacy": reverse("releases:privacy"),
        "accessibility": reverse("releases:accessibility"),
        "easy language": reverse("releases:easy-language"),
        "sign language": reverse("releases:sign-language"),
        "API documentation": reverse("releases:api-documentation"),
        "not found": "/gibt-es-nicht/",
        "english start": "/en/",
    }


class TestVisitorWalk:
    def test_visitor_finds_the_seed_release_by_browsing_and_searching(self, site, page):
        base = site["base"]
        page.goto(base + "/")
        # Each click opens a page; what follows reads that page, once it has loaded.
        with page.expect_navigation():
            page.get_by_role("navigation", name=re.compile("Haupt|Main")).get_by_role(
                "link", name=re.compile("Themen|Topics")).click()
        with page.expect_navigation():
            page.get_by_role("link", name="Digitalisierung").first.click()
        assert "Digitalisierung" in page.get_by_role("heading", level=1).inner_text()
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("Große Resonanz")).first.click()
        assert "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut" in page.content()
        with page.expect_navigation():
            page.get_by_role("link", name="Thomas Schmidt").first.click()
        assert "Staatsminister für Regionalentwicklung" in page.inner_text("main")

        page.get_by_role("searchbox").fill("Wertschöpfung Kattowitz")
        with page.expect_navigation():
            page.get_by_role("searchbox").press("Enter")
        result = page.get_by_role("link", name=re.compile("Große Resonanz"))
        assert result.count() >= 1
        with page.expect_navigation():
            result.first.click()
        assert page.url.endswith(site["release"].get_absolute_url())

    def test_alert_link_of_a_topic_opens_the_form_with_the_topic_checked(self, site, page):
        page.goto(site["base"] + site["topic"].get_absolute_url())
        with page.expect_navigation():
            page.get_by_role("link", name="Medieninformationen zu diesem Thema per E-Mail "
                                          "erhalten").click()
        assert page.get_by_role("checkbox", name="Digitalisierung").is_checked()
        assert page.locator("input[type=checkbox]:checked").count() == 1

    def test_event_and_delegation_pages_show_place_itinerary_and_counterparts(self, site, page):
        page.goto(site["base"] + site["event"].get_absolute_url())
        text = page.inner_text("main")
        assert "Kattowitz" in text
        assert "Regionale Wertschöpfung in Zeiten der Digitalisierung" in text
        page.goto(site["base"] + site["delegation"].get_absolute_url())
        text = page.inner_text("main")
        for word in ("Kattowitz", "Krakau", "Oppeln", "Wojciech Katoła", "Arkadiusz Mężyk"):
            assert word in text

    def test_site_works_without_javascript(self, site, browser):
        context = browser.new_context(java_script_enabled=False, locale="de-DE")
        page = context.new_page()
        try:
            page.goto(site["base"] + "/")
            page.get_by_role("searchbox").fill("simul")
            with page.expect_navigation():
                page.get_by_role("searchbox").press("Enter")
            assert "/suche/" in page.url
            assert page.get_by_role("link", name=re.compile("Große Resonanz")).count() >= 1
        finally:
            context.close()

    def test_skip_link_is_first_focus_and_moves_to_main(self, site, page):
        page.goto(site["base"] + site["release"].get_absolute_url())
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('href')")
        assert focused == "#main"
        assert page.evaluate("document.activeElement.getBoundingClientRect().width") > 0
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"#main$"))  # the jump may land a moment later


class TestAccessibility:
    def test_every_page_type_has_no_axe_violations_on_desktop(self, site, page):
        problems = {}
        for name, path in page_types(site).items():
            page.goto(site["base"] + path)
            violations = axe_violations(page)
            if violations:
                problems[name] = violations
        assert problems == {}

    def test_every_page_type_has_no_axe_violations_on_a_phone(self, site, phone_page):
        problems = {}
        for name, path in page_types(site).items():
            phone_page.goto(site["base"] + path)
            violations = axe_violations(phone_page)
            if violations:
                problems[name] = violations
        assert problems == {}

    def test_no_page_scrolls_sideways_at_320_pixels(self, site, browser):
        context = browser.new_context(viewport={"width": 320, "height": 640})
        page = context.new_page()
        wide = []
        try:
            for name, path in page_types(site).items():
                page.goto(site["base"] + path)
                if page.evaluate("document.documentElement.scrollWidth") > 320:
                    wide.append(name)
        finally:
            context.close()
        assert wide == []


class TestScreenshots:
    """Screenshots of the release page to look at (test-results/screenshots)."""

    @pytest.mark.parametrize("width", [375, 1280])
    def test_release_page_screenshot(self, site, browser, width):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            page.goto(site["base"] + site["release"].get_absolute_url())
            path = SCREENSHOTS / f"release-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
        finally:
            context.close()


LONG_WORD = "Landesdigitalisierungsstrategieumsetzungsverordnung"


@pytest.fixture
def long_words(site):
    """A release titled with a long German compound, with a wide table in its text, and an
    upcoming appointment titled alike: what made pages wider than a phone."""
    from django.utils import timezone

    release = site["release"]
    table = "<table><tr>" + "".join(f"<th>Überschrift {n}</th>" for n in range(6)) + "</tr>" + (
        "<tr>" + "".join(f"<td>Breitbandausbauförderprogramm {n}</td>" for n in range(6))
        + "</tr>") * 3 + "</table>"
    Release.objects.filter(pk=release.pk).update(
        title=f"{LONG_WORD} und Breitbandausbauförderprogramm beschlossen",
        body=f"<p>Die {LONG_WORD} tritt in Kraft.</p>{table}")
    Event.objects.filter(pk=site["event"].pk).update(
        title=f"Vorstellung der {LONG_WORD}",
        starts_at=timezone.now() + timezone.timedelta(days=3))
    from releases.caching import content_changed

    content_changed()
    return site


@pytest.mark.parametrize(("width", "text_size"), [(320, 100), (375, 100), (375, 200),
                                                  (1280, 200)])
def test_long_words_tables_and_large_text_do_not_widen_the_page(long_words, browser, width,
                                                               text_size):
    """WCAG 1.4.10: nothing but a table scrolls sideways, on a phone or at 200 % text."""
    site = long_words
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  bypass_csp=True)  # to enlarge the text with a style
    page = context.new_page()
    paths = {**page_types(site), "subscribe": reverse("journalists:subscribe"),
             "register": reverse("journalists:register")}
    wide = {}
    try:
        for name, path in paths.items():
            page.goto(site["base"] + path)
            if text_size != 100:
                page.add_style_tag(content=f"html {{ font-size: {text_size}% }}")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                wide[name] = scroll_width
    finally:
        context.close()
    assert wide == {}
