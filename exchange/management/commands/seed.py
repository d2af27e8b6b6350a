"""Load the seed document(s) and reference data; optionally add generated demo releases."""

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.demodata import generate_demo
from exchange.importers import DocumentError
from exchange.seeding import load_seed
from releases.management.base import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the seed documents and reference data from seeds/. Running it again changes "
        "nothing. With --demo N, also add N generated releases (each run adds N more).")

    def add_arguments(self, parser):
        parser.add_argument("--demo", type=int, default=0, metavar="N",
                            help=gettext_lazy("Add N generated demo releases."))
        parser.add_argument("--seed-random", type=int, default=None, metavar="SEED",
                            help=gettext_lazy("Random seed for the generated releases, "
                                              "for repeatable content."))
        parser.add_argument("--path", default=None,
                            help=gettext_lazy("Folder with reference.json and the seed "
                                              "documents (default: the project's seeds/)."))

    def handle(self, *args, demo, seed_random, path, **options):
        if demo < 0:
            raise CommandError(_("--demo needs a number of 0 or more."))
        try:
            with transaction.atomic():
                counts = load_seed(path)
                generated = generate_demo(demo, seed=seed_random) if demo else {}
        except (DocumentError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Seed loaded: %(created)d rows created, %(updated)d updated, "
              "%(unchanged)d unchanged.")
            % {"created": counts["created"], "updated": counts["updated"],
               "unchanged": counts["unchanged"]})
        if demo:
            self.stdout.write(
                _("Demo: %(releases)d releases and %(appointments)d appointments added.")
                % {"releases": generated["releases"],
                   "appointments": generated["appointments"]})
