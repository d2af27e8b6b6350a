"""Release.objects.public() at its boundaries, including daylight-saving changes."""

import datetime
import zoneinfo

import pytest
import time_machine

from releases.models import (
    Appointment,
    Contact,
    Counterpart,
    Delegation,
    DelegationStop,
    Organisation,
    Person,
    ProgrammeItem,
    Release,
    ReleasePerson,
    Topic,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SECOND = datetime.timedelta(seconds=1)


def berlin(*args, fold=0):
    """An instant given in Berlin wall-clock time, as UTC.

    Arithmetic on aware datetimes sharing a tzinfo is wall-clock arithmetic in
    Python; in UTC a second is always a second, also across a DST change.
    """
    return datetime.datetime(*args, tzinfo=BERLIN, fold=fold).astimezone(datetime.UTC)


def is_public(release, now=None):
    return Release.objects.public(now).filter(pk=release.pk).exists()


@pytest.mark.django_db
class TestPublicationTime:
    def test_one_second_before_publication_is_hidden(self, make_release):
        at = berlin(2026, 6, 1, 10, 0)
        release = make_release(published_at=at)
        with time_machine.travel(at - SECOND, tick=False):
            assert not is_public(release)

    def test_at_publication_time_is_public(self, make_release):
        at = berlin(2026, 6, 1, 10, 0)
        release = make_release(published_at=at)
        with time_machine.travel(at, tick=False):
            assert is_public(release)

    def test_one_second_after_publication_is_public(self, make_release):
        at = berlin(2026, 6, 1, 10, 0)
        release = make_release(published_at=at)
        with time_machine.travel(at + SECOND, tick=False):
            assert is_public(release)

    def test_explicit_now_is_honoured(self, make_release):
        at = berlin(2026, 6, 1, 10, 0)
        release = make_release(published_at=at)
        assert not is_public(release, now=at - SECOND)
        assert is_public(release, now=at)


@pytest.mark.django_db
class TestEmbargo:
    def test_published_release_under_embargo_is_hidden_until_embargo_ends(self, make_release):
        published = berlin(2026, 6, 1, 8, 0)
        embargo = berlin(2026, 6, 1, 12, 0)
        release = make_release(published_at=published, embargo_until=embargo)
        with time_machine.travel(embargo - SECOND, tick=False):
            assert not is_public(release)
        with time_machine.travel(embargo, tick=False):
            assert is_public(release)

    def test_embargo_in_the_past_does_not_hide(self, make_release):
        release = make_release(embargo_until=berlin(2020, 1, 1, 0, 0))
        assert is_public(release)


@pytest.mark.django_db
class TestDaylightSaving:
    """Europe/Berlin springs forward on 29 March 2026 (02:00 -> 03:00) and falls
    back on 25 October 2026 (03:00 -> 02:00)."""

    def test_spring_forward_publication_at_three_is_exact(self, make_release):
        at = berlin(2026, 3, 29, 3, 0)  # first moment of summer time
        release = make_release(published_at=at)
        assert at == datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC)
        with time_machine.travel(at - SECOND, tick=False):  # 01:59:59 winter time
            assert not is_public(release)
        with time_machine.travel(at, tick=False):
            assert is_public(release)

    def test_fall_back_second_half_hour_is_not_public_during_first(self, make_release):
        # 02:30 happens twice; fold=1 is the second time (winter time, 01:30 UTC).
        second = berlin(2026, 10, 25, 2, 30, fold=1)
        first = berlin(2026, 10, 25, 2, 30, fold=0)
        release = make_release(published_at=second)
        assert second - first == datetime.timedelta(hours=1)
        with time_machine.travel(first, tick=False):
            assert not is_public(release)
        with time_machine.travel(second - SECOND, tick=False):
            assert not is_public(release)
        with time_machine.travel(second, tick=False):
            assert is_public(release)

    def test_stored_time_is_utc_and_shown_in_berlin(self, make_release):
        at = berlin(2026, 10, 25, 12, 0)  # after fall back: UTC+1
        release = make_release(published_at=at)
        release.refresh_from_db()
        assert release.published_at.utcoffset() == datetime.timedelta(0)
        assert release.published_at.hour == 11
        assert release.local_published_at.hour == 12


