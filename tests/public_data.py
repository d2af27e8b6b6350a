"""Values shared by the public site's tests and their fixtures."""

import datetime
import zoneinfo

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
HIDDEN = "VERBORGEN"  # in the title of every release the public must not see


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


# An appointment or trip announced in its own right long before any test's moment
# (models.events.Announcement): public like before announcing existed.
ANNOUNCED = {"status": "announced", "published_at": berlin(2020, 1, 1, 9, 0)}


# Archive sizes for query counts: one release, a page's worth, and more than any page
# or feed shows (20 a page, 30 a feed).
ARCHIVE_SIZES = (1, 20, 50)
