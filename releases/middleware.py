"""Middleware for safety: the Content-Security-Policy per area, a clear page when the
database is away and not-found answers that no cache keeps."""

import logging
import re
from functools import lru_cache

from csp.constants import HEADER, HEADER_REPORT_ONLY, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
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
# django-ckeditor's widget marks its <textarea> with an attribute. Sought in a <textarea>
# tag: the words alone may be text an editor typed (shown as typed in a preview), and a
# text cannot hold a tag, which the cleaning escapes.
CKEDITOR_MARKER = re.compile(rb'<textarea\b[^<>]*\sdata-type="ckeditortype"')
# Seconds after which a client may try again when the database is unavailable.
RETRY_AFTER_SECONDS = 30


def is_admin(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.app_names


def has_ckeditor(response):
    return (not response.streaming and response.get("Content-Type", "").startswith("text/html")
            and CKEDITOR_MARKER.search(response.content) is not None)


@lru_cache(maxsize=1)
def settings_policies():
    """The policy and the report-only policy of the settings, as django-csp writes them
    ("" for none); None where the settings leave some addresses out (django-csp then
    decides for each response)."""
    configured = [getattr(settings, name, None) or {} for name in (
        "CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")]
    if any(config.get("EXCLUDE_URL_PREFIXES") for config in configured):
        return None
    return build_policy(), build_policy(report_only=True)


@receiver(setting_changed)
def _policies_changed(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        settings_policies.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; admin pages with CKEditor get what the editor needs.

    Nearly every response gets the policy of the settings as it is: that one is built
    once, not for each response (building it was a quarter of what the site's
    middleware costs a request). A response that asks for more is left to django-csp:
    one marked by its decorators (``_csp_...`` attributes), one whose page used a
    nonce, admin pages (which may carry CKEditor), and any response while DEBUG is on
    (django-csp then spares Django's error pages).
    """

    def process_response(self, request, response):
        policies = settings_policies()
        if (policies is None or settings.DEBUG
                or getattr(request, "_csp_nonce", None) is not None
                or any(name.startswith("_csp") for name in vars(response))
                or is_admin(request)):
            return super().process_response(request, response)
        for header, policy in zip((HEADER, HEADER_REPORT_ONLY), policies, strict=True):
            if policy and header not in response:
                response[header] = policy
        # As django-csp does: a nonce asked for after this point is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

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


class NotFoundUncachedMiddleware(MiddlewareMixin):
    """No browser or CDN keeps a 404: the address may be public a moment later (a
    scheduled release, the end of an embargo, a topic's first release)."""

    def process_response(self, request, response):
        if response.status_code == 404:
            add_never_cache_headers(response)
        return response
