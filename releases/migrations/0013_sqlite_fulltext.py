# Full-text search on SQLite (releases/search/sqlite.py): an FTS5 table of the
# releases' normalised documents (rowid = release id), the list of words of public
# releases, and an FTS5 trigram table over those words (compounds and typo
# corrections), kept in step with the list by triggers. SQLite only: PostgreSQL's
# index is in 0002 and 0012. After migrating an existing database, run
# `manage.py rebuild_search_index`.

from django.db import migrations

FORWARD = [
    "CREATE VIRTUAL TABLE releases_release_fts USING fts5("
    "title, heading, teaser, text, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '4 6')",
    "CREATE TABLE releases_searchword ("
    "word text NOT NULL PRIMARY KEY, display text NOT NULL, "
    "release_count integer NOT NULL DEFAULT 0)",
    "CREATE VIRTUAL TABLE releases_searchword_trigram USING fts5(word, tokenize = 'trigram')",
    "CREATE TRIGGER releases_searchword_insert AFTER INSERT ON releases_searchword BEGIN "
    "INSERT INTO releases_searchword_trigram (word) VALUES (new.word); END",
    # Words hold letters and digits only (and at least three): a quoted trigram phrase.
    "CREATE TRIGGER releases_searchword_delete AFTER DELETE ON releases_searchword BEGIN "
    "DELETE FROM releases_searchword_trigram WHERE releases_searchword_trigram "
    "MATCH '\"' || old.word || '\"' AND word = old.word; END",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS releases_searchword_delete",
    "DROP TRIGGER IF EXISTS releases_searchword_insert",
    "DROP TABLE IF EXISTS releases_searchword_trigram",
    "DROP TABLE IF EXISTS releases_searchword",
    "DROP TABLE IF EXISTS releases_release_fts",
]


def on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0012_release_heading_vector"),
    ]

    operations = [
        migrations.RunPython(on_sqlite(FORWARD), on_sqlite(BACKWARD)),
    ]
