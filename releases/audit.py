"""The audit log: who did what when.

The workflow services write their entries explicitly (``record``). Logins,
logouts and failed logins happen inside django.contrib.auth, so they are the
one thing recorded through signals, connected in ReleasesConfig.ready().
"""

from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed

from .clientaddress import client_ip
from .models import AuditEntry

# Entries written by commands and importers, which act for nobody in particular.
SYSTEM = "system"


def record(action, user=None, release=None, detail="", ip_address=None, actor_name="",
           object_repr=""):
    """Write one AuditEntry; ``user`` None means the system (a command, the importer).

    ``object_repr`` names what the entry is about when that is not a release (an
    appointment, a trip); by default it is the release's title.
    """
    if user is not None and not user.is_authenticated:
        user = None
    if not object_repr and release is not None:
        object_repr = str(release)
    return AuditEntry.objects.create(
        action=action,
        actor=user,
        actor_name=actor_name or (user.get_username() if user is not None else SYSTEM),
        release=release,
        object_repr=object_repr[:300],
        detail=detail,
        ip_address=ip_address,
    )


def _logged_in(sender, request, user, **kwargs):
    record(AuditEntry.Action.LOGIN, user=user, ip_address=client_ip(request))


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEntry.Action.LOGOUT, user=user, ip_address=client_ip(request))


def _login_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` has the password replaced by Django; only the name is kept.
    name = str(credentials.get("username", ""))[:150]
    record(AuditEntry.Action.LOGIN_FAILED, actor_name=name or "?",
           ip_address=client_ip(request))


def connect_auth_signals():
    user_logged_in.connect(_logged_in, dispatch_uid="releases.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="releases.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="releases.audit.login_failed")
