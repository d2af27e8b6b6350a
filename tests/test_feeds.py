"""RSS 2.0 and Atom feeds: validity, content, conditional GET, and what the headers may reveal."""

import datetime
import email.utils
import html

import feedparser
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from releases import feeds
from releases.models import Correction, Release, ReleasePerson, SiteIdentity, Topic

from .logo_data import svg_upload
from .public_data import HIDDEN

pytest_plugins = ["tests.public_fixtures"]

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
HOSTILE_TITLE = "Ärger \x07um ]]> <script>alert(1)</script> & 🎉 Grüße\x0b"
HOSTILE_BODY = ("<p>Absatz mit ]]&gt; und Umlauten äöüß, Emoji 🎉 und &lt;script&gt;.</p>"
                "<p>Zweiter\x0c Absatz</p>")
SCOPES = ["feed", "topic-feed", "person-feed", "organisation-feed", "kind-feed"]


@pytest.fixture
def scoped(organisation, topic, minister):
    """Makes releases inside every feed's scope."""

    def attach(release):
        release.topics.add(topic)
        ReleasePerson.objects.create(release=release, person=minister)
        return release

    return attach


def feed_url(name, topic, minister, organisation, atom=False):
    kwargs = {"feed": {}, "topic-feed": {"slug": topic.slug},
              "person-feed": {"slug": minister.slug},
              "organisation-feed": {"slug": organisation.slug},
              "kind-feed": {"kind": Release.Kind.PRESS_RELEASE.value}}[name]
    return reverse(f"releases:{name}{'-atom' if atom else ''}", kwargs=kwargs)


def all_urls(topic, minister, organisation):
    return [feed_url(name, topic, minister, organisation, atom)
            for name in SCOPES for atom in (False, True)]


def check_valid(response, atom, count):
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) == count
    root = etree.fromstring(response.content)
    if atom:
        assert root.tag == f"{{{ATOM_NS}}}feed"
        assert root.find(f"{{{ATOM_NS}}}link[@rel='self']") is not None
        # RFC 4287: a feed has an author (the site), whether or not its entries have one.
        assert root.findtext(f"{{{ATOM_NS}}}author/{{{ATOM_NS}}}name") == "Newsroom"
        for entry in root.iter(f"{{{ATOM_NS}}}entry"):
            assert entry.findtext(f"{{{ATOM_NS}}}id").startswith("urn:uuid:")
            assert entry.findtext(f"{{{ATOM_NS}}}updated")
    else:
        channel = root.find("channel")
        self_link = channel.find(f"{{{ATOM_NS}}}link[@rel='self']")
        assert self_link is not None and self_link.get("href").startswith("http")
        for item in channel.iter("item"):
            guid = item.find("guid")
            assert guid is not None and guid.text.startswith("urn:uuid:")
            assert guid.get("isPermaLink") == "false"
            assert email.utils.parsedate_to_datetime(item.findtext("pubDate")) is not None
    return parsed, root


@pytest.mark.parametrize("count", [0, 1, 50])
def test_every_feed_validates(client, make_release, scoped, topic, minister, organisation,
                              event, count):
    # The announced appointment makes its topic and organisation public without a release:
    # their feeds are there, empty when ``count`` is 0.
    for n in range(count):
        scoped(make_release(published_at=timezone.now() - datetime.timedelta(hours=n + 1)))
    for url in all_urls(topic, minister, organisation):
        check_valid(client.get(url), atom="/atom/" in url, count=min(count, 30))


