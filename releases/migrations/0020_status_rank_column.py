"""The rank of a release's status (work in progress first) as a column the database keeps.

The editors' list is read in this order through an index. An index on the expression
(0019) served PostgreSQL, which is sent the query with its values written in, but not
SQLite, which is sent them as parameters and so did not recognise the expression: it
read and sorted the whole archive (5 s at 100,000 releases).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0019_desk_and_completion_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="release", name="release_desk_order_idx"),
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
    ]
