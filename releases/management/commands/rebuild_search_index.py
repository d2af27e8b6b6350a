"""Rebuild the full-text search index: after migrating, restoring or renaming topics."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from releases.management.base import Command as BaseCommand
from releases.search import rebuild_search_index


class Command(BaseCommand):
    help = gettext_lazy(
        "Rebuild the search index of all releases and the list of indexed words. "
        "Running it again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, metavar="N",
                            help=gettext_lazy("Releases per database round trip."))

    def handle(self, *args, batch_size, **options):
        def progress(done, total):
            if options["verbosity"] > 1:
                self.stdout.write(_("%(done)d of %(total)d releases") % {
                    "done": done, "total": total})

        count = rebuild_search_index(batch_size=max(batch_size, 1), progress=progress)
        self.stdout.write(_("Search index rebuilt for %(count)d releases.") % {"count": count})
