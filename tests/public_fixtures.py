"""Fixtures for the public site's tests: a full release, hidden releases, an archive of any size.

Loaded as a plugin by test_views.py and test_site.py (pytest_plugins).
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from releases.models import (
    Appointment,
    Contact,
    Counterpart,
    Delegation,
    DelegationMember,
    DelegationStop,
    Event,
    Person,
    ProgrammeItem,
    Release,
    ReleaseAttachment,
    ReleaseImage,
    ReleasePerson,
    Topic,
)

from .public_data import ANNOUNCED, HIDDEN, berlin


def png(width=40, height=30):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "darkgreen").save(buffer, "PNG")
    return SimpleUploadedFile("Foto Kattowitz.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def minister(person, organisation):
    Appointment.objects.create(
        person=person, organisation=organisation, kind=Appointment.Kind.MINISTER,
        title="Staatsminister für Regionalentwicklung", start_date=datetime.date(2019, 12, 20))
    return person


@pytest.fixture
def quoted_person(db):
    return Person.objects.create(given_name="Thomas", family_name="Horn", slug="thomas-horn",
                                 description="Geschäftsführer der Wirtschaftsförderung Sachsen")


@pytest.fixture
def event(organisation, minister, topic):
    event = Event.objects.create(
        title="simul+Werkstatt in Kattowitz", slug="simul-werkstatt",
        starts_at=timezone.now() + datetime.timedelta(days=2), venue="Technische Universität",
        city="Kattowitz", country="Polen",
        theme="Regionale Wertschöpfung in Zeiten der Digitalisierung",
        expected_participants=70, organisation=organisation, is_press_open=True,
        requires_accreditation=True, is_photo_opportunity=True,
        press_information="Anmeldung bis Mittwoch.", **ANNOUNCED)
    event.ministers.add(minister)
    event.topics.add(topic)
    return event


@pytest.fixture
def past_event(organisation):
    return Event.objects.create(
        title="Kabinettspressekonferenz", slug="kabinett",
        starts_at=timezone.now() - datetime.timedelta(days=3), organisation=organisation,
        **ANNOUNCED)


@pytest.fixture
def delegation(organisation, minister, topic, event):
    delegation = Delegation.objects.create(
        title="Delegationsreise nach Polen", slug="polen-2021", leader=minister,
        organisation=organisation, start_date=datetime.date(2021, 10, 6),
        end_date=datetime.date(2021, 10, 8), countries="Polen", member_count=30,
        purpose="Kontakte mit Unternehmern, Wissenschaftlern sowie Politikern", **ANNOUNCED)
    delegation.topics.add(topic)
    DelegationMember.objects.create(delegation=delegation, name="Thomas Horn",
                                    role="Wirtschaftsförderung Sachsen")
    stop = DelegationStop.objects.create(delegation=delegation, city="Kattowitz", country="Polen",
                                         arrival_date=datetime.date(2021, 10, 6),
                                         departure_date=datetime.date(2021, 10, 7))
    DelegationStop.objects.create(delegation=delegation, city="Krakau", order=1)
    item = ProgrammeItem.objects.create(stop=stop, title="Gespräche in Kattowitz",
                                        date=datetime.date(2021, 10, 7))
    katola = Person.objects.create(given_name="Wojciech", family_name="Katoła", slug="katola")
    Counterpart.objects.create(programme_item=item, person=katola,
                               role="Vizemarschall der Woiwodschaft Schlesien")
    event.delegation = delegation
    event.save()
    return delegation


@pytest.fixture
def full_release(make_release, organisation, topic, contact, minister, quoted_person, event,
                 delegation):
    """The seed document's release with everything a release can carry."""
    release = make_release(
        title="Große Resonanz bei simul+Werkstatt in Kattowitz",
        subtitle="Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut",
        slug="grosse-resonanz", teaser="Staatsminister Thomas Schmidt zieht eine positive Bilanz.",
        body="<p>Rund 70 Teilnehmer diskutierten.</p>", number=1, number_year=2021,
        published_at=berlin(2021, 10, 8, 10, 30))
    release.topics.add(topic, Topic.objects.create(name="Polen", slug="polen"))
    release.contacts.add(contact)
    release.events.add(event)
    release.delegations.add(delegation)
    ReleasePerson.objects.create(release=release, person=minister, is_quoted=True)
    ReleasePerson.objects.create(release=release, person=quoted_person, is_quoted=True, order=1,
                                 role="Geschäftsführer der Wirtschaftsförderung Sachsen GmbH")
    ReleaseImage.objects.create(release=release, image=png(), alt_text="Podium in Kattowitz",
                                caption="Staatsminister Schmidt in Kattowitz",
                                credit="Foto: SMR/Max Mustermann", licence="CC BY 4.0")
    ReleaseAttachment.objects.create(
        release=release, title="Programm der simul+Werkstatt",
        file=SimpleUploadedFile("programm.pdf", b"%PDF-1.4\n" + b"x" * 2048,
                                content_type="application/pdf"))
    related = make_release(title="Sachsen und Schlesien vereinbaren Zusammenarbeit",
                           published_at=berlin(2021, 10, 6, 9))
    release.related.add(related)
    return release


