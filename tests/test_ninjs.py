"""The Release <-> ninjs 2.2 mapping: valid documents, the right fields, a lossless way back."""

import datetime
import json
import uuid
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation

from exchange.ninjs import check_ninjs, from_ninjs, releases_for_ninjs, to_ninjs
from releases.models import (
    Appointment,
    Contact,
    Person,
    Release,
    ReleasePerson,
)
from tests.ninjs_helpers import VALIDATOR, add_everything, assert_valid, berlin


def fetched(release):
    """The release as the API and the export read it."""
    return releases_for_ninjs(Release.objects.filter(pk=release.pk)).get()


@pytest.fixture
def rich_release(make_release, contact, person, topic):
    release = make_release(
        title="Große Resonanz bei simul+Werkstatt in Kattowitz",
        subtitle="Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut",
        teaser="Rund 70 Teilnehmer diskutierten über regionale Wertschöpfung.",
        body="<p>Die <strong>simul+Werkstatt</strong> war ein Erfolg.</p><p>Zweiter Absatz.</p>",
        published_at=berlin(2021, 10, 8, 10), number=12, number_year=2021,
        embargo_until=berlin(2021, 10, 8, 12))
    return fetched(add_everything(release, contact=contact, person=person, topic=topic))


def by_rel(entries, rel):
    return [entry for entry in entries if entry.get("rel") == rel]


@pytest.mark.django_db
class TestValidity:
    @pytest.mark.parametrize("kind", Release.Kind.values)
    def test_plain_release_of_every_kind_is_valid(self, make_release, kind):
        document = to_ninjs(fetched(make_release(kind=kind)))
        assert_valid(document)
        assert document["genres"][0]["literal"] == kind
        assert document["profile"] == kind

    @pytest.mark.parametrize("kind", Release.Kind.values)
    def test_release_with_everything_of_every_kind_is_valid(
            self, make_release, contact, person, topic, kind):
        release = add_everything(
            make_release(kind=kind, subtitle="Unterzeile", teaser="Kurz.",
                         embargo_until=timezone.now() - datetime.timedelta(minutes=5),
                         number=3, number_year=2026),
            contact=contact, person=person, topic=topic)
        assert_valid(to_ninjs(fetched(release)))

    @pytest.mark.parametrize("status", Release.Status.values)
    def test_every_status_is_valid(self, make_release, status):
        published_at = None if status in ("draft", "review", "approved") else timezone.now()
        assert_valid(to_ninjs(fetched(make_release(status=status, published_at=published_at))))

    def test_validator_rejects_a_property_ninjs_does_not_define(self, make_release):
        document = to_ninjs(fetched(make_release()))
        document["people"] = [{"name": "Thomas Horn", "role": "Geschäftsführer"}]
        assert list(VALIDATOR.iter_errors(document))

    @pytest.mark.parametrize("title", [
        "Steuer\x07zeichen\x1b[31m und\ttab\r\nneue Zeile",
        "Emoji 🇪🇺🎉 und 👩‍👩‍👧",
        "Umlaute: Größe, Übermaß, Ärger, ß – „Zitat“",
        "Ende ]]> <![CDATA[ x ]]>",
        "<script>alert(1)</script> & \"quotes\" 'single'",
        "\u202eRechts-nach-links\u200b",
    ])
    def test_hostile_title_is_carried_unchanged_and_valid(self, make_release, title):
        release = fetched(make_release(title=title, subtitle=title, teaser=title))
        document = to_ninjs(release)
        assert_valid(document)
        assert json.loads(json.dumps(document, ensure_ascii=False)) == document
        assert document["headlines"] == [{"role": "main", "value": title},
                                         {"role": "subhead", "value": title}]
        assert from_ninjs(document)["title"] == title.strip()


