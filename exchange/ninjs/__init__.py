"""The one mapping between a Release and IPTC ninjs 2.2 (News in JSON).

The API, the export and the ninjs importer all go through here:
``to_ninjs`` (write.py) turns a release into a document valid against
``exchange/schemas/ninjs-schema_2.2.json``; ``from_ninjs`` (read.py) turns a
ninjs document back into plain values (strings, datetimes, lists of dicts)
that an importer can store, after ``check_ninjs`` (check.py) has refused
values of the wrong JSON type. ``from_ninjs(to_ninjs(release))`` gives back
every field the mapping carries. The names and values they share are in
vocabulary.py.

Where ninjs 2.2 has no property of its own, the mapping uses these conventions:

- ``people[].literal`` holds a person's role or office (people objects have no
  ``role``); ``rel`` says how the release relates to them: ``quoted``,
  ``mentioned``, ``minister`` (the organisation's minister in office on the
  release's date) or ``contact`` (a press contact, with ``contactinfo``).
- ``contentcreated`` is the publication time: the date on the letterhead.
  ``versioncreated`` is the last public change (``Release.last_public_change_at``)
  of a release the public sees or saw, the last save of one it never saw.
- ``uri`` is the release's UUID as a URN, or, for a release imported from
  another system, that system's identifier, which its UUID derives from; the
  UUID is then an alternative id with role ``newsroom-uuid``. The API answers
  for a release by either.
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
``firstcreated``, else its ``versioncreated`` (which dates a new release only: a
later version keeps the date). Their organisations and people are what the
content mentions: only an organisation with ``rel`` publisher
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

from .check import check_ninjs
from .read import from_ninjs, local_datetime
from .vocabulary import NINJS_SCHEMA_URL, NINJS_VERSION, SCHEMA_PATH
from .write import release_uri, releases_for_ninjs, to_ninjs

__all__ = ["NINJS_SCHEMA_URL", "NINJS_VERSION", "SCHEMA_PATH", "check_ninjs", "from_ninjs",
           "local_datetime", "release_uri", "releases_for_ninjs", "to_ninjs"]