@pytest.fixture
def hidden_releases(make_release, topic, minister, contact, event, delegation, full_release):
    """Releases in every state the public must not see, linked to everything public."""
    now = timezone.now()
    day = datetime.timedelta(days=1)
    releases = [
        make_release(title=f"{HIDDEN} Entwurf", status=Release.Status.DRAFT, published_at=None),
        make_release(title=f"{HIDDEN} In Prüfung", status=Release.Status.IN_REVIEW),
        make_release(title=f"{HIDDEN} Freigegeben", status=Release.Status.APPROVED),
        make_release(title=f"{HIDDEN} Sperrfrist", embargo_until=now + day),
        make_release(title=f"{HIDDEN} Geplant", status=Release.Status.SCHEDULED,
                     published_at=now + day),
        make_release(title=f"{HIDDEN} Zurückgezogen", status=Release.Status.WITHDRAWN),
        make_release(title=f"{HIDDEN} Archiv Sperrfrist", published_at=berlin(2021, 10, 9, 9),
                     embargo_until=now + day),
        make_release(title=f"{HIDDEN} Archiv Zurückgezogen", published_at=berlin(2021, 10, 9, 9),
                     status=Release.Status.WITHDRAWN),
    ]
    for release in releases:
        release.topics.add(topic)
        release.contacts.add(contact)
        release.events.add(event)
        release.delegations.add(delegation)
        ReleasePerson.objects.create(release=release, person=minister)
        full_release.related.add(release)
    return releases


@pytest.fixture
def archive(make_release, organisation, topic, contact, minister, quoted_person, event,
            delegation):
    """archive(n): n public releases in October 2021, each with all its relations filled.

    Every release names the minister and the quoted person, carries two topics
    and two contacts, is linked to the event and the delegation, and the first is
    related to all others: a page that fetched anything per row would show it.
    """
    other_topic, _ = Topic.objects.get_or_create(name="Polen", slug="polen")
    second_contact = Contact.objects.create(name="Anna Schulz", organisation=organisation)

    def make(n):
        releases = []
        for i in range(n):
            release = make_release(published_at=berlin(2021, 10, 8, 10) - datetime.timedelta(
                minutes=i), teaser=f"Teaser {i}")
            release.topics.add(topic, other_topic)
            release.contacts.add(contact, second_contact)
            release.events.add(event)
            release.delegations.add(delegation)
            ReleasePerson.objects.create(release=release, person=minister, is_quoted=True)
            ReleasePerson.objects.create(release=release, person=quoted_person, order=1)
            releases.append(release)
        releases[0].related.add(*releases[1:])
        ReleaseImage.objects.create(release=releases[0], image=png(), alt_text="Bild",
                                    credit="Foto: SMR")
        return releases

    return make