@pytest.mark.django_db
class TestPubstatus:
    def test_public_release_is_usable_and_links_its_page(self, make_release):
        release = fetched(make_release())
        document = to_ninjs(release, base_url="https://presse.example.de")
        assert document["pubstatus"] == "usable"
        assert document["renditions"] == [{
            "name": "html", "contenttype": "text/html", "title": release.title,
            "href": f"https://presse.example.de{release.get_absolute_url()}"}]

    @pytest.mark.parametrize("status", ["draft", "review", "approved"])
    def test_unfinished_release_is_withheld_without_page_link(self, make_release, status):
        document = to_ninjs(fetched(make_release(status=status, published_at=None)))
        assert document["pubstatus"] == "withheld"
        assert "renditions" not in document

    def test_scheduled_release_not_yet_due_is_withheld(self, make_release):
        future = timezone.now() + datetime.timedelta(hours=2)
        document = to_ninjs(fetched(make_release(status="scheduled", published_at=future)))
        assert document["pubstatus"] == "withheld"

    def test_scheduled_release_that_is_due_is_usable(self, make_release):
        assert to_ninjs(fetched(make_release(status="scheduled")))["pubstatus"] == "usable"

    def test_release_under_embargo_is_withheld_and_says_until_when(self, make_release):
        embargo = timezone.now() + datetime.timedelta(hours=2)
        document = to_ninjs(fetched(make_release(embargo_until=embargo)))
        assert document["pubstatus"] == "withheld"
        assert datetime.datetime.fromisoformat(document["embargoed"]) == embargo

    def test_withdrawn_release_is_canceled(self, make_release):
        assert to_ninjs(fetched(make_release(status="withdrawn")))["pubstatus"] == "canceled"

    def test_release_not_fetched_for_ninjs_still_gets_its_status(self, make_release):
        draft = make_release(status="draft", published_at=None)
        assert to_ninjs(Release.objects.get(pk=draft.pk))["pubstatus"] == "withheld"
        assert to_ninjs(Release.objects.get(pk=make_release().pk))["pubstatus"] == "usable"


