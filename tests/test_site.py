"""What every page shares and what machines read: head, feeds, sitemap, robots, vCards,
legal pages, cookies, errors, weight."""

import gzip
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error

from releases.legal import ensure_legal_pages
from releases.models import Contact
from releases.sitemaps import ReleaseSitemap
from releases.templatetags.public_site import json_ld, tel_href
from releases.vcard import contact_vcard

from .public_data import ARCHIVE_SIZES, HIDDEN
from .sitemap_helpers import sitemap_entries

pytest_plugins = ["tests.public_fixtures"]
pytestmark = pytest.mark.django_db


ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def public_urls(full_release, topic, organisation, minister, event, delegation):
    return [
        reverse("releases:home"), full_release.get_absolute_url(),
        reverse("releases:release-list"), topic.get_absolute_url(),
        organisation.get_absolute_url(), minister.get_absolute_url(),
        reverse("releases:kind-detail", kwargs={"kind": "medieninformation"}),
        reverse("releases:topic-list"), reverse("releases:organisation-list"),
        reverse("releases:archive"), reverse("releases:archive-year", kwargs={"year": "2021"}),
        reverse("releases:archive-month", kwargs={"year": "2021", "month": "10"}),
        reverse("releases:event-list"), reverse("releases:event-past"), event.get_absolute_url(),
        reverse("releases:delegation-list"), delegation.get_absolute_url(),
        reverse("releases:contact-list"),
    ]


