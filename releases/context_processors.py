from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info, override
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
    versions = language_versions(request)
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
        # The footer's links keep the query (a search, a page of a list); a cached page's
        # holds only what the page reads (caching.cache_public dropped the rest).
        "other_languages": [{**version, "url": version["url"] + _query(request)}
                            for version in versions if version["code"] != get_language()],
        "language_alternates": language_alternates(request, versions),
    }


def canonical_url(request):
    """The page's address on the public site; only the page number survives of the query."""
    return absolute_url(request.path) + _page_query(request)


def _query(request):
    query = request.GET.urlencode()
    return f"?{query}" if query else ""


def _page_query(request):
    page = request.GET.get("page", "")
    return f"?page={page}" if page.isdigit() and page.lstrip("0") not in {"", "1"} else ""


def language_versions(request):
    """This page in each of the site's languages: the footer's language links and,
    absolute, the head's hreflang alternates (German at /, English under /en/). For an
    address that names no page, the start page in each language: such an address
    translated is itself ("/\\evil.example/", which a browser takes for another site)."""
    resolved = getattr(request, "resolver_match", None) is not None
    versions = []
    for code, _name in settings.LANGUAGES:
        if resolved:
            url = translate_url(request.path, code)
        else:
            with override(code):
                url = reverse("releases:home")
        versions.append({"code": code, "name": get_language_info(code)["name_local"],
                         "url": url})
    return versions


def language_alternates(request, versions):
    """(hreflang, absolute URL) of every language version and x-default, the German one.

    Empty for an address that names no page (a 404 for an unknown path): it has no
    versions in other languages.
    """
    if getattr(request, "resolver_match", None) is None:
        return []
    query = _page_query(request)
    alternates = [(version["code"], absolute_url(version["url"]) + query)
                  for version in versions]
    default = dict(alternates)[settings.LANGUAGE_CODE]
    return [*alternates, ("x-default", default)]
