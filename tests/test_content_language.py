"""WCAG 3.1.2 / BITV 2.0: on the English pages (/en/) the interface is English, but the
content (titles, names of topics and organisations, places, roles, ...) is German and
always kept in German. Every piece of it must sit in an element marked lang="de", so that
a screen reader reads it with a German voice; interface text must not be marked."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from releases.models import SiteIdentity

pytest_plugins = ["tests.public_fixtures"]
pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
SKIPPED = {"head", "script", "style", "template"}

# Content of the fixtures, as the database holds it (German whatever the interface).
ORGANISATION = "Sächsisches Staatsministerium für Regionalentwicklung"
TOPIC_DESCRIPTION = "Verwaltung, Wirtschaft und Schule im digitalen Wandel"
CONTACT_ROLE = "Pressesprecher des Ministeriums"
IDENTITY_BODY = "Sächsische Staatskanzlei"
IDENTITY_STREET = "Archivstraße 1"
POSTAL_ADDRESS = "Wilhelm-Buck-Straße 4"
CONTENT = [
    ORGANISATION, "Digitalisierung", "Polen", TOPIC_DESCRIPTION, CONTACT_ROLE, IDENTITY_BODY,
    IDENTITY_STREET, "01097 Dresden", POSTAL_ADDRESS,
    # the appointment
    "simul+Werkstatt in Kattowitz", "Technische Universität", "Kattowitz",
    "Regionale Wertschöpfung in Zeiten der Digitalisierung", "Anmeldung bis Mittwoch.",
    # people's offices and roles
    "Staatsminister für Regionalentwicklung",
    "Geschäftsführer der Wirtschaftsförderung Sachsen",
    # the trip
    "Delegationsreise nach Polen", "Kontakte mit Unternehmern, Wissenschaftlern",
    "Wirtschaftsförderung Sachsen", "Krakau", "Gespräche in Kattowitz",
    "Vizemarschall der Woiwodschaft Schlesien",
    # the release and what it carries
    "Große Resonanz bei simul+Werkstatt in Kattowitz",
    "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut",
    "Staatsminister Thomas Schmidt zieht eine positive Bilanz.", "Rund 70 Teilnehmer",
    "Sachsen und Schlesien vereinbaren Zusammenarbeit", "Programm der simul+Werkstatt",
    "Staatsminister Schmidt in Kattowitz", "Foto: SMR/Max Mustermann",
    "Kein Zugang für verschlüsselte elektronische Dokumente.",
]


class TextNodes(HTMLParser):
    """The text nodes of a page's body, each with whether an ancestor (or its own element)
    says lang="de" as the nearest lang attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, lang or None)
        self.nodes = []  # (text, lang in effect, path)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text or any(tag in SKIPPED for tag, _ in self.stack):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang is not None), None)
        self.nodes.append((text, lang, "/".join(tag for tag, _ in self.stack)))


def text_nodes(html):
    parser = TextNodes()
    parser.feed(html)
    parser.close()
    return parser.nodes


def unmarked_content(html, content=CONTENT):
    """The text nodes holding a piece of content without lang="de" in effect."""
    return [(text, path) for text, lang, path in text_nodes(html)
            if lang != "de" and any(piece in text for piece in content)]


def english(client, url, **query):
    url = url if url.startswith("/en/") else "/en" + url
    response = client.get(url, query)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="en">' in html
    return html


@pytest.fixture
def content(full_release, topic, organisation, contact, delegation, event, quoted_person):
    """The full release, with everything a page could show filled in with German."""
    topic.description = TOPIC_DESCRIPTION
    topic.save()
    organisation.street, organisation.postal_code, organisation.city = (
        POSTAL_ADDRESS, "01097", "Dresden")
    organisation.save()
    contact.role = CONTACT_ROLE
    contact.save()
    SiteIdentity.objects.create(body_name=IDENTITY_BODY, street=IDENTITY_STREET,
                                postal_code="01097", city="Dresden", phone="+49 351 5640",
                                email="presse@sk.sachsen.de")
    return full_release


def test_the_parser_sees_what_is_marked_and_what_is_not():
    html = ('<html lang="en"><head><title>Digitalisierung</title></head><body>'
            '<p>Topic <span lang="de">Digitalisierung</span><br>Polen</p>'
            '<div lang="de"><p>Kattowitz<img src="x" alt=""></p> Krakau</div></body></html>')
    assert unmarked_content(html) == [("Polen", "html/body/p")]