class TestEveryPage:
    def test_every_page_has_landmarks_one_h1_a_skip_link_and_language(self, client,
                                                                       public_urls):
        for url in public_urls:
            html = client.get(url).content.decode()
            assert '<html lang="de">' in html, url
            assert html.count("<h1") == 1, url
            assert '<a class="skip-link" href="#main">' in html and 'id="main"' in html, url
            for landmark in ["<header", "<nav", "<main", "<footer"]:
                assert landmark in html, (url, landmark)

    def test_every_page_has_title_description_and_absolute_canonical(self, client, settings,
                                                                     public_urls):
        settings.SITE_URL = "https://presse.example.de"
        for url in public_urls:
            html = client.get(url).content.decode()
            assert re.search(r"<title>[^<]+</title>", html), url
            assert re.search(r'<meta name="description" content="[^"]+">', html), url
            assert f'<link rel="canonical" href="https://presse.example.de{url}">' in html, url

    def test_canonical_keeps_the_page_number_only(self, client, settings, archive):
        archive(21)
        settings.SITE_URL = "https://presse.example.de"
        html = client.get(reverse("releases:release-list"),
                          {"page": "2", "utm_source": "x"}).content.decode()
        assert ('<link rel="canonical" href="https://presse.example.de/medieninformationen/'
                '?page=2">') in html

    def test_every_page_names_its_german_english_and_default_versions(self, client, settings,
                                                                      public_urls):
        settings.SITE_URL = "https://presse.example.de"
        site = "https://presse.example.de"
        for url in public_urls + [reverse("releases:imprint")]:
            for prefix in ("", "/en"):
                head = client.get(prefix + url).content.decode().split("</head>")[0]
                alternates = dict(re.findall(
                    r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))
                assert alternates == {"de": site + url, "en": site + "/en" + url,
                                      "x-default": site + url}, (prefix, url)

    def test_alternates_keep_the_page_number_like_the_canonical(self, client, settings,
                                                                archive):
        archive(21)
        settings.SITE_URL = "https://presse.example.de"
        html = client.get(reverse("releases:release-list"), {"page": "2"}).content.decode()
        assert ('<link rel="alternate" hreflang="en" href="https://presse.example.de/en/'
                'medieninformationen/?page=2">') in html

    def test_unknown_address_names_no_language_versions(self, client):
        response = client.get("/gibt-es-nicht/")
        assert response.status_code == 404
        assert "hreflang=\"x-default\"" not in response.content.decode()

    @pytest.mark.parametrize("path", ["/%5Cevil.example/", "/%5C%5Cevil.example/",
                                      "/en/%5Cevil.example/", "/gibt-es-nicht/"])
    def test_the_language_links_of_an_unknown_address_lead_to_the_start_pages(
            self, client, path):
        """Not to the address itself in the other language: "/\\evil.example/" is, to a
        browser, another site."""
        html = client.get(path).content.decode()
        links = re.findall(r'<a href="([^"]*)" lang="[^"]+" hreflang="[^"]+"', html)
        assert links and set(links) <= {"/", "/en/"}, links

    def test_every_page_has_the_search_form_in_the_header(self, client, public_urls):
        for url in public_urls:
            header = client.get(url).content.decode().split("</header>")[0]
            assert 'role="search"' in header and 'method="get"' in header, url
            assert f'action="{reverse("releases:search")}"' in header, url
            assert re.search(r'<label for="site-search">[^<]+</label>', header), url
            assert 'name="q"' in header, url

    def test_every_page_links_the_legal_bitv_and_api_pages_in_the_footer(self, client,
                                                                        public_urls):
        for url in public_urls + [reverse("releases:api-documentation")]:
            footer = client.get(url).content.decode().split('<footer class="site-footer">')[1]
            for name in ["imprint", "privacy", "accessibility", "easy-language",
                         "sign-language", "api-documentation"]:
                assert f'href="{reverse(f"releases:{name}")}"' in footer, (url, name)

    def test_anonymous_pages_set_no_cookies(self, client, public_urls):
        for url in public_urls + [reverse("releases:feed"), reverse("sitemap"),
                                  reverse("sitemap-section", kwargs={"section": "releases"})]:
            response = client.get(url)
            assert not response.cookies, url
            assert "csrfmiddlewaretoken" not in response.content.decode(), url

    def test_pages_load_nothing_from_other_sites(self, client, settings, public_urls):
        settings.SITE_URL = "https://presse.example.de"
        for url in public_urls:
            html = client.get(url).content.decode()
            assert "<script src" not in html, url
            for attribute in re.findall(r'<(?:link|img|script)[^>]+(?:src|href)="([^"]+)"', html):
                assert not attribute.startswith(("http", "//")) or attribute.startswith(
                    "https://presse.example.de"), (url, attribute)

    def test_navigation_marks_the_current_section(self, client, topic):
        html = client.get(reverse("releases:topic-list")).content.decode()
        assert f'<a href="{reverse("releases:topic-list")}" aria-current="page">' in html
        html = client.get(topic.get_absolute_url()).content.decode()
        assert f'<a href="{reverse("releases:topic-list")}" aria-current="true">' in html

    def test_english_interface_under_en(self, client, full_release):
        html = client.get("/en" + full_release.get_absolute_url()).content.decode()
        assert '<html lang="en">' in html
        assert f'<h1 lang="de">{full_release.title}</h1>' in html  # German content marked
        assert 'hreflang="de"' in html

    def test_english_search_results_mark_their_german_titles_and_snippets(self, client,
                                                                          full_release):
        html = client.get("/en/suche/", {"q": "Teilnehmer"}).content.decode()
        assert '<html lang="en">' in html
        assert f'<h3 lang="de"><a href="/en/medieninformationen/{full_release.pk}-' in html
        assert "<mark>Teilnehmer</mark>" in html.split('<p lang="de">')[1].split("</p>")[0]

    def test_english_search_says_in_english_when_only_some_words_were_found(self, client,
                                                                            full_release):
        html = client.get("/en/suche/", {"q": "Teilnehmer Quellwasserbilanz"}).content.decode()
        assert "No press release contains all of the words searched for." in html
        assert f'href="/en/medieninformationen/{full_release.pk}-' in html

    def test_english_lists_mark_their_german_topic_names(self, client, full_release):
        html = client.get("/en/medieninformationen/").content.decode()
        assert ('<p class="topics"><span class="visually-hidden">Topics: </span>'
                '<a href="/en/themen/digitalisierung/" lang="de">Digitalisierung</a>') in html

    def test_release_page_with_stylesheet_is_under_60_kb_compressed(self, client, full_release):
        html = client.get(full_release.get_absolute_url()).content
        css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_bytes()
        assert len(gzip.compress(html)) + len(gzip.compress(css)) < 60_000

    def test_stylesheet_has_print_rules_that_hide_the_chrome(self):
        css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
        print_rules = css.split("@media print")[1]
        for selector in [".search-form", ".site-nav", ".site-footer"]:
            assert selector in print_rules.split("display: none")[0]
        assert 'content: " (" attr(href) ")"' in print_rules


