"""Hostile markup posted straight to the admin form comes out inert in every output.

Each payload of tests/xss_payloads.py is posted, bypassing CKEditor, in the
body of a release and in its plain-text title, subtitle and teaser: a release
carries four payloads (the admin's change form takes a fifth of a second to
render), every release goes to the add form or, for half of them, to the
change form of a harmless release (which also gives the revision history
something to compare). The releases are published through the workflow
service and every output is fetched: the release page, the start page and
listings (teasers), the search page (snippets), RSS and Atom, a journalist's
personal feed (RSS and Atom, with the releases public and again under
embargo, marked), the ninjs API, the sitemap, and the admin's change form,
changelist, history and comparison of revisions. Each release is also about a
topic, organisation or person named with its payloads in the admin: the
titles and descriptions of their feeds are checked. Each payload is also
cleaned on its own (clean_html), so that no payload hides behind another one
in the same body.

HTML is parsed with html.parser, and the raw text is searched as well, for
elements that must not be there, event handler attributes, URLs with any
scheme but http, https, mailto and tel, and scripts: the public site has one
of its own, the JSON-LD data block, and the admin only its static files.
Releases go in batches of ten, one request per output per batch.
"""

import datetime
import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from journalists.models import Journalist
from releases import services
from releases.html import clean_html
from releases.models import Organisation, Person, Release, ReleasePerson, Topic
from tests.admin_helpers import admin_url, management_form, release_data
from tests.sitemap_helpers import NAMESPACE as SITEMAP
from tests.sitemap_helpers import sitemap_pages
from tests.xss_payloads import PAYLOADS

PER_RELEASE = 4
RELEASES_PER_BATCH = 10
_GROUPS = [PAYLOADS[start:start + PER_RELEASE] for start in range(0, len(PAYLOADS), PER_RELEASE)]
BATCHES = [_GROUPS[start:start + RELEASES_PER_BATCH]
           for start in range(0, len(_GROUPS), RELEASES_PER_BATCH)]
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background",
                  "cite", "data", "lowsrc", "dynsrc", "ping", "srcset", "codebase", "longdesc",
                  "usemap", "manifest", "icon", "profile"}
# Elements no output may get from content (the admin's own icons are <svg>: see Admin below).
FORBIDDEN = {"iframe", "object", "embed", "svg", "math", "base", "frame", "frameset", "applet",
             "isindex", "bgsound", "xml", "style", "template", "noscript", "link", "meta"}
RAW_FORBIDDEN = re.compile(
    r"<\s*/?\s*(script|svg|math|iframe|object|embed|base|frame|applet|template|noscript|"
    r"isindex|xml|style)\b", re.IGNORECASE)
ATOM = "{http://www.w3.org/2005/Atom}"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
RSS_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
ADMIN_SCRIPT = re.compile(r"^/(?:static/|(?:en/)?admin/jsi18n/$)")


def scheme(url):
    """The scheme a browser would see: tabs and line breaks go, controls at the ends too."""
    url = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    return match.group(1).lower() if match else None


