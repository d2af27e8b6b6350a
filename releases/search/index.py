"""Keeping the search index and the list of public words current, on either database.

A release's document (``search_document``) has three parts: its heading (title,
subtitle and the names it carries: organisation and its short name, topics,
people, press contacts, its number), its teaser and its text. The backend of the
database (``postgresql`` or ``sqlite``) indexes it (``index``) whenever a
release is saved, and counts the words of public releases (``count_words``),
from which compounds and typo corrections are looked up.
"""

from django.db import router, transaction
from django.db.models.signals import post_save, pre_delete, pre_save

from ..models import Contact, Organisation, Person, PlaceName, Release, Topic
from .places import place_key
from .text import _LETTERS, MAX_WORD_CHARS, _as_words, _normalise_word, _plain


def _backend(db):
    from . import backend

    return backend(db)


def search_document(release):
    """The texts to index: heading, teaser and text (plain)."""
    names = [release.organisation.name, release.organisation.short_name,
             *(topic.name for topic in release.topics.all()),
             *(person.full_name for person in release.people.all()),
             *(contact.name for contact in release.contacts.all())]
    if release.number and release.number_year:
        names.append(f"{release.number}/{release.number_year}")
    return {
        "heading": "\n".join(filter(None, [release.title, release.subtitle, *names])),
        "teaser": release.teaser,
        "text": _plain(release.body),
    }


def words_of(document):
    """The normalised words of a search document, each with one spelling to show."""
    words = {}
    for word in dict.fromkeys(_LETTERS.findall(_as_words("\n".join(document.values())))):
        if len(word) <= MAX_WORD_CHARS:
            words.setdefault(_normalise_word(word), word)
    return words


def indexed(release_ids, db):
    """The releases with what their documents need."""
    return (Release.objects.using(db).filter(pk__in=release_ids)
            .select_related("organisation").prefetch_related("topics", "people", "contacts")
            .only("title", "subtitle", "teaser", "body", "number", "number_year",
                  "organisation__name", "organisation__short_name"))


def update_search_vector(release_ids):
    """Index these releases afresh.

    A receiver calls it after every save of a release; whoever changes a release's
    topics, people or contacts afterwards (the admin after save_related) calls it again.
    """
    db = router.db_for_write(Release)
    release_ids = list(release_ids)
    if release_ids:
        _backend(db).index(release_ids, db)


def count_public_words(releases, sign):
    """Count (``sign`` 1) or uncount (-1) the words of ``releases`` as they are now.

    ``releases`` are Release instances or ids. Called when releases become public,
    stop being public, or before and after their live content changes, in the
    transaction that does it. A word no public release contains any more is deleted.
    """
    db = router.db_for_write(Release)
    ids = [getattr(release, "pk", release) for release in releases]
    for start in range(0, len(ids), 500):
        counts = {}
        for release in indexed(ids[start:start + 500], db):
            for word, display in words_of(search_document(release)).items():
                entry = counts.setdefault(word, [display, 0])
                entry[1] += 1
        if counts:
            _backend(db).count_words(counts, sign, db)


def counted_releases(now=None):
    """The releases whose words are in the list: public, their publication completed."""
    return Release.objects.public(now).filter(effects_done_at__isnull=False)


def rebuild_search_index(batch_size=500, progress=None):
    """Index every release and count the words of public releases afresh;
    returns the number of releases."""
    db = router.db_for_write(Release)
    ids = list(Release.objects.using(db).documents().order_by("pk")
               .values_list("pk", flat=True))
    counted = set(counted_releases().using(db).values_list("pk", flat=True))
    with transaction.atomic(using=db):
        _backend(db).clear(db)
        for start in range(0, len(ids), batch_size):
            batch = ids[start:start + batch_size]
            update_search_vector(batch)
            count_public_words([pk for pk in batch if pk in counted], 1)
            if progress:
                progress(min(start + batch_size, len(ids)), len(ids))
    return len(ids)


def _on_release_saved(sender, instance, raw=False, **kwargs):
    # A working edition is never searched: the public reads the live edition.
    if not raw and instance.edition_of_id is None:
        update_search_vector([instance.pk])


def _on_release_deleted(sender, instance, **kwargs):
    if counted_releases().filter(pk=instance.pk).exists():
        count_public_words([instance.pk], -1)
    db = router.db_for_write(Release)
    _backend(db).unindex([instance.pk], db)


# The names a release's heading carries: {model: (the release lookup, its named fields)}.
NAMES = {
    Organisation: ("organisation", ("name", "short_name")),
    Topic: ("topics", ("name",)),
    Person: ("people", ("honorific", "given_name", "family_name")),
    Contact: ("contacts", ("name",)),
}


def _carriers(instance):
    """The ids of the releases (not working editions) whose headings carry ``instance``."""
    lookup, _fields = NAMES[type(instance)]
    return list(Release.objects.filter(**{lookup: instance}, edition_of__isnull=True)
                .values_list("pk", flat=True))


def _on_name_saving(sender, instance, raw=False, **kwargs):
    """Before a name changes: uncount the words of the public releases that carry it."""
    _lookup, fields = NAMES[sender]
    old = sender.objects.filter(pk=instance.pk).values(*fields).first() if instance.pk else None
    renamed = not raw and old is not None and any(
        old[name] != getattr(instance, name) for name in fields)
    instance._search_carriers = _carriers(instance) if renamed else []
    if instance._search_carriers:
        count_public_words(counted_releases().filter(pk__in=instance._search_carriers)
                           .values_list("pk", flat=True), -1)


def _on_name_saved(sender, instance, **kwargs):
    """After a name changed: index the releases that carry it, count their words again."""
    ids = getattr(instance, "_search_carriers", [])
    if ids:
        update_search_vector(ids)
        count_public_words(counted_releases().filter(pk__in=ids).values_list("pk", flat=True), 1)


def _on_place_name_saving(sender, instance, **kwargs):
    instance.key = place_key(instance.name)


def connect_signals():
    """Keep the index current on every save of a release or of a name it carries, and
    a place name's lookup key on every save of the name (models do not call search)."""
    post_save.connect(_on_release_saved, sender=Release, dispatch_uid="releases.search.save")
    pre_save.connect(_on_place_name_saving, sender=PlaceName,
                     dispatch_uid="releases.search.place_name")
    pre_delete.connect(_on_release_deleted, sender=Release,
                       dispatch_uid="releases.search.delete")
    # A renamed topic, organisation, person or contact is found under its new name.
    for model in NAMES:
        pre_save.connect(_on_name_saving, sender=model,
                         dispatch_uid=f"releases.search.name.{model.__name__}")
        post_save.connect(_on_name_saved, sender=model,
                          dispatch_uid=f"releases.search.name.{model.__name__}")
