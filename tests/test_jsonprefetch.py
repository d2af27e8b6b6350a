"""releases.jsonprefetch: relations loaded as JSON in the main query.

Every test compares with what an ordinary query (prefetch_related) gives for the same
data, so they hold on SQLite and PostgreSQL alike (run them with DATABASE_URL too).
"""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Prefetch
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Collate
from django.utils import timezone

from releases import jsonprefetch
from releases.jsonprefetch import JSONPrefetch, json_prefetch
from releases.models import (
    Appointment,
    Contact,
    Correction,
    Event,
    Organisation,
    Person,
    Release,
    ReleaseAttachment,
    ReleaseImage,
    Topic,
)

from .public_data import BERLIN, berlin
from .public_fixtures import png

pytest_plugins = ["tests.public_fixtures"]
pytestmark = pytest.mark.django_db


def berlin_later(*args):
    """The second of a time that happens twice in Berlin (the hour the clocks go back)."""
    return datetime.datetime(*args, tzinfo=BERLIN, fold=1)

RELATIONS = ["topics", "contacts", "images", "attachments", "delegations", "corrections",
             "events", "related"]


def loaded(queryset, *lookups):
    return json_prefetch(queryset, *lookups)


def plain(value):
    """A value as compared: a stored file by its name."""
    return value.name if isinstance(value, FieldFile) else value


def values_of(obj):
    """All loaded field values of an object, by attribute name."""
    deferred = obj.get_deferred_fields()
    return {field.attname: plain(getattr(obj, field.attname))
            for field in obj._meta.concrete_fields if field.attname not in deferred}


def rows(objects):
    return [values_of(obj) for obj in objects]


def assert_same_values(json_objects, orm_objects):
    json_rows, orm_rows = rows(json_objects), rows(orm_objects)
    assert json_rows == orm_rows
    for json_row, orm_row in zip(json_rows, orm_rows, strict=True):
        for name, value in orm_row.items():
            assert type(json_row[name]) is type(value), name


@pytest.fixture
def releases_with_everything(full_release, make_release, organisation):
    """full_release with more of each relation, in an order that tests the sorting."""
    other = Organisation.objects.create(name="Ärztekammer", slug="aek")
    lower = Organisation.objects.create(name="apfel amt", slug="apfel")
    full_release.contacts.add(
        Contact.objects.create(name="Zora", organisation=other),
        Contact.objects.create(name="Ähm", organisation=organisation),
        Contact.objects.create(name="bert", organisation=lower),
        Contact.objects.create(name="Bert", organisation=lower, is_active=False))
    full_release.topics.add(Topic.objects.create(name="Ökologie", slug="oeko"),
                            Topic.objects.create(name="arbeit", slug="arbeit"),
                            Topic.objects.create(name="Zoll", slug="zoll"))
    Correction.objects.create(release=full_release, text="Eins",
                              published_at=berlin(2021, 10, 31, 2, 30))
    Correction.objects.create(release=full_release, text="Zwei",
                              published_at=berlin_later(2021, 10, 31, 2, 30))
    Correction.objects.create(release=full_release, text="Drei",
                              published_at=berlin(2021, 3, 28, 3, 0, 0, 123456))
    ReleaseImage.objects.create(release=full_release, image=png(20, 10), alt_text="Zweites",
                                credit="Foto: X", order=2)
    ReleaseImage.objects.create(release=full_release, image=png(30, 20), alt_text="Erstes",
                                credit="Foto: Y", order=0)
    ReleaseAttachment.objects.create(
        release=full_release, title="Vorab", order=0,
        file=SimpleUploadedFile("vorab.pdf", b"%PDF-1.4\n", content_type="application/pdf"))
    cancelled = Event.objects.create(title="Früh", slug="frueh", organisation=organisation,
                                     starts_at=berlin(2021, 10, 1, 9), is_cancelled=True,
                                     is_press_open=False)
    full_release.events.add(cancelled)
    for day in (5, 9, 7):
        full_release.related.add(make_release(published_at=berlin(2021, 10, day, 8)))
    empty = make_release(title="Ohne alles")
    return [full_release, empty]


def ordinary(pks):
    """The same releases, loaded as the page did before: one query per relation."""
    return list(Release.objects.filter(pk__in=pks).order_by("pk").prefetch_related(
        *RELATIONS[:-2],
        Prefetch("events", queryset=Event.objects.order_by("starts_at")),
        Prefetch("related", queryset=Release.objects.public().select_related(
            "organisation").defer("body", "search_vector").order_by("-published_at", "-pk"))))


