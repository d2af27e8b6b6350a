"""Set up a local demo (database, seed, an editor login) and serve it on 127.0.0.1."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EDITOR_USERNAME = "redaktion"
EDITOR_GROUP = "Redaktion demo"
HOST = "127.0.0.1"


class Command(BaseCommand):
    help = gettext_lazy(
        "Migrate the database, load the seed, create the demo editor account "
        "“redaktion” with a new password, and serve the site on 127.0.0.1.")

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true",
                            help=gettext_lazy("Stop after the setup."))
        parser.add_argument("--port", type=int, default=8000,
                            help=gettext_lazy("Port to serve on (default: 8000)."))
        parser.add_argument("--releases", type=int, default=0, metavar="N",
                            help=gettext_lazy("Also add N generated demo releases."))

    def handle(self, *args, no_serve, port, releases, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0),
                     stdout=self.stdout)
        seed_options = {"demo": releases} if releases else {}
        call_command("seed", stdout=self.stdout, **seed_options)
        password = create_demo_editor()

        base_url = f"http://{HOST}:{port}"
        self.stdout.write("")
        self.stdout.write(_("Demo editor account (not a superuser):"))
        self.stdout.write(_("  Log in at:  %(url)s") % {"url": f"{base_url}/admin/"})
        self.stdout.write(_("  Username:   %(username)s") % {"username": EDITOR_USERNAME})
        self.stdout.write(_("  Password:   %(password)s") % {"password": password})
        self.stdout.write(_("Public site: %(url)s") % {"url": f"{base_url}/"})
        if no_serve:
            return
        self.stdout.write("")
        # The login must be readable before the server blocks, also when piped to a log.
        self.stdout.flush()
        call_command("runserver", f"{HOST}:{port}", use_reloader=False)


@transaction.atomic
def create_demo_editor():
    """Create or reset the demo editor; return the new password.

    Staff with every permission on the newsroom's own models, through the
    group "Redaktion demo", but not a superuser: no users, groups or settings.
    A new random password on every run means an old demo login never lingers.
    """
    group, _created = Group.objects.get_or_create(name=EDITOR_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label="releases"))
    user, _created = get_user_model().objects.get_or_create(username=EDITOR_USERNAME)
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.is_staff = True
    user.is_superuser = False
    user.is_active = True
    user.save()
    user.groups.set([group])
    return password
