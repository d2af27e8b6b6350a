"""Export every release as ninjs JSON Lines, for a backup or a move to another newsroom."""

import json
import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.ninjs.write import releases_for_ninjs, to_ninjs
from releases.management.base import Command as BaseCommand
from releases.models import Release

CHUNK_SIZE = 500


class Command(BaseCommand):
    help = gettext_lazy(
        "Write every release, public or not, as ninjs 2.2 JSON Lines (one document per line). "
        "Releases the public does not see are marked withheld or canceled and carry their "
        "status, so that import_releases --publish restores them as they were.")

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE",
                            help=gettext_lazy("Write to FILE instead of standard output."))
        parser.add_argument("--progress-every", type=int, default=1000, metavar="N",
                            help=gettext_lazy("Report progress every N releases (on stderr)."))

    def handle(self, *args, output, progress_every, verbosity, **options):
        if output:
            target = Path(output)
            # Written beside the target and renamed at the end: never half a file.
            try:
                handle, temporary = tempfile.mkstemp(
                    prefix=f".{target.name}.", dir=target.parent if str(target.parent) else ".")
            except OSError as error:  # no such folder, no right to write there
                raise CommandError(_("Cannot write %(file)s: %(error)s")
                                   % {"file": output, "error": error.strerror}) from error
            try:
                with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                    count = self.export(stream, progress_every, verbosity)
                os.replace(temporary, target)
            except BaseException as error:
                Path(temporary).unlink(missing_ok=True)
                if isinstance(error, OSError):
                    raise CommandError(_("Cannot write %(file)s: %(error)s")
                                       % {"file": output, "error": error.strerror}) from error
                raise
            if verbosity:
                self.stdout.write(_("%(count)d releases exported to %(file)s.")
                                  % {"count": count, "file": output})
            return
        stream = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
        count = self.export(stream, progress_every, verbosity)
        if verbosity:
            self.stderr.write(_("%(count)d releases exported.") % {"count": count})

    def export(self, stream, progress_every, verbosity):
        releases = releases_for_ninjs(Release.objects.documents().order_by("pk"))
        count = 0
        for release in releases.iterator(chunk_size=CHUNK_SIZE):
            document = to_ninjs(release, restorable=True)
            stream.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
            if verbosity and progress_every and count % progress_every == 0:
                self.stderr.write(_("… %(count)d releases") % {"count": count})
        return count
