"""Complete scheduled publications whose time has come; for cron or a systemd timer.

Visibility never waits for this command (Release.objects.public() compares with
the clock); it does what must happen once at that moment: the number, and later
the notifications. Running it twice changes nothing.
"""

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import services
from ...caching import settle_missed_changes
from ..base import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy(
        "Complete the publication of scheduled releases that have become public (number, "
        "notifications). Run it every minute. With --check, only list overdue ones and "
        "exit with an error if there are any.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true",
            help=gettext_lazy("List scheduled releases public for more than five minutes "
                              "whose publication is not completed; change nothing."))

    def handle(self, *args, check, verbosity, **options):
        if check:
            return self.check_overdue(verbosity)
        settle_missed_changes()  # a change the cache missed: its pages go now
        for release in services.complete_due_publications():
            self.stdout.write(_("Published: %(number)s „%(title)s“ (%(time)s)") % {
                "number": release.number_label, "title": release.title,
                "time": timezone.localtime(release.published_at).strftime("%d.%m.%Y %H:%M")})

    def check_overdue(self, verbosity):
        overdue = list(services.overdue_publications())
        for release in overdue:
            self.stdout.write(_("Overdue: #%(pk)d „%(title)s“, public since %(time)s") % {
                "pk": release.pk, "title": release.title,
                "time": timezone.localtime(release.published_at).strftime("%d.%m.%Y %H:%M")})
        if overdue:
            raise CommandError(_("%(count)d publications are overdue: is the publish_due job "
                                 "running?") % {"count": len(overdue)})
        if verbosity:
            self.stdout.write(_("No publication is overdue."))
