"""SQLite: ranking by relevance over the whole archive with FTS5.

Each release that is not a working edition has a row in the FTS5 table
``releases_release_fts`` (rowid = release id; see migration 0013) with four
columns: its title, the rest of its heading (subtitle and the names it carries),
its teaser and its text, each normalised as queries are (``text._document``) and
split into words by the ``unicode61`` tokenizer. Whether a release may be shown is
decided by the QuerySet of the caller, never by the index. A query reaches FTS5
only as quoted strings of letters and digits joined by operators
built in sqlite_queries.py: nothing a visitor types is read as FTS5 syntax.

A search lists its results in the same groups as on PostgreSQL (text.GROUPS),
read in order until the list is full (text.best_first): tier by tier (exact
words or phrases, then beginnings of words, words without a plural ending and
compounds, then typo corrections), the releases whose heading (title or heading
column) matches, then those that match in their teaser or text only; within a
group by bm25 with the title weighing most, then the newer release. Where the
headings of a group match few releases (up to 4,000, ``MANY_MATCHES``), every
one of them is a candidate, however old (``_headings``: read best first, until
enough are found). Where they match more (the name of the office that every
release carries, a common word of titles), the newest of them take part, as on
PostgreSQL: bm25 costs about as much for each match as reading it. Where they
are a large share of all releases (``DENSE``), the newest releases are read from
the date index a batch at a time, and the index asked once per batch which of
them match and how well (``_newest_ranked``); else as the text matches below.
Of the releases that match in their teaser or text only, the newest that the
list has room for are ranked, so that a word found in half the archive is not
scored in all its mentions. Each group's first matches are read from the index
once, up to the limit (``_first_matches``): a rare word's are then sorted by
date, a common word's newest found by walking the date index with the matches
as a set to look each release up in (``_newest``). The caller's QuerySet (what
is public, the visitor's filters) is compiled to SQL once per search
(``Visible``), and these queries are written around it.

SQLite has no German stemmer: a word finds its inflections as the beginning of
words (tier "expanded"). A column holds its umlaut words a second time, folded and
marked (text._document): "Länder" also as "qqlander", which "Land" finds as a
beginning, one tier below its exact matches.

The words of public releases are counted in ``releases_searchword`` as on
PostgreSQL; an FTS5 ``trigram`` table over them, kept in step by triggers, finds
the compounds that contain a word and the candidates for correcting a typo, of
which the one most similar by pg_trgm's measure (``sqlite_queries.similarity``) is taken.
Snippets are cut in Python (``snippets._python_snippet``), a corrected word marked too.
"""

import itertools
import json

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL

from .snippets import _python_snippet, _snippet_source
from .sqlite_queries import (
    FTS_TABLE,
    HEADING,
    TRIGRAM_TABLE,
    WORDS_TABLE,
    _fts_queries,
    _lookup,
)
from .text import (
    MAX_RESULTS,
    Query,
    Term,
    _document,
    best_first,
    closer_tier,
    substring_condition,
)

# bm25 weights of title, heading, teaser and text.
WEIGHTS = (10.0, 5.0, 2.0, 1.0)
BATCH_SIZE = 500
# From this share of all rows matching, the newest are read in batches and each batch
# looked up in the index (_newest_ranked): below it, each batch would be so large that
# listing the matches and walking the date index costs less (measured at 100,000).
DENSE = 0.2


# ---------------------------------------------------------------------------
# The interface every backend has (see __init__.py).


def ranked(query, releases, order):
    """(ids best first, at most MAX_RESULTS + 1; how many of them)."""
    tiers = _fts_queries(query, releases.db)
    visible = Visible(releases)
    if order == "date":
        ids = [pk for pk, _ in _newest(visible, tiers["fuzzy"], MAX_RESULTS + 1)]
    else:
        ids = best_first(lambda tier, heading, wanted: _group(visible, tiers, tier, heading,
                                                              wanted))
    return ids, len(ids)


