"""Operations on releases that touch several rows: every caller goes through here.

The admin, management commands and importers call these functions; views and
admin classes hold no workflow logic of their own.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import Organisation, Release


def assign_number(release):
    """Give ``release`` the next number of its organisation for its publication year.

    Must run inside a transaction: the organisation row is locked so two
    publications at once cannot take the same number.
    """
    if release.number:
        return
    Organisation.objects.select_for_update().filter(pk=release.organisation_id).first()
    year = timezone.localtime(release.published_at).year
    highest = (
        Release.objects.filter(organisation_id=release.organisation_id, number_year=year)
        .aggregate(highest=Max("number"))["highest"]
    )
    release.number = (highest or 0) + 1
    release.number_year = year


@transaction.atomic
def publish(release, user=None, at=None):
    """Publish now, or at ``at`` (then the release is scheduled); numbering included."""
    now = timezone.now()
    release.published_at = at or release.published_at or now
    release.status = (
        Release.Status.SCHEDULED if release.published_at > now else Release.Status.PUBLISHED
    )
    assign_number(release)
    if user is not None:
        release.updated_by = user
    release.save()
    return release


@transaction.atomic
def save_release(release, user=None):
    """Save an edited release; a release set to published or scheduled gets its number."""
    if user is not None:
        if release.pk is None:
            release.created_by = user
        release.updated_by = user
    if release.status in Release.VISIBLE_STATUSES:
        if release.published_at is None:
            release.published_at = timezone.now()
        assign_number(release)
    release.save()
    return release
