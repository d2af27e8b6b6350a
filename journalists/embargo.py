"""The second, explicit QuerySet of the newsroom: what an accredited journalist sees early.

Release.objects.public() stays the only definition of what the public sees.
Journalists additionally see releases that editors have released to the world
(published or scheduled) but whose Sperrfrist (embargo_until) is not over. A
scheduled release without a Sperrfrist is not shared early: until its time
the editors may still change it, and nobody promised it to the press.
Only the personal feed and the embargo mails use this module.
"""

from django.utils import timezone

from releases.models import Release

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