def test_hostile_titles_and_bodies(client, make_release, scoped, topic, minister,
                                   organisation):
    release = scoped(make_release(title=HOSTILE_TITLE, teaser="<script>alert(1)</script> ]]>",
                                  body=HOSTILE_BODY))
    for url in all_urls(topic, minister, organisation):
        atom = "/atom/" in url
        parsed, root = check_valid(client.get(url), atom=atom, count=1)
        entry = parsed.entries[0]
        assert entry.title == "Ärger um ]]> <script>alert(1)</script> & 🎉 Grüße"
        assert entry.id == f"urn:uuid:{release.uuid}"
        content = (root.find(f".//{{{ATOM_NS}}}content") if atom
                   else root.find(f".//{{{CONTENT_NS}}}encoded"))
        assert "Emoji 🎉" in content.text and "äöüß" in content.text
        assert "<script>" not in content.text
        assert "\x0c" not in content.text


@pytest.mark.parametrize("name", SCOPES)
def test_hostile_subject_names_are_plain_text_in_titles_and_escaped_in_descriptions(
        client, make_release, scoped, topic, minister, organisation, name):
    """Editors type the names of topics, organisations and people: as plain text."""
    hostile = "<script>alert(1)</script> & <img src=x onerror=alert(2)>\x0b"
    shown = hostile.replace("\x0b", "")
    Topic.objects.filter(pk=topic.pk).update(name=hostile)
    type(organisation).objects.filter(pk=organisation.pk).update(name=f"Ressort {hostile}")
    type(minister).objects.filter(pk=minister.pk).update(family_name=hostile)
    scoped(make_release())
    subject = {"feed": None, "topic-feed": shown, "organisation-feed": f"Ressort {shown}",
               "person-feed": f"Thomas {shown}", "kind-feed": None}[name]
    rss = client.get(feed_url(name, topic, minister, organisation))
    check_valid(rss, atom=False, count=1)
    channel = etree.fromstring(rss.content).find("channel")
    if subject:
        assert channel.findtext("title") == f"Medieninformationen: {subject}"
        # A reader that takes the description as HTML shows the name as typed.
        assert channel.findtext("description") == html.escape(channel.findtext("title"))
    assert "<" not in channel.findtext("description")
    atom = client.get(feed_url(name, topic, minister, organisation, atom=True))
    root = check_valid(atom, atom=True, count=1)[1]
    assert root.find(f"{{{ATOM_NS}}}title").get("type", "text") == "text"
    assert root.find(f"{{{ATOM_NS}}}subtitle").get("type", "text") == "text"
    if subject:
        assert root.findtext(f"{{{ATOM_NS}}}title") == f"Medieninformationen: {subject}"
        assert root.findtext(f"{{{ATOM_NS}}}subtitle") == f"Medieninformationen: {subject}"


@pytest.mark.parametrize("atom", [False, True])
def test_items_name_the_issuing_organisation_as_author(client, make_release, organisation,
                                                      atom):
    make_release()
    other = type(organisation).objects.create(name="Sächsische Staatskanzlei", slug="sk")
    make_release(organisation=other)
    parsed, _root = check_valid(client.get(reverse(
        "releases:feed-atom" if atom else "releases:feed")), atom=atom, count=2)
    authors = {(entry.author_detail.get("name"), entry.author_detail.get("email"))
               for entry in parsed.entries}
    assert authors == {(organisation.name, "medien@smr.sachsen.de"),
                       ("Sächsische Staatskanzlei", None)}


def test_summary_of_the_body_ends_after_a_whole_word(client, make_release):
    words = [f"Wort{n}lang" for n in range(200)]
    make_release(teaser="", body=f"<p>{' '.join(words[:100])}</p><p>{' '.join(words[100:])}</p>")
    for url in (reverse("releases:feed"), reverse("releases:feed-atom")):
        entry = feedparser.parse(client.get(url).content).entries[0]
        assert entry.summary.endswith("lang …") or entry.summary.endswith("lang…")
        shown = entry.summary.removesuffix("…").split()
        assert 40 <= len(shown) < 200
        assert shown == words[:len(shown)]


