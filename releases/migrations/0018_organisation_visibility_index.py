"""Which organisations are public: one index probe per organisation.

Without it PostgreSQL checked each organisation by reading the release table from its
start until it met one of the organisation's public releases, about 27 ms each at
100,000 releases.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0017_sign_language_video"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="release",
            index=models.Index(
                condition=models.Q(("edition_of__isnull", True)),
                fields=["organisation", "status", "published_at"],
                include=("embargo_until",),
                name="release_org_visibility_idx",
            ),
        ),
    ]