def as_json(pks):
    return list(loaded(
        Release.objects.filter(pk__in=pks).order_by("pk"),
        *RELATIONS[:-2],
        JSONPrefetch("events", Event.objects.order_by("starts_at")),
        JSONPrefetch("related", Release.objects.public().select_related("organisation").defer(
            "body", "search_vector").order_by("-published_at", "-pk"))))


class TestLoading:
    def test_one_query_loads_every_relation(self, django_assert_num_queries,
                                            releases_with_everything):
        pks = [release.pk for release in releases_with_everything]
        with django_assert_num_queries(1):
            releases = as_json(pks)
        with django_assert_num_queries(0):
            for release in releases:
                for name in RELATIONS:
                    for obj in getattr(release, name).all():
                        values_of(obj)
                for related in release.related.all():
                    values_of(related.organisation)
                for image in release.images.all():
                    assert image.release is release
                    assert image.image.url
                assert release.lead_image is None or release.lead_image.alt_text
            assert len(releases[0].topics.all()) == 5

    def test_values_types_and_order_are_those_of_ordinary_queries(self,
                                                                  releases_with_everything):
        pks = [release.pk for release in releases_with_everything]
        for json_release, orm_release in zip(as_json(pks), ordinary(pks), strict=True):
            assert values_of(json_release) == values_of(orm_release)
            for name in RELATIONS:
                assert_same_values(getattr(json_release, name).all(),
                                   getattr(orm_release, name).all())
            for json_related, orm_related in zip(json_release.related.all(),
                                                 orm_release.related.all(), strict=True):
                assert_same_values([json_related.organisation], [orm_related.organisation])

    def test_empty_relations_are_empty_without_queries(self, django_assert_num_queries,
                                                       make_release):
        release = make_release()
        release = as_json([release.pk])[0]
        with django_assert_num_queries(0):
            for name in RELATIONS:
                assert list(getattr(release, name).all()) == []
            assert release.lead_image is None

    def test_works_with_get_and_leaves_no_extra_attribute(self, full_release,
                                                          django_assert_num_queries):
        with django_assert_num_queries(1):
            release = loaded(Release.objects.all(), "topics").get(pk=full_release.pk)
        assert not [name for name in vars(release) if name.startswith("jsonprefetch")]
        with django_assert_num_queries(0):
            assert [topic.name for topic in release.topics.all()] == ["Digitalisierung", "Polen"]

    def test_ordinary_prefetches_on_the_same_queryset_still_run(self, full_release,
                                                                django_assert_num_queries):
        with django_assert_num_queries(2):
            release = loaded(Release.objects.prefetch_related("release_people"),
                             "topics").get(pk=full_release.pk)
        with django_assert_num_queries(0):
            assert len(release.release_people.all()) == 2
            assert len(release.topics.all()) == 2


class TestOrdering:
    def test_ordering_is_the_databases_also_through_relations(self, releases_with_everything):
        """Contacts are ordered by organisation__name: the database compares the names."""
        release = releases_with_everything[0]
        json_release = as_json([release.pk])[0]
        assert [c.name for c in json_release.contacts.all()] == [
            c.name for c in Contact.objects.filter(releases=release)]
        assert [t.name for t in json_release.topics.all()] == [
            t.name for t in Topic.objects.filter(releases=release)]

    def test_collation_is_the_databases_not_pythons(self, releases_with_everything):
        """Names are compared as the database compares them, e.g. with a German collation."""
        collation = "de-x-icu" if connection.vendor == "postgresql" else "NOCASE"
        ordering = Topic.objects.order_by(Collate("name", collation))
        release = releases_with_everything[0]
        release = loaded(Release.objects.filter(pk=release.pk),
                         JSONPrefetch("topics", ordering)).get()
        expected = [topic.name for topic in ordering.filter(releases=release)]
        assert expected != sorted(expected)
        assert [topic.name for topic in release.topics.all()] == expected

    def test_queryset_ordering_wins_over_model_ordering(self, releases_with_everything):
        release = as_json([releases_with_everything[0].pk])[0]
        starts = [event.starts_at for event in release.events.all()]
        assert starts == sorted(starts)
        published = [other.published_at for other in release.related.all()]
        assert published == sorted(published, reverse=True)
        assert [image.alt_text for image in release.images.all()] == [
            "Podium in Kattowitz", "Erstes", "Zweites"]

    def test_ordering_by_a_foreign_key_follows_the_related_models_ordering(
            self, organisation):
        """order_by("organisation") means the organisation's Meta.ordering (its name)."""
        person = Person.objects.create(family_name="Vogel", slug="vogel")
        for name in ("Zollamt", "Amt", "Mitte"):
            Appointment.objects.create(
                person=person, organisation=Organisation.objects.create(name=name, slug=name),
                title=name, start_date=datetime.date(2020, 1, 1))
        ordering = Appointment.objects.order_by("-organisation")
        person = loaded(Person.objects.filter(pk=person.pk),
                        JSONPrefetch("appointments", ordering)).get()
        expected = [a.title for a in ordering.filter(person=person)]
        assert expected == ["Zollamt", "Mitte", "Amt"]
        assert [a.title for a in person.appointments.all()] == expected


