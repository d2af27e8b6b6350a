"""The seed: reference data from seeds/reference.json and the documents beside it.

Everything is keyed by natural keys (slugs, names) and written through
``upsert``, so loading the seed again changes nothing. The documents go
through the importer (``import_releases --publish``), so what the demo shows
is what the importer makes of a real document. They get a stable identity
from their file name: correcting a typo in a seed document updates its
release instead of adding a second one. The legal pages and those of BITV 2.0
§ 4 (Leichte Sprache, Gebärdensprache), which migrate creates, are made sure of
too; pages that exist are left as they are.
"""

import json
import uuid
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction

from releases.legal import ensure_legal_pages
from releases.models import (
    Appointment,
    Contact,
    Counterpart,
    Delegation,
    DelegationStop,
    Event,
    Organisation,
    Person,
    ProgrammeItem,
    SiteIdentity,
    Topic,
)

from .importers import DocumentError
from .importers.document import DOCUMENT_SUFFIXES
from .importers.rows import CREATED, UNCHANGED, local_date, set_related, upsert
from .importers.run import Importer
from .ninjs.read import local_datetime

SEED_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "newsroom:seeds")


def default_directory():
    return Path(settings.BASE_DIR) / "seeds"


def document_identity(path):
    """The release UUID of a seed document, derived from its file name."""
    return uuid.uuid5(SEED_NAMESPACE, Path(path).stem)


@transaction.atomic
def load_seed(directory=None):
    """Load reference.json, then every document in ``directory``; return the tally."""
    directory = Path(directory or default_directory())
    counts = Counter()
    reference = directory / "reference.json"
    if reference.is_file():
        load_reference(json.loads(reference.read_text(encoding="utf-8")), counts)
    documents = [path for path in sorted(directory.iterdir())
                 if path.suffix.lower() in DOCUMENT_SUFFIXES and path.is_file()]
    report = Importer(publish=True, counts=counts).run(documents, identity_for=document_identity)
    if report.failures:
        raise DocumentError("\n".join(f"{label}: {reason}" for label, reason in report.failures))
    ensure_legal_pages()
    return counts


def load_reference(data, counts):
    topics = {}
    for item in data.get("topics", []):
        topics[item["slug"]] = upsert(Topic, {"slug": item["slug"]}, _fields(item, "slug"),
                                      counts)
    organisations = {}
    for item in data.get("organisations", []):
        organisations[item["slug"]] = upsert(Organisation, {"slug": item["slug"]},
                                             _fields(item, "slug"), counts)
    organisations = _lookup(Organisation, organisations)
    topics = _lookup(Topic, topics)
    if "site_identity" in data:
        _load_identity(data["site_identity"], organisations, counts)

    for item in data.get("contacts", []):
        upsert(Contact, {"organisation": organisations(item["organisation"]),
                         "name": item["name"]}, _fields(item, "organisation", "name"), counts)

    people = {}
    for item in data.get("people", []):
        person = upsert(Person, {"slug": item["slug"]}, _fields(item, "slug", "appointments"),
                        counts)
        people[item["slug"]] = person
        for office in item.get("appointments", []):
            upsert(Appointment, {
                "person": person, "organisation": organisations(office["organisation"]),
                "kind": office["kind"], "start_date": local_date(office["start_date"]),
            }, {"title": office["title"], "end_date": local_date(office.get("end_date"))},
                counts)
    people = _lookup(Person, people)

    delegations = {}
    for item in data.get("delegations", []):
        delegation = upsert(Delegation, {"slug": item["slug"]}, {
            **_fields(item, "slug", "leader", "organisation", "topics", "stops",
                      "start_date", "end_date", *PUBLICATION_TIMES),
            **_publication_times(item),
            "leader": people(item["leader"]),
            "organisation": organisations(item["organisation"]),
            "start_date": local_date(item["start_date"]),
            "end_date": local_date(item.get("end_date")),
        }, counts)
        delegations[item["slug"]] = delegation
        set_related(delegation.topics, map(topics, item.get("topics", [])), counts)
        _load_stops(delegation, item.get("stops", []), people, counts)
    delegations = _lookup(Delegation, delegations)

    for item in data.get("events", []):
        organisation = organisations(item["organisation"])
        event = upsert(Event, {"organisation": organisation, "slug": item["slug"]}, {
            **_fields(item, "slug", "organisation", "ministers", "topics", "delegation",
                      "starts_at", "ends_at", *PUBLICATION_TIMES),
            **_publication_times(item),
            # A day without a time ("2021-10-07") is an appointment whose hours are unknown.
            "starts_at": local_datetime(item["starts_at"]),
            "has_time": "T" in item["starts_at"],
            "ends_at": local_datetime(item.get("ends_at")),
            "delegation": delegations(item["delegation"]) if item.get("delegation") else None,
        }, counts)
        set_related(event.ministers, map(people, item.get("ministers", [])), counts)
        set_related(event.topics, map(topics, item.get("topics", [])), counts)


def _load_identity(item, organisations, counts):
    """The site's identity from its organisation's name and address, unless one is saved:
    what the press office set in the admin stays."""
    if SiteIdentity.objects.exists():
        counts[UNCHANGED] += 1
        return
    organisation = organisations(item["organisation"])
    SiteIdentity.objects.create(
        name=item["name"], body_name=organisation.name, street=organisation.street,
        postal_code=organisation.postal_code, city=organisation.city,
        phone=organisation.phone, email=organisation.press_email)
    counts[CREATED] += 1


def _load_stops(delegation, stops, people, counts):
    for order, item in enumerate(stops):
        stop = upsert(DelegationStop, {"delegation": delegation, "city": item["city"]}, {
            "country": item.get("country", ""), "order": order,
            "arrival_date": local_date(item.get("arrival_date")),
            "departure_date": local_date(item.get("departure_date")),
        }, counts)
        for position, entry in enumerate(item.get("programme", [])):
            programme_item = upsert(ProgrammeItem, {"stop": stop, "title": entry["title"]}, {
                "date": local_date(entry.get("date")),
                "description": entry.get("description", ""), "order": position,
            }, counts)
            for rank, counterpart in enumerate(entry.get("counterparts", [])):
                upsert(Counterpart, {"programme_item": programme_item,
                                     "person": people(counterpart["person"])},
                       {"role": counterpart.get("role", ""), "order": rank}, counts)


# An appointment's or trip's announcement: "status": "announced" and the time from which
# it is public (models.events.Announcement); without them it is only seen through the
# releases that refer to it.
PUBLICATION_TIMES = ("published_at", "embargo_until")


def _publication_times(item):
    return {name: local_datetime(item.get(name)) for name in PUBLICATION_TIMES}


def _fields(item, *excluded):
    """The plain values of a reference entry: its keys minus links and comments."""
    return {key: value for key, value in item.items()
            if key not in excluded and not key.startswith("_")}


def _lookup(model, loaded):
    """Resolve a slug to a row loaded just now or already in the database."""
    def find(slug):
        if slug not in loaded:
            loaded[slug] = model.objects.get(slug=slug)
        return loaded[slug]
    return find
