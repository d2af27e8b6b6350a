"""Absolute links for canonical URLs, feeds, sitemaps and structured data.

They are built from SITE_URL, the address the public knows, rather than from
the request's host (behind a proxy possibly an internal name) or from the
sites framework's table (which is only there for the flatpages). The deployment
check below makes sure a production site has set it.
"""

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks, signing
from django.http.request import validate_host
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


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


def page_url(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``, remembered.

    A list of twenty releases links each release and each of its topics: reversing
    every link anew costs more than the rest of the list. The answer depends only on
    the URL configuration, the script prefix and the language (the paths have a
    language prefix), so they are part of what it is remembered by.
    """
    return _reversed(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language(),
                     viewname, tuple(kwargs.items()))


@lru_cache(maxsize=10_000)
def _reversed(root_urlconf, urlconf, script_prefix, language, viewname, kwargs):
    return reverse(viewname, kwargs=dict(kwargs))


def check_site_url(app_configs=None, **kwargs):
    """Deployment check (check --deploy): SITE_URL names this site's public address."""
    parts = urlsplit(settings.SITE_URL)
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host:
        return [checks.Error(
            f"SITE_URL {settings.SITE_URL!r} is not an address such as "
            "https://presse.example.de.",
            hint="Set SITE_URL to the address the public reaches the site at.",
            id="newsroom.E003")]
    if host == "localhost" or _is_loopback(host):
        return [checks.Error(
            f"SITE_URL is {settings.SITE_URL}: every link in pages, feeds, the sitemap, "
            "mails and calendars would point to the reader's own computer.",
            hint="Set SITE_URL to the address the public reaches the site at, "
                 "e.g. https://presse.example.de.",
            id="newsroom.E001")]
    if ":" in host:  # ALLOWED_HOSTS writes IPv6 addresses in brackets
        host = f"[{host}]"
    if not validate_host(host, settings.ALLOWED_HOSTS):
        return [checks.Error(
            f"The host of SITE_URL ({host}) is not in ALLOWED_HOSTS: the site would refuse "
            "the requests its own links lead to.",
            hint="Add it to ALLOWED_HOSTS, or correct SITE_URL.",
            id="newsroom.E002")]
    return []


def _is_loopback(host):
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# Preview links (releases/views/preview.py): the address carries a signed value.
SALT = "releases.preview-link"


def signer():
    # Not a TimestampSigner: the address of a link stays the same whenever it is shown;
    # its expiry is part of the signed value.
    return signing.Signer(salt=SALT)


def preview_token(link):
    return signer().sign_object(
        {"r": link.release_id, "t": link.token, "e": int(link.expires_at.timestamp())},
        compress=True)


def preview_path(link):
    return reverse("releases:preview", kwargs={"token": preview_token(link)})
