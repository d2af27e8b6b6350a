"""Give every release image the sizes and formats its page offers: after an upgrade that
adds renditions, or after restoring the media files."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from releases.images import rebuild_renditions
from releases.management.base import Command as BaseCommand
from releases.models import ReleaseImage


class Command(BaseCommand):
    help = gettext_lazy(
        "Make the renditions (sizes and formats) that release images lack; those that exist "
        "are kept. Running it again changes nothing.")

    def handle(self, *args, **options):
        count = rebuild_renditions(ReleaseImage.objects.all())
        self.stdout.write(_("Renditions added for %(count)d images.") % {"count": count})
