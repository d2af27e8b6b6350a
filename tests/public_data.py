"""Values shared by the public site's tests and their fixtures."""

import datetime
import zoneinfo

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
HIDDEN = "VERBORGEN"  # in the title of every release the public must not see


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)
