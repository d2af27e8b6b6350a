"""The names and values of the ninjs mapping that writing, reading and checking share."""

from pathlib import Path

NINJS_VERSION = "2.2"
NINJS_SCHEMA_URL = "https://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "ninjs-schema_2.2.json"

# people[].rel values.
QUOTED, MENTIONED, MINISTER, CONTACT = "quoted", "mentioned", "minister", "contact"
# events[].rel values.
APPOINTMENT, DELEGATION = "appointment", "delegation"
PUBLISHER = "publisher"
# altids[].role of the workflow status, and of the day of a release published without a
# known time, in a restorable export.
STATUS = "status"
DATE_ONLY = "date"
# altids[].role of the release's own UUID, given when its uri is its source's (imported).
OWN_UUID = "newsroom-uuid"
PUBSTATUSES = ("usable", "withheld", "canceled")
# ninjs 1.x keeps these as objects keyed by name (Superdesk writes them so).
NAMED_OBJECTS = ("associations", "renditions")
