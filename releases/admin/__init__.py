"""The editors' working place: the admin of the releases app, one module per subject.

Django imports this package (admin autodiscovery); importing the modules below
registers their ModelAdmins. The release's own admin is release.py and the
release_*.py modules it is built from.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401  register
    accessibility,
    audit_log,
    events,
    identity,
    organisations,
    people,
    places,
    release,
    users,
)

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Press releases and more")
