"""Names in German alphabetical order (DIN 5007-1) on every list, on both databases.

Ä, Ö and Ü count as A, O and U, ß as ss, capitals as small letters: "Ärzte" comes
between "Apotheken" and "Zoll", "ländlicher Raum" before "Landwirtschaft",
"Sächsisches Staatsministerium" before "Staatsministerium". The tests without a
mark run on SQLite and, in the PostgreSQL run, on PostgreSQL.
"""

import datetime
import random

import pytest
from django.db import connection
from django.urls import reverse

from journalists.forms import SubscribeForm
from releases.collation import German, sort_key
from releases.models import Appointment, Contact, Organisation, Person, Topic

pytestmark = pytest.mark.django_db

TOPICS = ["Apotheken", "Ärzte", "ländlicher Raum", "Landwirtschaft", "Öffentlicher Dienst",
          "Ost", "Straße", "Über uns", "Umwelt", "Zoll"]
ORGANISATIONS = ["Landesamt für Straßenbau", "Landesamt für Umwelt", "Oberbergamt",
                 "Ökologische Station", "Sächsisches Staatsministerium für Regionalentwicklung",
                 "Staatsministerium für Wirtschaft"]
# As PostgreSQL's ICU collation "de-x-icu" orders them: accents (ß counts as an
# accented ss) before case.
TIES = ["arzte", "Arzte", "ärzte", "Ärzte", "ol", "Ol", "Öl", "Ost", "Strasse", "STRASSE",
        "Straße"]
MINISTERS = [("Martin", "Dulig"), ("Petra", "Köpping"), ("Michael", "Kretschmer"),
             ("Thomas", "Schmidt")]


def shuffled(names):
    names = list(names)
    random.Random(5007).shuffle(names)
    return names


def in_page_order(html, names, before="", after=""):
    """``names`` as the page shows them, each found as ``before`` + name + ``after``."""
    return sorted(names, key=lambda name: html.index(f"{before}{name}{after}"))


@pytest.fixture
def topics(make_release):
    release = make_release()
    rows = [Topic.objects.create(name=name, slug=f"thema-{n}")
            for n, name in enumerate(shuffled(TOPICS))]
    release.topics.add(*rows)
    return rows


@pytest.fixture
def organisations(organisation, make_release):
    rows = [organisation] + [
        Organisation.objects.create(name=name, slug=f"stelle-{n}")
        for n, name in enumerate(shuffled(ORGANISATIONS)) if name != organisation.name]
    for row in rows:
        make_release(organisation=row)
    return rows


@pytest.fixture
def ministers(organisation):
    for n, (given_name, family_name) in enumerate(shuffled(MINISTERS)):
        person = Person.objects.create(given_name=given_name, family_name=family_name,
                                       slug=f"person-{n}")
        Appointment.objects.create(person=person, organisation=organisation,
                                   kind=Appointment.Kind.MINISTER, title="Staatsminister",
                                   start_date=datetime.date(2019, 12, 20))


class TestSortKey:
    def test_umlauts_sharp_s_and_case_sort_as_in_a_german_dictionary(self):
        assert sorted(shuffled(TOPICS), key=sort_key) == TOPICS

    def test_names_equal_but_for_accents_or_case_plain_and_small_first(self):
        assert sorted(shuffled(TIES), key=sort_key) == TIES

    def test_different_names_never_compare_equal(self):
        assert sort_key("Strasse") != sort_key("Straße")


class TestDatabaseOrder:
    def test_model_ordering_is_german(self, topics):
        assert list(Topic.objects.values_list("name", flat=True)) == TOPICS

    def test_names_equal_but_for_accents_or_case_plain_and_small_first(self, db):
        for n, name in enumerate(shuffled(TIES)):
            Topic.objects.create(name=name, slug=f"t-{n}")
        assert list(Topic.objects.order_by(German("name")).values_list(
            "name", flat=True)) == TIES

    def test_descending_is_the_reverse(self, topics):
        assert list(Topic.objects.order_by(German("name").desc()).values_list(
            "name", flat=True)) == TOPICS[::-1]

    def test_distinct_people_by_family_then_given_name(self, ministers):
        assert [person.family_name for person in Person.objects.current_ministers()] == [
            family_name for _, family_name in MINISTERS]

    @pytest.mark.postgres
    def test_postgresql_uses_the_icu_collation(self, topics):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'de-x-icu'")
            assert cursor.fetchone() == (1,)
        assert 'COLLATE "de-x-icu"' in str(Topic.objects.all().query)


