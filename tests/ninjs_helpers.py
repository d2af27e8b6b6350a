"""Checking documents against the ninjs 2.2 schema, and a release with one of everything."""

import datetime
import io
import json
import re
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from jsonschema import Draft202012Validator, FormatChecker
from PIL import Image
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from exchange import ninjs
from releases.models import (
    Appointment,
    Delegation,
    DelegationStop,
    Event,
    Person,
    ReleaseAttachment,
    ReleaseImage,
    ReleasePerson,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SCHEMA = json.loads(Path(ninjs.SCHEMA_PATH).read_text(encoding="utf-8"))

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value):
    return not isinstance(value, str) or (
        bool(_RFC3339.match(value)) and datetime.datetime.fromisoformat(value) is not None)


@FORMATS.checks("uri")
def _is_uri(value):
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(_URI.match(value)) and (parts.scheme not in ("http", "https") or parts.netloc)


# The schema points places[].geojson at geojson.org; no test may depend on the network.
REGISTRY = Registry().with_resource(
    "https://geojson.org/schema/GeoJSON.json", DRAFT202012.create_resource({"type": "object"}))
VALIDATOR = Draft202012Validator(SCHEMA, registry=REGISTRY, format_checker=FORMATS)


def assert_valid(document):
    errors = sorted(VALIDATOR.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


def png(name="foto.png", size=(8, 6)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=name)


def add_everything(release, *, contact, person, topic):
    """Give ``release`` one of each thing the mapping carries."""
    organisation = release.organisation
    Appointment.objects.create(person=person, organisation=organisation,
                               title="Staatsminister für Regionalentwicklung",
                               start_date=datetime.date(2019, 12, 20))
    horn = Person.objects.create(given_name="Thomas", family_name="Horn", slug="thomas-horn")
    ReleasePerson.objects.create(
        release=release, person=horn, is_quoted=True,
        role="Geschäftsführer der Wirtschaftsförderung Sachsen GmbH")
    mezyk = Person.objects.create(honorific="Prof.", given_name="Arkadiusz",
                                  family_name="Mężyk", slug="arkadiusz-mezyk")
    ReleasePerson.objects.create(release=release, person=mezyk, order=1,
                                 role="Rektor der Schlesischen Technischen Universität")
    release.contacts.add(contact)
    release.topics.add(topic)
    event = Event.objects.create(
        title="simul+Werkstatt", slug="simul-werkstatt", organisation=organisation,
        starts_at=berlin(2021, 10, 7, 10), city="Kattowitz", country="Polen")
    release.events.add(event)
    trip = Delegation.objects.create(
        title="Delegationsreise nach Polen", slug="delegationsreise-polen", leader=person,
        organisation=organisation, start_date=datetime.date(2021, 10, 6), countries="Polen")
    DelegationStop.objects.create(delegation=trip, city="Kattowitz", country="Polen")
    DelegationStop.objects.create(delegation=trip, city="Krakau", country="Polen", order=1)
    release.delegations.add(trip)
    ReleaseImage.objects.create(
        release=release, image=png(), alt_text="Minister am Rednerpult",
        caption="Staatsminister Schmidt in Kattowitz", credit="Foto: SMR/Max Mustermann",
        licence="Nur zur Berichterstattung")
    ReleaseAttachment.objects.create(
        release=release, title="Programm der Werkstatt",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="programm.pdf"))
    return release
