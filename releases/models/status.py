"""Where a release is in the workflow, and the order the editors' list shows it in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseStatus(models.TextChoices):
    """Where a release is in the workflow (``Release.Status``)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "review", _("In review")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The editors' work in progress: drafts, releases in review, approved ones not yet scheduled.
IN_PROGRESS = (ReleaseStatus.DRAFT, ReleaseStatus.IN_REVIEW, ReleaseStatus.APPROVED)


def status_rank_expression():
    """Work in progress first, in the order of the workflow, then what is done:
    draft, in review, approved, scheduled, published, withdrawn (``Release.status_rank``)."""
    return models.Case(
        *(models.When(status=status, then=models.Value(rank))
          for rank, status in enumerate(ReleaseStatus)),
        default=models.Value(len(ReleaseStatus)), output_field=models.IntegerField())