@pytest.mark.django_db
class TestMapping:
    def test_uri_is_the_uuid_urn_and_survives_a_new_slug_and_domain(self, make_release):
        release = make_release()
        before = to_ninjs(fetched(release), base_url="https://a.example")["uri"]
        release.slug = "neuer-slug"
        release.save()
        after = to_ninjs(fetched(release), base_url="https://b.example")["uri"]
        assert before == after == f"urn:uuid:{release.uuid}"

    def test_an_imported_release_gives_back_the_identifier_of_its_source(self, make_release):
        uri = "urn:newsml:dpa.com:20090101:190510-99-167362"
        release = make_release(uuid=uuid.uuid5(uuid.NAMESPACE_URL, uri), source_uri=uri)
        document = to_ninjs(fetched(release))
        assert document["uri"] == uri
        assert_valid(document)
        assert from_ninjs(document)["uri"] == uri

    def test_texts(self, rich_release):
        document = to_ninjs(rich_release)
        assert document["type"] == "text"
        assert document["language"] == "de"
        assert document["title"] == rich_release.title
        assert document["headlines"] == [
            {"role": "main", "value": "Große Resonanz bei simul+Werkstatt in Kattowitz"},
            {"role": "subhead", "value": "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut"},
        ]
        assert document["descriptions"] == [{
            "role": "summary", "contenttype": "text/plain",
            "value": "Rund 70 Teilnehmer diskutierten über regionale Wertschöpfung."}]
        body = document["bodies"][0]
        assert body["role"] == "main"
        assert body["contenttype"] == "text/html"
        assert body["value"] == rich_release.body
        assert body["wordcount"] == 7

    def test_release_without_subtitle_or_teaser_has_only_a_main_headline(self, make_release):
        document = to_ninjs(fetched(make_release()))
        assert document["headlines"] == [{"role": "main", "value": document["title"]}]
        assert "descriptions" not in document

    def test_times_are_in_berlin_time_with_offset(self, rich_release):
        document = to_ninjs(rich_release)
        assert document["contentcreated"] == "2021-10-08T10:00:00+02:00"
        assert document["embargoed"] == "2021-10-08T12:00:00+02:00"
        assert (datetime.datetime.fromisoformat(document["firstcreated"])
                == rich_release.created_at)
        # The last public change: it became public when its embargo ended, whenever
        # the row was last saved.
        assert document["versioncreated"] == "2021-10-08T12:00:00+02:00"

    def test_number_is_an_alternative_id(self, rich_release):
        assert to_ninjs(rich_release)["altids"] == [{"role": "number", "value": "12/2021"}]

    def test_draft_without_number_or_time_leaves_them_out(self, make_release):
        document = to_ninjs(fetched(make_release(status="draft", published_at=None)))
        assert "altids" not in document
        assert "contentcreated" not in document
        assert "embargoed" not in document

    def test_organisation_with_short_name_and_contact_details(self, rich_release):
        document = to_ninjs(rich_release, base_url="https://presse.example.de")
        assert document["copyrightholder"] == rich_release.organisation.name
        assert document["organisations"] == [{
            "name": "Sächsisches Staatsministerium für Regionalentwicklung",
            "rel": "publisher", "literal": "SMR",
            "uri": "https://presse.example.de/ressorts/smr/",
            "contactinfo": [
                {"type": "web", "role": "office", "value": "https://www.smr.sachsen.de"},
                {"type": "email", "role": "office", "value": "medien@smr.sachsen.de"},
            ],
        }]

    def test_people_with_roles_minister_and_contact(self, rich_release):
        people = to_ninjs(rich_release, base_url="https://presse.example.de")["people"]
        assert by_rel(people, "minister") == [{
            "name": "Thomas Schmidt", "rel": "minister",
            "literal": "Staatsminister für Regionalentwicklung",
            "uri": "https://presse.example.de/personen/thomas-schmidt/"}]
        assert by_rel(people, "quoted") == [{
            "name": "Thomas Horn", "rel": "quoted",
            "literal": "Geschäftsführer der Wirtschaftsförderung Sachsen GmbH",
            "uri": "https://presse.example.de/personen/thomas-horn/"}]
        assert [p["name"] for p in by_rel(people, "mentioned")] == ["Prof. Arkadiusz Mężyk"]
        assert by_rel(people, "contact") == [{
            "name": "Frank Meyer", "rel": "contact", "contactinfo": [
                {"type": "email", "role": "office", "value": "medien@smr.sachsen.de"},
                {"type": "phone", "role": "office", "value": "+49 351 564 50024"}]}]

    def test_minister_is_the_one_in_office_on_the_release_date(
            self, make_release, organisation, person):
        predecessor = Person.objects.create(given_name="Anna", family_name="Vorgänger",
                                            slug="anna-vorgaenger")
        Appointment.objects.create(person=predecessor, organisation=organisation,
                                   title="Staatsministerin", start_date=datetime.date(2014, 1, 1),
                                   end_date=datetime.date(2019, 12, 19))
        Appointment.objects.create(person=person, organisation=organisation,
                                   title="Staatsminister", start_date=datetime.date(2019, 12, 20))
        old = to_ninjs(fetched(make_release(published_at=berlin(2018, 5, 2, 9))))
        new = to_ninjs(fetched(make_release(published_at=berlin(2021, 5, 2, 9))))
        assert [p["name"] for p in by_rel(old["people"], "minister")] == ["Anna Vorgänger"]
        assert [p["name"] for p in by_rel(new["people"], "minister")] == ["Thomas Schmidt"]

    def test_minister_named_in_the_release_appears_once_with_his_office(
            self, make_release, organisation, person):
        Appointment.objects.create(person=person, organisation=organisation,
                                   title="Staatsminister", start_date=datetime.date(2019, 12, 20))
        release = make_release()
        ReleasePerson.objects.create(release=release, person=person, is_quoted=True)
        people = to_ninjs(fetched(release))["people"]
        assert [(p["name"], p["rel"], p["literal"]) for p in people] == [
            ("Thomas Schmidt", "quoted", "Staatsminister")]

    def test_topics_are_subjects(self, rich_release):
        subjects = to_ninjs(rich_release, base_url="https://presse.example.de")["subjects"]
        assert subjects == [{"name": "Digitalisierung", "literal": "digitalisierung",
                             "uri": "https://presse.example.de/themen/digitalisierung/"}]

    def test_appointments_and_trips_are_events_and_their_cities_places(self, rich_release):
        document = to_ninjs(rich_release)
        assert [(e["name"], e["rel"]) for e in document["events"]] == [
            ("simul+Werkstatt", "appointment"), ("Delegationsreise nach Polen", "delegation")]
        assert document["places"] == [
            {"name": "Kattowitz",
             "contactinfo": [{"address": {"locality": "Kattowitz", "country": "Polen"}}]},
            {"name": "Krakau",
             "contactinfo": [{"address": {"locality": "Krakau", "country": "Polen"}}]},
        ]

    def test_image_is_an_association_with_credit_licence_and_original(self, rich_release):
        image = rich_release.images.get()
        document = to_ninjs(rich_release, base_url="https://presse.example.de")
        [association] = [a for a in document["associations"] if a.get("type") == "picture"]
        assert association["uri"].startswith("urn:uuid:")
        assert association["copyrightnotice"] == "Foto: SMR/Max Mustermann"
        assert association["by"] == "Foto: SMR/Max Mustermann"
        assert association["usageterms"] == "Nur zur Berichterstattung"
        assert association["descriptions"] == [
            {"role": "alt", "contenttype": "text/plain", "value": "Minister am Rednerpult"},
            {"role": "caption", "contenttype": "text/plain",
             "value": "Staatsminister Schmidt in Kattowitz"}]
        assert association["renditions"] == [{
            "name": "original", "href": f"https://presse.example.de{image.image.url}",
            "contenttype": "image/png", "width": 8, "height": 6}]

    def test_attachment_is_an_association_with_its_file(self, rich_release):
        attachment = rich_release.attachments.get()
        document = to_ninjs(rich_release, base_url="https://presse.example.de")
        [association] = [a for a in document["associations"] if "type" not in a]
        assert association["title"] == "Programm der Werkstatt"
        assert association["renditions"] == [{
            "name": "original", "title": "Programm der Werkstatt",
            "href": f"https://presse.example.de{attachment.file.url}",
            "contenttype": "application/pdf"}]

    def test_association_uris_are_stable_and_distinct(self, rich_release):
        first = [a["uri"] for a in to_ninjs(rich_release)["associations"]]
        again = [a["uri"] for a in to_ninjs(fetched(rich_release))["associations"]]
        assert first == again
        assert len(set(first)) == 2
        assert to_ninjs(rich_release)["uri"] not in first

    def test_absolute_links_default_to_site_url(self, make_release, settings):
        settings.SITE_URL = "https://presse.sachsen.example"
        release = fetched(make_release())
        assert to_ninjs(release)["renditions"][0]["href"] == (
            f"https://presse.sachsen.example{release.get_absolute_url()}")

    def test_links_are_german_canonical_urls_whatever_the_active_language(self, make_release):
        release = fetched(make_release())
        with translation.override("en"):
            href = to_ninjs(release, base_url="https://x.example")["renditions"][0]["href"]
        assert not urlsplit(href).path.startswith("/en/")

    def test_fetching_for_ninjs_takes_the_same_queries_for_one_or_many(
            self, make_release, contact, person, topic, django_assert_num_queries):
        add_everything(make_release(), contact=contact, person=person, topic=topic)
        with django_assert_num_queries(11):
            [to_ninjs(r) for r in releases_for_ninjs(Release.objects.all())]
        for n in range(4):
            release = make_release()
            ReleasePerson.objects.create(
                release=release, person=Person.objects.create(family_name=f"P{n}", slug=f"p{n}"))
            release.contacts.add(Contact.objects.create(name=f"C{n}",
                                                        organisation=release.organisation))
        with django_assert_num_queries(11):
            [to_ninjs(r) for r in releases_for_ninjs(Release.objects.all())]