def _group(visible, tiers, tier, heading, wanted):
    """[(-bm25, date, id)] of at most ``wanted`` releases of a group (see text.GROUPS):
    those that match ``tier`` and not a closer one, in their heading, or in their teaser
    or text and nowhere in their heading."""
    positive, closer = tiers["positive"], closer_tier(tier)
    if closer and positive[tier] == positive[closer]:
        return []  # the same matches as the closer tier
    if heading:
        match = f"{HEADING} : ({positive[tier]})"
        if closer:
            match = f"({match}) NOT ({HEADING} : ({positive[closer]}))"
        if tiers["exclusions"]:
            match = f"({match}) NOT ({tiers['exclusions']})"
        rows, ranks = _headings(visible, match, wanted)
    else:
        match = f"({tiers[tier]}) NOT ({HEADING} : ({positive['fuzzy']}))"
        if closer:
            match = f"({match}) NOT ({positive[closer]})"
        rows = _newest(visible, match, wanted)
        # Ranked by the words of their tier: every one of them matches it.
        ranks = _ranks(visible.db, positive[tier], ids=[pk for pk, _ in rows])
    return [(ranks[pk], published_at, pk) for pk, published_at in rows]


def editorial(query, releases):
    # A working edition has no row (see index.py): its fields are matched as substrings.
    expanded = _fts_queries(query, releases.db, look_up=False)["expanded"]
    return releases.filter(Q(pk__in=_matching(expanded))
                           | Q(edition_of__isnull=False) & substring_condition(query))


def has_exact_match(query, releases):
    # The matches in the index's order, each looked up until one is of ``releases``:
    # not all of them first, as a list (7 ms for a word in 25,000 releases).
    match = _fts_queries(query, releases.db)["exact"]
    visible = Visible(releases)
    with connections[releases.db].cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND EXISTS "
                       f"(SELECT 1 FROM {visible.table} r WHERE r.id = {FTS_TABLE}.rowid "
                       f"AND {visible.condition}) LIMIT 1", [match, *visible.params])
        return cursor.fetchone() is not None


def lookup(query, db):
    return _lookup(query, db)


def shown(releases):
    """``releases`` as a page of results loads them: with their texts, for the snippets."""
    return releases


def snippets(releases, query, db):
    """{pk: escaped text with <mark>}: computed in Python; corrected typos marked too."""
    if query:
        corrections = [(found["correction"],) for found in _lookup(query, db).values()
                       if found["correction"]]
        if corrections:
            query = Query(text=query.text, clauses=[
                *query.clauses, [Term(words) for words in corrections]])
    return {release.pk: _python_snippet(_snippet_source(release), query)
            for release in releases}


def index(release_ids, db):
    """Rewrite the rows of these releases: one for each that is not a working edition."""
    from .index import indexed, search_document

    release_ids = list(release_ids)
    with connections[db].cursor() as cursor:
        for start in range(0, len(release_ids), BATCH_SIZE):
            batch = release_ids[start:start + BATCH_SIZE]
            _delete_rows(cursor, batch)
            rows = []
            for release in indexed(batch, db).filter(edition_of__isnull=True):
                document = search_document(release)
                title, _, heading = document["heading"].partition("\n")
                rows.append((release.pk, _document(title), _document(heading),
                             _document(document["teaser"]), _document(document["text"])))
            cursor.executemany(f"INSERT INTO {FTS_TABLE} (rowid, title, heading, teaser, text) "
                               "VALUES (%s, %s, %s, %s, %s)", rows)


def unindex(release_ids, db):
    """Delete the rows of these releases."""
    release_ids = list(release_ids)
    with connections[db].cursor() as cursor:
        for start in range(0, len(release_ids), BATCH_SIZE):
            _delete_rows(cursor, release_ids[start:start + BATCH_SIZE])


def _delete_rows(cursor, ids):
    if ids:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(ids))})",
                       ids)


def count_words(counts, sign, db):
    """Add ``counts`` ({word: [display, releases]}) to the list of words, or take them off.

    The trigram table follows by the triggers of migration 0013.
    """
    words = sorted(counts)
    with connections[db].cursor() as cursor:
        if sign > 0:
            cursor.executemany(
                f"INSERT INTO {WORDS_TABLE} (word, display, release_count) VALUES (%s, %s, %s) "
                "ON CONFLICT (word) DO UPDATE "
                f"SET release_count = {WORDS_TABLE}.release_count + excluded.release_count",
                [(word, *counts[word]) for word in words])
        else:
            cursor.executemany(
                f"UPDATE {WORDS_TABLE} SET release_count = release_count - %s WHERE word = %s",
                [(counts[word][1], word) for word in words])
            cursor.executemany(
                f"DELETE FROM {WORDS_TABLE} WHERE word = %s AND release_count <= 0",
                [(word,) for word in words])


