from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalistsConfig(AppConfig):
    """Services for journalists: e-mail alerts, embargoed material, event accreditation."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "journalists"
    verbose_name = _("Journalist services")

    def ready(self):
        from releases.signals import release_corrected, release_published

        from . import services

        # Queued in the publishing transaction: the outbox rows commit with it.
        release_published.connect(services.on_release_published,
                                  dispatch_uid="journalists.published")
        release_corrected.connect(services.on_release_corrected,
                                  dispatch_uid="journalists.corrected")