def test_full_content_categories_enclosure(client, full_release, topic, minister,
                                           organisation):
    image = full_release.lead_image
    for atom in (False, True):
        response = client.get(feed_url("feed", topic, minister, organisation, atom))
        parsed, root = check_valid(response, atom, count=2)
        entry = next(e for e in parsed.entries if e.id == f"urn:uuid:{full_release.uuid}")
        assert "Rund 70 Teilnehmer diskutierten." in entry.content[0].value
        assert {tag.term for tag in entry.tags} == {"Digitalisierung", "Polen"}
        enclosure = entry.enclosures[0]
        assert enclosure.href == "http://127.0.0.1:8000" + image.image.url
        assert int(enclosure.length) == image.image.size > 0
        assert enclosure.type in {"image/jpeg", "image/png", "image/webp"}


def test_relative_links_in_the_text_lead_where_they_do_on_the_page(client, make_release):
    release = make_release(title="Links", body=(
        '<p><a href="/medieninformationen/">Alle</a>, <a title="a>b" href="../andere/">'
        'eine andere</a>, <a href="#teil">Teil</a>, <a href="https://example.org/">x</a></p>'))
    page = "http://127.0.0.1:8000" + release.get_absolute_url()
    for atom in (False, True):
        response = client.get(reverse("releases:feed-atom" if atom else "releases:feed"))
        [entry] = feedparser.parse(response.content).entries
        links = etree.HTML(entry.content[0].value).xpath("//a/@href")
        assert links == ["http://127.0.0.1:8000/medieninformationen/",
                         page.rsplit("/", 2)[0] + "/andere/", page + "#teil",
                         "https://example.org/"]


def test_guid_survives_slug_change(client, make_release):
    release = make_release()
    url = reverse("releases:feed")
    before = feedparser.parse(client.get(url).content).entries[0].id
    release.slug = "neuer-slug"
    release.save()
    after = feedparser.parse(client.get(url).content).entries[0]
    assert before == after.id == f"urn:uuid:{release.uuid}"
    assert after.link.endswith("-neuer-slug/")


def test_cache_control(client, make_release):
    make_release()
    response = client.get(reverse("releases:feed"))
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]


@pytest.mark.parametrize("name", SCOPES)
@pytest.mark.parametrize("atom", [False, True])
def test_repeat_polls_get_304(client, make_release, scoped, topic, minister, organisation,
                              name, atom, django_assert_max_num_queries):
    scoped(make_release())
    url = feed_url(name, topic, minister, organisation, atom)
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_max_num_queries(1):
        again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and not again.content
    with django_assert_max_num_queries(1):
        again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304
    # A new release in scope: the poll gets the feed again.
    scoped(make_release(published_at=timezone.now()))
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200


def test_repeat_poll_is_answered_from_the_cache_without_the_page(
        rf, make_release, django_assert_num_queries):
    """The validators are kept while nothing public changes, whether or not the page
    cache holds the feed (the view is called here without it)."""
    make_release()
    view = feeds.view(feeds.ReleaseFeed)
    etag = view(rf.get("/feed/"))["ETag"]
    with django_assert_num_queries(0):
        assert view(rf.get("/feed/", headers={"if-none-match": etag})).status_code == 304
    make_release(title="Neu", published_at=timezone.now())
    assert view(rf.get("/feed/", headers={"if-none-match": etag})).status_code == 200


def test_repeat_poll_sees_an_embargo_end_though_cached(rf, make_release):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        make_release(published_at=now - datetime.timedelta(hours=1),
                     embargo_until=now + datetime.timedelta(minutes=5))
        view = feeds.view(feeds.ReleaseFeed)
        etag = view(rf.get("/feed/"))["ETag"]
        assert view(rf.get("/feed/", headers={"if-none-match": etag})).status_code == 304
    with time_machine.travel(now + datetime.timedelta(minutes=5), tick=False):
        assert view(rf.get("/feed/", headers={"if-none-match": etag})).status_code == 200


def test_a_new_site_name_is_a_new_feed(client, make_release):
    make_release()
    url = reverse("releases:feed-atom")  # the site is the Atom feed's author
    first = client.get(url)
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    SiteIdentity.objects.create(name="Medienservice Sachsen")
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200 and b"Medienservice Sachsen" in again.content


