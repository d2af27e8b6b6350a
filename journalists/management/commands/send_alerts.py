"""Queue and send the journalist services' mails; for cron or a systemd timer (every minute).

Idempotent and safe to run concurrently: see journalists/outbox.py.
"""

from django.core.management.base import BaseCommand

from journalists.outbox import run_alerts


class Command(BaseCommand):
    help = ("Queue alerts for releases that became public, embargoed releases and "
            "corrections; send due alerts and daily digests.")

    def handle(self, *args, **options):
        result = run_alerts()
        if options["verbosity"] >= 1:
            self.stdout.write(" ".join(f"{name}={count}" for name, count in result.items()))
