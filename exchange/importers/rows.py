"""Rows written only when they change: ``upsert`` and ``set_related``.

The importer (store.py) and the seed (exchange/seeding.py, exchange/demodata/)
write through these, so loading the same material again leaves every row,
``updated_at`` included, as it was.
"""

import datetime

from releases.fields import SanitisedRichTextField
from releases.html import clean_html

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
    if before == {obj.pk for obj in objects}:
        return
    manager.set(objects)
    if counts is not None:
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


def local_date(value):
    return datetime.date.fromisoformat(value) if value else None