class Inspector(HTMLParser):
    """Everything in a document that could run: scripts, handlers, URLs, odd elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts = []  # (attributes, text)
        self.problems = []
        self.elements = Counter()
        self.styled = 0
        self._script = None

    def handle_starttag(self, tag, attrs):
        self.elements[tag] += 1
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES:
                urls = ([part.strip().split(" ")[0] for part in (value or "").split(",")]
                        if name == "srcset" else [value or ""])
                for url in urls:
                    found = scheme(url)
                    if found and found not in SAFE_SCHEMES and not (
                            tag == "link" and attributes.get("rel") == "icon" and url == "data:,"):
                        self.problems.append(f"<{tag} {name}={url!r}>")
        if "style" in attributes:
            self.styled += 1
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            self._script = (attributes, [])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None


def inspect(text):
    inspector = Inspector()
    inspector.feed(text)
    inspector.close()
    return inspector


def assert_public_page_inert(text, where, json_ld=False):
    """A public page: no scripts but (on release pages) the one JSON-LD block."""
    page = inspect(text)
    assert page.problems == [], where
    assert page.styled == 0, where
    assert [name for name in FORBIDDEN if page.elements[name]
            and name not in {"link", "meta"}] == [], where
    expected = 1 if json_ld else 0
    assert len(page.scripts) == expected, where
    for attributes, content in page.scripts:
        assert attributes == {"type": "application/ld+json"}, where
        assert "<" not in content, where
        json.loads(content)
    assert [match.group(1).lower() for match in RAW_FORBIDDEN.finditer(text)] == (
        ["script", "script"] if json_ld else []), where
    assert not any(tag in text.lower() for tag in ("<link rel=\"import", "http-equiv=\"refresh"))


def assert_fragment_inert(text, where):
    """HTML a feed reader or API client renders: nothing that runs, no odd elements."""
    fragment = inspect(text)
    assert fragment.problems == [], where
    assert fragment.styled == 0, where
    assert not fragment.scripts, where
    assert not RAW_FORBIDDEN.search(text), where
    assert [name for name in FORBIDDEN if fragment.elements[name]] == [], where


def admin_features(text):
    """What the admin itself may have, to be compared with a harmless release's page."""
    page = inspect(text)
    features = Counter({tag: page.elements[tag] for tag in FORBIDDEN if page.elements[tag]})
    features["style="] = page.styled
    return page, +features


def assert_admin_page_inert(text, baseline, where):
    page, features = admin_features(text)
    assert page.problems == [], where
    for attributes, content in page.scripts:
        assert ADMIN_SCRIPT.match(attributes.get("src", "")), where
        assert content.strip() == "", where
    assert features - baseline == Counter(), where


