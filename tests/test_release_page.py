"""The release page for reading and passing on: the facts beside the text, the share links,
the last-updated line, the print view and what a printout holds."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.urls import resolve, reverse
from django.utils import timezone

from releases.models import Correction, Release

from .public_data import HIDDEN, berlin

pytest_plugins = ["tests.public_fixtures"]
pytestmark = pytest.mark.django_db

SITE = "https://presse.example.de"


@pytest.fixture(autouse=True)
def _german_site(settings):
    """The public address the links are built from."""
    settings.SITE_URL = SITE


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def print_url(release, slug=None):
    return reverse("releases:release-print",
                   kwargs={"pk": release.pk, "slug": slug or release.slug})


def share_links(html):
    """The share section's links: {text: (href, rel)}."""
    section = re.search(r'<section class="share".*?</section>', html, re.S)
    assert section, "no share section"
    return {unescape(text): (unescape(href), rel) for href, rel, text in re.findall(
        r'<a href="([^"]+)"(?: rel="([^"]+)")?>([^<]+)</a>', section.group(0))}


class TestShareLinks:
    TITLE = "Sachsen & Schlesien: 100 % Zusammenarbeit?"

    def test_release_page_offers_plain_share_links_with_title_and_address_encoded(
            self, client, make_release):
        release = make_release(title=self.TITLE, slug="sachsen-schlesien")
        address = SITE + release.get_absolute_url()
        links = share_links(page(client, release.get_absolute_url()))
        assert set(links) == {"E-Mail", "Mastodon", "Bluesky", "LinkedIn", "X", "Druckansicht"}
        mail = urlsplit(links["E-Mail"][0])
        assert mail.scheme == "mailto" and "+" not in mail.query
        assert {name: unquote(value) for name, value in (
            part.split("=") for part in mail.query.split("&"))} == {
            "subject": self.TITLE, "body": address}
        expected = {
            "Mastodon": ("https://mastodon.social/share", {"text": [f"{self.TITLE} {address}"]}),
            "Bluesky": ("https://bsky.app/intent/compose", {"text": [f"{self.TITLE} {address}"]}),
            "LinkedIn": ("https://www.linkedin.com/sharing/share-offsite/", {"url": [address]}),
            "X": ("https://x.com/intent/post", {"url": [address], "text": [self.TITLE]}),
        }
        for name, (target, query) in expected.items():
            href, rel = links[name]
            parts = urlsplit(href)
            assert f"{parts.scheme}://{parts.netloc}{parts.path}" == target, name
            assert parse_qs(parts.query) == query, name
            assert rel == "noopener", name
        assert links["Druckansicht"][0] == print_url(release)

    def test_share_addresses_are_escaped_in_the_html(self, client, make_release):
        release = make_release(title=self.TITLE, slug="sachsen-schlesien")
        html = page(client, release.get_absolute_url())
        assert "https://x.com/intent/post?url=https%3A%2F%2Fpresse.example.de%2F" in html
        assert "&amp;text=Sachsen+%26+Schlesien%3A+100+%25+Zusammenarbeit%3F" in html

    def test_preview_of_a_draft_offers_nothing_to_share(self, client, make_release):
        release = make_release(title="Entwurf", status=Release.Status.DRAFT, published_at=None)
        editor = User.objects.create_user("editor", is_staff=True)
        editor.user_permissions.add(Permission.objects.get(codename="change_release"))
        client.force_login(editor)
        html = page(client, release.get_absolute_url())
        assert 'class="share"' not in html and "mastodon" not in html


class TestAside:
    def test_aside_holds_contact_dates_number_organisation_and_downloads(
            self, client, full_release):
        html = page(client, full_release.get_absolute_url())
        text, aside = html.split('<aside class="release-aside"')
        assert "Rund 70 Teilnehmer diskutierten." in text  # the text comes first
        assert "{#" not in html and "{%" not in html
        assert 'id="press-contact"' in aside and "Frank Meyer" in aside
        assert ('<dt>Veröffentlicht</dt><dd><time datetime="2021-10-08T10:30:00+02:00">'
                '8. Oktober 2021, 10:30 Uhr</time></dd>') in aside
        assert "<dt>Nummer</dt><dd>1/2021</dd>" in aside
        assert full_release.organisation.name in aside
        assert "Programm der simul+Werkstatt" in aside and "(PDF, 2,0\xa0KB)" in aside
        image = full_release.images.get()
        assert (f'<a href="{image.image.url}" download>Bild: <span lang="de">'
                'Staatsminister Schmidt') in aside

    def test_press_contact_link_in_the_header_leads_to_the_contact_box(self, client,
                                                                        full_release):
        html = page(client, full_release.get_absolute_url())
        header = html.split('<header class="release-header">')[1].split("</header>")[0]
        assert '<a href="#press-contact">Pressekontakt</a>' in header
        assert '<section id="press-contact"' in html

    def test_release_without_contact_has_no_press_contact_link(self, client, make_release):
        html = page(client, make_release().get_absolute_url())
        assert "#press-contact" not in html and 'id="press-contact"' not in html