class TestPublicLists:
    def test_topic_list_is_in_german_order(self, client, topics):
        html = client.get(reverse("releases:topic-list")).content.decode()
        assert in_page_order(html, TOPICS, '">', "</a>") == TOPICS

    def test_home_page_topics_and_ministers_are_in_german_order(self, client, topics,
                                                                 ministers):
        html = client.get(reverse("releases:home")).content.decode()
        assert in_page_order(html, TOPICS, '">', "</a>") == TOPICS
        names = [f"{given} {family}" for given, family in MINISTERS]
        assert in_page_order(html, names, '">', "</a>") == names

    def test_organisation_list_is_in_german_order(self, client, organisations):
        html = client.get(reverse("releases:organisation-list")).content.decode()
        assert in_page_order(html, ORGANISATIONS, '">', "</a>") == ORGANISATIONS

    def test_contacts_by_organisation_then_name_in_german_order(self, client, organisation):
        other = Organisation.objects.create(name="Staatsministerium für Wirtschaft",
                                            slug="smwa")
        for name in ["Zoe Winter", "Änne Berger", "Bernd Kraus", "Andreas Wolf"]:
            Contact.objects.create(name=name, organisation=organisation)
        Contact.objects.create(name="Ärmin Adler", organisation=other)
        Appointment.objects.create(person=Person.objects.create(family_name="Dulig",
                                                                slug="dulig"),
                                   organisation=other, title="Staatsminister",
                                   start_date=datetime.date(2019, 12, 20))
        Appointment.objects.create(person=Person.objects.create(family_name="Schmidt",
                                                                slug="schmidt"),
                                   organisation=organisation, title="Staatsminister",
                                   start_date=datetime.date(2019, 12, 20))
        html = client.get(reverse("releases:contact-list")).content.decode()
        expected = ["Andreas Wolf", "Änne Berger", "Bernd Kraus", "Zoe Winter",
                    "Ärmin Adler"]
        assert in_page_order(html, expected) == expected
        assert html.index(organisation.name) < html.index(other.name)

    def test_search_filters_are_in_german_order(self, client, topics, organisations):
        html = client.get(reverse("releases:search")).content.decode()
        assert in_page_order(html, TOPICS, ">", "</option>") == TOPICS
        assert in_page_order(html, ORGANISATIONS, ">", "</option>") == ORGANISATIONS


class TestSubscriptionChoices:
    def test_topics_organisations_and_ministers_are_in_german_order(
            self, topics, organisations, ministers):
        fields = SubscribeForm().fields
        assert [str(row) for row in fields["topics"].queryset] == TOPICS
        assert [str(row) for row in fields["organisations"].queryset] == ORGANISATIONS
        assert [row.family_name for row in fields["ministers"].queryset] == [
            family_name for _, family_name in MINISTERS]

    def test_choices_with_a_chosen_person_stay_in_german_order(self, ministers):
        chosen = Person.objects.create(given_name="Anna", family_name="Ähnlich",
                                       slug="anna-aehnlich")
        field = SubscribeForm(initial={"ministers": [chosen.pk]}).fields["ministers"]
        assert [row.family_name for row in field.queryset] == [
            "Ähnlich", *(family_name for _, family_name in MINISTERS)]


class TestAdmin:
    def test_topic_changelist_is_in_german_order(self, admin_client, topics):
        response = admin_client.get(reverse("admin:releases_topic_changelist"))
        assert response.status_code == 200
        assert [row.name for row in response.context["cl"].result_list] == TOPICS

    def test_person_changelist_sorts_by_name_both_ways(self, admin_client, ministers):
        url = reverse("admin:releases_person_changelist")
        family_names = [family_name for _, family_name in MINISTERS]
        for order, expected in (("1", family_names), ("-1", family_names[::-1])):
            response = admin_client.get(url, {"o": order})
            assert response.status_code == 200
            assert [row.family_name for row in response.context["cl"].result_list] == expected

    @pytest.mark.parametrize("changelist", ["topic", "organisation"])
    def test_name_column_sorts_in_german_order_both_ways(self, admin_client, topics,
                                                         organisations, changelist):
        url = reverse(f"admin:releases_{changelist}_changelist")
        default = [row.name for row in admin_client.get(url).context["cl"].result_list]
        assert default == sorted(default, key=sort_key)
        for order, expected in (("1", default), ("-1", default[::-1])):
            response = admin_client.get(url, {"o": order})
            assert response.status_code == 200
            assert [row.name for row in response.context["cl"].result_list] == expected

    def test_contact_and_journalist_changelists_work(self, admin_client, contact):
        for name in ("admin:releases_contact_changelist",
                     "admin:journalists_journalist_changelist"):
            assert admin_client.get(reverse(name)).status_code == 200

    def test_autocomplete_offers_topics_in_german_order(self, admin_client, topics):
        response = admin_client.get(reverse("admin:autocomplete"), {
            "app_label": "releases", "model_name": "release", "field_name": "topics",
            "term": ""})
        assert [result["text"] for result in response.json()["results"]] == TOPICS

    def test_topic_filter_of_the_release_list_is_in_german_order(self, admin_client, topics):
        html = admin_client.get(reverse("admin:releases_release_changelist")).content.decode()
        assert in_page_order(html, TOPICS, '">', "</a></li>") == TOPICS
