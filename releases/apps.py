from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Press releases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Pillow refuses images above twice this size outright and warns above it;
        # validate_image turns both into form errors.
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS

        from django.core import checks

        from . import audit, caching, collation, links, revisions, search

        checks.register(links.check_site_url, checks.Tags.security, deploy=True)

        revisions.register()  # the release and what it follows keep versions
        audit.connect_auth_signals()  # logins, logouts and failed logins in the audit log
        caching.connect_signals()  # any public change drops the cached pages
        search.connect_signals()  # every save of a release keeps its search vector current
        collation.connect_signals()  # SQLite learns German order on each connection
        # Impressum, Datenschutz and Barrierefreiheit exist from the first migrate on (with
        # placeholders to fill in); existing pages are never touched.
        post_migrate.connect(_legal_pages, sender=self, dispatch_uid="releases.legal-pages")


def _legal_pages(sender, using="default", **kwargs):
    from .legal import ensure_legal_pages

    if using == "default":
        ensure_legal_pages()