class TestValues:
    def test_datetimes_are_aware_and_the_same_instant_in_berlin(self, make_release):
        times = [berlin(2021, 10, 31, 2, 30), berlin_later(2021, 10, 31, 2, 30),
                 berlin(2021, 3, 28, 3, 0, 0, 1), berlin(1999, 12, 31, 23, 59, 59, 999999),
                 berlin(2038, 1, 19, 4, 14, 8)]
        release = make_release()
        for index, moment in enumerate(times):
            Correction.objects.create(release=release, text=str(index), published_at=moment)
        release = loaded(Release.objects.filter(pk=release.pk), "corrections").get()
        loaded_times = [correction.published_at for correction in release.corrections.all()]
        # By the instant: Python compares times of one zone by the clock, ignoring fold,
        # and never finds a time of the repeated hour equal to one of another zone.
        newest_first = sorted(times, key=lambda value: value.astimezone(datetime.UTC),
                              reverse=True)
        assert [value.astimezone(datetime.UTC) for value in loaded_times] == [
            value.astimezone(datetime.UTC) for value in newest_first]
        assert [value.astimezone(BERLIN).fold for value in loaded_times[1:3]] == [1, 0]
        for value in loaded_times:
            assert timezone.is_aware(value)
            assert value.utcoffset() == datetime.timedelta(0)
        assert [timezone.localtime(value).isoformat() for value in loaded_times] == [
            value.isoformat() for value in newest_first]
        assert timezone.localtime(loaded_times[3]).strftime("%H:%M:%S.%f") == "03:00:00.000001"

    def test_files_images_and_json(self, full_release, django_assert_num_queries):
        release = loaded(Release.objects.filter(pk=full_release.pk),
                         "images", "attachments").get()
        orm = Release.objects.prefetch_related("images", "attachments").get(pk=full_release.pk)
        with django_assert_num_queries(0):
            image, attachment = release.images.all()[0], release.attachments.all()[0]
            orm_image, orm_attachment = orm.images.all()[0], orm.attachments.all()[0]
            assert image.image.name == orm_image.image.name
            assert image.image.url == orm_image.image.url
            assert (image.width, image.height) == (40, 30)
            assert image.renditions == orm_image.renditions
            assert isinstance(image.renditions, dict)
            assert attachment.file.url == orm_attachment.file.url
            assert attachment.extension == "PDF"
            assert attachment.size == orm_attachment.size
        assert image.image.size == orm_image.image.size  # the file itself is there

    def test_booleans_are_booleans(self, releases_with_everything):
        release = as_json([releases_with_everything[0].pk])[0]
        events = list(release.events.all())
        assert [event.is_cancelled for event in events] == [True, False]
        assert [event.is_press_open for event in events] == [False, True]
        assert all(type(event.is_cancelled) is bool for event in events)
        assert {c.name: c.is_active for c in release.contacts.all()}["Bert"] is False

    def test_dates_and_a_nested_foreign_key(self, minister, organisation,
                                            django_assert_num_queries):
        with django_assert_num_queries(1):
            person = loaded(Person.objects.filter(pk=minister.pk), JSONPrefetch(
                "appointments", Appointment.objects.select_related("organisation"))).get()
        with django_assert_num_queries(0):
            appointment = person.appointments.all()[0]
            assert appointment.start_date == datetime.date(2019, 12, 20)
            assert appointment.end_date is None
            assert appointment.organisation.name == organisation.name
            assert appointment.organisation.footer == organisation.footer
            assert appointment.person is person
            assert person.office_on(datetime.date(2021, 1, 1)) == appointment

    def test_a_null_nested_foreign_key_is_none_without_a_query(self, full_release,
                                                               django_assert_num_queries):
        user = User.objects.create_user("redakteur", password="x")
        Release.objects.filter(pk=full_release.related.get().pk).update(created_by=user)
        other = Release.objects.create(organisation=full_release.organisation, title="X",
                                       slug="x", body="", status=Release.Status.PUBLISHED,
                                       published_at=timezone.now())
        full_release.related.add(other)
        release = loaded(Release.objects.filter(pk=full_release.pk), JSONPrefetch(
            "related", Release.objects.select_related("created_by"))).get()
        with django_assert_num_queries(0):
            creators = {other.title: other.created_by for other in release.related.all()}
        assert creators["X"] is None
        assert creators["Sachsen und Schlesien vereinbaren Zusammenarbeit"] == user
        assert creators["Sachsen und Schlesien vereinbaren Zusammenarbeit"].is_active is True

    def test_only_and_defer_leave_the_other_fields_deferred(self, full_release):
        release = loaded(Release.objects.filter(pk=full_release.pk), JSONPrefetch(
            "related", Release.objects.only("title", "slug", "organisation__name")
            .select_related("organisation"))).get()
        other = release.related.all()[0]
        assert other.get_deferred_fields() >= {"body", "teaser", "published_at"}
        assert "title" not in other.get_deferred_fields()
        assert other.organisation.get_deferred_fields() >= {"footer", "website"}
        assert other.organisation.name == full_release.organisation.name


