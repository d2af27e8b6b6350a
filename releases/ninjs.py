"""The one mapping between a Release and IPTC ninjs 2.2 (News in JSON).

The API, the export and the ninjs importer all go through here:
``to_ninjs`` turns a release into a document valid against
``releases/schemas/ninjs-schema_2.2.json``; ``from_ninjs`` turns a ninjs
document back into plain values (strings, datetimes, lists of dicts) that an
importer can store. ``from_ninjs(to_ninjs(release))`` gives back every field
the mapping carries.

Where ninjs 2.2 has no property of its own, the mapping uses these conventions:

- ``people[].literal`` holds a person's role or office (people objects have no
  ``role``); ``rel`` says how the release relates to them: ``quoted``,
  ``mentioned``, ``minister`` (the organisation's minister in office on the
  release's date) or ``contact`` (a press contact, with ``contactinfo``).
- ``contentcreated`` is the publication time: the date on the letterhead.
  ``versioncreated`` is the last public change (``Release.last_public_change_at``)
  of a release the public sees or saw, the last save of one it never saw.
- ``uri`` is the release's UUID as a URN, or, for a release imported from
  another system, that system's identifier, which its UUID derives from.
- the canonical web page is a rendition named ``html``.
- images and attachments are associations whose ``uri`` is a UUID derived
  from the release's UUID, so it survives new domains and slugs.

ninjs 2.2 events carry no dates, so an appointment travels as name and link
only; its place goes to ``places``.

Other producers' ninjs is read too: ninjs 1.x properties (``guid``,
``headline``, ``body_html``, ``body_text``, ``description_text``,
``subject``, ``place``, associations and renditions as objects) as Superdesk
and NTB write them. An item the public may see (``usable``) was published at
its ``contentcreated``, else Superdesk's ``firstpublished``, else its
``firstcreated``, else its ``versioncreated``. Their organisations and people
are what the content mentions: only an organisation with ``rel`` publisher
(or one without any ``rel``) is taken for the issuer, and a person's
``literal`` is a role only with one of the ``rel`` values above (or none).

The export (``to_ninjs(..., restorable=True)``) adds what an import needs to
restore a release exactly and the public API leaves out: the workflow status
as an alternative id with role ``status`` (``pubstatus`` only says whether the
public sees it), the minister entry even when the minister is also named
(without it a quoted minister's office could not be told from a role), and,
for a release known by its day only, that day as an alternative id with role
``date`` (``contentcreated`` must be a date-time: the day's start).
"""

import html
import re
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.translation import gettext as _

from .html import clean_html, html_to_text
from .models import Appointment, Release, ReleasePerson
from .uploads import ATTACHMENT_TYPES

NINJS_VERSION = "2.2"
NINJS_SCHEMA_URL = "https://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "ninjs-schema_2.2.json"

IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".webp": "image/webp", ".gif": "image/gif"}

# people[].rel values.
QUOTED, MENTIONED, MINISTER, CONTACT = "quoted", "mentioned", "minister", "contact"
# events[].rel values.
APPOINTMENT, DELEGATION = "appointment", "delegation"
PUBLISHER = "publisher"
# altids[].role of the workflow status, and of the day of a release published without a
# known time, in a restorable export.
STATUS = "status"
DATE_ONLY = "date"
PUBSTATUSES = ("usable", "withheld", "canceled")


def releases_for_ninjs(queryset, now=None):
    """``queryset`` with everything ``to_ninjs`` reads, fetched in a fixed number of queries.

    Whether each release is public is annotated from ``Release.objects.public()``,
    so the document's ``pubstatus`` follows the one visibility rule.
    """
    return queryset.select_related("organisation").prefetch_related(
        "topics", "contacts", "images", "attachments", "events", "delegations__stops",
        Prefetch("organisation__appointments",
                 queryset=Appointment.objects.select_related("person")),
        Prefetch("release_people", queryset=ReleasePerson.objects.select_related(
            "person").prefetch_related("person__appointments")),
    ).annotate(
        ninjs_is_public=Exists(Release.objects.public(now).filter(pk=OuterRef("pk"))),
    )