class TestReleaseMetadata:
    def structured_data(self, html):
        match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        return json.loads(match.group(1))

    def test_release_page_has_news_article_json_ld(self, client, settings, full_release):
        settings.SITE_URL = "https://presse.example.de"
        data = self.structured_data(client.get(full_release.get_absolute_url()).content.decode())
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == full_release.title
        assert data["datePublished"].startswith("2021-10-08T10:30:00")
        assert data["url"] == "https://presse.example.de" + full_release.get_absolute_url()
        assert data["publisher"]["name"] == full_release.organisation.name
        assert data["image"][0].startswith("https://presse.example.de/media/images/")
        assert "Digitalisierung" in data["keywords"]

    def test_json_ld_cannot_close_its_script_element(self, client, make_release):
        title = "</script><script>alert(1)</script> & <!--"
        release = make_release(title=title)
        html = client.get(release.get_absolute_url()).content.decode()
        script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert "<" not in script.group(1) and ">" not in script.group(1)
        assert self.structured_data(html)["headline"] == title

    def test_json_ld_filter_escapes_like_json_script(self):
        assert str(json_ld({"a": "<&>"})) == (
            '<script type="application/ld+json">{"a": "\\u003C\\u0026\\u003E"}</script>')

    def test_release_page_has_open_graph_tags(self, client, settings, full_release):
        settings.SITE_URL = "https://presse.example.de"
        html = client.get(full_release.get_absolute_url()).content.decode()
        assert '<meta property="og:type" content="article">' in html
        assert f'<meta property="og:title" content="{full_release.title}">' in html
        assert (f'<meta property="og:url" content="https://presse.example.de'
                f'{full_release.get_absolute_url()}">') in html
        assert '<meta property="og:image" content="https://presse.example.de/media/' in html