def clear(db):
    """Empty the index and the list of words, before everything is indexed again: rows of
    releases deleted without a signal (raw SQL, ``flush``) go too."""
    with connections[db].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")
        # The trigram table first: the delete trigger then finds nothing to delete.
        cursor.execute(f"DELETE FROM {TRIGRAM_TABLE}")
        cursor.execute(f"DELETE FROM {WORDS_TABLE}")


# ---------------------------------------------------------------------------
# Matching and ranking.


def _matching(match):
    """The ids of the rows matching the FTS5 query ``match``, as a subquery."""
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (match,))


class Visible:
    """The caller's releases (a QuerySet) as a condition on a release ``r`` in SQL,
    compiled once for a search: each group's queries are written around it rather than
    built by the ORM again, and give (id, date) rows (the date naive, as the driver reads
    it: compared only with the others of the same search)."""

    def __init__(self, releases):
        self.db = releases.db
        self.table = connections[self.db].ops.quote_name(releases.model._meta.db_table)
        try:
            sql, self.params = (releases.filter(pk=RawSQL("r.id", ())).order_by()
                                .values("pk").query.sql_with_params())
            self.condition = f"EXISTS ({sql})"
        except EmptyResultSet:  # releases.none()
            self.condition, self.params = "0", ()

    def newest_sql(self, where="1"):
        """SQL of the ids and dates of the releases that meet ``where`` too, newest first,
        as many as its last parameter says."""
        return (f"SELECT r.id, r.published_at FROM {self.table} r "
                f"WHERE {where} AND {self.condition} "
                "ORDER BY r.published_at DESC, r.id DESC LIMIT %s")

    def newest(self, where, params, limit):
        """[(id, date)] of the newest ``limit`` releases that meet ``where`` too."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.newest_sql(where), [*params, *self.params, limit])
            return cursor.fetchall()

    def listed(self, ids, limit):
        """As ``newest``, of the releases with these ids."""
        if not ids:
            return []
        return self.newest("r.id IN (SELECT value FROM json_each(%s))", [json.dumps(ids)],
                           limit)


def _newest(visible, match, limit):
    """(id, date) of the releases matching ``match``, newest first: at most ``limit``.

    A rare word's few matches, read from the index once, are checked for visibility
    and sorted by date; a common word's come from the date index (``_newest_by_date``).
    """
    matches = _first_matches(visible.db, match)
    if matches.many:
        return _newest_by_date(visible, match, limit)
    return visible.listed(matches.ids, limit)


def _newest_by_date(visible, match, limit):
    """(id, date) of the newest ``limit`` releases matching ``match``.

    The date index is walked, each release it passes looked up in the matches (read
    once, as a set; the unary plus keeps SQLite from reading the releases by them)
    and then checked for visibility: else SQLite, which knows nothing of the
    conditions' selectivity unless ANALYZE ran, would rather read the releases by the
    index of one of them and sort them all by date.
    """
    return visible.newest(f"+r.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
                          [match], limit)


MANY_MATCHES = 4_000
"""From how many matches the newest of them take part: ranking all of a few thousand
costs a few milliseconds, of tens of thousands a tenth of a second. Whatever the
length of the list: up to here every heading match is a candidate."""


class Matches:
    """The first rows matching an FTS5 query, read once: their ids, up to
    ``MANY_MATCHES`` (``ids``), or, where more match (``many``), about what share of
    all rows do, told by the highest id read (the index gives them in ascending order)."""

    def __init__(self, ids):
        self.many = len(ids) > MANY_MATCHES
        self.ids = [] if self.many else ids
        self.share = len(ids) / max(ids) if self.many else 0.0


def _first_matches(db, match):
    # As one JSON array: thousands of ids cost a fraction of as many rows.
    with connections[db].cursor() as cursor:
        cursor.execute(f"SELECT json_group_array(rowid) FROM (SELECT rowid FROM {FTS_TABLE} "
                       f"WHERE {FTS_TABLE} MATCH %s LIMIT %s)", [match, MANY_MATCHES + 1])
        return Matches(json.loads(cursor.fetchone()[0]))


def _headings(visible, match, wanted):
    """The releases whose heading matches ``match``: [(id, date)] of the best ``wanted``
    and {id: -bm25}. Of many matches only the newest are read and scored."""
    matches = _first_matches(visible.db, match)
    if matches.many:
        if matches.share >= DENSE:
            return _newest_ranked(visible, match, wanted, matches.share)
        rows = _newest_by_date(visible, match, wanted)
        return rows, _ranks(visible.db, match, ids=[pk for pk, _ in rows])
    if not matches.ids:
        return [], {}
    # The best twice as many as wanted: some may not be shown (filters, drafts).
    ranks = _ranks(visible.db, match, best=2 * wanted)
    rows = _best_visible(visible, ranks, wanted)
    if len(rows) < wanted and len(ranks) >= 2 * wanted:
        ranks = _ranks(visible.db, match)
        rows = _best_visible(visible, ranks, wanted)
    return rows, ranks


def _newest_ranked(visible, match, wanted, share):
    """As ``_newest_by_date`` and ``_ranks`` of those, for a ``match`` of most rows.

    The newest releases are read from the date index, a batch at a time, and the
    index is asked once for each batch which of them match and how well: not first
    for all matches, as a set to look them up in, and then again for their bm25.
    """
    size = int(wanted * 1.25 / share) + 1
    while True:
        with connections[visible.db].cursor() as cursor:
            cursor.execute(
                f"WITH batch AS MATERIALIZED ({visible.newest_sql()}) "
                f"SELECT rowid, -bm25({FTS_TABLE}, {', '.join(map(str, WEIGHTS))}) "
                f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                "AND +rowid IN (SELECT id FROM batch) "
                "UNION ALL SELECT NULL, count(*) FROM batch", [*visible.params, size, match])
            rows = cursor.fetchall()
        read = rows.pop()[1]
        if len(rows) >= wanted or read < size:
            break
        size *= 2
    ranks = dict(rows)
    rows = visible.listed(list(ranks), wanted)
    return rows, {pk: ranks[pk] for pk, _ in rows}


def _ranks(db, match, best=None, ids=None):
    """{id: -bm25} of the rows matching ``match``: all, or the ``best`` and those scored
    alike with the last of them (bm25 is computed once for each row either way), or
    those of ``ids`` (bm25 computed for them only)."""
    params, among = [match], ""
    if ids is not None:
        if not ids:
            return {}
        # FTS5 skips to the range of ids asked about.
        among = " AND rowid BETWEEN %s AND %s AND +rowid IN (SELECT value FROM json_each(%s))"
        params += [min(ids), max(ids), json.dumps(ids)]
    sql = (f"WITH r AS MATERIALIZED (SELECT rowid AS id, "
           f"-bm25({FTS_TABLE}, {', '.join(map(str, WEIGHTS))}) AS score "
           f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s{among}) SELECT id, score FROM r")
    if best is not None:
        sql += (" WHERE score >= IFNULL((SELECT score FROM r ORDER BY score DESC "
                "LIMIT 1 OFFSET %s), score)")
        params.append(best - 1)
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _best_visible(visible, scores, wanted):
    """(id, date) of the best of ``scores`` ({id: -bm25}) that are ``visible``.

    Looked at best first, until ``wanted`` are found: reading a release costs more than
    scoring it, and a word in every heading needs no look at most of them. Of a large
    group scored alike (which the date orders) only the newest needed are read.
    """
    found, batch = [], []

    def read(ids, newest=None):
        return visible.listed(ids, len(ids) if newest is None else newest)

    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    for _, group in itertools.groupby(ranked, key=scores.__getitem__):
        group = list(group)
        if len(batch) + len(group) <= wanted:
            batch += group
            continue
        if batch:
            found += read(batch)
            batch = []
            if len(found) >= wanted:
                break
        if len(group) <= wanted:
            batch = group
        else:
            found += read(group, newest=wanted - len(found))
            if len(found) >= wanted:
                break
    if batch and len(found) < wanted:
        found += read(batch)
    return found
