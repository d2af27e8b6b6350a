from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """The content exchange, built on releases: ninjs (the read-only JSON API, the export
    and the import), the importers of documents, and the seed and demo data."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