class TestLastUpdated:
    def test_release_unchanged_since_publication_has_no_last_updated_line(
            self, client, full_release):
        assert "Zuletzt aktualisiert" not in page(client, full_release.get_absolute_url())

    def test_end_of_embargo_is_not_an_update(self, client, make_release):
        release = make_release(published_at=berlin(2021, 10, 8, 9),
                               embargo_until=berlin(2021, 10, 8, 12),
                               public_changed_at=berlin(2021, 10, 8, 12))
        assert "Zuletzt aktualisiert" not in page(client, release.get_absolute_url())

    def test_change_after_publication_is_dated_and_links_the_corrections(
            self, client, full_release):
        Release.objects.filter(pk=full_release.pk).update(
            public_changed_at=berlin(2021, 10, 9, 14, 5))
        Correction.objects.create(release=full_release, text="Die Teilnehmerzahl war falsch.",
                                  published_at=berlin(2021, 10, 9, 14, 5))
        html = page(client, full_release.get_absolute_url())
        assert ('<dt>Zuletzt aktualisiert</dt><dd><time datetime="2021-10-09T14:05:00+02:00">'
                '9. Oktober 2021, 14:05 Uhr</time> (<a href="#corrections">siehe '
                'Berichtigungen</a>)</dd>') in html
        assert '<section id="corrections"' in html

    def test_change_without_correction_note_has_no_link_to_corrections(
            self, client, full_release):
        Release.objects.filter(pk=full_release.pk).update(
            public_changed_at=berlin(2021, 10, 9, 14, 5))
        html = page(client, full_release.get_absolute_url())
        assert "Zuletzt aktualisiert" in html and "#corrections" not in html


class TestPrintView:
    def test_print_view_shows_the_release_as_printed_without_navigation(
            self, client, full_release):
        response = client.get(print_url(full_release))
        html = response.content.decode()
        assert response.status_code == 200
        for text in [full_release.title, "Rund 70 Teilnehmer diskutierten.", "1/2021",
                     'datetime="2021-10-08T10:30:00+02:00"', "Frank Meyer",
                     "Zum Drucken den Druckbefehl des Browsers verwenden (Strg+P"]:
            assert text in html, text
        assert 'class="site-nav"' not in html and 'class="share"' not in html
        assert html.count("<h1") == 1

    def test_print_view_is_not_indexed_and_names_the_release_page_canonical(
            self, client, full_release):
        response = client.get(print_url(full_release))
        html = response.content.decode()
        address = SITE + full_release.get_absolute_url()
        assert response["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in html
        assert f'<link rel="canonical" href="{address}">' in html
        assert f'<p class="print-only source">Quelle: {address}</p>' in html

    def test_wrong_slug_redirects_to_the_print_view(self, client, full_release):
        response = client.get(print_url(full_release, slug="alt"))
        assert response.status_code == 301
        assert response["Location"] == print_url(full_release)

    def test_hidden_releases_have_no_print_view(self, client, hidden_releases):
        for release in hidden_releases:
            response = client.get(print_url(release))
            assert response.status_code == 404, release.title
            assert HIDDEN not in response.content.decode()

    def test_embargoed_release_prints_from_the_end_of_its_embargo(self, client, make_release):
        embargo = timezone.now() + datetime.timedelta(hours=2)
        release = make_release(title="Nach der Sperrfrist", embargo_until=embargo)
        assert client.get(print_url(release)).status_code == 404
        with time_machine.travel(embargo, tick=False):
            assert release.title in page(client, print_url(release))

    def test_withdrawn_release_prints_its_notice_not_its_text(self, client, make_release):
        release = make_release(body="<p>Zurückgezogener Text.</p>",
                               published_at=berlin(2021, 10, 8, 9))
        Release.objects.filter(pk=release.pk).update(
            status=Release.Status.WITHDRAWN, withdrawn_at=berlin(2021, 10, 10, 9),
            withdrawal_reason="Veraltet.")
        html = page(client, print_url(release))
        assert "Veraltet." in html and "Zurückgezogener Text." not in html

    def test_print_view_is_served_from_the_page_cache(self, client, full_release,
                                                      django_assert_num_queries):
        assert resolve(print_url(full_release)).func.is_page_cached
        first = client.get(print_url(full_release))
        assert "public" in first["Cache-Control"] and not first.cookies
        with django_assert_num_queries(0):
            assert client.get(print_url(full_release)).content == first.content


class TestPrintOnlySource:
    def test_release_page_carries_its_canonical_address_for_the_printout(
            self, client, full_release):
        html = page(client, full_release.get_absolute_url())
        address = SITE + full_release.get_absolute_url()
        assert f'<p class="print-only source">Quelle: {address}</p>' in html

    def test_stylesheet_shows_letterhead_and_source_in_print_and_hides_sharing(self):
        css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
        print_rules = css.split("@media print")[1]
        hidden, shown = print_rules.split("display: none !important;", 1)
        for selector in [".share", ".site-nav", ".search-form", ".site-footer nav"]:
            assert selector in hidden, selector
        assert ".letterhead, .print-only { display: block; }" in shown
        assert ".print-only { display: none; }" in css.split("@media print")[0]


class TestHeader:
    def test_navigation_folds_behind_a_menu_control_and_keeps_the_current_section(
            self, client, full_release):
        html = page(client, full_release.get_absolute_url())
        nav = html.split('<nav class="site-nav"')[1].split("</nav>")[0]
        assert '<details class="menu">' in nav and "<summary>Menü</summary>" in nav
        assert f'<a href="{reverse("releases:release-list")}" aria-current="true">' in nav