@pytest.mark.django_db
class TestStatus:
    @pytest.mark.parametrize("status", ["draft", "review", "approved", "withdrawn"])
    def test_unfinished_or_withdrawn_release_is_never_public(self, make_release, status):
        release = make_release(status=status)
        assert not is_public(release)

    @pytest.mark.parametrize("status", ["published", "scheduled"])
    def test_published_or_scheduled_release_is_public_once_due(self, make_release, status):
        release = make_release(status=status)
        assert is_public(release)


@pytest.mark.django_db
class TestSubjects:
    """Topic, Organisation, Person and Contact .public(): through public releases,
    appointments and trips, or an office that has begun."""

    @pytest.fixture
    def trip(self, organisation, person):
        return Delegation.objects.create(title="Reise", slug="reise", leader=person,
                                         organisation=organisation,
                                         start_date=datetime.date(2026, 6, 1), countries="Polen")

    def test_subjects_of_a_release_not_yet_public_are_hidden(self, make_release, topic,
                                                             person, organisation):
        at = berlin(2026, 6, 1, 10, 0)
        release = make_release(published_at=at)
        release.topics.add(topic)
        ReleasePerson.objects.create(release=release, person=person)
        for model, subject in ((Topic, topic), (Person, person),
                               (Organisation, organisation)):
            assert not model.objects.public(at - SECOND).filter(pk=subject.pk).exists()
            assert model.objects.public(at).filter(pk=subject.pk).exists()

    def test_topic_and_people_of_a_trip_follow_its_announcement(self, trip, topic):
        trip.topics.add(topic)
        counterpart = Person.objects.create(family_name="Katoła", slug="katola")
        item = ProgrammeItem.objects.create(
            stop=DelegationStop.objects.create(delegation=trip, city="Kattowitz"),
            title="Gespräche")
        Counterpart.objects.create(programme_item=item, person=counterpart)
        at = berlin(2026, 3, 29, 3, 0)  # the first moment of summer time
        subjects = ((Topic, topic), (Person, trip.leader), (Person, counterpart))
        for model, subject in subjects:
            assert not model.objects.public(at).filter(pk=subject.pk).exists()
        trip.status, trip.published_at = "announced", at
        trip.save()
        for model, subject in subjects:
            assert not model.objects.public(at - SECOND).filter(pk=subject.pk).exists()
            assert model.objects.public(at).filter(pk=subject.pk).exists()

    def test_an_office_shows_its_holder_and_body_from_midnight_in_berlin(self, person,
                                                                         organisation):
        # 25 October 2026, the day the clocks go back: midnight is 22:00 UTC the day before.
        Appointment.objects.create(person=person, organisation=organisation,
                                   title="Staatsministerin", start_date=datetime.date(2026, 10, 25))
        midnight = berlin(2026, 10, 25, 0, 0)
        assert midnight == datetime.datetime(2026, 10, 24, 22, 0, tzinfo=datetime.UTC)
        for model, subject in ((Person, person), (Organisation, organisation)):
            assert not model.objects.public(midnight - SECOND).filter(pk=subject.pk).exists()
            assert model.objects.public(midnight).filter(pk=subject.pk).exists()

    def test_contacts_of_a_hidden_organisation_are_hidden_but_a_release_names_its_own(
            self, make_release, contact, organisation):
        assert not Contact.objects.public().filter(pk=contact.pk).exists()
        Contact.objects.filter(pk=contact.pk).update(is_active=False)
        make_release().contacts.add(contact)
        assert Contact.objects.public().filter(pk=contact.pk).exists()