def test_a_renamed_topic_is_a_new_feed(client, make_release, topic):
    make_release().topics.add(topic)
    url = reverse("releases:topic-feed", kwargs={"slug": topic.slug})
    first = client.get(url)
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    topic.name = "Grenzüberschreitende Zusammenarbeit"
    topic.save()
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "Grenzüberschreitende Zusammenarbeit" in again.content.decode()


def test_a_new_organisation_logo_is_a_new_feed(client, make_release, organisation):
    make_release()
    # Atom shows an SVG logo (RSS 2.0 only GIF, JPEG and PNG)
    url = reverse("releases:organisation-feed-atom", kwargs={"slug": organisation.slug})
    first = client.get(url)
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    organisation.logo = svg_upload()
    organisation.save()
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200 and organisation.logo.url in again.content.decode()


def test_all_releases_304_makes_one_query(client, no_page_cache, make_release,
                                         django_assert_max_num_queries):
    for _ in range(5):
        make_release()
    url = reverse("releases:feed")
    etag = client.get(url)["ETag"]
    with django_assert_max_num_queries(1):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


@pytest.mark.parametrize("hidden", ["scheduled", "embargoed"])
def test_headers_do_not_reveal_unpublished_items(client, make_release, scoped, topic,
                                                 minister, organisation, hidden):
    now = timezone.now().replace(microsecond=0)
    scoped(make_release(published_at=now - datetime.timedelta(hours=2)))
    due = now + datetime.timedelta(hours=1)
    urls = all_urls(topic, minister, organisation)
    with time_machine.travel(due - datetime.timedelta(seconds=1), tick=False):
        without = {url: (client.get(url)["ETag"], client.get(url)["Last-Modified"])
                   for url in urls}
    if hidden == "scheduled":
        release = make_release(title=f"{HIDDEN} Geplant", status=Release.Status.SCHEDULED,
                               published_at=due)
    else:
        release = make_release(title=f"{HIDDEN} Sperrfrist",
                               published_at=now - datetime.timedelta(hours=1),
                               embargo_until=due)
    scoped(release)
    Correction.objects.create(release=release, text="Berichtigt.",
                              published_at=now - datetime.timedelta(minutes=30))
    with time_machine.travel(due - datetime.timedelta(seconds=1), tick=False):
        for url in urls:
            response = client.get(url)
            assert HIDDEN not in response.content.decode()
            assert (response["ETag"], response["Last-Modified"]) == without[url]
    with time_machine.travel(due + datetime.timedelta(seconds=1), tick=False):
        for url in urls:
            response = client.get(url)
            assert HIDDEN in response.content.decode()
            assert response["ETag"] != without[url][0]
            assert (email.utils.parsedate_to_datetime(response["Last-Modified"])
                    == due)


@pytest.mark.parametrize("atom", [False, True])
def test_validators_do_not_tell_a_hidden_subject_from_none(client, make_release, atom):
    """A topic, person or organisation named only by an embargoed release: a conditional
    request for its feed is answered as for a slug that does not exist, whatever ETag it
    sends (one made of the hidden name confirmed the name)."""
    import hashlib

    from releases.models import Organisation, Person, SiteIdentity, Topic

    embargoed = make_release(embargo_until=timezone.now() + datetime.timedelta(days=1))
    topic = Topic.objects.create(name="Geheimthema Alpha", slug="geheimthema-alpha")
    person = Person.objects.create(given_name="Zacharias", family_name="Verborgen",
                                   slug="zacharias-verborgen")
    organisation = Organisation.objects.create(name="Geheimressort Omikron",
                                               slug="geheimressort-omikron")
    embargoed.topics.add(topic)
    embargoed.people.add(person)
    embargoed.organisation = organisation
    embargoed.save()
    identity = SiteIdentity.get()

    def etag(subject_state):  # as anyone could compute it: the site's name is public
        state = ([], identity.name, identity.logo.name, subject_state)
        digest = hashlib.sha256(repr(state).encode()).hexdigest()[:32]
        return f'"{digest}"'

    guesses = [etag([]), etag([("Geheimthema Alpha",)]), etag([("", "Zacharias", "Verborgen")]),
               etag([("Geheimressort Omikron", "")])]
    suffix = "-atom" if atom else ""

    def answers(name, slug):
        url = reverse(f"releases:{name}-feed{suffix}", kwargs={"slug": slug})
        return [client.get(url, headers={"if-none-match": guess}).status_code
                for guess in guesses]

    for name, slug in [("topic", topic.slug), ("person", person.slug),
                       ("organisation", organisation.slug)]:
        assert answers(name, slug) == answers(name, "gibt-es-nicht"), name


