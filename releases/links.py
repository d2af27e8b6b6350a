"""Absolute links for canonical URLs, feeds, sitemaps and structured data.

They are built from SITE_URL, the address the public knows, rather than from
the request's host (behind a proxy possibly an internal name) or from the
sites framework's table (which is only there for the flatpages).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse


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