class TestFeeds:
    def rss_items(self, client, url):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/rss+xml")
        return ET.fromstring(response.content).findall("./channel/item")

    def test_rss_item_has_title_link_description_date_categories_and_uuid_guid(
            self, client, settings, full_release):
        settings.SITE_URL = "https://presse.example.de"
        items = self.rss_items(client, reverse("releases:feed"))
        item = next(i for i in items if i.findtext("title") == full_release.title)
        link = "https://presse.example.de" + full_release.get_absolute_url()
        assert item.findtext("link") == link
        assert item.findtext("description") == full_release.teaser
        assert item.findtext("pubDate") == "Fri, 08 Oct 2021 08:30:00 +0000"
        assert {c.text for c in item.findall("category")} == {"Digitalisierung", "Polen"}
        guid = item.find("guid")
        assert guid.text == f"urn:uuid:{full_release.uuid}"
        assert guid.get("isPermaLink") == "false"

    def test_item_without_teaser_describes_itself_with_its_text(self, client, make_release):
        make_release(title="Ohne Teaser", teaser="", body="<p>Der <b>Text</b> selbst.</p>")
        items = self.rss_items(client, reverse("releases:feed"))
        assert items[0].findtext("description") == "Der Text selbst."

    def test_atom_feed_has_entries_with_urn_ids(self, client, full_release):
        response = client.get(reverse("releases:feed-atom"))
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.content)
        ids = [entry.findtext(f"{ATOM}id") for entry in root.findall(f"{ATOM}entry")]
        assert f"urn:uuid:{full_release.uuid}" in ids
        self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
        assert self_link.endswith(reverse("releases:feed-atom"))

    @pytest.mark.parametrize("name", ["topic-feed", "person-feed", "organisation-feed",
                                      "kind-feed"])
    def test_scoped_feed_lists_only_its_releases(self, client, full_release, topic, minister,
                                                 organisation, make_release, name):
        kwargs = {"topic-feed": {"slug": topic.slug}, "person-feed": {"slug": minister.slug},
                  "organisation-feed": {"slug": organisation.slug},
                  "kind-feed": {"kind": "medieninformation"}}[name]
        from releases.models import Organisation
        other = Organisation.objects.create(name="Staatskanzlei", slug="sk")
        make_release(title="Fremde Rede", organisation=other, kind="rede")
        titles = [i.findtext("title") for i in self.rss_items(
            client, reverse(f"releases:{name}", kwargs=kwargs))]
        assert full_release.title in titles and "Fremde Rede" not in titles

    def test_feed_is_limited_to_the_latest_thirty(self, client, archive):
        archive(35)
        assert len(self.rss_items(client, reverse("releases:feed"))) == 30

    FEEDS = ["feed", "feed-atom", "topic-feed", "topic-feed-atom", "person-feed",
             "organisation-feed-atom", "kind-feed"]

    @pytest.mark.parametrize("size", ARCHIVE_SIZES)
    @pytest.mark.parametrize("name", FEEDS)
    def test_feed_makes_the_same_queries_at_any_archive_size(
            self, client, no_page_cache, django_assert_num_queries, archive, name, size):
        releases = archive(size)
        kwargs = {"topic": {"slug": "digitalisierung"}, "person": {"slug": "thomas-schmidt"},
                  "organisation": {"slug": releases[0].organisation.slug},
                  "kind": {"kind": "medieninformation"}}.get(name.split("-")[0], {})
        url = reverse(f"releases:{name}", kwargs=kwargs)
        client.get(url)  # fills the sites cache
        # the conditional-GET state (ETag, Last-Modified), items and their topics, plus for
        # a scoped feed its topic, person or organisation, whether a public release names
        # it (what makes it public), and what its ETag takes of it (name, logo; kept in
        # the cache, which is off here)
        with django_assert_num_queries(6 if "slug" in kwargs else 3):
            assert client.get(url).status_code == 200