@pytest.fixture
def editor_client(db):
    user = User.objects.create_user("redakteurin", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="releases"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def journalist(db):
    """An accredited journalist: the personal feed shows the releases too."""
    return Journalist.objects.create(
        name="Erika Muster", medium="Sächsische Zeitung", email="redaktion@example.org",
        status=Journalist.Status.APPROVED, email_verified_at=timezone.now(),
        approved_at=timezone.now())


def marker(number):
    """A word found by search on either database, one per batch: "pruefwortbaa", ..."""
    return "pruefwortb" + "".join(chr(97 + int(digit)) for digit in f"{number:02d}")


def post(client, url, organisation, fields):
    response = client.post(url, release_data(organisation, **fields))
    if response.status_code == 200 and any("\x00" in str(value) for value in fields.values()):
        # Django refuses NUL characters in form fields; the refusal must be inert too.
        return response, client.post(url, release_data(organisation, **{
            key: str(value).replace("\x00", "") for key, value in fields.items()}))
    return None, response


def hostile_fields(word, number, payloads):
    """A release's fields with ``payloads`` in each: as many as fit into the short ones."""
    return {"title": f"{word} {' '.join(payloads)}"[:300],
            "subtitle": " ".join(reversed(payloads))[:300],
            "teaser": "\n".join(payloads)[:1000],
            "body": "".join(f"<p>{word} {number}.{index}</p>{payload}"
                            for index, payload in enumerate(payloads)),
            "slug": f"{word}-{number}"}


class Outputs:
    """Every output for one batch of releases, fetched once each."""

    def __init__(self, anonymous, editor_client, releases, word):
        self.anonymous, self.editor, self.releases, self.word = (
            anonymous, editor_client, releases, word)

    def get(self, client, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content.decode()

    def public_pages(self):
        release = self.releases[0]
        month = timezone.localtime(release.published_at)
        pages = {reverse("releases:home"): False,
                 reverse("releases:release-list"): False,
                 reverse("releases:search") + f"?q={self.word}": False,
                 release.organisation.get_absolute_url(): False,
                 reverse("releases:kind-detail", kwargs={"kind": release.kind}): False,
                 reverse("releases:archive-month", kwargs={
                     "year": month.year, "month": f"{month.month:02d}"}): False}
        pages.update({item.get_absolute_url(): True for item in self.releases})
        return {url: (self.get(self.anonymous, url), json_ld) for url, json_ld in pages.items()}


def assert_outputs_inert(anonymous, editor_client, releases, word, baselines, journalist,
                         subjects):
    outputs = Outputs(anonymous, editor_client, releases, word)
    pages = outputs.public_pages()
    for url, (text, json_ld) in pages.items():
        assert_public_page_inert(text, url, json_ld=json_ld)
    # Every release is listed where it should be, so nothing passed unseen.
    for url in (reverse("releases:home"), reverse("releases:search") + f"?q={word}"):
        shown = pages[url][0]
        assert all(release.get_absolute_url() in shown for release in releases), url

    guids = {f"urn:uuid:{release.uuid}" for release in releases}
    journalist_feeds = [reverse(name, args=[journalist.feed_token])
                        for name in ("journalists:feed", "journalists:feed-atom")]
    for url in [reverse("releases:feed"), reverse("releases:feed-atom"), *journalist_feeds]:
        assert feed_guids(assert_feed_inert(outputs.get(anonymous, url), url)) >= guids
    for subject in subjects:
        assert_subject_feeds_inert(outputs, anonymous, subject)

    api = anonymous.get(reverse("releases:api-release-list"), {"page_size": 100})
    assert api["Content-Type"].startswith("application/json")
    documents = api.json()["results"]
    assert {doc["uri"] for doc in documents} >= {f"urn:uuid:{r.uuid}" for r in releases}
    for document in documents:
        for body in document["bodies"]:
            assert_fragment_inert(body["value"], "ninjs body")

    for page in sitemap_pages(anonymous):
        for location in ET.fromstring(page).iter(f"{SITEMAP}loc"):
            assert scheme(location.text) in {"http", "https"}

    changelist = admin_url(Release, "changelist") + f"?q={word}"
    assert_admin_page_inert(outputs.get(editor_client, changelist), baselines["changelist"],
                            changelist)
    for release in releases:
        for view, baseline in (("change", "live"), ("history", "history")):
            url = admin_url(Release, view, release.pk)
            assert_admin_page_inert(outputs.get(editor_client, url), baselines[baseline], url)
        # A working edition's form shows the live text rendered and the difference.
        edition = services.start_edition(release, None)
        url = admin_url(Release, "change", edition.pk)
        assert_admin_page_inert(outputs.get(editor_client, url), baselines["edition"], url)
        compare = compare_url(release)
        if compare:
            assert_admin_page_inert(outputs.get(editor_client, compare), baselines["compare"],
                                    compare)

    # Under embargo the journalists' feed marks them: the marking is inert too.
    Release.objects.filter(pk__in=[release.pk for release in releases]).update(
        embargo_until=timezone.now() + datetime.timedelta(days=1))
    for url in journalist_feeds:
        root = assert_feed_inert(outputs.get(anonymous, url), url)
        assert feed_guids(root, marked="Sperrfrist: ") >= guids


def feed_guids(root, marked=""):
    """The guids (ids) of an RSS or Atom document's items whose title starts with ``marked``."""
    items = root.findall("channel/item") + root.findall(f"{ATOM}entry")
    return {item.findtext("guid") or item.findtext(f"{ATOM}id") for item in items
            if (item.findtext("title") or item.findtext(f"{ATOM}title")).startswith(marked)}


def assert_feed_inert(text, where):
    """An RSS or Atom document: plain-text titles, inert HTML, only web links; its root."""
    root = ET.fromstring(text)
    if root.tag == "rss":
        channel = root.find("channel")
        # Many readers take the channel's description as HTML, like the items'.
        assert "<" not in channel.findtext("description"), where
        assert_fragment_inert(channel.findtext("description"), where)
        for item in channel.findall("item"):
            assert scheme(item.findtext("link")) in {"http", "https"}
            assert_fragment_inert(item.findtext("description") or "", "rss description")
            assert "<" not in (item.findtext("description") or "")
            assert_fragment_inert(item.findtext(f"{RSS_CONTENT}encoded"), "rss content:encoded")
            for enclosure in item.findall("enclosure"):
                assert scheme(enclosure.get("url")) in {"http", "https"}
        return root
    for element in [root.find(f"{ATOM}title"), root.find(f"{ATOM}subtitle"),
                    *root.iter(f"{ATOM}title")]:
        assert element.get("type", "text") == "text", where
    for entry in root.findall(f"{ATOM}entry"):
        for link in entry.findall(f"{ATOM}link"):
            assert scheme(link.get("href")) in {"http", "https"}
        for element in entry.findall(f"{ATOM}summary") + entry.findall(f"{ATOM}content"):
            assert_fragment_inert(element.text or "", "atom summary")
    return root


def assert_subject_feeds_inert(outputs, anonymous, subject):
    """The feeds of a topic, organisation or person named in the admin: the name, as plain
    text, is the title (RSS and Atom) and the Atom subtitle; the RSS description escapes it."""
    name = subject.full_name if isinstance(subject, Person) else subject.name
    # What XML can carry, its line breaks as an XML parser reads them.
    name = NOT_XML.sub("", name).replace("\r\n", "\n").replace("\r", "\n")
    title = f"Medieninformationen: {name}"
    url_name = {Topic: "topic-feed", Organisation: "organisation-feed",
                Person: "person-feed"}[type(subject)]
    rss_url = reverse(f"releases:{url_name}", kwargs={"slug": subject.slug})
    channel = assert_feed_inert(outputs.get(anonymous, rss_url), rss_url).find("channel")
    assert channel.findtext("title") == title, rss_url
    assert html.unescape(channel.findtext("description")) == title, rss_url
    atom_url = reverse(f"releases:{url_name}-atom", kwargs={"slug": subject.slug})
    root = assert_feed_inert(outputs.get(anonymous, atom_url), atom_url)
    assert root.findtext(f"{ATOM}title") == root.findtext(f"{ATOM}subtitle") == title, atom_url


def hostile_subject(editor_client, index, number, payloads):
    """A topic, organisation or person (by turns) named with ``payloads``, made in the admin."""
    names = [payload.replace("\x00", "") for payload in payloads]  # refused: see post()
    slug = f"{('thema', 'ressort', 'person')[index % 3]}-{number}-{index}"
    model, fields = [
        (Topic, {"name": names[0][:100], "slug": slug}),
        (Organisation, {"name": names[0][:200], "short_name": "", "slug": slug,
                        "kind": Organisation.Kind.MINISTRY, "parent": "", "website": "",
                        "press_email": "", "phone": "", "street": "", "postal_code": "",
                        "city": "", "footer": ""}),
        (Person, {"honorific": "", "given_name": names[1 % len(names)][:100],
                  "family_name": names[0][:100], "slug": slug, "description": "",
                  "biography": "", **management_form("appointments")}),
    ][index % 3]
    response = editor_client.post(admin_url(model, "add"), fields)
    assert response.status_code == 302, (payloads, response.content.decode()[:2000])
    return model.objects.get(slug=slug)


def about(release, subject):
    """``release`` (public) refers to ``subject``: its feed is there."""
    if isinstance(subject, Topic):
        release.topics.add(subject)
    elif isinstance(subject, Person):
        ReleasePerson.objects.create(release=release, person=subject)
    else:
        Release.objects.filter(pk=release.pk).update(organisation=subject)


def compare_url(release):
    """The comparison of the release's first revision with the current one, if there is one."""
    try:
        from reversion.models import Version

        url = reverse("admin:releases_release_compare", args=[release.pk])
    except (ImportError, NoReverseMatch):
        return None
    first = Version.objects.get_for_object(release).order_by("pk").first()
    return f"{url}?old={first.pk}&new=current" if first else None


_BASELINES = {}


@pytest.fixture
def baselines(editor_client, organisation):
    """The admin's own pages for a harmless release: what the admin itself contains."""
    if not _BASELINES:
        _BASELINES.update(admin_baselines(editor_client, organisation))
    return _BASELINES


def admin_baselines(editor_client, organisation):
    response = editor_client.post(admin_url(Release, "add"), release_data(
        organisation, slug="harmlos", title="Harmlos"))
    assert response.status_code == 302
    release = Release.objects.get(slug="harmlos")
    response = editor_client.post(admin_url(Release, "change", release.pk), release_data(
        organisation, slug="harmlos", title="Harmlos, geändert",
        expected_version=str(release.version)))
    assert response.status_code == 302
    # The form as an editor fills it in (a draft); a published release's page shows
    # its text rendered, read-only, and has less of the admin's own than this.
    editable = editor_client.get(admin_url(Release, "change", release.pk))
    release = services.publish(Release.objects.get(slug="harmlos"))
    edition = services.start_edition(release, None)
    edition.title = "Harmlos, berichtigt"
    services.save_release(edition)
    result = {"change": admin_features(editable.content.decode())[1], "edition": admin_features(
        editor_client.get(admin_url(Release, "change", edition.pk)).content.decode())[1]}
    for view, url in (("changelist", admin_url(Release, "changelist") + "?q=Harmlos"),
                      ("live", admin_url(Release, "change", release.pk)),
                      ("history", admin_url(Release, "history", release.pk)),
                      ("compare", compare_url(release))):
        if url is None:
            continue
        response = editor_client.get(url)
        assert response.status_code == 200
        result[view] = admin_features(response.content.decode())[1]
    return result


class TestHostileMarkup:
    @pytest.mark.parametrize("number", range(len(BATCHES)), ids=[
        f"payloads-{i * PER_RELEASE * RELEASES_PER_BATCH + 1}-"
        f"{i * PER_RELEASE * RELEASES_PER_BATCH + sum(map(len, batch))}"
        for i, batch in enumerate(BATCHES)])
    def test_posted_through_the_admin_is_inert_in_every_output(
            self, number, editor_client, anonymous, organisation, baselines, journalist):
        word = marker(number)
        releases = []
        for index, payloads in enumerate(BATCHES[number]):
            fields = hostile_fields(word, index, payloads)
            if index % 2:
                # The change form: a harmless release first, then the payload.
                refused, response = post(editor_client, admin_url(Release, "add"), organisation,
                                         {**fields, "title": f"{word} harmlos", "subtitle": "",
                                          "teaser": "", "body": "<p>Harmlos.</p>"})
                release = Release.objects.get(slug=fields["slug"])
                refused, response = post(editor_client, admin_url(Release, "change", release.pk),
                                         organisation,
                                         {**fields, "expected_version": str(release.version)})
            else:
                refused, response = post(editor_client, admin_url(Release, "add"), organisation,
                                         fields)
            if refused is not None:
                assert_admin_page_inert(refused.content.decode(), baselines["change"], payloads)
            assert response.status_code == 302, (payloads, response.content.decode()[:2000])
            releases.append(services.publish(Release.objects.get(slug=fields["slug"])))
        subjects = [hostile_subject(editor_client, index, number, payloads)
                    for index, payloads in enumerate(BATCHES[number])]
        for release, subject in zip(releases, subjects, strict=True):
            about(release, subject)
        assert_outputs_inert(anonymous, editor_client, releases, word, baselines, journalist,
                             subjects)

    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_cleaned_on_its_own_is_inert(self, payload):
        assert_fragment_inert(clean_html(payload), payload)

    def test_the_checks_find_what_they_look_for(self):
        """The inspector is not blind: the payloads themselves fail it.

        The few that pass are harmless without a context (an attribute to break out
        of, a script to end) or ran only in long-gone browsers (CSS expressions ran
        in Internet Explorer, and are caught as style attributes).
        """
        caught = 0
        for payload in PAYLOADS:
            try:
                assert_fragment_inert(html.unescape(payload) if "&#" in payload else payload,
                                      payload)
            except AssertionError:
                caught += 1
        assert caught >= len(PAYLOADS) * 0.9
