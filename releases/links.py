"""Absolute links for canonical URLs, feeds, sitemaps and structured data.

They are built from SITE_URL, the address the public knows, rather than from
the request's host (behind a proxy possibly an internal name) or from the
sites framework's table (which is only there for the flatpages).
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_protocol():
    return urlsplit(settings.SITE_URL).scheme or "https"


def site_domain():
    return urlsplit(settings.SITE_URL).netloc


def absolute_url(path):
    """``path`` as returned by reverse(), get_absolute_url() or request.path.

    Such paths already carry the script prefix, so only SITE_URL's scheme
    and host are put in front of them. Absolute URLs (e.g. of files in object
    storage) are returned as they are.
    """
    if path.startswith(("https://", "http://", "//")):
        return path
    return f"{site_protocol()}://{site_domain()}{path}"
