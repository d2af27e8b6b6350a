# PostgreSQL keeps a release's long columns (text, search vector, teaser) out of the
# row itself, so that what search and lists read for many releases at once (dates,
# states, the small heading vector) lies on few pages: a search that checks thousands
# of matches for visibility then reads tens of megabytes at 100,000 releases instead
# of hundreds. The heading vector stays in the row (STORAGE MAIN). Rows already
# stored take the new layout when next written (`manage.py rebuild_search_index`
# writes them all). Nothing to do on SQLite.

from django.db import migrations


def on_postgresql(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0013_sqlite_fulltext"),
    ]

    operations = [
        migrations.RunPython(
            on_postgresql(
                "ALTER TABLE releases_release SET (toast_tuple_target = 256)",
                "ALTER TABLE releases_release ALTER COLUMN heading_vector SET STORAGE MAIN"),
            on_postgresql(
                "ALTER TABLE releases_release RESET (toast_tuple_target)",
                "ALTER TABLE releases_release ALTER COLUMN heading_vector SET STORAGE EXTENDED")),
    ]