class TestSitemapAndRobots:
    def test_sitemap_lists_public_releases_topics_events_and_pages(
            self, client, settings, full_release, hidden_releases, topic, event, delegation):
        settings.SITE_URL = "https://presse.example.de"
        ensure_legal_pages()
        entries = sitemap_entries(client)
        site = "https://presse.example.de"
        # The day of its last public change, here its publication.
        assert entries[site + full_release.get_absolute_url()] == \
            timezone.localdate(full_release.last_public_change_at).isoformat()
        for url in [topic.get_absolute_url(), event.get_absolute_url(),
                    delegation.get_absolute_url(), "/", "/impressum/", "/barrierefreiheit/"]:
            assert site + url in entries, url
        for release in hidden_releases:
            assert site + release.get_absolute_url() not in entries

    def test_sitemap_is_an_index_of_pages_that_list_every_public_release(
            self, client, settings, monkeypatch, archive):
        # However large the archive: a page of a section is made in a fraction of a
        # second, and every page is named in the index (here three releases a page).
        settings.SITE_URL = "https://presse.example.de"
        monkeypatch.setattr(ReleaseSitemap, "limit", 3)
        releases = archive(7)
        index = ET.fromstring(client.get(reverse("sitemap")).content)
        namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
        assert index.tag == f"{namespace}sitemapindex"
        locations = [entry.findtext(f"{namespace}loc")
                     for entry in index.findall(f"{namespace}sitemap")]
        section = "https://presse.example.de/sitemap-releases.xml"
        assert [location for location in locations if location.startswith(section)] == [
            section, f"{section}?p=2", f"{section}?p=3"]
        # The latest change of any release, for crawlers to tell what is new.
        lastmod = index.find(f"{namespace}sitemap[{namespace}loc='{section}?p=3']").findtext(
            f"{namespace}lastmod")
        assert lastmod == timezone.localtime(
            max(release.last_public_change_at for release in releases)).isoformat()
        entries = sitemap_entries(client)
        assert {f"https://presse.example.de{release.get_absolute_url()}"
                for release in releases} <= set(entries)
        assert client.get(reverse("sitemap-section", kwargs={"section": "releases"}),
                          {"p": 4}).status_code == 404
        assert client.get("/sitemap-unbekannt.xml").status_code == 404

    @pytest.mark.parametrize("size", ARCHIVE_SIZES)
    def test_sitemap_makes_the_same_queries_at_any_archive_size(
            self, client, no_page_cache, django_assert_num_queries, archive, size):
        archive(size)
        ensure_legal_pages()
        client.get(reverse("sitemap"))  # fills the sites cache
        # the count of each section but the fixed pages; the latest change of releases
        # and of events
        with django_assert_num_queries(7):
            client.get(reverse("sitemap"))
        # count and rows of the releases
        with django_assert_num_queries(2):
            client.get(reverse("sitemap-section", kwargs={"section": "releases"}))

    def test_robots_txt_allows_all_but_the_admin_and_names_the_sitemap(self, client, settings):
        settings.SITE_URL = "https://presse.example.de"
        response = client.get("/robots.txt")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        text = response.content.decode()
        assert "User-agent: *" in text and "Disallow: /admin/" in text
        assert "Sitemap: https://presse.example.de/sitemap.xml" in text


class TestVCard:
    def test_vcard_is_served_as_text_vcard_download(self, client, contact, make_release):
        make_release()  # the organisation's release makes it and its contacts public
        response = client.get(reverse("releases:contact-vcard", kwargs={"pk": contact.pk}))
        assert response["Content-Type"] == "text/vcard; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="frank-meyer.vcf"'
        text = response.content.decode()
        assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
        assert text.endswith("END:VCARD\r\n")
        for line in ["N:Meyer;Frank;;;", "FN:Frank Meyer",
                     "ORG:Sächsisches Staatsministerium für Regionalentwicklung",
                     "TEL;TYPE=WORK,VOICE:+49 351 564 50024",
                     "EMAIL;TYPE=INTERNET,WORK:medien@smr.sachsen.de"]:
            assert line + "\r\n" in text, line

    def test_vcard_escapes_commas_semicolons_backslashes_and_newlines(self, contact):
        contact.role = "Pressesprecher, Leiter; Referat\\Presse\nund Öffentlichkeit"
        assert ("TITLE:Pressesprecher\\, Leiter\\; Referat\\\\Presse\\nund Öffentlichkeit\r\n"
                in contact_vcard(contact))

    @pytest.mark.parametrize(("full_name", "structured"), [
        ("Dr. Anna von der Heide", "N:von der Heide;Anna;;Dr.;"),
        ("Prof. Dr. Karl-Heinz Müller", "N:Müller;Karl-Heinz;;Prof. Dr.;"),
        ("Jana", "N:Jana;;;;"),
    ])
    def test_vcard_names_family_given_and_title_apart(self, contact, full_name, structured):
        contact.name = full_name
        assert structured + "\r\n" in contact_vcard(contact)

    def test_vcard_folds_long_lines_at_75_octets(self, contact):
        contact.role = "Referentin für Öffentlichkeitsarbeit " * 5
        for line in contact_vcard(contact).split("\r\n"):
            assert len(line.encode()) <= 75

    def test_former_contact_named_on_a_public_release_still_has_a_vcard(self, client,
                                                                        full_release):
        contact = full_release.contacts.get()
        Contact.objects.filter(pk=contact.pk).update(is_active=False)
        assert client.get(reverse("releases:contact-vcard",
                                  kwargs={"pk": contact.pk})).status_code == 200

    def test_former_contact_on_no_public_release_has_no_vcard(self, client, organisation):
        contact = Contact.objects.create(name="Ehemalig", organisation=organisation,
                                         is_active=False)
        assert client.get(reverse("releases:contact-vcard",
                                  kwargs={"pk": contact.pk})).status_code == 404

    def test_vcard_makes_one_query(self, client, no_page_cache, django_assert_num_queries,
                                   contact, make_release):
        make_release()
        with django_assert_num_queries(1):
            response = client.get(reverse("releases:contact-vcard", kwargs={"pk": contact.pk}))
        assert response.status_code == 200

    @pytest.mark.parametrize("written, uri", [
        ("+49 351 564 50024", "tel:+4935156450024"),
        ("+49 (0)351 564-50024", "tel:+4935156450024"),
        ("0351 / 564 50024", "tel:035156450024"),
        ("", ""),
    ])
    def test_phone_numbers_become_tel_uris(self, written, uri):
        assert tel_href(written) == uri