@pytest.mark.django_db
class TestRoundTrip:
    def test_every_field_comes_back(self, rich_release):
        values = from_ninjs(to_ninjs(rich_release, base_url="https://presse.example.de"))
        image = rich_release.images.get()
        attachment = rich_release.attachments.get()
        assert values["uuid"] == rich_release.uuid
        assert values["kind"] == rich_release.kind
        assert values["title"] == rich_release.title
        assert values["subtitle"] == rich_release.subtitle
        assert values["slug"] == rich_release.slug
        assert values["teaser"] == rich_release.teaser
        assert values["body"] == rich_release.body
        assert values["number_label"] == "12/2021"
        assert values["language"] == "de"
        assert values["pubstatus"] == "usable"
        assert values["published_at"] == rich_release.published_at
        assert values["embargo_until"] == rich_release.embargo_until
        assert values["created_at"] == rich_release.created_at
        assert values["updated_at"] == rich_release.last_public_change_at
        assert values["organisation"] == {
            "name": "Sächsisches Staatsministerium für Regionalentwicklung", "short_name": "SMR",
            "slug": "smr", "website": "https://www.smr.sachsen.de",
            "email": "medien@smr.sachsen.de", "phone": "", "street": "", "postal_code": "",
            "city": ""}
        assert values["contacts"] == [{
            "name": "Frank Meyer", "role": "", "email": "medien@smr.sachsen.de",
            "phone": "+49 351 564 50024", "mobile": ""}]
        assert values["people"] == [
            {"name": "Thomas Horn", "role": "Geschäftsführer der Wirtschaftsförderung Sachsen GmbH",
             "is_quoted": True, "slug": "thomas-horn"},
            {"name": "Prof. Arkadiusz Mężyk",
             "role": "Rektor der Schlesischen Technischen Universität", "is_quoted": False,
             "slug": "arkadiusz-mezyk"},
        ]
        assert values["minister"] == {"name": "Thomas Schmidt",
                                      "role": "Staatsminister für Regionalentwicklung",
                                      "slug": "thomas-schmidt"}
        assert values["topics"] == [{"name": "Digitalisierung", "slug": "digitalisierung"}]
        event = rich_release.events.get()
        assert values["events"] == [{
            "name": "simul+Werkstatt",
            "uri": f"https://presse.example.de{event.get_absolute_url()}"}]
        assert values["delegations"] == [{
            "name": "Delegationsreise nach Polen",
            "uri": "https://presse.example.de/delegationsreisen/delegationsreise-polen/",
            "slug": "delegationsreise-polen"}]
        assert values["places"] == [
            {"name": "Kattowitz", "city": "Kattowitz", "country": "Polen"},
            {"name": "Krakau", "city": "Krakau", "country": "Polen"}]
        assert values["images"] == [{
            "href": f"https://presse.example.de{image.image.url}", "contenttype": "image/png",
            "width": 8, "height": 6, "alt_text": image.alt_text, "caption": image.caption,
            "credit": image.credit, "licence": image.licence}]
        assert values["attachments"] == [{
            "href": f"https://presse.example.de{attachment.file.url}",
            "contenttype": "application/pdf", "title": attachment.title}]

    def test_organisation_address_and_contact_mobile_come_back(self, make_release, organisation):
        organisation.phone = "+49 351 564-0"
        organisation.street = "Archivstraße 1"
        organisation.postal_code = "01097"
        organisation.city = "Dresden"
        organisation.save()
        release = make_release()
        release.contacts.add(Contact.objects.create(
            name="Erika Muster", role="Pressesprecherin", mobile="+49 170 1234567",
            organisation=organisation))
        document = to_ninjs(fetched(release))
        assert_valid(document)
        assert document["located"] == "Dresden"
        values = from_ninjs(document)
        assert values["organisation"]["phone"] == "+49 351 564-0"
        assert (values["organisation"]["street"], values["organisation"]["postal_code"],
                values["organisation"]["city"]) == ("Archivstraße 1", "01097", "Dresden")
        assert values["contacts"] == [{"name": "Erika Muster", "role": "Pressesprecherin",
                                       "email": "", "phone": "", "mobile": "+49 170 1234567"}]

    @pytest.mark.parametrize("status, pubstatus", [
        ("draft", "withheld"), ("withdrawn", "canceled"), ("published", "usable")])
    def test_pubstatus_comes_back(self, make_release, status, pubstatus):
        document = to_ninjs(fetched(make_release(status=status)))
        assert from_ninjs(document)["pubstatus"] == pubstatus

    def test_release_without_extras_gives_empty_values(self, make_release):
        values = from_ninjs(to_ninjs(fetched(make_release(status="draft", published_at=None))))
        assert values["subtitle"] == values["teaser"] == values["number_label"] == ""
        assert values["published_at"] is values["embargo_until"] is values["minister"] is None
        for key in ("contacts", "people", "topics", "events", "delegations", "places",
                    "images", "attachments"):
            assert values[key] == [], key


