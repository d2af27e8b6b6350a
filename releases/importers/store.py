"""Saving what importers and the seed produce, without touching rows that already match.

``upsert`` writes a row only when a value differs, so a second import of the
same material leaves every row, ``updated_at`` included, as it was.
"""

import datetime
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import services
from ..fields import SanitisedRichTextField
from ..html import clean_html
from ..models import Contact, Delegation, Event, Organisation, Person, Release, ReleasePerson, Topic
from ..slugs import german_slug
from .document import DocumentError

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def upsert(model, lookup, values, counts=None):
    """Find the ``model`` row matching ``lookup`` and give it ``values``; create it if missing.

    Saves only when something differs. ``counts`` (a Counter) tallies the outcome.
    """
    values = {name: _stored_form(model, name, value) for name, value in values.items()}
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        outcome = CREATED
    else:
        changed = [name for name, value in values.items() if not _same(instance, name, value)]
        for name in changed:
            setattr(instance, name, values[name])
        if changed:
            instance.save()
        outcome = UPDATED if changed else UNCHANGED
    if counts is not None:
        counts[outcome] += 1
    return instance


def set_related(manager, objects, counts=None):
    """Make a many-to-many relation hold exactly ``objects``; Django adds and removes the diff."""
    objects = list(objects)
    before = set(manager.values_list("pk", flat=True))
    manager.set(objects)
    if counts is not None and before != {obj.pk for obj in objects}:
        counts[UPDATED] += 1


def _stored_form(model, name, value):
    if isinstance(model._meta.get_field(name), SanitisedRichTextField):
        return clean_html(value)
    return value


def _same(instance, name, value):
    field = instance._meta.get_field(name)
    if field.is_relation:
        return getattr(instance, field.attname) == (value.pk if value is not None else None)
    return getattr(instance, name) == value


def local_datetime(value):
    """An aware datetime from ISO text; without an offset the time is the site's local time."""
    if not value:
        return None
    moment = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def local_date(value):
    return datetime.date.fromisoformat(value) if value else None


def _by_slug(model, slugs, what):
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise DocumentError(_("Unknown %(what)s: %(slugs)s")
                            % {"what": what, "slugs": ", ".join(missing)})
    return [found[slug] for slug in slugs]


def _organisation(parsed):
    slug = parsed.metadata.get("organisation")
    queryset = Organisation.objects.filter(slug=slug) if slug else Organisation.objects.filter(
        name=parsed.organisation_name)
    organisation = queryset.first()
    if organisation is None:
        raise DocumentError(_("Unknown organisation “%(name)s”: create it first.")
                            % {"name": slug or parsed.organisation_name})
    return organisation


def _published_at(parsed):
    if parsed.metadata.get("published_at"):
        return local_datetime(parsed.metadata["published_at"])
    if parsed.date:
        # The document gives a day only: the release counts from that day's start.
        return timezone.make_aware(datetime.datetime.combine(parsed.date, datetime.time()),
                                   timezone.get_default_timezone())
    return None


@transaction.atomic
def store_release(parsed, *, identity, counts=None):
    """Create or update the release ``identity`` (a UUID) from a :class:`ParsedRelease`.

    The sidecar metadata may link topics, people, appointments and trips by
    slug and ask for ``"status": "published"``; publishing goes through
    ``services.publish`` so the release gets its number like any other.
    A contact named by the document is created when missing but never
    overwritten: an old document's phone number may be out of date.
    """
    counts = counts if counts is not None else Counter()
    meta = parsed.metadata
    organisation = _organisation(parsed)
    published_at = _published_at(parsed)
    release = upsert(Release, {"uuid": identity}, {
        "kind": parsed.kind or Release.Kind.PRESS_RELEASE,
        "organisation": organisation,
        "title": parsed.title,
        "subtitle": parsed.subtitle,
        "slug": german_slug(parsed.title),
        "teaser": meta.get("teaser", ""),
        "body": parsed.body_html,
        "published_at": published_at,
    }, counts)

    contacts = []
    if parsed.contact_name:
        contact, created = Contact.objects.get_or_create(
            organisation=organisation, name=parsed.contact_name,
            defaults={"phone": parsed.contact_phone, "email": parsed.contact_email})
        counts[CREATED if created else UNCHANGED] += 1
        contacts.append(contact)
    set_related(release.contacts, contacts, counts)
    set_related(release.topics, _by_slug(Topic, meta.get("topics", []), _("topics")), counts)
    set_related(release.events, _by_slug(Event, meta.get("events", []), _("appointments")),
                counts)
    set_related(release.delegations,
                _by_slug(Delegation, meta.get("delegations", []), _("delegation trips")), counts)

    entries = meta.get("people", [])
    people = _by_slug(Person, [entry["person"] for entry in entries], _("people"))
    for order, (entry, person) in enumerate(zip(entries, people, strict=True)):
        upsert(ReleasePerson, {"release": release, "person": person}, {
            "role": entry.get("role", ""), "is_quoted": entry.get("is_quoted", False),
            "order": order,
        }, counts)
    stale = release.release_people.exclude(person__in=people)
    if stale.exists():
        stale.delete()
        counts[UPDATED] += 1

    wants_published = meta.get("status") == Release.Status.PUBLISHED
    if wants_published and (release.status not in Release.VISIBLE_STATUSES or not release.number):
        if published_at is None:
            raise DocumentError(_("A release to be published needs a date."))
        services.publish(release, at=published_at)
        counts[UPDATED] += 1
    return release
