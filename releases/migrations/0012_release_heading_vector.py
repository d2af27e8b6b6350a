# The heading of a release (title, subtitle and the names it carries) indexed apart
# from its text, so that search can rank every release whose heading matches
# (releases/search/postgresql.py). The GIN index is PostgreSQL-only. After
# migrating an existing database, run `manage.py rebuild_search_index`.

import django.contrib.postgres.search
from django.db import migrations


def on_postgresql(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0011_seed_place_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="release",
            name="heading_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(
            on_postgresql("CREATE INDEX release_heading_vector_idx ON releases_release "
                          "USING gin (heading_vector)"),
            on_postgresql("DROP INDEX IF EXISTS release_heading_vector_idx")),
    ]
