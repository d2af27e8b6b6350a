"""Subscribing from a topic's, organisation's or person's page: the link opens the
e-mail alert form with that choice made, and the alert then matches."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from journalists import outbox, subscriptions
from journalists.models import Subscription
from releases.models import Appointment, Person, ReleasePerson, Topic

pytest_plugins = ["tests.journalist_fixtures"]
pytestmark = pytest.mark.django_db

CHECKED_BOX = re.compile(r'<input type="checkbox"[^>]*\bchecked\b')


def subscribe_url(**query):
    (parameter, value), = query.items()
    return f"{reverse('journalists:subscribe')}?{parameter}={value}"


def checked(html, name, pk):
    return re.search(rf'<input type="checkbox" name="{name}" value="{pk}"[^>]*\bchecked\b',
                     html) is not None


@pytest.fixture
def named_release(make_release, topic, quoted_person):
    """A public release of the organisation, on the topic, naming someone without an office."""
    release = make_release(published_at=timezone.now() - datetime.timedelta(days=1))
    release.topics.add(topic)
    ReleasePerson.objects.create(release=release, person=quoted_person)
    return release


@pytest.fixture
def minister(person, organisation, named_release):
    Appointment.objects.create(person=person, organisation=organisation,
                               kind=Appointment.Kind.MINISTER, title="Staatsminister",
                               start_date=datetime.date(2019, 12, 20))
    return person


@pytest.fixture
def quoted_person(db):
    return Person.objects.create(given_name="Thomas", family_name="Horn", slug="thomas-horn")


class TestLinkOnEachPage:
    @pytest.mark.parametrize(("page", "parameter", "subject"), [
        ("releases:topic-detail", "topic", "topic"),
        ("releases:organisation-detail", "organisation", "organisation"),
        ("releases:person-detail", "person", "quoted_person"),
    ])
    def test_page_links_to_the_form_with_its_choice(self, client, request, named_release,
                                                    page, parameter, subject):
        slug = request.getfixturevalue(subject).slug
        response = client.get(reverse(page, kwargs={"slug": slug}))
        assert response.status_code == 200
        assert f'href="{subscribe_url(**{parameter: slug})}"' in response.content.decode()


class TestFormOpenedByALink:
    def test_topic_link_checks_the_topic(self, client, topic, named_release):
        html = client.get(subscribe_url(topic=topic.slug)).content.decode()
        assert checked(html, "topics", topic.pk)
        assert len(CHECKED_BOX.findall(html)) == 1

    def test_organisation_link_checks_the_organisation(self, client, organisation,
                                                       named_release):
        html = client.get(subscribe_url(organisation=organisation.slug)).content.decode()
        assert checked(html, "organisations", organisation.pk)
        assert len(CHECKED_BOX.findall(html)) == 1

    def test_minister_link_checks_the_minister_among_the_ministers(self, client, minister):
        html = client.get(subscribe_url(person=minister.slug)).content.decode()
        assert checked(html, "ministers", minister.pk)
        assert "<legend>Ministerinnen und Minister" in html

    def test_link_of_someone_without_an_office_offers_and_checks_them_among_people(
            self, client, minister, quoted_person):
        html = client.get(subscribe_url(person=quoted_person.slug)).content.decode()
        assert checked(html, "ministers", quoted_person.pk)
        assert not checked(html, "ministers", minister.pk)
        assert "<legend>Personen" in html

    @pytest.mark.parametrize("query", [
        "topic=gibt-es-nicht", "topic=", "topic=%00", "topic=%3Cscript%3E", "topic=a%27b",
        "organisation=" + "x" * 5000, "person=thomas%20horn", "person=ÄÖÜ",
        "topic=digitalisierung&topic=" + "&topic=".join(["y"] * 50), "unbekannt=1",
    ])
    def test_bogus_values_are_ignored(self, client, named_release, query):
        response = client.get(f"{reverse('journalists:subscribe')}?{query}")
        html = response.content.decode()
        assert response.status_code == 200
        if "digitalisierung" in query:  # the one real slug among the bogus ones
            assert len(CHECKED_BOX.findall(html)) == 1
        else:
            assert CHECKED_BOX.findall(html) == []

    def test_topic_the_public_cannot_see_is_neither_offered_nor_checked(
            self, client, make_release, named_release):
        hidden = Topic.objects.create(name="Geheimsache", slug="geheimsache")
        make_release(embargo_until=timezone.now() + datetime.timedelta(days=1)).topics.add(
            hidden)
        html = client.get(subscribe_url(topic=hidden.slug)).content.decode()
        assert "Geheimsache" not in html
        assert CHECKED_BOX.findall(html) == []


class TestSubscribingThroughALink:
    def test_person_without_an_office_is_subscribed_and_their_next_release_is_mailed(
            self, client, make_release, quoted_person, named_release, mailoutbox):
        url = subscribe_url(person=quoted_person.slug)
        html = client.get(url).content.decode()
        assert f'action="{url}"' in html  # sent back with the link's choice
        response = client.post(url, {"email": "leserin@example.org",
                                     "ministers": [quoted_person.pk],
                                     "frequency": "immediate"})
        assert response.status_code == 302
        subscription = Subscription.objects.get()
        assert list(subscription.ministers.all()) == [quoted_person]
        assert "Personen: Thomas Horn" in mailoutbox[0].body
        subscriptions.confirm(subscription)

        release = make_release(title="Wirtschaftsförderung zieht Bilanz",
                               published_at=timezone.now())
        ReleasePerson.objects.create(release=release, person=quoted_person)
        make_release(title="Ohne Herrn Horn", published_at=timezone.now())
        outbox.run_alerts()
        alerts = mailoutbox[1:]
        assert [message.to for message in alerts] == [["leserin@example.org"]]
        assert "Wirtschaftsförderung zieht Bilanz" in alerts[0].subject

    def test_person_outside_the_offer_sent_without_the_link_is_a_form_error(
            self, client, quoted_person, named_release):
        response = client.post(reverse("journalists:subscribe"), {
            "email": "leserin@example.org", "ministers": [quoted_person.pk],
            "frequency": "immediate"})
        assert response.status_code == 400
        assert not Subscription.objects.exists()
