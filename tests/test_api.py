"""The read-only JSON API: only public releases, paginated, filtered, errors as JSON."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from releases.models import (
    Appointment,
    Delegation,
    DelegationStop,
    Event,
    Organisation,
    Release,
    ReleaseAttachment,
    ReleaseImage,
    ReleasePerson,
    Topic,
)

from .ninjs_helpers import assert_valid, berlin, png

JSON = "application/json; charset=utf-8"
LIST_URL = "/api/releases/"
HOUR = datetime.timedelta(hours=1)


def detail_url(release_or_id):
    identity = getattr(release_or_id, "uuid", release_or_id)
    return f"/api/releases/{identity}/"


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == JSON
    return response.json()


def assert_error(client, url, status, **params):
    body = get_json(client, url, status=status, **params)
    assert body["error"]["status"] == status
    assert body["error"]["message"]
    return body


def titles(body):
    return [document["title"] for document in body["results"]]


@pytest.fixture
def hidden_releases(make_release):
    """One release for every way of not being public."""
    now = timezone.now()
    return [
        make_release(title="Entwurf", status="draft", published_at=None),
        make_release(title="In Prüfung", status="review", published_at=None),
        make_release(title="Freigegeben", status="approved", published_at=None),
        make_release(title="Geplant", status="scheduled", published_at=now + HOUR),
        make_release(title="Gesperrt", embargo_until=now + HOUR),
        make_release(title="Zurückgezogen", status="withdrawn"),
    ]


@pytest.mark.django_db
class TestVisibility:
    def test_list_shows_only_public_releases_and_counts_only_them(
            self, client, make_release, hidden_releases):
        make_release(title="Öffentlich")
        body = get_json(client, LIST_URL)
        assert body["count"] == 1
        assert titles(body) == ["Öffentlich"]

    def test_public_release_detail(self, client, make_release):
        release = make_release(title="Öffentlich")
        document = get_json(client, detail_url(release))
        assert document["uri"] == f"urn:uuid:{release.uuid}"
        assert document["pubstatus"] == "usable"
        assert_valid(document)

    def test_release_page_announces_its_document_and_a_preview_does_not(
            self, client, admin_client, make_release):
        release = make_release(title="Öffentlich")
        page = client.get(release.get_absolute_url()).content.decode()
        link = (f'<link rel="alternate" type="application/json" title="Öffentlich (ninjs)" '
                f'href="{detail_url(release)}">')
        assert link in page
        assert get_json(client, detail_url(release))["uri"] == f"urn:uuid:{release.uuid}"
        draft = make_release(status="draft", published_at=None)
        preview = admin_client.get(draft.get_absolute_url()).content.decode()
        assert 'type="application/json"' not in preview

    def test_no_hidden_release_can_be_fetched(self, client, hidden_releases):
        for release in hidden_releases:
            assert_error(client, detail_url(release), 404)

    def test_hidden_release_answers_like_a_missing_one(self, client, hidden_releases):
        hidden = client.get(detail_url(hidden_releases[0]))
        missing = client.get(detail_url(uuid.uuid4()))
        assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)

    def test_embargoed_release_appears_the_moment_the_embargo_ends(self, client, make_release):
        # The first hour of summer time; in UTC, so that minus one second is one second.
        embargo = berlin(2026, 3, 29, 3, 0).astimezone(datetime.UTC)
        release = make_release(published_at=berlin(2026, 3, 28, 9), embargo_until=embargo)
        with time_machine.travel(embargo - datetime.timedelta(seconds=1), tick=False):
            assert get_json(client, LIST_URL)["count"] == 0
            assert_error(client, detail_url(release), 404)
        with time_machine.travel(embargo, tick=False):
            assert get_json(client, LIST_URL)["count"] == 1
            assert get_json(client, detail_url(release))["pubstatus"] == "usable"

    def test_filter_does_not_reveal_hidden_releases(self, client, hidden_releases, topic):
        for release in hidden_releases:
            release.topics.add(topic)
        body = get_json(client, LIST_URL, topic=topic.slug)
        assert body["count"] == 0

    @pytest.mark.parametrize("identifier", ["not-a-uuid", "123", "%00", "ä"])
    def test_malformed_identifier_is_a_json_404(self, client, identifier):
        assert_error(client, f"/api/releases/{identifier}/", 404)

    def test_detail_also_accepts_the_urn_free_uuid_in_any_case(self, client, make_release):
        release = make_release()
        assert get_json(client, detail_url(str(release.uuid).upper()))["title"] == release.title

    def test_writing_is_not_allowed(self, client, make_release):
        release = make_release()
        assert client.put(detail_url(release)).status_code == 405
        assert client.delete(detail_url(release)).status_code == 405

    def test_api_sets_no_cookies(self, client, make_release):
        assert not client.get(LIST_URL).cookies


@pytest.mark.django_db
class TestList:
    def test_newest_first(self, client, make_release):
        now = timezone.now()
        make_release(title="Alt", published_at=now - 3 * HOUR)
        make_release(title="Neu", published_at=now - HOUR)
        make_release(title="Mittel", published_at=now - 2 * HOUR)
        assert titles(get_json(client, LIST_URL)) == ["Neu", "Mittel", "Alt"]

    def test_every_result_is_valid_ninjs_and_equals_its_detail(self, client, make_release):
        release = make_release(subtitle="Unterzeile", teaser="Kurz.")
        [document] = get_json(client, LIST_URL)["results"]
        assert_valid(document)
        assert document == get_json(client, detail_url(release))

    def test_empty_list(self, client, db):
        assert get_json(client, LIST_URL) == {
            "count": 0, "next": None, "previous": None, "results": []}

    def test_twenty_per_page_with_links_to_neighbours(self, client, make_release):
        now = timezone.now()
        for n in range(45):
            make_release(title=f"R{n:02}", published_at=now - datetime.timedelta(minutes=n + 1))
        first = get_json(client, LIST_URL)
        assert (first["count"], len(first["results"]), first["previous"]) == (45, 20, None)
        assert first["next"] == "http://testserver/api/releases/?page=2"
        second = get_json(client, first["next"])
        assert titles(second)[0] == "R20"
        assert second["previous"] == "http://testserver/api/releases/?page=1"
        last = get_json(client, second["next"])
        assert (len(last["results"]), last["next"]) == (5, None)

    def test_page_size_up_to_a_hundred(self, client, make_release):
        for _ in range(12):
            make_release()
        body = get_json(client, LIST_URL, page_size=5, page=3)
        assert len(body["results"]) == 2
        assert "page_size=5" in body["previous"]
        assert len(get_json(client, LIST_URL, page_size=100)["results"]) == 12

    def test_links_keep_the_filters(self, client, make_release, topic):
        for _ in range(3):
            make_release().topics.add(topic)
        body = get_json(client, LIST_URL, topic=topic.slug, page_size=1)
        assert body["next"] == (
            f"http://testserver/api/releases/?topic={topic.slug}&page_size=1&page=2")


@pytest.mark.django_db
class TestFilters:
    def test_by_topic(self, client, make_release, topic):
        make_release(title="Mit Thema").topics.add(topic)
        make_release(title="Ohne Thema").topics.add(Topic.objects.create(name="X", slug="x"))
        assert titles(get_json(client, LIST_URL, topic=topic.slug)) == ["Mit Thema"]

    def test_by_organisation(self, client, make_release):
        other = Organisation.objects.create(name="Staatskanzlei", short_name="SK", slug="sk")
        make_release(title="SMR")
        make_release(title="SK", organisation=other)
        assert titles(get_json(client, LIST_URL, organisation="sk")) == ["SK"]

    def test_by_kind(self, client, make_release):
        make_release(title="Einladung", kind=Release.Kind.INVITATION)
        make_release(title="Information")
        assert titles(get_json(client, LIST_URL, kind="presseeinladung")) == ["Einladung"]

    def test_unknown_topic_or_organisation_gives_an_empty_list(self, client, make_release):
        make_release()
        assert get_json(client, LIST_URL, topic="gibt-es-nicht")["count"] == 0
        assert get_json(client, LIST_URL, organisation="gibt-es-nicht")["count"] == 0

    @pytest.mark.parametrize("since", [
        "2021-10-08T10:00:00+02:00", "2021-10-08T08:00:00Z", "2021-10-08T10:00:00",
        "2021-10-08T10:00:00 02:00",  # an unencoded "+" arrives as a space
    ])
    def test_since_includes_the_boundary(self, client, make_release, since):
        make_release(title="Davor", published_at=berlin(2021, 10, 8, 9, 59, 59))
        make_release(title="Genau", published_at=berlin(2021, 10, 8, 10))
        assert titles(get_json(client, LIST_URL, since=since)) == ["Genau"]

    def test_since_a_date_means_from_its_start_in_berlin(self, client, make_release):
        make_release(title="Vortag", published_at=berlin(2021, 10, 7, 23, 59))
        make_release(title="Tag", published_at=berlin(2021, 10, 8, 0, 0))
        assert titles(get_json(client, LIST_URL, since="2021-10-08")) == ["Tag"]

    def test_filters_combine(self, client, make_release, topic):
        make_release(title="Passt", kind="rede").topics.add(topic)
        make_release(title="Falsche Art").topics.add(topic)
        make_release(title="Kein Thema", kind="rede")
        body = get_json(client, LIST_URL, topic=topic.slug, kind="rede", organisation="smr",
                        since="2000-01-01")
        assert titles(body) == ["Passt"]


@pytest.mark.django_db
class TestBadParameters:
    @pytest.mark.parametrize("params", [
        {"page": "abc"}, {"page": "0"}, {"page": "-1"}, {"page": "1.5"}, {"page": "١"},
        {"page": "9" * 5000}, {"page_size": "-1"}, {"page_size": "0"}, {"page_size": "101"},
        {"page_size": "zwanzig"}, {"since": "garbage"}, {"since": "2021-13-45"},
        {"since": "2021-10-08T25:00:00"}, {"since": "0001-01-01T00:00:00"},
        {"since": "9999-12-31T23:59:59-14:00"}, {"kind": "pressemitteilung"},
    ])
    def test_unusable_parameter_is_a_json_400(self, client, make_release, params):
        make_release()
        assert_error(client, LIST_URL, 400, **params)

    def test_page_beyond_the_last_is_a_json_404(self, client, make_release):
        make_release()
        assert_error(client, LIST_URL, 404, page=9999)
        assert_error(client, LIST_URL, 404, page=2)

    def test_unknown_parameters_are_ignored(self, client, make_release):
        make_release()
        assert get_json(client, LIST_URL, format="xml", q="x")["count"] == 1


@pytest.mark.django_db
class TestOpenAPI:
    def test_document_describes_both_endpoints_and_references_ninjs(self, client):
        response = client.get("/api/openapi.json")
        assert response.status_code == 200
        assert response["Content-Type"] == JSON
        document = json.loads(response.content)
        assert document["openapi"].startswith("3.1")
        assert set(document["paths"]) == {"/api/releases/", "/api/releases/{uuid}/"}
        assert document["components"]["schemas"]["Ninjs"] == {
            "$ref": "https://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"}
        parameters = {p["name"] for p in document["paths"]["/api/releases/"]["get"]["parameters"]}
        assert parameters == {"page", "page_size", "topic", "organisation", "kind", "since"}

    def test_url_names(self):
        assert reverse("releases:api-release-list") == LIST_URL
        assert reverse("releases:api-openapi") == "/api/openapi.json"
        assert reverse("releases:api-release-detail",
                       kwargs={"release_id": "x"}) == "/api/releases/x/"


@pytest.fixture
def populate(organisation, topic, contact, person):
    """Give each release every relation the mapping reads, so every prefetch has work."""
    Appointment.objects.create(person=person, organisation=organisation, title="Staatsminister",
                               start_date=datetime.date(2000, 1, 1))
    event = Event.objects.create(title="Termin", slug="termin", organisation=organisation,
                                 starts_at=timezone.now(), city="Dresden")
    trip = Delegation.objects.create(title="Reise", slug="reise", leader=person,
                                     organisation=organisation, start_date=datetime.date.today(),
                                     countries="Polen")
    DelegationStop.objects.create(delegation=trip, city="Krakau", country="Polen")

    def give(release):
        release.topics.add(topic)
        release.contacts.add(contact)
        release.events.add(event)
        release.delegations.add(trip)
        ReleasePerson.objects.create(release=release, person=person, is_quoted=True)
        ReleaseImage.objects.create(release=release, image=png(), alt_text="Bild",
                                    credit="Foto: SMR")
        ReleaseAttachment.objects.create(release=release, title="PDF",
                                         file=ContentFile(b"%PDF-1.4\n", name="a.pdf"))
        return release

    return give


@pytest.mark.django_db
class TestQueryCounts:
    # One count, one page of releases, ten prefetches.
    LIST_QUERIES = 12
    DETAIL_QUERIES = 11

    @pytest.mark.parametrize("size", [1, 20, 100])
    def test_list_takes_the_same_queries_for_any_page_size(
            self, client, no_page_cache, make_release, populate, django_assert_num_queries,
            size):
        for _ in range(size):
            populate(make_release())
        with django_assert_num_queries(self.LIST_QUERIES):
            body = get_json(client, LIST_URL, page_size=100)
        assert len(body["results"]) == size

    def test_detail_takes_a_fixed_number_of_queries(
            self, client, no_page_cache, make_release, populate, django_assert_num_queries):
        release = populate(make_release())
        with django_assert_num_queries(self.DETAIL_QUERIES):
            get_json(client, detail_url(release))
