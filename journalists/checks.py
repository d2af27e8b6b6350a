"""Deployment checks of the mail that alerts, confirmations and embargo mails need."""

from django.conf import settings
from django.core import checks

# Backends that deliver nothing: they print, keep or write the mails instead.
UNDELIVERED = {"django.core.mail.backends.console.EmailBackend",
               "django.core.mail.backends.locmem.EmailBackend",
               "django.core.mail.backends.dummy.EmailBackend",
               "django.core.mail.backends.filebased.EmailBackend"}


def check_mail(app_configs, **kwargs):
    """In production mail must leave the machine, from an address a reader can answer."""
    found = []
    if settings.EMAIL_BACKEND in UNDELIVERED:
        found.append(checks.Warning(
            f"Mail is not delivered: EMAIL_BACKEND is {settings.EMAIL_BACKEND}. Alerts, "
            "confirmation links and embargo mails would be marked sent and never arrive.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and "
                 "EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS.",
            id="newsroom.W002"))
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ").lower()
    if "." not in domain or domain.endswith((".localhost", ".local", ".invalid")):
        found.append(checks.Warning(
            f"Mail is sent from {settings.DEFAULT_FROM_EMAIL}, an address nobody can "
            "answer and most mail servers refuse.",
            hint="Set DEFAULT_FROM_EMAIL to the press office's address, "
                 "e.g. Pressestelle <presse@example.de>.",
            id="newsroom.W003"))
    return found
