"""The test database after a transactional test: what the data migrations wrote is back.

A transactional test (the browser tests, ...) empties every table when it ends; the
rows the data migrations write (the roles with their permissions, the place names)
are then written again (conftest.restore_migration_data), so a test never depends on
running before one. The search index, which SQLite keeps in a table that is no
model and so is not emptied with the others, is emptied too.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from releases.models import PlaceGroup, PlaceName
from tests.conftest import restore_migration_data


def migration_rows():
    roles = {group.name: sorted(group.permissions.values_list("codename", flat=True))
             for group in Group.objects.all()}
    places = sorted(PlaceName.objects.values_list("group__kind", "name", "language"))
    return roles, places


@pytest.mark.django_db(transaction=True)
def test_the_rows_of_the_data_migrations_are_written_again_as_migrate_wrote_them():
    restore_migration_data()  # as after any transactional test before this one
    written_by_migrate = migration_rows()
    assert {"Redaktion", "Pressestelle"} <= set(written_by_migrate[0])
    assert ("equivalent", "Kattowitz", "de") in written_by_migrate[1]

    Group.objects.all().delete()
    PlaceGroup.objects.all().delete()
    restore_migration_data()

    assert migration_rows() == written_by_migrate


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
@pytest.mark.django_db(transaction=True)
def test_no_search_row_outlives_the_emptied_tables(make_release):
    restore_migration_data()
    make_release(title="Quellwasserbilanz")
    # As the end of a transactional test does: the models' tables emptied, not the FTS5 one.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM releases_release_topics")
        cursor.execute("DELETE FROM releases_release")
    Group.objects.all().delete()
    restore_migration_data()

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM releases_release_fts")
        assert cursor.fetchone()[0] == 0
