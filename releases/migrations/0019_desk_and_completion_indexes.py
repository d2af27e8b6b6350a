"""The order of the editors' release list as a column, and indexes for the list, the desk
and the publication job.

The release list shows work in progress first, then by last change: without an index in
that order PostgreSQL read and sorted the whole archive for its first page (255 ms at
100,000 releases), SQLite even longer (5 s). The rank of the status is a column the
database keeps (``status_rank``), indexed with the last change: an index on the
expression alone would serve PostgreSQL, which is sent the query with its values written
in, but not SQLite, which is sent them as parameters and does not recognise it. The
desk's blocks ask for the releases in one status (in review, approved): a few rows, for
each of which PostgreSQL read the archive (65 ms). The publication job, every minute,
and the warnings about overdue completions on the desk and the list look for public
releases not yet completed and for working editions due, oldest first: a few rows, for
which PostgreSQL read the archive (50 to 80 ms).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0018_visibility_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="release",
            name="status_rank",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(status="draft", then=models.Value(0)),
                    models.When(status="review", then=models.Value(1)),
                    models.When(status="approved", then=models.Value(2)),
                    models.When(status="scheduled", then=models.Value(3)),
                    models.When(status="published", then=models.Value(4)),
                    models.When(status="withdrawn", then=models.Value(5)),
                    default=models.Value(6),
                    output_field=models.IntegerField(),
                ),
                output_field=models.PositiveSmallIntegerField(),
                verbose_name="status",
            ),
        ),
        migrations.AddIndex(
            model_name="release",
            index=models.Index(condition=models.Q(("edition_of__isnull", True)),
                               fields=["status_rank", "-updated_at", "-id"],
                               name="release_desk_order_idx"),
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
