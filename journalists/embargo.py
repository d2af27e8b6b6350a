"""The second, explicit QuerySet of the newsroom: what an accredited journalist sees early.

Release.objects.public() stays the only definition of what the public sees.
Journalists additionally see releases that editors have released to the world
(published or scheduled) but whose Sperrfrist (embargo_until) is not over. A
scheduled release without a Sperrfrist is not shared early: until its time
the editors may still change it, and nobody promised it to the press.
Only the personal feed and the embargo mails use this module; both log each
access (``log_embargo_access``).
"""

from django.db.models import F
from django.utils import timezone

from releases.models import Release

from .models import EmbargoAccess

ZONE_NAMES = {"CET": "MEZ", "CEST": "MESZ"}


def under_embargo(now=None):
    """Releases the public does not see yet because of their Sperrfrist."""
    now = now or timezone.now()
    return Release.objects.documents().filter(
        status__in=Release.VISIBLE_STATUSES, embargo_until__gt=now,
        is_removed_for_legal_reasons=False,
    )


def embargoed_for(journalist, now=None):
    """What ``journalist`` may see before the public: nothing unless accredited."""
    if journalist is None or not journalist.is_accredited:
        return Release.objects.none()
    return under_embargo(now)


def berlin_label(moment):
    """"25.10.2026, 02:30 Uhr (MEZ)": the zone is named, as 02:30 may happen twice."""
    local = moment.astimezone(timezone.get_default_timezone())
    zone = ZONE_NAMES.get(local.tzname(), local.tzname())
    return f"{local:%d.%m.%Y, %H:%M} Uhr ({zone})"


def embargo_notice(release):
    """The marking journalists know: "Sperrfrist: Veröffentlichung nicht vor … Uhr"."""
    return f"Sperrfrist: Veröffentlichung nicht vor {berlin_label(release.public_from)}"


def log_embargo_access(journalist, release_ids, via, now=None):
    """One row per journalist, release and way; later accesses count and move last_at."""
    now = now or timezone.now()
    for release_id in release_ids:
        updated = EmbargoAccess.objects.filter(
            journalist=journalist, release_id=release_id, via=via,
        ).update(last_at=now, count=F("count") + 1)
        if not updated:
            EmbargoAccess.objects.bulk_create([EmbargoAccess(
                journalist=journalist, release_id=release_id, via=via, first_at=now,
                last_at=now)], ignore_conflicts=True)
