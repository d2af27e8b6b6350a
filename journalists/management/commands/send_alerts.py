"""Queue and send the journalist services' mails; for cron or a systemd timer (every minute).

Idempotent and safe to run concurrently: see journalists/outbox.py.
"""

from django.utils.translation import gettext_lazy

from journalists.outbox import run_alerts
from releases.management.base import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy(
        "Complete due publications, queue alerts for releases that became public, embargoed "
        "releases, corrections and withdrawals; send due alerts and daily digests. Run it "
        "every minute.")

    def handle(self, *args, **options):
        result = run_alerts()
        if options["verbosity"] >= 1:
            self.stdout.write(" ".join(f"{name}={count}" for name, count in result.items()))
