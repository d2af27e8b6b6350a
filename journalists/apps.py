from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalistsConfig(AppConfig):
    """Services for journalists: e-mail alerts, embargoed material, event accreditation;
    and the editors' notifications about workflow steps, through the same outbox."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "journalists"
    verbose_name = _("Journalist services")

    def ready(self):
        from django.core import checks

        from releases.caching import shown_on_public_pages
        from releases.signals import (
            release_corrected,
            release_published,
            release_withdrawn,
            workflow_step,
        )

        from . import accreditation, outbox
        from .checks import check_mail
        from .models import AccreditationSettings

        checks.register(check_mail, "mail", deploy=True)

        # An appointment's page offers accreditation until its deadline.
        shown_on_public_pages(AccreditationSettings, changes=accreditation.next_closing)

        # Queued in the publishing transaction: the outbox rows commit with it.
        release_published.connect(outbox.on_release_published,
                                  dispatch_uid="journalists.published")
        release_corrected.connect(outbox.on_release_corrected,
                                  dispatch_uid="journalists.corrected")
        release_withdrawn.connect(outbox.on_release_withdrawn,
                                  dispatch_uid="journalists.withdrawn")
        workflow_step.connect(outbox.on_workflow_step, dispatch_uid="journalists.step")
