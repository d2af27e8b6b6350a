"""Writing ninjs: the document of a release (``to_ninjs``), for the API and the export.

The conventions of the mapping are described in ``exchange/ninjs/__init__.py``.
"""

import uuid
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Prefetch
from django.utils import timezone, translation

from releases.html import html_to_text
from releases.models import Appointment, Release, ReleasePerson, public_condition
from releases.uploads import ATTACHMENT_TYPES

from .vocabulary import (
    APPOINTMENT,
    CONTACT,
    DATE_ONLY,
    DELEGATION,
    MENTIONED,
    MINISTER,
    NINJS_SCHEMA_URL,
    NINJS_VERSION,
    OWN_UUID,
    PUBLISHER,
    QUOTED,
    STATUS,
)

IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".webp": "image/webp", ".gif": "image/gif"}


def releases_for_ninjs(queryset, now=None):
    """``queryset`` with everything ``to_ninjs`` reads, fetched in a fixed number of queries.

    Whether each release is public is annotated with the condition of
    ``Release.objects.public()``, so the document's ``pubstatus`` follows the one
    visibility rule (read from the row itself, not asked again per row).
    """
    return queryset.select_related("organisation").prefetch_related(
        "topics", "contacts", "images", "attachments", "events", "delegations__stops",
        Prefetch("organisation__appointments",
                 queryset=Appointment.objects.select_related("person")),
        Prefetch("release_people", queryset=ReleasePerson.objects.select_related(
            "person").prefetch_related("person__appointments")),
    ).annotate(
        ninjs_is_public=ExpressionWrapper(public_condition(now), BooleanField()),
    )


def to_ninjs(release, *, base_url=None, restorable=False):
    """The ninjs 2.2 document of ``release``; links are absolute to ``base_url`` (SITE_URL).

    ``restorable`` adds the status and the minister for the export (see
    ``exchange/ninjs/__init__.py``).
    """
    base = (base_url or settings.SITE_URL).rstrip("/") + "/"
    with translation.override(settings.LANGUAGE_CODE):
        return _Export(release, base, restorable).document()


