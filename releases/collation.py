"""German alphabetical order (DIN 5007-1) for names, on both databases.

Names sort as in a German dictionary: ä, ö and ü as a, o and u, ß as ss, capitals
and small letters alike ("Ärzte" between "Apotheken" and "Berufe", "ländlicher Raum"
before "Landwirtschaft"). Names equal by that rule are told apart by their accents
(plain first), then by case (small letters first), then character by character, so
that the order is the same every time.

PostgreSQL has this rule built in as the ICU collation "de-x-icu". SQLite has no
locale rules of its own: it gets a collation, registered on every new connection,
that compares sort_key(). Queries name the rule through German(), which picks the
collation of the database a query runs on when the query is compiled.
"""

import functools
import unicodedata

from django.db.backends.signals import connection_created
from django.db.models.functions import Collate

SQLITE_COLLATION = "german"
COLLATIONS = {"postgresql": "de-x-icu", "sqlite": SQLITE_COLLATION}


@functools.lru_cache(maxsize=4096)
def sort_key(text):
    """The German order of ``text`` as a tuple, for sorted() and SQLite's collation."""
    decomposed = unicodedata.normalize("NFD", text)
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    # First the letters alone (casefold() makes ß "ss"), then with their accents (ß as
    # an accented ss), then case: swapcase() puts small letters before capitals.
    return letters.casefold(), decomposed.lower(), text.swapcase(), text


def compare(left, right):
    """-1, 0 or 1: ``left`` before, equal to or after ``right`` in German order."""
    left, right = sort_key(left), sort_key(right)
    return (left > right) - (left < right)


class German(Collate):
    """An expression (a field name or F()) in German order: for order_by() and
    Meta.ordering, e.g. ``Topic.objects.order_by(German("name"))``."""

    def __init__(self, expression):
        super().__init__(expression, SQLITE_COLLATION)

    def as_sql(self, compiler, connection, **extra_context):
        collation = COLLATIONS.get(connection.vendor)
        if collation is None:  # a database without the rule keeps its own order
            return compiler.compile(self.get_source_expressions()[0])
        extra_context["collation"] = connection.ops.quote_name(collation)
        return super().as_sql(compiler, connection, **extra_context)


def register_sqlite_collation(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)


def connect_signals():
    connection_created.connect(register_sqlite_collation,
                               dispatch_uid="releases.collation.sqlite")