class TestForeignDocuments:
    """What an importer meets from other systems: less, different or broken."""

    def test_minimal_document_gives_empty_values(self):
        values = from_ninjs({"uri": "http://example.com/1"})
        assert values["uuid"] is None
        assert values["title"] == values["body"] == values["kind"] == ""
        assert values["pubstatus"] == "usable"
        assert values["organisation"]["name"] == ""

    def test_plain_text_body_becomes_escaped_paragraphs(self):
        values = from_ninjs({"uri": "x:1", "bodies": [
            {"contenttype": "text/plain", "value": "Erster <Absatz> & mehr.\n\nZweiter."}]})
        assert values["body"] == "<p>Erster &lt;Absatz&gt; &amp; mehr.</p><p>Zweiter.</p>"

    def test_html_body_is_cleaned(self):
        values = from_ninjs({"uri": "x:1", "bodies": [{
            "contenttype": "text/html",
            "value": '<p onclick="x()">Text<script>alert(1)</script></p>'}]})
        assert values["body"] == "<p>Text</p>"

    def test_html_body_is_preferred_to_plain_text(self):
        values = from_ninjs({"uri": "x:1", "bodies": [
            {"role": "text", "contenttype": "text/plain", "value": "Plain"},
            {"role": "html", "contenttype": "text/html", "value": "<p>HTML</p>"}]})
        assert values["body"] == "<p>HTML</p>"

    def test_title_falls_back_to_an_unnamed_headline_then_the_title(self):
        assert from_ninjs({"uri": "x:1", "headlines": [{"value": "H"}]})["title"] == "H"
        assert from_ninjs({"uri": "x:1", "title": "T"})["title"] == "T"

    def test_unknown_kind_stays_empty(self):
        assert from_ninjs({"uri": "x:1", "genres": [{"literal": "Inrikes"}]})["kind"] == ""

    def test_time_without_offset_is_berlin_time(self):
        values = from_ninjs({"uri": "x:1", "embargoed": "2021-10-08T12:00:00"})
        assert values["embargo_until"] == berlin(2021, 10, 8, 12)

    @pytest.mark.parametrize(("text", "expected"), [
        # The clocks go back: 02:30 comes twice. Go forward: 02:30 never comes.
        ("2027-10-31T02:30:00", datetime.datetime(2027, 10, 31, 1, 30, tzinfo=datetime.UTC)),
        ("2026-03-29T02:30:00", datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)),
    ])
    def test_a_time_without_offset_at_a_clock_change_is_the_later_moment(self, text, expected):
        assert from_ninjs({"uri": "x:1", "embargoed": text})["embargo_until"] == expected

    def test_ninjs_1_altids_keyed_by_role_are_read(self):
        item = {"uri": "x:1", "altids": {"itemid": "ap-123", "number": "42/2021"}}
        check_ninjs(item)
        assert from_ninjs(item)["number_label"] == "42/2021"

    @pytest.mark.parametrize("contenttype", [
        "text/html; charset=utf-8", "TEXT/HTML", "application/xhtml+xml"])
    def test_an_html_body_is_read_whatever_its_media_type_says_beside(self, contenttype):
        values = from_ninjs({"uri": "x:1", "bodies": [
            {"role": "main", "contenttype": contenttype, "value": "<p>Ein <b>Satz</b>.</p>"}]})
        assert values["body"] == "<p>Ein <b>Satz</b>.</p>"

    def test_a_ninjs_1_xhtml_body_is_read(self):
        values = from_ninjs({"uri": "x:1", "body_xhtml": "<p>Ein Satz.</p>"})
        assert values["body"] == "<p>Ein Satz.</p>"

    @pytest.mark.parametrize("value", ["morgen", "2021-13-01T00:00:00Z", 20211008])
    def test_unreadable_embargo_is_refused_not_dropped(self, value):
        with pytest.raises(ValueError):
            from_ninjs({"uri": "x:1", "embargoed": value})

    @pytest.mark.parametrize("data", [None, [], "text"])
    def test_non_object_is_refused(self, data):
        with pytest.raises(ValueError):
            from_ninjs(data)

    def test_malformed_entries_are_skipped(self):
        values = from_ninjs({"uri": "x:1", "people": ["Hans", {"name": "Eva"}],
                             "subjects": "none", "associations": [{"name": "a"}]})
        assert [p["name"] for p in values["people"]] == ["Eva"]
        assert values["topics"] == values["images"] == values["attachments"] == []

    def test_a_usable_item_was_published_at_contentcreated_firstcreated_or_versioncreated(
            self):
        times = {"contentcreated": "2021-10-08T10:00:00+02:00",
                 "firstcreated": "2021-10-08T08:00:00+02:00",
                 "versioncreated": "2021-10-08T12:00:00+02:00"}
        for missing, expected in [((), berlin(2021, 10, 8, 10)),
                                  (("contentcreated",), berlin(2021, 10, 8, 8)),
                                  (("contentcreated", "firstcreated"), berlin(2021, 10, 8, 12)),
                                  (tuple(times), None)]:
            item = {"uri": "x:1", **{k: v for k, v in times.items() if k not in missing}}
            assert from_ninjs(item)["published_at"] == expected, missing
            # A withheld item is not published: its versions give it no publication time.
            withheld = from_ninjs({**item, "pubstatus": "withheld"})["published_at"]
            assert withheld == (expected if not missing else None), missing

    def test_ninjs_1_properties_of_superdesk_are_read(self):
        values = from_ninjs({
            "guid": "urn:newsml:localhost:5000:2021-10-08T10:00:00.1:abc", "version": "2",
            "headline": "Schlagzeile", "body_html": "<p>Text</p>",
            "description_text": "Kurz.", "subject": [{"code": "04000000", "name": "Wirtschaft"}],
            "place": [{"name": "Dresden", "code": "DD"}],
            "associations": {"featuremedia": {"type": "picture", "renditions": {
                "original": {"href": "https://sd.example/a.jpg", "mimetype": "image/jpeg"}}}}})
        assert values["uri"] == "urn:newsml:localhost:5000:2021-10-08T10:00:00.1:abc"
        assert (values["title"], values["body"], values["teaser"]) == (
            "Schlagzeile", "<p>Text</p>", "Kurz.")
        assert values["topics"] == [{"name": "Wirtschaft", "slug": ""}]
        assert values["places"] == [{"name": "Dresden", "city": "", "country": ""}]
        assert [image["href"] for image in values["images"]] == ["https://sd.example/a.jpg"]
        summary = {"uri": "x:1", "description_html": "<p>Bund &amp; Land</p>"}
        assert from_ninjs(summary)["teaser"] == "Bund & Land"

    def test_organisations_and_people_the_content_mentions_are_not_issuer_or_roles(self):
        values = from_ninjs({"uri": "x:1",
                             "organisations": [{"name": "Nordsjø Energi AS", "rel": "selskap"}],
                             "people": [{"name": "Ola Nordmann", "rel": "norsk politiker",
                                         "literal": "5e1f6a2b"}]})
        assert values["organisation"]["name"] == ""
        assert values["people"][0]["role"] == ""

    def test_links_to_other_sites_give_no_slugs(self):
        values = from_ninjs({"uri": "x:1", "people": [
            {"name": "Eva", "uri": "https://elsewhere.example/people/eva"}]})
        assert values["people"][0]["slug"] == ""


