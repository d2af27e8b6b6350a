"""The importers' one intermediate structure: checked, normalised, identified.

Every reader produces the dict that ``ninjs.from_ninjs`` returns (documents
through ``ParsedRelease.values()``). Before anything is written, ``clean``
checks it against the model: plain-text fields lose control characters and
surrounding space, and a value longer than its column is an error naming the
field (never cut silently); rich text goes through ``clean_html``.
``identity`` gives the release's UUID.
"""

import hashlib
import re
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from releases import names
from releases.fields import validate_year
from releases.html import clean_html, html_to_text, markup_text
from releases.models import (
    Appointment,
    Contact,
    Organisation,
    Person,
    Release,
    ReleasePerson,
    Topic,
)
from releases.slugs import german_slug

from .errors import DocumentError

CONTENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "newsroom:content")

_LINE_CONTROLS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NUMBER = re.compile(r"^(\d{1,9})\s*/\s*(\d{4})$")


def plain_line(value):
    """One line of plain text: line breaks and tabs become spaces, other controls go."""
    return _CONTROLS.sub("", _LINE_CONTROLS.sub(" ", str(value or ""))).strip()


def plain_text(value):
    """Plain text that may have several lines (a teaser)."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text).strip()


def name(value):
    """A name as it is matched: trimmed, inner whitespace single."""
    return " ".join(plain_line(value).split())


def name_key(value):
    """What two names must share to be the same: case and spacing do not count."""
    return name(value).casefold()


def split_name(full_name):
    """(honorific, given name, family name) of a person's full name (releases.names)."""
    return names.split_name(name(full_name))


def _text(model, field_name, value, what):
    """``value`` as a plain-text value of ``model.field_name``, or a clear error."""
    field = model._meta.get_field(field_name)
    if isinstance(field, models.TextField):
        text = plain_text(value)
    else:
        text = plain_line(value)
    if field.max_length and len(text) > field.max_length:
        raise DocumentError(
            _("%(what)s: %(field)s is too long (%(length)s characters; at most %(limit)s are "
              "allowed).") % {"what": what, "field": field.verbose_name, "length": len(text),
                              "limit": field.max_length})
    if text:
        try:
            for validator in field.validators:
                validator(text)
        except ValidationError as error:
            raise DocumentError(_("%(what)s: %(field)s “%(value)s”: %(error)s") % {
                "what": what, "field": field.verbose_name, "value": text[:80],
                "error": " ".join(error.messages)}) from error
    return text


def _slug(value, max_length):
    text = plain_line(value)
    if text and re.fullmatch(r"[-a-zA-Z0-9_]+", text) and len(text) <= max_length:
        return text
    return german_slug(text, max_length=max_length) if text else ""


def _rich(value):
    return clean_html(_CONTROLS.sub("", str(value or "")))


