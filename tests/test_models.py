"""Model rules: constraints, numbering, offices on a date."""

import datetime
import itertools
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from releases import services
from releases.models import Appointment, Event, Organisation, Person, Release
from releases.models.releases import LAST_PUBLIC_CHANGE, changed_publicly_since

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


@pytest.mark.django_db
class TestNumbering:
    def test_publishing_assigns_running_number_per_organisation_and_year(self, make_release):
        first = services.publish(make_release(status="draft", published_at=berlin(2021, 3, 1, 9)))
        second = services.publish(make_release(status="draft", published_at=berlin(2021, 10, 8, 9)))
        assert (first.number_label, second.number_label) == ("1/2021", "2/2021")

    def test_numbering_starts_again_each_year(self, make_release):
        services.publish(make_release(status="draft", published_at=berlin(2021, 12, 1, 9)))
        release = services.publish(make_release(status="draft", published_at=berlin(2022, 1, 3, 9)))
        assert release.number_label == "1/2022"

    def test_new_year_is_counted_in_berlin_time(self, make_release):
        # 00:30 on 1 January in Berlin is still 31 December in UTC. Scheduled for then,
        # the release is numbered when it becomes public.
        release = services.publish(make_release(status="draft",
                                                published_at=berlin(2027, 1, 1, 0, 30)))
        services.complete_due_publications(now=berlin(2027, 1, 1, 0, 31))
        release.refresh_from_db()
        assert release.number_year == 2027

    def test_each_organisation_counts_on_its_own(self, make_release):
        other = Organisation.objects.create(name="Staatskanzlei", short_name="SK", slug="sk")
        services.publish(make_release(status="draft", published_at=berlin(2021, 1, 5, 9)))
        release = services.publish(make_release(status="draft", organisation=other,
                                                published_at=berlin(2021, 1, 6, 9)))
        assert release.number_label == "1/2021"

    def test_republishing_keeps_the_number(self, make_release):
        release = services.publish(make_release(status="draft"))
        number = release.number
        services.publish(release)
        assert release.number == number

    def test_draft_has_no_number(self, make_release):
        assert make_release(status="draft").number_label == ""

    def test_future_time_schedules_instead_of_publishing(self, make_release):
        release = services.publish(make_release(status="draft"),
                                   at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
        assert release.status == Release.Status.SCHEDULED

    def test_same_number_twice_is_refused_by_the_database(self, make_release, organisation):
        make_release(number=7, number_year=2021)
        with pytest.raises(IntegrityError), transaction.atomic():
            make_release(number=7, number_year=2021)


@pytest.mark.django_db
class TestConstraints:
    def test_published_release_without_time_is_refused(self, make_release):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_release(status="published", published_at=None)

    def test_number_without_year_is_refused(self, make_release):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_release(number=3, number_year=None)

    def test_event_ending_before_start_fails_validation(self, organisation):
        event = Event(title="Termin", slug="termin", organisation=organisation,
                      starts_at=berlin(2021, 10, 7, 10), ends_at=berlin(2021, 10, 7, 9))
        with pytest.raises(ValidationError) as error:
            event.full_clean()
        constraint = next(c for c in Event._meta.constraints if c.name == "event_ends_after_start")
        assert error.value.messages == [str(constraint.violation_error_message)]

    def test_appointment_ending_before_start_is_refused(self, person, organisation):
        with pytest.raises(IntegrityError), transaction.atomic():
            Appointment.objects.create(person=person, organisation=organisation, title="Minister",
                                       start_date=datetime.date(2020, 1, 1),
                                       end_date=datetime.date(2019, 1, 1))

    def test_contact_without_valid_email_fails_validation(self, contact):
        contact.email = "keine-adresse"
        with pytest.raises(ValidationError) as error:
            contact.full_clean()
        assert "email" in error.value.message_dict


@pytest.mark.django_db
class TestOffices:
    @pytest.fixture
    def ministers(self, organisation):
        old = Person.objects.create(given_name="Thomas", family_name="Schmidt",
                                    slug="thomas-schmidt")
        new = Person.objects.create(given_name="Regina", family_name="Kraushaar",
                                    slug="regina-kraushaar")
        Appointment.objects.create(person=old, organisation=organisation,
                                   title="Staatsminister für Regionalentwicklung",
                                   start_date=datetime.date(2019, 12, 20),
                                   end_date=datetime.date(2024, 12, 19))
        Appointment.objects.create(person=new, organisation=organisation,
                                   title="Staatsministerin für Infrastruktur und Landesentwicklung",
                                   start_date=datetime.date(2024, 12, 20))
        return old, new

    def test_old_release_names_the_minister_in_office_then(self, ministers, make_release):
        release = make_release(published_at=berlin(2021, 10, 8, 10))
        assert release.minister_in_office().person == ministers[0]

    def test_new_release_names_the_current_minister(self, ministers, make_release):
        release = make_release(published_at=berlin(2025, 3, 1, 10))
        assert release.minister_in_office().person == ministers[1]

    def test_last_day_in_office_still_counts(self, ministers):
        assert ministers[0].office_on(datetime.date(2024, 12, 19)) is not None
        assert ministers[0].office_on(datetime.date(2024, 12, 20)) is None

    def test_current_ministers_lists_only_those_in_office(self, ministers):
        assert list(Person.objects.current_ministers(on=datetime.date(2026, 1, 1))) == [
            ministers[1]]


@pytest.mark.django_db
def test_changed_publicly_since_is_the_last_public_change_by_parts(make_release):
    """The API's since asks the condition each of whose parts an index answers; it must
    say what LAST_PUBLIC_CHANGE >= moment says, for every mix of the three times."""
    now = timezone.now()
    moment = now - datetime.timedelta(days=10)
    before, after = now - datetime.timedelta(days=20), now - datetime.timedelta(days=5)
    for published, embargo, changed in itertools.product(
            (before, after), (None, before, after), (None, before, after)):
        make_release(published_at=published, embargo_until=embargo, public_changed_at=changed)
    by_parts = set(Release.objects.filter(changed_publicly_since(moment)))
    by_greatest = set(Release.objects.alias(last=LAST_PUBLIC_CHANGE).filter(last__gte=moment))
    assert by_parts == by_greatest
    assert 0 < len(by_parts) < Release.objects.count()
