"""Keeping a copy in step through the API: imported releases reachable by their uri and
their UUID, and ``since`` catching what became public or changed after the last poll."""

import datetime
import uuid
from urllib.parse import quote

import pytest
import time_machine

from .ninjs_helpers import assert_valid

DPA_URI = "urn:newsml:dpa.com:20090101:190510-99-167362"
LIST_URL = "/api/releases/"
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content
    return response.json()


def titles(client, since):
    return [document["title"] for document in get(client, LIST_URL, since=since)["results"]]


@pytest.fixture
def imported(make_release):
    """A public release imported from dpa: its UUID derives from the source's uri."""
    return make_release(title="Von dpa", uuid=uuid.uuid5(uuid.NAMESPACE_URL, DPA_URI),
                        source_uri=DPA_URI)


@pytest.mark.django_db
class TestImportedReleaseByUri:
    def test_the_uri_the_document_gives_answers_for_the_release(self, client, imported):
        document = get(client, f"/api/releases/{imported.uuid}/")
        assert document["uri"] == DPA_URI
        assert get(client, f"/api/releases/{quote(DPA_URI, safe='')}/") == document

    def test_the_document_gives_the_release_s_own_uuid_as_an_altid(self, client, imported):
        document = get(client, f"/api/releases/{quote(DPA_URI, safe='')}/")
        assert {"role": "newsroom-uuid", "value": str(imported.uuid)} in document["altids"]
        assert_valid(document)
        own = next(a["value"] for a in document["altids"] if a["role"] == "newsroom-uuid")
        assert get(client, f"/api/releases/{own}/") == document

    def test_a_release_of_our_own_needs_no_uuid_altid(self, client, make_release):
        release = make_release(number=4, number_year=2026)
        document = get(client, f"/api/releases/{release.uuid.urn}/")
        assert document["altids"] == [{"role": "number", "value": "4/2026"}]

    def test_a_uri_that_is_not_the_release_s_source_answers_404(self, client, make_release):
        # The UUID derives from the uri, but the release was not imported with it.
        make_release(uuid=uuid.uuid5(uuid.NAMESPACE_URL, DPA_URI))
        get(client, f"/api/releases/{quote(DPA_URI, safe='')}/", status=404)
        get(client, f"/api/releases/{quote('urn:newsml:other:1', safe='')}/", status=404)

    def test_a_hidden_imported_release_answers_404_by_its_uri(self, client, make_release):
        make_release(uuid=uuid.uuid5(uuid.NAMESPACE_URL, DPA_URI), source_uri=DPA_URI,
                     status="draft", published_at=None)
        get(client, f"/api/releases/{quote(DPA_URI, safe='')}/", status=404)

    def test_the_openapi_document_says_a_uri_is_taken(self, client):
        document = get(client, "/api/openapi.json")
        [parameter] = document["paths"]["/api/releases/{uuid}/"]["get"]["parameters"]
        assert "ninjs uri" in parameter["description"]
        assert "newsroom-uuid" in parameter["description"]
        assert parameter["schema"] == {"type": "string"}


@pytest.mark.django_db
class TestSinceAndEmbargo:
    NOW = datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC)

    @pytest.fixture
    def embargoed(self, make_release):
        """Published two hours ago under an embargo that ended an hour ago."""
        with time_machine.travel(self.NOW, tick=False):
            return make_release(title="Sperrfrist vorbei", published_at=self.NOW - 2 * HOUR,
                                embargo_until=self.NOW - HOUR)

    def test_a_client_that_polled_before_the_embargo_ended_gets_the_release(
            self, client, embargoed):
        with time_machine.travel(self.NOW, tick=False):
            assert titles(client, (self.NOW - 90 * datetime.timedelta(minutes=1)).isoformat()) \
                == ["Sperrfrist vorbei"]

    def test_the_end_of_the_embargo_is_the_boundary(self, client, embargoed):
        with time_machine.travel(self.NOW, tick=False):
            assert titles(client, (self.NOW - HOUR).isoformat()) == ["Sperrfrist vorbei"]
            assert titles(client, (self.NOW - HOUR + SECOND).isoformat()) == []

    def test_a_release_changed_publicly_after_the_poll_is_listed_again(self, client,
                                                                       make_release):
        with time_machine.travel(self.NOW, tick=False):
            make_release(title="Korrigiert", published_at=self.NOW - 3 * HOUR,
                         public_changed_at=self.NOW - HOUR)
            make_release(title="Alt", published_at=self.NOW - 3 * HOUR)
            assert titles(client, (self.NOW - 2 * HOUR).isoformat()) == ["Korrigiert"]

    def test_since_matches_the_documents_versioncreated(self, client, embargoed):
        with time_machine.travel(self.NOW, tick=False):
            [document] = get(client, LIST_URL)["results"]
            version = document["versioncreated"]
            assert titles(client, version) == ["Sperrfrist vorbei"]
            moment = datetime.datetime.fromisoformat(version) + SECOND
            assert titles(client, moment.isoformat()) == []

    def test_the_embargo_still_running_hides_it_whatever_since_says(self, client,
                                                                    make_release):
        with time_machine.travel(self.NOW, tick=False):
            make_release(title="Gesperrt", published_at=self.NOW - 2 * HOUR,
                         embargo_until=self.NOW + HOUR)
            assert titles(client, "2000-01-01") == []


@pytest.mark.django_db
class TestWithdrawals:
    """A partner that took a release must hear that it was withdrawn: pubstatus canceled."""

    NOW = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC)  # 02:30 the 2nd time

    @pytest.fixture
    def withdrawn(self, make_release):
        return make_release(title="Falsche Zahlen", published_at=self.NOW - 3 * HOUR,
                            status="withdrawn", withdrawn_at=self.NOW - HOUR,
                            withdrawal_reason="Die Zahlen waren falsch.")

    def test_its_address_answers_canceled_without_the_text(self, client, withdrawn):
        document = get(client, f"/api/releases/{withdrawn.uuid}/")
        assert_valid(document)
        assert document["pubstatus"] == "canceled"
        assert document["title"] == "Falsche Zahlen"
        assert document["ednote"] == "Die Zahlen waren falsch."
        assert datetime.datetime.fromisoformat(document["versioncreated"]) == self.NOW - HOUR
        assert "bodies" not in document and "body_html" not in document

    def test_removed_for_legal_reasons_it_gives_not_even_its_title(self, client, withdrawn):
        withdrawn.is_removed_for_legal_reasons = True
        withdrawn.save()
        document = get(client, f"/api/releases/{withdrawn.uuid}/")
        assert_valid(document)
        assert document["pubstatus"] == "canceled"
        assert "title" not in document and "ednote" not in document

    def test_a_poll_since_before_the_withdrawal_gets_it_a_later_one_not(self, client,
                                                                         withdrawn):
        with time_machine.travel(self.NOW, tick=False):
            body = get(client, LIST_URL, since=(self.NOW - 2 * HOUR).isoformat())
            assert [(d["title"], d["pubstatus"]) for d in body["results"]] == [
                ("Falsche Zahlen", "canceled")]
            assert get(client, LIST_URL, since=self.NOW.isoformat())["results"] == []
            assert get(client, LIST_URL)["results"] == []  # the list itself: public ones

    def test_one_never_public_stays_unknown(self, client, make_release):
        never = make_release(title="Nie öffentlich", status="withdrawn", published_at=None,
                             withdrawn_at=self.NOW - HOUR, withdrawal_reason="Entwurf")
        get(client, f"/api/releases/{never.uuid}/", status=404)
        assert get(client, LIST_URL, since="2000-01-01")["results"] == []
