from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalistsConfig(AppConfig):
    """Services for journalists: e-mail alerts, embargoed material, event accreditation."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "journalists"
    verbose_name = _("Journalist services")