PAGES = {
    "release": lambda r: r.get_absolute_url(),
    "print view": lambda r: reverse("releases:release-print",
                                    kwargs={"pk": r.pk, "slug": r.slug}),
    "home": lambda r: reverse("releases:home"),
    "release list": lambda r: reverse("releases:release-list"),
    "appointment": lambda r: r.events.get().get_absolute_url(),
    "appointments": lambda r: reverse("releases:event-list"),
    "trip": lambda r: r.delegations.get().get_absolute_url(),
    "trips": lambda r: reverse("releases:delegation-list"),
    "topics": lambda r: reverse("releases:topic-list"),
    "topic": lambda r: r.topics.get(slug="digitalisierung").get_absolute_url(),
    "organisations": lambda r: reverse("releases:organisation-list"),
    "organisation": lambda r: r.organisation.get_absolute_url(),
    "person": lambda r: r.release_people.get(order=1).person.get_absolute_url(),
    "minister": lambda r: r.release_people.get(order=0).person.get_absolute_url(),
    "contacts": lambda r: reverse("releases:contact-list"),
    "search": lambda r: reverse("releases:search"),
    # Journalists choose topics, ministries and ministers by name.
    "alerts": lambda r: reverse("journalists:subscribe"),
    "alerts of a topic": lambda r: reverse("journalists:subscribe") + "?topic=digitalisierung",
    "accreditation": lambda r: reverse("journalists:accreditation", kwargs={
        "pk": r.events.get().pk, "slug": r.events.get().slug}),
}


@pytest.mark.parametrize("name", PAGES)
def test_english_pages_mark_every_piece_of_german_content(client, content, name):
    html = english(client, PAGES[name](content))
    unmarked = unmarked_content(html)
    assert unmarked == [], (name, unmarked)


def test_search_page_marks_results_and_the_filters_german_content(client, content):
    html = english(client, reverse("releases:search"), q="Teilnehmer", topic="digitalisierung",
                   organisation="smr")
    assert unmarked_content(html) == []
    # The choices of the filters are content; their "All topics" is interface.
    nodes = {text: lang for text, lang, path in text_nodes(html) if path.endswith("option")}
    assert nodes["Digitalisierung"] == nodes["Polen"] == nodes[ORGANISATION] == "de"
    assert nodes["All topics"] == nodes["All organisations"] == "en"
    html = english(client, reverse("releases:search"), topic="digitalisierung", kind="rede",
                   from_date="2021-10-01")
    assert unmarked_content(html) == []


def test_interface_text_is_not_marked_german(client, content):
    """The English labels around the content stay English."""
    html = english(client, content.get_absolute_url())
    nodes = text_nodes(html)
    for label in ["Topics", "Press contact", "Organisation", "People in this release",
                  "Related press releases", "Appointments", "Delegation trips"]:
        assert (label, "en") in {(text, lang) for text, lang, _ in nodes}, label
    html = english(client, content.events.get().get_absolute_url())
    labels = {text: lang for text, lang, _ in text_nodes(html)}
    for label in ["Time", "Place", "Theme", "Attending", "Information for the press"]:
        assert labels[label] == "en", label
    html = english(client, content.topics.get(slug="digitalisierung").get_absolute_url())
    assert ("Topic:", "en") in {(text, lang) for text, lang, _ in text_nodes(html)}


def test_german_pages_need_no_marks_but_keep_their_text(client, content):
    html = client.get(content.get_absolute_url()).content.decode()
    assert '<html lang="de">' in html
    assert all(lang == "de" for text, lang, _ in text_nodes(html)
               if any(piece in text for piece in CONTENT))


def test_print_view_puts_the_letterhead_in_its_banner(client, content):
    """axe "region": on the print view, which has no site header, the letterhead (shown
    there on screen) sits in a <header>, the page's one banner landmark."""
    url = reverse("releases:release-print", kwargs={"pk": content.pk, "slug": content.slug})
    html = client.get(url).content.decode()
    body = html.split("<body>")[1]
    assert body.count("<header") == 2  # the banner and the release's own header
    banner = body.split("<header>")[1].split("</header>")[0]
    assert '<div class="letterhead">' in banner and IDENTITY_BODY in banner
    assert body.index("<header>") < body.index('class="skip-link"')


def test_search_landmarks_have_distinct_names(client, content):
    """axe "landmark-unique": the search page has the header's search and its own."""
    for prefix in ("", "/en"):
        html = client.get(prefix + reverse("releases:search")).content.decode()
        names = re.findall(r'<form [^>]*role="search" aria-label="([^"]+)"', html)
        assert len(names) == 2 and len(set(names)) == 2 and all(names), (prefix, names)