# Export --------------------------------------------------------------------

def to_ninjs(release, *, base_url=None, restorable=False):
    """The ninjs 2.2 document of ``release``; links are absolute to ``base_url`` (SITE_URL).

    ``restorable`` adds the status and the minister for the export (see above).
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
            "genres": [{"name": str(release.get_kind_display()), "literal": release.kind}],
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


# Import --------------------------------------------------------------------

def from_ninjs(data):
    """Plain field values of the ninjs document ``data`` (a dict), for an importer.

    Unknown or missing properties give empty values; body HTML is cleaned like
    every other rich text on the way in. A date-time that cannot be read raises
    ``ValueError``: an embargo must never be dropped silently.
    """
    if not isinstance(data, dict):
        raise ValueError(_("A ninjs document is a JSON object."))
    people = _items(data, "people")
    organisations = _items(data, "organisations")
    organisation = next((o for o in organisations if o.get("rel") == PUBLISHER),
                        next((o for o in organisations if not o.get("rel")), {}))
    minister = next((p for p in people if p.get("rel") == MINISTER), None)
    events = _items(data, "events")
    uri = _text(data.get("uri")) or _text(data.get("guid"))
    pubstatus = _text(data.get("pubstatus")) or "usable"
    created_at = local_datetime(data.get("firstcreated"))
    updated_at = local_datetime(data.get("versioncreated"))
    published_at = local_datetime(data.get("contentcreated"))
    if published_at is None and pubstatus == "usable":
        # Published, so at one of these times; a withheld item's time is still a plan.
        published_at = local_datetime(data.get("firstpublished")) or created_at or updated_at
    return {
        "uuid": _uuid(uri),
        "uri": uri,
        "kind": _kind(data),
        "title": (_by_role(_items(data, "headlines"), ("main", None)) or _text(data.get("title"))
                  or _text(data.get("headline"))),
        "subtitle": _by_role(_items(data, "headlines"), ("subhead", "subtitle")),
        "slug": _text(data.get("slugline")),
        "teaser": (_by_role(_items(data, "descriptions"), ("summary", None))
                   or _text(data.get("description_text"))
                   or html.unescape(html_to_text(clean_html(
                       _text(data.get("description_html"))))).strip()),
        "body": _body(_items(data, "bodies") + [
            {"contenttype": "text/html", "value": data.get("body_html")},
            {"contenttype": "text/plain", "value": data.get("body_text")}]),
        "number_label": _by_role(_items(data, "altids"), ("number",)),
        "language": _text(data.get("language")),
        "pubstatus": pubstatus,
        "status": _by_role(_items(data, "altids"), (STATUS,)),
        "published_at": published_at,
        "has_publication_time": not _by_role(_items(data, "altids"), (DATE_ONLY,)),
        "embargo_until": local_datetime(data.get("embargoed")),
        "created_at": created_at,
        "updated_at": updated_at,
        "organisation": _organisation(organisation),
        "contacts": [_contact(p) for p in people if p.get("rel") == CONTACT],
        "people": [
            {"name": _text(p.get("name")),
             # Other producers' literal is a code (e.g. NTB's), a role only in ours.
             "role": _text(p.get("literal")) if p.get("rel") in _PERSON_RELS else "",
             "is_quoted": p.get("rel") == QUOTED,
             "slug": _own_slug(p.get("uri"), "person-detail")}
            for p in people if p.get("rel") not in (CONTACT, MINISTER)
        ],
        "minister": None if minister is None else {
            "name": _text(minister.get("name")), "role": _text(minister.get("literal")),
            "slug": _own_slug(minister.get("uri"), "person-detail")},
        "topics": [
            {"name": _text(s.get("name")),
             "slug": _text(s.get("literal")) or _own_slug(s.get("uri"), "topic-detail")}
            for s in _items(data, "subjects") or _items(data, "subject")
        ],
        "events": [{"name": _text(e.get("name")), "uri": _text(e.get("uri"))}
                   for e in events if e.get("rel") != DELEGATION],
        "delegations": [{"name": _text(e.get("name")), "uri": _text(e.get("uri")),
                         "slug": _own_slug(e.get("uri"), "delegation-detail")}
                        for e in events if e.get("rel") == DELEGATION],
        "places": [_place(p) for p in _items(data, "places") or _items(data, "place")],
        "images": [_image(a) for a in _items(data, "associations")
                   if a.get("type") == "picture"],
        # Attachments are the associations without a news type (see to_ninjs).
        "attachments": [_attachment(a) for a in _items(data, "associations")
                        if "type" not in a and _items(a, "renditions")],
    }


# people[].rel values whose literal is the person's role (None: no rel at all).
_PERSON_RELS = (None, "", QUOTED, MENTIONED, MINISTER, CONTACT)


# What from_ninjs reads, by JSON type. from_ninjs itself skips what it cannot
# use; an importer calls check_ninjs first so that a wrong type is an error.
_TEXT_PROPERTIES = ("uri", "guid", "title", "headline", "slugline", "language", "pubstatus",
                    "profile", "contentcreated", "firstpublished", "embargoed",
                    "firstcreated", "versioncreated", "body_html", "body_text",
                    "description_text", "description_html")
_LIST_PROPERTIES = ("headlines", "descriptions", "bodies", "altids", "genres", "people",
                    "organisations", "subjects", "subject", "events", "places", "place",
                    "associations")
_VALUE_LISTS = ("headlines", "descriptions", "bodies", "altids")
_NAME_LISTS = ("people", "organisations", "subjects", "subject", "events", "places", "place")
# ninjs 1.x keeps these as objects keyed by name (Superdesk writes them so).
_NAMED_OBJECTS = ("associations", "renditions")


def check_ninjs(data):
    """Raise ``ValueError`` naming the first property whose JSON type ``from_ninjs`` cannot use.

    Stricter than ``from_ninjs``, which skips such values: an importer must not
    store a release whose title was a number as one without a title.
    """
    if not isinstance(data, dict):
        raise ValueError(_("A ninjs document is a JSON object, not %(type)s.")
                         % {"type": _json_type(data)})
    for key in _TEXT_PROPERTIES:
        if data.get(key) is not None and not isinstance(data[key], str):
            raise _wrong_type(key, "text", data[key])
    pubstatus = data.get("pubstatus")
    if pubstatus is not None and pubstatus not in PUBSTATUSES:
        raise ValueError(_("pubstatus: %(value)s is not one of %(allowed)s.")
                         % {"value": _shorten(pubstatus), "allowed": ", ".join(PUBSTATUSES)})
    for key in _LIST_PROPERTIES:
        value = data.get(key)
        if value is None:
            continue
        if key in _NAMED_OBJECTS and isinstance(value, dict):
            value = list(value.values())
        if not isinstance(value, list):
            raise _wrong_type(key, "list", value)
        for index, item in enumerate(value):
            where = f"{key}[{index}]"
            if not isinstance(item, dict):
                raise _wrong_type(where, "object", item)
            if key in _VALUE_LISTS and not isinstance(item.get("value", ""), str):
                raise _wrong_type(f"{where}.value", "text", item["value"])
            if key in _NAME_LISTS and not isinstance(item.get("name", ""), str):
                raise _wrong_type(f"{where}.name", "text", item["name"])


def _json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def _wrong_type(where, expected, value):
    expected = {"text": _("text"), "list": _("a list"), "object": _("an object")}[expected]
    return ValueError(_("%(where)s: expected %(expected)s, found %(found)s.")
                      % {"where": where, "expected": expected, "found": _json_type(value)})


def _shorten(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _items(data, key):
    value = data.get(key)
    if key in _NAMED_OBJECTS and isinstance(value, dict):
        value = [{"name": name, **item} for name, item in value.items() if isinstance(item, dict)]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value):
    return value.strip() if isinstance(value, str) else ""


def _number(value):
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _by_role(items, roles):
    for role in roles:
        for item in items:
            if item.get("role") == role and _text(item.get("value")):
                return _text(item["value"])
    return ""


def _uuid(uri):
    try:
        return uuid.UUID(uri) if isinstance(uri, str) and uri.startswith("urn:uuid:") else None
    except ValueError:
        return None


def _kind(data):
    kinds = set(Release.Kind.values)
    for candidate in [g.get("literal") for g in _items(data, "genres")] + [data.get("profile")]:
        if candidate in kinds:
            return candidate
    return ""


def _body(bodies):
    html_bodies = [b for b in bodies if b.get("contenttype") == "text/html"]
    for body in sorted(html_bodies, key=lambda b: b.get("role") != "main"):
        if _text(body.get("value")):
            return clean_html(body["value"])
    for body in bodies:
        if body.get("contenttype") in (None, "text/plain") and _text(body.get("value")):
            paragraphs = re.split(r"\n\s*\n", body["value"].strip())
            return clean_html("".join(f"<p>{escape(p.strip())}</p>" for p in paragraphs))
    return ""


def _info(entity, kind):
    for entry in entity.get("contactinfo") or []:
        if isinstance(entry, dict) and entry.get("type") == kind and _text(entry.get("value")):
            return _text(entry["value"])
    return ""


def _address(entity):
    for entry in entity.get("contactinfo") or []:
        if isinstance(entry, dict) and isinstance(entry.get("address"), dict):
            return entry["address"]
    return {}


def _organisation(entity):
    address = _address(entity)
    lines = address.get("lines") if isinstance(address.get("lines"), list) else []
    return {
        "name": _text(entity.get("name")), "short_name": _text(entity.get("literal")),
        "slug": _own_slug(entity.get("uri"), "organisation-detail"),
        "website": _info(entity, "web"), "email": _info(entity, "email"),
        "phone": _info(entity, "phone"),
        "street": ", ".join(_text(line) for line in lines if _text(line)),
        "postal_code": _text(address.get("postalcode")), "city": _text(address.get("locality")),
    }


def _contact(entity):
    return {"name": _text(entity.get("name")), "role": _text(entity.get("literal")),
            "email": _info(entity, "email"), "phone": _info(entity, "phone"),
            "mobile": _info(entity, "mobile")}


def _place(entity):
    address = _address(entity)
    return {"name": _text(entity.get("name")), "city": _text(address.get("locality")),
            "country": _text(address.get("country"))}


def _original(association):
    renditions = _items(association, "renditions")
    return next((r for r in renditions if r.get("name") == "original"),
                renditions[0] if renditions else {})


def _image(association):
    rendition = _original(association)
    descriptions = _items(association, "descriptions")
    return {
        "href": _text(rendition.get("href")), "contenttype": _text(rendition.get("contenttype")),
        "width": _number(rendition.get("width")), "height": _number(rendition.get("height")),
        "alt_text": _by_role(descriptions, ("alt",)),
        "caption": _by_role(descriptions, ("caption",)),
        "credit": _text(association.get("copyrightnotice")) or _text(association.get("by")),
        "licence": _text(association.get("usageterms")),
    }


def _attachment(association):
    rendition = _original(association)
    return {"href": _text(rendition.get("href")),
            "contenttype": _text(rendition.get("contenttype")),
            "title": _text(association.get("title")) or _text(rendition.get("title"))
            or _text(association.get("name"))}


def local_datetime(value):
    """An aware datetime from ISO 8601 text (None for none); without an offset the time
    is the site's (TIME_ZONE). ``ValueError`` names a value that is not a date-time.

    ninjs requires an offset; documents, sidecars and seed files may leave it out.
    """
    if value in (None, ""):
        return None
    try:
        moment = parse_datetime(value.strip()) if isinstance(value, str) else None
    except ValueError:  # well formed, but no such day or hour
        moment = None
    if moment is None:
        raise ValueError(_("Not a date-time: %(value)s") % {"value": _shorten(value)})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _own_slug(uri, url_name):
    """The slug in ``uri`` when it is a link to one of this site's pages of ``url_name``."""
    if not isinstance(uri, str) or not uri.startswith(("http://", "https://")):
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(urlsplit(uri).path)
        except Resolver404:
            return ""
    if match.namespace != "releases" or match.url_name != url_name:
        return ""
    return match.kwargs.get("slug", "")

