"""The content of an edition: copied into a working edition, and back onto the live release.

A release that has been published or scheduled keeps its content, the live
edition, while a change is written in a working edition: a second Release row
(``edition_of`` points to the live one) with its own links, people, images and
attachments. The public never reads a working edition (Release.objects.public()
excludes them). Publishing it puts its content on the live row, in one
transaction, and deletes it; the live row keeps its address, uuid, number and
publication date.

These functions move content only. Who may do it and when is decided in
releases/services/ (working_editions.py, content.py, drafts.py), which calls them
inside its transactions.
"""

from .models import Release
from .revisions import CONTENT_FIELDS, CONTENT_M2M, FOLLOWED_MODELS

# What a working edition does not change on the live release: its address (the slug is
# part of it) and its issuer, whose numbering the release belongs to.
FIXED_FIELDS = ("organisation", "slug")


def _attname(name):
    return Release._meta.get_field(name).attname


def copy_content(source, target, names=CONTENT_FIELDS):
    """Set ``target``'s content fields (in memory) to ``source``'s."""
    for name in names:
        setattr(target, _attname(name), getattr(source, _attname(name)))


def copy_relations(source, target):
    """Give ``target`` (saved) the links and the people, images and attachments of
    ``source``: copies of the rows, which keep the stored files and renditions."""
    for name in CONTENT_M2M:
        getattr(target, name).set(getattr(source, name).all())
    for name in FOLLOWED_MODELS:
        rows = list(getattr(source, name).all())
        for row in rows:
            row.pk = None
            row._state.adding = True
            row.release = target
        # One by one: ReleaseImage.save() keeps an image's renditions (they were made
        # from the same stored file), and the cache's receivers see each row.
        for row in rows:
            row.save()
    return target


def new_working_edition(live, user):
    """A working edition of ``live`` with its content, saved; not yet with its relations."""
    edition = Release(edition_of=live, status=Release.Status.DRAFT, created_by=user,
                      updated_by=user, version=1)
    copy_content(live, edition)
    edition.change_note = ""
    edition.save()
    return edition


def apply_fields(edition, live, *, embargo_too):
    """Put ``edition``'s content fields on ``live``, in memory.

    ``embargo_too``: also its embargo, which matters only while the release is not
    public yet; a release that is public keeps its own.
    """
    names = [name for name in CONTENT_FIELDS
             if name not in FIXED_FIELDS and (embargo_too or name != "embargo_until")
             and name != "change_note"]
    copy_content(edition, live, names)


def apply_relations(edition, live):
    """Give ``live`` the links of ``edition``; its people, images and attachments move
    over from the edition. The live release's old rows go; their files stay for its
    earlier revisions."""
    for name in CONTENT_M2M:
        getattr(live, name).set(getattr(edition, name).all())
    for name, model in FOLLOWED_MODELS.items():
        getattr(live, name).all().delete()
        model.objects.filter(release=edition).update(release=live)