class _Export:
    def __init__(self, release, base, restorable=False):
        self.release = release
        self.base = base
        self.restorable = restorable

    def absolute(self, url):
        return urljoin(self.base, url)

    def document(self):
        release = self.release
        organisation = release.organisation
        pubstatus = self.pubstatus()
        doc = {
            "uri": release.source_uri or release_uri(release),
            "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA_URL},
            "type": "text",
            "representationtype": "full",
            "profile": release.kind,
            "genres": [{"name": release.kind_label, "literal": release.kind}],
            "title": release.title,
            "slugline": release.slug,
            "language": "de",
            "pubstatus": pubstatus,
            "firstcreated": _datetime(release.created_at),
            "versioncreated": _datetime(self.version_time(pubstatus)),
            "contentcreated": _datetime(release.published_at),
            "embargoed": _datetime(release.embargo_until),
            "copyrightholder": organisation.name,
            "located": organisation.city,
            "altids": _compact([
                {"role": "number", "value": release.number_label}
                if release.number_label else None,
                # The uri is the source's: the UUID names the release here (API, site).
                {"role": OWN_UUID, "value": str(release.uuid)} if release.source_uri else None,
                {"role": STATUS, "value": release.status} if self.restorable else None,
                {"role": DATE_ONLY, "value": timezone.localdate(release.published_at).isoformat()}
                if self.restorable and release.published_at and not release.has_publication_time
                else None,
            ]),
            "headlines": _compact([
                {"role": "main", "value": release.title},
                {"role": "subhead", "value": release.subtitle} if release.subtitle else None,
            ]),
            "descriptions": ([{"role": "summary", "contenttype": "text/plain",
                               "value": release.teaser}] if release.teaser else []),
            "bodies": [self.body()],
            "people": self.people(),
            "organisations": [self.organisation()],
            "subjects": [
                {"name": topic.name, "literal": topic.slug,
                 "uri": self.absolute(topic.get_absolute_url())}
                for topic in release.topics.all()
            ],
            "events": self.events(),
            "places": self.places(),
            "associations": self.images() + self.attachments(),
            "renditions": ([{"name": "html", "contenttype": "text/html",
                             "title": release.title,
                             "href": self.absolute(release.get_absolute_url())}]
                           if pubstatus == "usable" else []),
        }
        return {key: value for key, value in doc.items() if value not in (None, "", [])}

    def pubstatus(self):
        release = self.release
        if release.status == Release.Status.WITHDRAWN:
            return "canceled"
        is_public = getattr(release, "ninjs_is_public", None)
        if is_public is None:
            is_public = Release.objects.public().filter(pk=release.pk).exists()
        return "usable" if is_public else "withheld"

    def version_time(self, pubstatus):
        """The last public change of a release the public sees or saw; else the last save."""
        if pubstatus == "withheld":
            return self.release.updated_at
        return self.release.last_public_change_at or self.release.updated_at

    def body(self):
        text = html_to_text(self.release.body)
        return {"role": "main", "contenttype": "text/html", "value": self.release.body,
                "charcount": len(text), "wordcount": len(text.split())}

    def people(self):
        entries = []
        named = set()
        for entry in self.release.release_people.all():
            person = entry.person
            named.add(person.pk)
            entries.append(_compact_dict({
                "name": person.full_name, "rel": QUOTED if entry.is_quoted else MENTIONED,
                "literal": entry.role_label(), "uri": self.absolute(person.get_absolute_url()),
            }))
        office = self.release.minister_in_office()
        if office is not None and (self.restorable or office.person_id not in named):
            entries.insert(0, _compact_dict({
                "name": office.person.full_name, "rel": MINISTER, "literal": office.title,
                "uri": self.absolute(office.person.get_absolute_url()),
            }))
        for contact in self.release.contacts.all():
            entries.append(_compact_dict({
                "name": contact.name, "rel": CONTACT, "literal": contact.role,
                "contactinfo": _contactinfo(
                    ("email", "office", contact.email), ("phone", "office", contact.phone),
                    ("mobile", "office", contact.mobile)),
            }))
        return entries

    def organisation(self):
        organisation = self.release.organisation
        info = _contactinfo(("web", "office", organisation.website),
                            ("email", "office", organisation.press_email),
                            ("phone", "office", organisation.phone))
        address = _compact_dict({
            "lines": [organisation.street] if organisation.street else None,
            "postalcode": organisation.postal_code, "locality": organisation.city,
        })
        if address:
            info.append({"role": "office", "address": address})
        return _compact_dict({
            "name": organisation.name, "rel": PUBLISHER, "literal": organisation.short_name,
            "uri": self.absolute(organisation.get_absolute_url()), "contactinfo": info,
        })

    def events(self):
        linked = [(APPOINTMENT, event) for event in self.release.events.all()]
        linked += [(DELEGATION, trip) for trip in self.release.delegations.all()]
        return [{"name": item.title, "rel": rel, "uri": self.absolute(item.get_absolute_url())}
                for rel, item in linked]

    def places(self):
        seen, places = set(), []
        locations = [(event.city, event.country) for event in self.release.events.all()]
        for trip in self.release.delegations.all():
            locations += [(stop.city, stop.country) for stop in trip.stops.all()]
        for city, country in locations:
            if not (city or country) or (city, country) in seen:
                continue
            seen.add((city, country))
            places.append({"name": city or country, "contactinfo": [
                {"address": _compact_dict({"locality": city, "country": country})}]})
        return places

    def images(self):
        associations = []
        for index, image in enumerate(self.release.images.all(), start=1):
            associations.append(_compact_dict({
                "name": f"image-{index}",
                "uri": _part_uri(self.release, "image", image.pk),
                "type": "picture",
                "title": image.caption or image.alt_text,
                "descriptions": _compact([
                    {"role": "alt", "contenttype": "text/plain", "value": image.alt_text},
                    ({"role": "caption", "contenttype": "text/plain", "value": image.caption}
                     if image.caption else None),
                ]),
                "by": image.credit,
                "copyrightnotice": image.credit,
                "usageterms": image.licence,
                "renditions": [_compact_dict({
                    "name": "original", "href": self.absolute(image.image.url),
                    "contenttype": IMAGE_TYPES.get(Path(image.image.name).suffix.lower()),
                    "width": image.width, "height": image.height,
                })],
            }))
        return associations

    def attachments(self):
        return [
            {
                "name": f"attachment-{index}",
                "uri": _part_uri(self.release, "attachment", attachment.pk),
                "title": attachment.title,
                "renditions": [_compact_dict({
                    "name": "original", "title": attachment.title,
                    "href": self.absolute(attachment.file.url),
                    "contenttype": ATTACHMENT_TYPES.get(Path(attachment.file.name).suffix.lower()),
                })],
            }
            for index, attachment in enumerate(self.release.attachments.all(), start=1)
        ]


def withdrawal_notice(release):
    """The ninjs document telling a partner that a release it may hold is withdrawn:
    pubstatus "canceled" as of the withdrawal, with the reason as the editors' note and
    without the text; of a release removed for legal reasons, not even its title."""
    doc = {
        "uri": release.source_uri or release_uri(release),
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA_URL},
        "type": "text",
        "representationtype": "partial",
        "pubstatus": "canceled",
        "versioncreated": _datetime(release.withdrawn_at),
    }
    if not release.is_removed_for_legal_reasons:
        doc.update(_compact_dict({"title": release.title,
                                  "ednote": release.withdrawal_reason}))
    return doc


def release_uri(release):
    """The release's ninjs identifier: independent of domain, slug and database."""
    return release.uuid.urn


def _part_uri(release, kind, pk):
    return uuid.uuid5(release.uuid, f"{kind}/{pk}").urn


def _datetime(value):
    return timezone.localtime(value).isoformat() if value else None


def _contactinfo(*entries):
    return [{"type": kind, "role": role, "value": value} for kind, role, value in entries if value]


def _compact(items):
    return [item for item in items if item]


def _compact_dict(values):
    return {key: value for key, value in values.items() if value not in (None, "", [])}
