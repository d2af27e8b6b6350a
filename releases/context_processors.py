from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from .links import absolute_url
from .models import SiteIdentity

# The main navigation: (URL name, label, the URL names that belong to its section).
NAVIGATION = [
    ("release-list", _("Press releases"),
     {"release-list", "release-detail", "kind-detail"}),
    ("event-list", _("Appointments"), {"event-list", "event-past", "event-detail"}),
    ("topic-list", _("Topics"), {"topic-list", "topic-detail"}),
    ("delegation-list", _("Delegation trips"), {"delegation-list", "delegation-detail"}),
    ("contact-list", _("Press contacts"), {"contact-list"}),
    ("archive", _("Archive"), {"archive", "archive-year", "archive-month"}),
]


def site(request):
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match and match.namespace == "releases" else None
    return {
        "SITE_URL": settings.SITE_URL,
        # Read when a template first uses it (the admin's pages do not).
        "site_identity": SimpleLazyObject(SiteIdentity.get),
        "canonical_url": canonical_url(request),
        "navigation": [
            {"url_name": f"releases:{name}", "label": label,
             "aria_current": "page" if name == current else "true" if current in section
             else ""}
            for name, label, section in NAVIGATION
        ],
        "other_languages": [
            {"code": code, "name": get_language_info(code)["name_local"],
             "url": translate_url(request.path, code)}
            for code, _name in settings.LANGUAGES if code != get_language()
        ],
    }


def canonical_url(request):
    """The page's address on the public site; only the page number survives of the query."""
    page = request.GET.get("page", "")
    query = f"?page={page}" if page.isdigit() and page.lstrip("0") not in {"", "1"} else ""
    return absolute_url(request.path) + query