class TestRelationKinds:
    def test_reverse_many_to_many_over_several_rows(self, releases_with_everything, topic,
                                                    django_assert_num_queries):
        with django_assert_num_queries(1):
            topics = list(loaded(Topic.objects.all(), JSONPrefetch(
                "releases", Release.objects.order_by("pk"))))
        orm = list(Topic.objects.prefetch_related(
            Prefetch("releases", queryset=Release.objects.order_by("pk"))))
        with django_assert_num_queries(0):
            for json_topic, orm_topic in zip(topics, orm, strict=True):
                assert_same_values(json_topic.releases.all(), orm_topic.releases.all())

    def test_self_referencing_many_to_many_is_seen_from_both_sides(self, full_release):
        other = full_release.related.get()
        other = loaded(Release.objects.filter(pk=other.pk), "related").get()
        assert [release.pk for release in other.related.all()] == [full_release.pk]

    def test_many_fields_are_split_into_several_json_objects(self, monkeypatch,
                                                             releases_with_everything):
        monkeypatch.setattr(jsonprefetch, "MAX_KEYS_PER_OBJECT", 3)
        pks = [release.pk for release in releases_with_everything]
        for json_release, orm_release in zip(as_json(pks), ordinary(pks), strict=True):
            for name in RELATIONS:
                assert_same_values(getattr(json_release, name).all(),
                                   getattr(orm_release, name).all())

    def test_a_further_filter_queries_as_usual(self, full_release):
        release = loaded(Release.objects.filter(pk=full_release.pk), "topics").get()
        assert [t.slug for t in release.topics.filter(slug="polen")] == ["polen"]

    @pytest.mark.parametrize("lookup", ["organisation", "title", "release_people__person"])
    def test_refuses_what_it_cannot_load(self, lookup):
        with pytest.raises(ValueError):
            json_prefetch(Release.objects.all(), lookup)

    def test_refuses_a_queryset_of_another_model(self):
        with pytest.raises(ValueError):
            json_prefetch(Release.objects.all(), JSONPrefetch("topics", Event.objects.all()))


def test_a_relation_is_compiled_once_and_the_store_stays_bounded(db):
    from releases import jsonprefetch

    jsonprefetch._COMPILED.clear()
    for _ in range(3):
        list(json_prefetch(Release.objects.all(), "topics"))
    assert len(jsonprefetch._COMPILED) == 1
    for n in range(jsonprefetch._COMPILED_MAX + 10):  # a queryset with a changing value
        list(json_prefetch(Release.objects.all(),
                           JSONPrefetch("related", Release.objects.filter(title=f"Titel {n}"))))
    assert len(jsonprefetch._COMPILED) == jsonprefetch._COMPILED_MAX