class TestLegalPages:
    @pytest.fixture
    def no_pages(self, db):
        """A site whose legal pages were deleted (migrate creates them)."""
        FlatPage.objects.all().delete()

    def test_they_exist_from_the_first_migrate(self, client, db):
        for name in ("imprint", "privacy", "accessibility"):
            assert client.get(reverse(f"releases:{name}")).status_code == 200, name

    def test_ensure_legal_pages_creates_the_five_pages(self, client, organisation, no_pages):
        assert len(ensure_legal_pages()) == 5
        for name, title in [("imprint", "Impressum"), ("privacy", "Datenschutzerklärung"),
                            ("accessibility", "Erklärung zur Barrierefreiheit")]:
            html = client.get(reverse(f"releases:{name}")).content.decode()
            assert f"<h1>{title}</h1>" in html

    def test_accessibility_statement_names_feedback_contact_and_arbitration(
            self, client, organisation, no_pages):
        ensure_legal_pages()
        html = client.get(reverse("releases:accessibility")).content.decode()
        assert 'href="mailto:medien@smr.sachsen.de"' in html
        assert "Schlichtungsstelle" in html and "BITV 2.0" in html

    def test_ensure_legal_pages_is_idempotent_and_keeps_edits(self, no_pages):
        ensure_legal_pages()
        FlatPage.objects.filter(url="/impressum/").update(content="<p>Angepasst</p>")
        assert ensure_legal_pages() == []
        assert FlatPage.objects.count() == 5
        assert FlatPage.objects.get(url="/impressum/").content == "<p>Angepasst</p>"

    def test_pages_made_with_the_placeholder_get_the_address_once_there_is_one(
            self, client, no_pages):
        ensure_legal_pages()  # the first migrate: no organisation yet
        FlatPage.objects.filter(url="/datenschutz/").update(content="<p>Angepasst</p>")
        ensure_legal_pages(email="presse@example.de")
        html = client.get(reverse("releases:accessibility")).content.decode()
        assert 'href="mailto:presse@example.de"' in html and "[E-Mail-Adresse]" not in html
        assert FlatPage.objects.get(url="/datenschutz/").content == "<p>Angepasst</p>"

    def test_missing_legal_page_is_not_found_not_an_error(self, client, no_pages):
        assert client.get(reverse("releases:imprint")).status_code == 404


class TestErrors:
    def test_server_error_page_needs_neither_request_context_nor_database(
            self, django_assert_num_queries):
        with django_assert_num_queries(0):
            response = server_error(RequestFactory().get("/"))
        assert response.status_code == 500
        assert '<main id="main"' in response.content.decode()

    def test_hidden_release_url_is_not_leaked_by_404(self, client, hidden_releases):
        response = client.get(hidden_releases[0].get_absolute_url())
        assert response.status_code == 404
        assert HIDDEN not in response.content.decode()
