"""Reading ninjs: the plain values of a document (``from_ninjs``), for an importer.

The conventions of the mapping are described in ``exchange/ninjs/__init__.py``;
``check_ninjs`` (check.py) refuses what this module would skip.
"""

import datetime
import re
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.translation import gettext as _

from releases.html import clean_html, html_to_text
from releases.models import Release

from .check import shorten
from .vocabulary import (
    CONTACT,
    DATE_ONLY,
    DELEGATION,
    MENTIONED,
    MINISTER,
    NAMED_OBJECTS,
    PUBLISHER,
    QUOTED,
    STATUS,
)


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
        published_at = local_datetime(data.get("firstpublished")) or created_at
    # The version time dates a new release only: a later version is no new publication.
    dated_by_version = published_at is None and pubstatus == "usable" and bool(updated_at)
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
                   or html_to_text(clean_html(
                       _text(data.get("description_html")))).strip()),
        "body": _body(_items(data, "bodies") + [  # and as ninjs 1.x gives it
            {"contenttype": "text/html", "value": data.get("body_html")},
            {"contenttype": "application/xhtml+xml", "value": data.get("body_xhtml")},
            {"contenttype": "text/plain", "value": data.get("body_text")}]),
        "number_label": _by_role(_items(data, "altids"), ("number",)),
        "language": _text(data.get("language")),
        "pubstatus": pubstatus,
        "status": _by_role(_items(data, "altids"), (STATUS,)),
        "published_at": updated_at if dated_by_version else published_at,
        "dated_by_version": dated_by_version,
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


def _items(data, key):
    value = data.get(key)
    if key in NAMED_OBJECTS and isinstance(value, dict):
        value = [{"name": name, **item} for name, item in value.items() if isinstance(item, dict)]
    elif key == "altids" and isinstance(value, dict):  # ninjs 1.x: {role: value}
        value = [{"role": role, "value": item} for role, item in value.items()]
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
        if isinstance(candidate, str) and candidate in kinds:
            return candidate
    return ""


def _media_type(body):
    """The body's media type without parameters, in lower case ("text/html; charset=utf-8"
    is "text/html"); None if it has none."""
    value = body.get("contenttype")
    return value.split(";")[0].strip().lower() if isinstance(value, str) else None


def _body(bodies):
    html_bodies = [b for b in bodies if _media_type(b) in _HTML_TYPES]
    for body in sorted(html_bodies, key=lambda b: b.get("role") != "main"):
        if _text(body.get("value")):
            return clean_html(body["value"])
    for body in bodies:
        if _media_type(body) in (None, "text/plain") and _text(body.get("value")):
            paragraphs = re.split(r"\n\s*\n", body["value"].strip())
            return clean_html("".join(f"<p>{escape(p.strip())}</p>" for p in paragraphs))
    return ""


_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _info(entity, kind):
    for entry in _items(entity, "contactinfo"):
        if entry.get("type") == kind and _text(entry.get("value")):
            return _text(entry["value"])
    return ""


def _address(entity):
    for entry in _items(entity, "contactinfo"):
        if isinstance(entry.get("address"), dict):
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
    moment = None
    try:
        moment = parse_datetime(value.strip()) if isinstance(value, str) else None
        if moment is not None:
            moment = site_moment(moment)
    except (ValueError, OverflowError):  # no such day or hour; beyond the calendar in UTC
        moment = None
    if moment is None:
        raise ValueError(_("Not a date-time: %(value)s") % {"value": shorten(value)})
    return moment


def site_moment(moment):
    """``moment``, naive meaning the site's wall-clock time (TIME_ZONE), as an aware one.

    A time the clock skips or shows twice (daylight saving) is the later moment: an
    embargo ends no earlier than it may have meant.
    """
    if timezone.is_aware(moment):
        return moment.astimezone(datetime.UTC)  # OverflowError beyond the calendar
    zone = timezone.get_default_timezone()
    # Compared in UTC: within one zone Python compares wall-clock times, fold ignored.
    return max(moment.replace(tzinfo=zone, fold=fold).astimezone(datetime.UTC)
               for fold in (0, 1))


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

