"""What the project's management commands share."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """A command whose ``help`` may be a lazy translation: argparse formats only ``str``,
    so it is made one, in the active language, when ``--help`` builds the parser."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
