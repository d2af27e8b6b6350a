"""Import releases from ninjs (JSON, JSON arrays, JSON Lines) and documents (text, Markdown,
DOCX, HTML); see the README's "Import and export" for the rules."""

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from exchange.importers.rows import CREATED, UNCHANGED, UPDATED
from exchange.importers.run import FAILED, NOTE, PROGRESS, SKIPPED, Importer
from releases.management.base import Command as BaseCommand
from releases.models import Organisation


class Command(BaseCommand):
    help = gettext_lazy(
        "Import press releases from ninjs JSON, JSON arrays and JSON Lines (.json, .jsonl, "
        ".ndjson) and from Medieninformation documents (.txt, .md, .docx, .html); folders are "
        "searched for such files. Importing the same files again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH",
                            help=gettext_lazy("Files or folders to import."))
        parser.add_argument("--publish", action="store_true",
                            help=gettext_lazy("Publish usable items and documents (with their "
                                              "own date and number). Without it, new releases "
                                              "are drafts and existing ones keep their status."))
        parser.add_argument("--dry-run", action="store_true",
                            help=gettext_lazy("Report what would change; write nothing."))
        parser.add_argument("--strict", action="store_true",
                            help=gettext_lazy("Refuse items of an organisation that does not "
                                              "exist yet instead of creating it."))
        parser.add_argument("--organisation", metavar="SLUG", default="",
                            help=gettext_lazy("The organisation (by its slug) that issues "
                                              "items naming none, e.g. ninjs from a news "
                                              "agency; default: the setting "
                                              "IMPORT_DEFAULT_ORGANISATION. Items that name "
                                              "their organisation keep it."))
        parser.add_argument("--progress-every", type=int, default=1000, metavar="N",
                            help=gettext_lazy("Report progress every N items (on stderr)."))

    def handle(self, *args, paths, publish, dry_run, strict, organisation, progress_every,
               verbosity, **options):
        self.verbosity = verbosity
        self.dry_run = dry_run
        self.item_shown = False
        importer = Importer(publish=publish, strict=strict, dry_run=dry_run,
                            on_event=self.event, progress_every=progress_every,
                            default_organisation=self.default_organisation(organisation))
        report = importer.run(paths)
        if verbosity:
            self.summary(report)
        if report.failed:
            raise CommandError(ngettext(
                "%(count)d item or file could not be imported; the others were processed.",
                "%(count)d items or files could not be imported; the others were processed.",
                report.failed) % {"count": report.failed})

    def default_organisation(self, slug):
        """The organisation named by --organisation or the setting; None if neither is set."""
        slug = (slug or settings.IMPORT_DEFAULT_ORGANISATION).strip()
        if not slug:
            return None
        found = Organisation.objects.filter(slug=slug).first()
        if found is None:
            known = ", ".join(Organisation.objects.order_by("slug")
                              .values_list("slug", flat=True)[:20])
            raise CommandError(_("There is no organisation with the slug “%(slug)s”; nothing "
                                 "was imported. Known slugs: %(known)s")
                               % {"slug": slug, "known": known or "–"})
        return found

    def event(self, event, label, detail):
        if event == FAILED:
            # Errors are shown whatever the verbosity.
            self.stderr.write(_("failed: %(label)s: %(reason)s") % {"label": label,
                                                                    "reason": detail})
            return
        if event == PROGRESS:
            if self.verbosity:
                self.stderr.write(_("… %(count)d items processed") % {"count": detail})
            return
        if not self.verbosity:
            return
        if event == SKIPPED:
            self.stdout.write(_("skipped: %(label)s: %(reason)s") % {"label": label,
                                                                     "reason": detail})
        elif event == NOTE:
            if self.item_shown:
                self.stdout.write(_("  note: %(label)s: %(note)s") % {"label": label,
                                                                      "note": detail})
        elif event == UNCHANGED and self.verbosity < 2 and not self.dry_run:
            # Notes of an item that is not shown are not shown either.
            self.item_shown = False
        else:
            self.item_shown = True
            words = ({CREATED: _("would be created"), UPDATED: _("would be updated"),
                      UNCHANGED: _("unchanged")} if self.dry_run else
                     {CREATED: _("created"), UPDATED: _("updated"), UNCHANGED: _("unchanged")})
            self.stdout.write(_("%(outcome)s: %(label)s: %(title)s") % {
                "outcome": words[event], "label": label, "title": detail[:120]})

    def summary(self, report):
        items = report.items
        self.stdout.write(
            _("%(files)d files: %(created)d releases created, %(updated)d updated, "
              "%(unchanged)d unchanged, %(failed)d failed, %(skipped)d files skipped.")
            % {"files": report.files, "created": items[CREATED], "updated": items[UPDATED],
               "unchanged": items[UNCHANGED], "failed": items[FAILED],
               "skipped": len(report.skipped)})
        for organisation in report.new_organisations:
            self.stdout.write(_("New organisation: %(name)s (slug %(slug)s)")
                              % {"name": organisation.name, "slug": organisation.slug})
        if report.skipped_files:
            self.stdout.write(_("%(count)d images or attachments were not imported: files are "
                                "not downloaded.") % {"count": report.skipped_files})
        if self.dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
