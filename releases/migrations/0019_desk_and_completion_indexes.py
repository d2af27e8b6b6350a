"""Indexes for the editors' release list and the publication job.

The release list shows work in progress first (``status_rank``), then by last change:
without an index in that order PostgreSQL read and sorted the whole archive for its
first page (255 ms at 100,000 releases). The desk's blocks ask for the releases in
one status (in review, approved): a few rows, each block read the archive for them
(65 ms). The publication job, every minute, and the warnings about overdue
completions on the desk and the list look for public releases not yet completed and
for working editions due, oldest first: a few rows, for which PostgreSQL read the
archive (50 to 80 ms).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0018_visibility_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="release",
            index=models.Index(
                models.Case(
                    models.When(status="draft", then=models.Value(0)),
                    models.When(status="review", then=models.Value(1)),
                    models.When(status="approved", then=models.Value(2)),
                    models.When(status="scheduled", then=models.Value(3)),
                    models.When(status="published", then=models.Value(4)),
                    models.When(status="withdrawn", then=models.Value(5)),
                    default=models.Value(6),
                    output_field=models.IntegerField(),
                ),
                models.OrderBy(models.F("updated_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("edition_of__isnull", True)),
                name="release_desk_order_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="release",
            index=models.Index(
                condition=models.Q(("status__in", ("draft", "review", "approved"))),
                fields=["status"],
                name="release_in_progress_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="release",
            index=models.Index(
                condition=models.Q(("effects_done_at__isnull", True),
                                   ("edition_of__isnull", False), _connector="OR"),
                fields=["published_at", "id"],
                name="release_unfinished_idx",
            ),
        ),
    ]
