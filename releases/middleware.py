"""Middleware for safety: the Content-Security-Policy per area, a clear page when the
database is away, and the client address that login protection counts by."""

import logging

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin

logger = logging.getLogger(__name__)

# Added to settings.CONTENT_SECURITY_POLICY on admin pages that load CKEditor 4, and
# nowhere else. Measured in Chromium (tests/browser/test_csp.py); without them the editor
# does not start:
# - script-src 'unsafe-inline': CKEditor 4 writes onclick/onkeydown/... handlers into
#   the markup of its toolbar, menus and dialogs, with generated function numbers (so no
#   hash can allow them), and an inline <script> into its editing frame.
# - style-src 'unsafe-inline': it positions and sizes its parts with style attributes.
# 'unsafe-eval' is not needed. The rest of the admin (login, lists, history) runs under
# the public policy: Django's admin needs no relaxation.
CKEDITOR_CSP_RELAXATIONS = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}
# django-ckeditor's widget marks its <textarea> with this attribute.
CKEDITOR_MARKER = b'data-type="ckeditortype"'
# Seconds after which a client may try again when the database is unavailable.
RETRY_AFTER_SECONDS = 30


def is_admin(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.app_names


def has_ckeditor(response):
    return (not response.streaming and response.get("Content-Type", "").startswith("text/html")
            and CKEDITOR_MARKER in response.content)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; admin pages with CKEditor get what the editor needs."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and is_admin(request) and has_ckeditor(response):
            parts.update = {**CKEDITOR_CSP_RELAXATIONS, **(parts.update or {})}
        return parts


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """When the database cannot be reached, answer 503 with a page that needs none of it.

    The page is rendered without the request, so no context processor, session or
    user lookup touches the database again. What an editor typed is still in the
    browser's form: going back and saving again later loses nothing.
    """

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path,
                     exception, exc_info=exception, extra={"status_code": 503})
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


def client_ip(request):
    """The visitor's address, by which django-axes counts failed logins.

    Behind our proxy (BEHIND_PROXY=1) every request comes from the proxy; the
    address it saw is the last one it appended to X-Forwarded-For (earlier ones
    are whatever the client claimed).
    """
    if settings.BEHIND_PROXY:
        forwarded = [address.strip() for address in
                     request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if address.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")
