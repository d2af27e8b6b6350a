"""Search: the names a release carries (organisation, topics, people, press contacts,
its number) are part of its heading, rank it above mere mentions, and follow renames.

The same tests on both databases.
"""

import datetime

import pytest
from django.utils import timezone

from releases.models import Organisation, ReleasePerson, Topic
from releases.search import count_public_words, counted_releases, search, update_search_vector

pytestmark = pytest.mark.django_db


@pytest.fixture
def ago():
    now = timezone.now()
    return lambda days: now - datetime.timedelta(days=days, hours=1)


@pytest.fixture
def make_release(make_release):
    """As conftest's; indexed again after its names are linked, and its words counted,
    as the admin and services.publish do."""
    def make(*, topics=(), people=(), contacts=(), **fields):
        release = make_release(**fields)
        release.topics.add(*topics)
        release.contacts.add(*contacts)
        for person in people:
            ReleasePerson.objects.create(release=release, person=person)
        update_search_vector([release.pk])
        if counted_releases().filter(pk=release.pk).exists():
            count_public_words([release], 1)
        return release

    return make


def titles(results):
    return [release.title for release in results]


class TestNamesRankAboveMentions:
    def test_a_press_contact_s_surname(self, make_release, contact, ago):
        carrier = make_release(title="Förderbescheide übergeben", contacts=[contact],
                               published_at=ago(400))
        mention = make_release(title="Bürgerdialog", published_at=ago(1),
                               body="<p>Der Landrat dankte Herrn Meyer für die Vorbereitung.</p>")
        assert titles(search("Meyer")) == [carrier.title, mention.title]

    def test_a_person_s_surname(self, make_release, person, ago):
        carrier = make_release(title="Besuch im Erzgebirge", people=[person],
                               published_at=ago(400))
        mention = make_release(title="Schulbau in Freiberg", published_at=ago(1),
                               body="<p>Familie Schmidt zog 2020 nach Freiberg.</p>")
        assert titles(search("Schmidt")) == [carrier.title, mention.title]

    def test_an_organisation_s_short_name(self, make_release, ago):
        other = Organisation.objects.create(name="Staatskanzlei", short_name="SK", slug="sk")
        carrier = make_release(title="Kabinett beschließt Haushalt", published_at=ago(400))
        mention = make_release(title="Haushalt", organisation=other, published_at=ago(1),
                               body="<p>Das SMR hat seinen Entwurf vorgelegt.</p>")
        assert titles(search("SMR")) == [carrier.title, mention.title]

    def test_a_topic(self, make_release, ago):
        topic = Topic.objects.create(name="Breitbandausbau", slug="breitbandausbau")
        carrier = make_release(title="Förderung bewilligt", topics=[topic], published_at=ago(400))
        mention = make_release(title="Landkreis investiert", published_at=ago(1),
                               body="<p>Auch der Breitbandausbau kommt voran.</p>")
        assert titles(search("Breitbandausbau")) == [carrier.title, mention.title]

    def test_a_release_number_within_a_query(self, make_release, ago):
        numbered = make_release(title="Förderung bewilligt", number=7, number_year=2021,
                                published_at=ago(400))
        make_release(title="Förderung beantragt", published_at=ago(1))
        assert titles(search("Förderung 7/2021")) == [numbered.title]


class TestRenamedNames:
    def test_a_renamed_topic_is_found_under_its_new_name_only(self, make_release):
        topic = Topic.objects.create(name="Breitbandausbau", slug="breitband")
        release = make_release(title="Förderung bewilligt", topics=[topic])
        topic.name = "Glasfasernetz"
        topic.save()
        assert titles(search("Glasfasernetz")) == [release.title]
        assert titles(search("Breitbandausbau")) == []

    def test_a_renamed_contact_is_found_under_the_new_name(self, make_release, contact):
        release = make_release(title="Förderung bewilligt", contacts=[contact])
        contact.name = "Franziska Lehmann"
        contact.save()
        assert titles(search("Lehmann")) == [release.title]
        assert titles(search("Meyer")) == []

    def test_a_renamed_person_and_organisation(self, make_release, person, organisation):
        release = make_release(title="Förderung bewilligt", people=[person])
        person.family_name = "Schneider"
        person.save()
        organisation.short_name = "SMRL"
        organisation.save()
        assert titles(search("Schneider")) == [release.title]
        assert titles(search("SMRL")) == [release.title]
        assert titles(search("SMR")) == []

    def test_a_typo_of_the_new_name_is_corrected_and_the_old_name_is_forgotten(
            self, make_release):
        topic = Topic.objects.create(name="Breitbandausbau", slug="breitband")
        release = make_release(title="Förderung bewilligt", topics=[topic])
        topic.name = "Glasfasernetze"
        topic.save()
        assert titles(search("Glasfasernetzr")) == [release.title]
        assert titles(search("Breitbandausbaus")) == []

    def test_saving_without_a_change_of_name_indexes_nothing(
            self, make_release, django_assert_max_num_queries):
        topic = Topic.objects.create(name="Breitbandausbau", slug="breitband")
        make_release(title="Förderung bewilligt", topics=[topic])
        with django_assert_max_num_queries(3):  # the old name, the update (, a savepoint)
            topic.save()
