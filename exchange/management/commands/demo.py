"""Set up a local demo (database, seed, two editorial logins) and serve it on 127.0.0.1."""

import secrets
import socket

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from releases.management.base import Command as BaseCommand

# The demo's accounts, one per editorial role (groups from migration 0004_roles), so
# that the four-eyes principle can be tried: one writes, the other approves.
ACCOUNTS = [("redaktion", "Redaktion"), ("pressestelle", "Pressestelle")]
# The single group of earlier demos; removed so that it grants nothing any more.
OLD_GROUP = "Redaktion demo"
HOST = "127.0.0.1"


class Command(BaseCommand):
    help = gettext_lazy(
        "Migrate the database, load the seed, create the demo accounts “redaktion” "
        "(writes) and “pressestelle” (reviews and publishes) with new passwords, and "
        "serve the site on 127.0.0.1.")

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true",
                            help=gettext_lazy("Stop after the setup."))
        parser.add_argument("--port", type=int, default=8000,
                            help=gettext_lazy("Port to serve on (default: 8000)."))
        parser.add_argument("--releases", type=int, default=0, metavar="N",
                            help=gettext_lazy("Also add N generated demo releases."))

    def handle(self, *args, no_serve, port, releases, **options):
        verbosity = options["verbosity"]
        base_url = f"http://{HOST}:{port}"
        if not no_serve:
            refuse_taken_port(port)  # before the accounts get new passwords
            # The site served below links to itself (pages, feeds, sitemap, mails, the
            # admin's "view on site"), not to wherever SITE_URL pointed. Set before
            # migrate, which gives the sites framework the same address.
            settings.SITE_URL = base_url
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0),
                     stdout=self.stdout)
        seed_options = {"demo": releases} if releases else {}
        call_command("seed", stdout=self.stdout, **seed_options)
        passwords = create_demo_accounts()

        self.stdout.write("")
        self.stdout.write(_("Demo accounts (not superusers); log in at %(url)s")
                          % {"url": f"{base_url}/admin/"})
        for username, group in ACCOUNTS:
            self.stdout.write(f"  {group}")
            self.stdout.write(_("    Username:   %(username)s") % {"username": username})
            self.stdout.write(_("    Password:   %(password)s")
                              % {"password": passwords[username]})
        self.stdout.write(_("The four-eyes principle: “redaktion” writes and submits, "
                            "“pressestelle” approves and publishes."))
        self.stdout.write(_("Public site: %(url)s") % {"url": f"{base_url}/"})
        if no_serve:
            return
        self.stdout.write("")
        # The login must be readable before the server blocks, also when piped to a log.
        self.stdout.flush()
        call_command("runserver", f"{HOST}:{port}", use_reloader=False)


def refuse_taken_port(port):
    """CommandError if something serves on ``port`` of HOST already."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise CommandError(_("Port %(port)d is taken (%(error)s): stop what serves "
                                 "there, or choose another with --port.")
                               % {"port": port, "error": error.strerror}) from error


@transaction.atomic
def create_demo_accounts():
    """Create or reset the demo accounts; return {username: new password}.

    Staff in the editorial groups, not superusers: no users, groups or settings.
    A new random password on every run means an old demo login never lingers.
    """
    Group.objects.filter(name=OLD_GROUP).delete()
    passwords = {}
    for username, group_name in ACCOUNTS:
        group = Group.objects.get(name=group_name)
        user, _created = get_user_model().objects.get_or_create(username=username)
        passwords[username] = secrets.token_urlsafe(12)
        user.set_password(passwords[username])
        user.is_staff = True
        user.is_superuser = False
        user.is_active = True
        user.save()
        user.groups.set([group])
        user.user_permissions.clear()
    return passwords