class TestCheckNinjs:
    """What an import refuses before reading: a property from_ninjs reads, of a JSON type
    it cannot use. ninjs 1.x shapes and properties it does not read pass."""

    @pytest.mark.parametrize(("document", "message"), [
        ({"headline": 5}, "headline: expected text, found a number."),
        ({"bodies": "Text"}, "bodies: expected a list, found text."),
        ({"pubstatus": "Usable"}, "pubstatus: 'Usable' is not one of usable, withheld, "
                                  "canceled."),
        ({"people": [{"name": ["Erika"]}]}, "people[0].name: expected text, found a list."),
        ({"headlines": [{"role": "main", "value": None}]},
         "headlines[0].value: expected text, found null."),
        ({"associations": {"bild": "x.jpg"}},
         "associations.bild: expected an object, found text."),
        ({"subject": [{"name": "Kultur"}], "genres": [True]},
         "genres[0]: expected an object, found true/false."),
    ])
    def test_refuses_a_wrong_type_naming_where(self, document, message):
        with translation.override("en"), pytest.raises(ValueError) as raised:
            check_ninjs({"uri": "urn:x", **document})
        assert str(raised.value) == message

    def test_takes_ninjs_1_shapes_and_unknown_properties(self):
        check_ninjs({"uri": "urn:x", "headline": "Titel", "pubstatus": None,
                     "associations": {"featuremedia": {"type": "picture", "renditions": {
                         "original": {"href": "https://example.org/a.jpg"}}}},
                     "subject": [{"code": "01000000", "name": "Kultur"}],
                     "x-extension": {"anything": [1, 2]}})