def clean(values):
    """A checked copy of ``values``; ``DocumentError`` says what is wrong with them."""
    what = _("release")
    out = dict(values)
    for key in ("title", "subtitle", "teaser"):
        out[key] = _text(Release, key, values.get(key), what)
    if not out["title"]:
        raise DocumentError(_("The item has no title."))
    out["slug"] = _slug(values.get("slug") or out["title"], 200) or "release"
    out["body"] = _rich(values.get("body"))
    if not html_to_text(out["body"]):
        raise DocumentError(_("The item has no text."))
    for key in ("published_at", "embargo_until", "created_at", "updated_at"):
        # In the years a form of the admin accepts.
        try:
            validate_year(values.get(key) and timezone.localtime(values[key]))
        except ValidationError as error:
            label = capfirst(Release._meta.get_field(key).verbose_name)
            raise DocumentError(f"{label}: {error.messages[0]}") from None
    out["kind"] = values.get("kind") or Release.Kind.PRESS_RELEASE
    status = plain_line(values.get("status"))
    if status and status not in Release.Status.values:
        raise DocumentError(_("Unknown status “%(status)s”.") % {"status": status[:40]})
    out["status"] = status
    out["number"] = _number(values.get("number_label"))

    organisation = values.get("organisation") or {}
    what = _("organisation")
    out["organisation"] = {
        "name": name(_text(Organisation, "name", organisation.get("name"), what)),
        "short_name": _text(Organisation, "short_name", organisation.get("short_name"), what),
        "slug": _slug(organisation.get("slug"), 100),
        "website": _text(Organisation, "website", organisation.get("website"), what),
        "press_email": _text(Organisation, "press_email", organisation.get("email"), what),
        "phone": _text(Organisation, "phone", organisation.get("phone"), what),
        "street": _text(Organisation, "street", organisation.get("street"), what),
        "postal_code": _text(Organisation, "postal_code", organisation.get("postal_code"), what),
        "city": _text(Organisation, "city", organisation.get("city"), what),
        "footer": _rich(organisation.get("footer")),
        "email_note_mark": _text(Organisation, "email_note_mark",
                                 organisation.get("email_note_mark"), what),
    }
    if not out["organisation"]["name"] and not out["organisation"]["slug"]:
        raise DocumentError(_("The item names no organisation: give the issuing one with "
                              "--organisation SLUG (or the setting "
                              "IMPORT_DEFAULT_ORGANISATION)."))
    out["uri"] = _text(Release, "source_uri", values.get("uri"), _("release"))

    out["contacts"] = []
    for contact in values.get("contacts") or []:
        what = _("contact “%(name)s”") % {"name": name(contact.get("name"))[:80]}
        entry = {key: _text(Contact, key, contact.get(key), what)
                 for key in ("name", "role", "phone", "mobile", "email")}
        entry["name"] = name(entry["name"])
        if entry["name"]:
            out["contacts"].append(entry)

    out["people"] = []
    for person in values.get("people") or []:
        entry = _person(person, _("person “%(name)s”") % {"name": name(person.get("name"))[:80]})
        if entry:
            entry["role"] = _text(ReleasePerson, "role", person.get("role"), entry["what"])
            entry["is_quoted"] = bool(person.get("is_quoted"))
            out["people"].append(entry)
    minister = values.get("minister")
    out["minister"] = None
    if minister:
        what = _("minister “%(name)s”") % {"name": name(minister.get("name"))[:80]}
        entry = _person(minister, what)
        if entry:
            entry["role"] = _text(Appointment, "title", minister.get("role"), what)
            out["minister"] = entry

    out["topics"] = []
    for topic in values.get("topics") or []:
        what = _("topic “%(name)s”") % {"name": name(topic.get("name"))[:80]}
        entry = {"name": name(_text(Topic, "name", topic.get("name"), what)),
                 "slug": _slug(topic.get("slug"), 100)}
        if entry["name"] or entry["slug"]:
            out["topics"].append(entry)
    for key in ("events", "delegations"):
        out[key] = [{"name": name(item.get("name")), "slug": _slug(item.get("slug"), 200),
                     "uri": plain_line(item.get("uri"))}
                    for item in values.get(key) or [] if item.get("name") or item.get("slug")]
    return out


def _person(person, what):
    full_name = name(person.get("name"))
    slug = _slug(person.get("slug"), 200)
    if not full_name and not slug:
        return None
    honorific, given, family = split_name(full_name)
    return {
        "what": what, "name": full_name, "slug": slug,
        "honorific": _text(Person, "honorific", honorific, what),
        "given_name": _text(Person, "given_name", given, what),
        "family_name": _text(Person, "family_name", family, what),
    }


def _number(label):
    label = plain_line(label)
    if not label:
        return None
    match = _NUMBER.match(label)
    if not match:
        raise DocumentError(_("The number “%(label)s” is not of the form 12/2021.")
                            % {"label": label[:40]})
    return int(match.group(1)), int(match.group(2))


def names_organisation(values):
    organisation = values.get("organisation") or {}
    return bool(name(organisation.get("name")) or plain_line(organisation.get("slug")))


def source_uri(values, identity):
    """The item's own identifier when the release's UUID derives from it, else "".

    Kept so that an export gives it back as the ``uri``; a ``urn:uuid:`` uri is
    the UUID itself and needs no keeping, and a seed document keyed by its file
    name is not identified by it.
    """
    uri = plain_line(values.get("uri"))
    if uri and not values.get("uuid") and identity == uuid.uuid5(uuid.NAMESPACE_URL, uri):
        return uri
    return ""


def identity(values):
    """The release UUID of an item.

    A ninjs ``urn:uuid:`` uri is the UUID itself; any other uri or source id
    gives a name-based UUID of it; without either, a UUID of the normalised
    content (organisation, date, title, subtitle, text), so the same document
    imported twice, or once as DOCX and once as Markdown, is one release.
    """
    if values.get("uuid"):
        return values["uuid"]
    uri = plain_line(values.get("uri"))
    if uri:
        return uuid.uuid5(uuid.NAMESPACE_URL, uri)
    published_at = values.get("published_at")
    parts = [
        name_key((values.get("organisation") or {}).get("name")),
        timezone.localdate(published_at).isoformat() if published_at else "",
        name(values.get("title")), name(values.get("subtitle")),
        " ".join(markup_text(_rich(values.get("body"))).split()),
    ]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    return uuid.uuid5(CONTENT_NAMESPACE, digest)