def test_correction_bumps_updated_and_last_modified(client, make_release):
    release = make_release()
    url = reverse("releases:feed-atom")
    first = client.get(url)
    later = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        Correction.objects.create(release=release, text="Berichtigt: Datum.", published_at=later)
        response = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 200
    assert email.utils.parsedate_to_datetime(response["Last-Modified"]) == later
    entry = feedparser.parse(response.content).entries[0]
    assert datetime.datetime(*entry.updated_parsed[:6], tzinfo=datetime.UTC) == later
    assert datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC) < later
    rss = feedparser.parse(client.get(reverse("releases:feed")).content)
    assert rss.bozo == 0


@pytest.mark.parametrize("count", [1, 20, 50])
@pytest.mark.parametrize("name", SCOPES)
def test_query_count_is_fixed(client, no_page_cache, make_release, scoped, topic, minister,
                              organisation, full_release, count, name,
                              django_assert_max_num_queries):
    extra = Topic.objects.create(name="Weiteres", slug="weiteres")
    for _ in range(count):
        release = scoped(make_release())
        release.topics.add(extra)
    url = feed_url(name, topic, minister, organisation)
    client.get(url)  # the sites framework caches the current site after the first request
    # the conditional-GET state, the subject and whether a public release names it, what
    # the ETag takes of it (kept in the cache, which is off here), the items and their
    # topics
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_withdrawal_dates_the_feed_anew_for_a_conditional_poll(client, no_page_cache,
                                                                 make_release):
    """A poll with If-Modified-Since only must still learn that an item was taken off."""
    kept = make_release(published_at=timezone.now() - datetime.timedelta(days=2))
    gone = make_release(published_at=timezone.now() - datetime.timedelta(days=1))
    url = reverse("releases:feed")
    first = client.get(url)
    assert gone.title in first.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=False):
        Release.objects.filter(pk=gone.pk).update(status=Release.Status.WITHDRAWN,
                                                   withdrawn_at=timezone.now())
        again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        assert again.status_code == 200
        assert gone.title not in again.content.decode()
        assert kept.title in again.content.decode()
        assert again["ETag"] != first["ETag"]


def test_a_changed_item_dates_the_feed_anew_for_a_conditional_poll(client, no_page_cache,
                                                                    make_release):
    release = make_release(published_at=timezone.now() - datetime.timedelta(days=1))
    url = reverse("releases:feed")
    first = client.get(url)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=False):
        release.title = "Neuer Titel"
        release.save()
        again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        assert again.status_code == 200
        assert "Neuer Titel" in again.content.decode()
        assert again["Last-Modified"] != first["Last-Modified"]


@pytest.mark.parametrize("cached", [False, True])
def test_the_feed_is_sent_in_one_piece(client, settings, make_release, cached):
    """Written piecemeal, the document would leave the server in thousands of packets."""
    if not cached:
        settings.PAGE_CACHE_SECONDS = 0
    for _ in range(3):
        make_release()
    client.get(reverse("releases:feed"))
    response = client.get(reverse("releases:feed"))
    assert len(list(response)) == 1

