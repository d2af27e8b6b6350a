"""PostgreSQL: ranking by relevance over the whole archive, with two stored vectors.

Each release has a ``search_vector`` over its whole document (title A, subtitle,
names and teaser B, text C) and a small ``heading_vector`` over its heading only
(title A; subtitle and the names it carries B), both built with the
``german_unaccent`` configuration (unaccent, then the German Snowball stemmer)
from text normalised as queries are (see text.py), each with a GIN index.

A search ranks in tiers, so that neither a looser match nor a mere mention
outranks a closer one: exact stems or phrases, then beginnings of words,
compounds and plurals ("expanded"), then typo corrections ("fuzzy"); within each,
a release whose heading matches before one that matches in its text only; then
ts_rank, then the newer release. Every release whose heading matches is a
candidate, however old (headings are short: a word is in few of them), before
the releases that mention the words in their text. Where more than
MAX_RESULTS releases match in one part (a name every release of an office
carries, a word found in half the texts), the newest of them take part: their
ids come from the date index or the search index, whichever is faster for the
number of matches (``_newest_ids``), and only they are ranked.
"""

import json
import operator
import re
from functools import reduce

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections, transaction
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL

from ..models import Release
from .text import (
    FUZZY_SIMILARITY,
    MAX_COMPOUNDS,
    MAX_RESULTS,
    MIN_COMPOUND_CHARS,
    MIN_FUZZY_CHARS,
    SNIPPET_SOURCE_CHARS,
    SNIPPET_WORDS,
    _document,
    _variants,
    lookup_words,
    loosened,
    substring_condition,
)

CONFIG = "german_unaccent"
WORDS_TABLE = "releases_searchword"


# ---------------------------------------------------------------------------
# The interface every backend has (see __init__.py).


def ranked(query, releases, order):
    """(ids best first, at most MAX_RESULTS + 1; how many of them)."""
    tiers = _tsqueries(query, releases.db)
    if order == "date":
        ids = _newest_ids(releases, Q(search_vector=tiers["fuzzy"]), MAX_RESULTS + 1)
        return ids, len(ids)
    positive = tiers["positive"]
    in_heading = Q(heading_vector=positive["fuzzy"])
    if tiers["exclusions"] is not None:
        in_heading &= Q(search_vector=tiers["exclusions"])
    heading = _scored(_newest_ids(releases, in_heading, MAX_RESULTS + 1), "heading_vector",
                      positive, releases.db, heading=True)
    body = []
    if len(heading) <= MAX_RESULTS:  # else the headings alone fill the list
        mentions = _newest_ids(
            releases, Q(search_vector=tiers["fuzzy"]) & ~Q(heading_vector=positive["fuzzy"]),
            MAX_RESULTS + 1 - len(heading))
        body = _scored(mentions, "search_vector", positive, releases.db, heading=False)
    best = sorted(heading + body, reverse=True)[:MAX_RESULTS + 1]
    return [row[-1] for row in best], len(best)


def _scored(ids, vector, tiers, db, *, heading):
    """The releases ``ids`` as sortable rows, pk last: (tier, heading or not, rank on
    ``vector``, date, pk)."""
    if not ids:
        return []
    quality = Case(When(**{vector: tiers["exact"]}, then=Value(2)),
                   When(**{vector: tiers["expanded"]}, then=Value(1)),
                   default=Value(0))
    rows = (Release.objects.using(db).filter(_pk_in(ids))
            .annotate(quality=quality, rank=SearchRank(F(vector), tiers["fuzzy"]))
            .values_list("quality", "rank", "published_at", "pk"))
    return [(quality, heading, rank, published_at, pk)
            for quality, rank, published_at, pk in rows]


def shown(releases):
    """``releases`` as a page of results loads them: snippets come from the database."""
    return releases.defer("body", "search_vector", "heading_vector")


def editorial(query, releases):
    # A working edition has no vector (see index.py): its fields are matched as substrings.
    expanded = _tsqueries(query, releases.db, look_up=False)["expanded"]
    return releases.filter(Q(search_vector=expanded)
                           | Q(edition_of__isnull=False) & substring_condition(query))


def has_exact_match(query, releases):
    return releases.filter(search_vector=_exact(query)).exists()


# The text a snippet is cut from, made in the database from the stored columns: subtitle
# and teaser escaped (they are plain text), the text without its tags (it is sanitised
# HTML with quoted attributes, where a ">" may stand inside a value; what is left is
# escaped already: ts_headline keeps its entities whole). A part that does not end a
# sentence gets a dash, so it does not run on into the next.
_ESCAPED = "replace(replace(replace({0}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
_ENDED = ("CASE WHEN btrim({0}) = '' THEN NULL WHEN btrim({0}) ~ '[.!?:;…–—\"“”»«)]$' "
          "OR btrim({1}) = '' THEN btrim({0}) ELSE btrim({0}) || ' –' END")
_SNIPPET_SOURCE = (
    "left(concat_ws(E'\\n', {subtitle}, {teaser}, "
    "nullif(btrim(regexp_replace({body}, '<([^>\"]|\"[^\"]*\")*>', ' ', 'g')), '')), %s)")


def snippets(releases, query, db):
    """{pk: escaped text with <mark>}: ts_headline over the stored texts, in one query."""
    table = connections[db].ops.quote_name(Release._meta.db_table)

    def column(name):
        return f"{table}.{connections[db].ops.quote_name(name)}"

    source = RawSQL(_SNIPPET_SOURCE.format(
        # A dash only where a later column has text.
        subtitle=_ENDED.format(_ESCAPED.format(column("subtitle")),
                               f"{column('teaser')} || {column('body')}"),
        teaser=_ENDED.format(_ESCAPED.format(column("teaser")), column("body")),
        body=column("body")), (SNIPPET_SOURCE_CHARS,), output_field=TextField())
    headline = SearchHeadline(
        source, _tsqueries(query, db)["fuzzy"], config=CONFIG,
        start_sel="<mark>", stop_sel="</mark>", max_words=SNIPPET_WORDS,
        min_words=SNIPPET_WORDS // 2, max_fragments=2, fragment_delimiter=" … ")
    rows = (Release.objects.using(db).filter(pk__in=[release.pk for release in releases])
            .annotate(snippet=headline).values_list("pk", "snippet"))
    return {pk: _only_marks(snippet) for pk, snippet in rows}


_MARKUP = re.compile(r"(</?mark>)|[<>\"']")
_ESCAPES = {"<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}


def _only_marks(snippet):
    """``snippet`` with every angle bracket but those of <mark>, and every quote, escaped
    (as django.utils.html.escape would).

    The text holds no bracket (it is escaped, or sanitised HTML without its tags);
    should a tag survive the stripping, it is shown as text rather than read as markup.
    """
    return _MARKUP.sub(lambda match: match[1] or _ESCAPES[match[0]], snippet)


def lookup(query, db):
    return _lookup(query, db)


def index(release_ids, db):
    """Rebuild both vectors of these releases."""
    from .index import indexed, search_document

    releases = list(indexed(release_ids, db))
    for release in releases:
        document = search_document(release)
        title, _, rest = document["heading"].partition("\n")
        release.heading_vector = _vector(title, "A") + _vector(rest, "B")
        release.search_vector = (release.heading_vector + _vector(document["teaser"], "B")
                                 + _vector(document["text"], "C"))
    Release.objects.using(db).bulk_update(releases, ["search_vector", "heading_vector"],
                                          batch_size=100)


def _vector(text, weight):
    return SearchVector(Value(_document(text)), config=CONFIG, weight=weight)


def unindex(release_ids, db):
    """Nothing to do: the vectors go with the row."""


def count_words(counts, sign, db):
    """Add ``counts`` ({word: [display, releases]}) to the list of words, or take them off."""
    words = sorted(counts)  # one order for every writer: no deadlocks between them
    with connections[db].cursor() as cursor:
        if sign > 0:
            cursor.execute(
                f"INSERT INTO {WORDS_TABLE} (word, display, release_count) "
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::int[]) "
                "ON CONFLICT (word) DO UPDATE "
                f"SET release_count = {WORDS_TABLE}.release_count + excluded.release_count",
                [words, [counts[word][0] for word in words],
                 [counts[word][1] for word in words]])
        else:
            cursor.execute(
                f"UPDATE {WORDS_TABLE} w SET release_count = w.release_count - c.n "
                "FROM unnest(%s::text[], %s::int[]) AS c(word, n) WHERE w.word = c.word",
                [words, [counts[word][1] for word in words]])
            cursor.execute(f"DELETE FROM {WORDS_TABLE} WHERE word = ANY(%s) "
                           "AND release_count <= 0", [words])


def clear(db):
    with connections[db].cursor() as cursor:
        cursor.execute(f"TRUNCATE {WORDS_TABLE}")


# ---------------------------------------------------------------------------
# The newest matches of a condition, by whichever index finds them faster.


class _EqualsAny(Func):
    """``expression = ANY(array)``."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = zip(*map(compiler.compile, self.get_source_expressions()), strict=True)
        return f"{sql[0]} = ANY({sql[1]})", (*params[0], *params[1])


def _pk_in(ids):
    """pk__in=ids as one array parameter, not thousands of placeholders."""
    return Q(_EqualsAny(F("pk"), Value(list(ids), output_field=ArrayField(IntegerField()))))


# The search index costs a search something for each match; the date index, for each
# row it passes until it has MAX_RESULTS + 1 matches, about WALK_COST times as much (it
# unpacks the row's vector). See _common_matches.
WALK_COST = 5
_table_rows = {}  # database alias -> the planner's count of releases, read once per process


def _newest_ids(releases, condition, limit):
    """The ids of the newest ``limit`` of ``releases`` that match ``condition``.

    The newest matches of a common word come fastest from the date index, each row
    checked against the query on the way; a rarer word would have that walk check
    (and unpack the stored vector of) tens of thousands of rows, where the search
    index names its few matches at once. The planner weighs those costs poorly, so
    its estimate of the matches decides here: a rare word's matches come from the
    search index alone, and only they are checked for visibility and sorted by date.
    """
    newest = (releases.filter(condition).order_by("-published_at", "-pk")
              .values_list("pk", flat=True)[:limit])
    matches = Release.objects.using(releases.db).filter(condition).order_by().values("pk")
    if _estimated_rows(matches) > _common_matches(releases.db):
        return list(newest)
    with transaction.atomic(using=releases.db):
        with connections[releases.db].cursor() as cursor:
            # Else the planner would rather walk the date index, or read the whole
            # table, unpacking every vector on the way.
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        return list(newest)


def _common_matches(db):
    """How many matches make a word common: from there on the date index is faster.

    Of N releases a word in m: the date index passes about N * (MAX_RESULTS + 1) / m
    rows at WALK_COST each, the search index visits m; even at m² = WALK_COST *
    (MAX_RESULTS + 1) * N. For 100,000 releases that is some 22,000 matches.
    """
    if db not in _table_rows:
        with connections[db].cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                           [Release._meta.db_table])
            _table_rows[db] = cursor.fetchone()[0]
    rows = _table_rows[db] if _table_rows[db] > 0 else 100_000  # -1: never analysed
    return (WALK_COST * (MAX_RESULTS + 1) * rows) ** 0.5


def _estimated_rows(queryset):
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


# ---------------------------------------------------------------------------
# PostgreSQL: tsqueries. Words reach to_tsquery only as quoted lexemes made of
# letters and digits, as a parameter.


def _quote(lexeme, prefix=False):
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")


def _any(words, prefix=False):
    return " | ".join(_quote(word, prefix) for word in dict.fromkeys(words))


def _raw(text, config=CONFIG):
    return SearchQuery(text, config=config, search_type="raw")


def _exact_term(term):
    """The term's word or phrase, or any other name of the place it names.

    A release number ("7/2021") is one token to PostgreSQL's parser: two numbers
    are also looked for as that token.
    """
    phrases = [" <-> ".join(f"({_any(_variants(word))})" for word in words)
               for words in (term.words, *term.places)]
    if len(term.words) == 2 and all(word.isdecimal() for word in term.words):
        phrases.append(_quote("/".join(term.words)))
    return _raw(" | ".join(f"({phrase})" for phrase in phrases))


def _exact(query):
    """Each clause matched by a stem or phrase, no exclusion matched: tier 2 (None if empty)."""
    if not query:
        return None
    clauses = [reduce(operator.or_, map(_exact_term, clause)) for clause in query.clauses]
    exclusions = [~_exact_term(term) for term in query.exclusions]
    return reduce(operator.and_, clauses + exclusions)


def _loose_term(term, lookups):
    """A term also as a word's beginning, without a plural ending, or inside compounds."""
    exact = _exact_term(term)
    more = loosened(term, lookups)
    if more is None:
        return exact, exact
    expanded = exact
    if more["prefixes"]:
        expanded |= _raw(_any(more["prefixes"], prefix=True), config="simple")
    if more["compounds"]:
        expanded |= _raw(_any(more["compounds"]))
    fuzzy = expanded
    if more["corrections"]:
        fuzzy |= _raw(_any(more["corrections"]))
    return expanded, fuzzy


def _tsqueries(query, db, *, look_up=True):
    """The exact (tier 2), expanded (tier 1) and fuzzy (tier 0) tsqueries of ``query``.

    ``look_up=False``: without compounds and corrections from the public words (no query).
    """
    lookups = _lookup(query, db) if look_up else {}
    expanded, fuzzy = [], []
    for clause in query.clauses:
        loose = [_loose_term(term, lookups) for term in clause]
        expanded.append(reduce(operator.or_, (pair[0] for pair in loose)))
        fuzzy.append(reduce(operator.or_, (pair[1] for pair in loose)))
    exclusions = [~_exact_term(term) for term in query.exclusions]
    positive = {"exact": reduce(operator.and_, [reduce(operator.or_, map(_exact_term, clause))
                                                for clause in query.clauses]),
                "expanded": reduce(operator.and_, expanded),
                "fuzzy": reduce(operator.and_, fuzzy)}
    return {"exact": _exact(query),
            "expanded": reduce(operator.and_, expanded + exclusions),
            "fuzzy": reduce(operator.and_, fuzzy + exclusions),
            # Without the exclusions, which a heading alone cannot rule out.
            "positive": positive,
            "exclusions": reduce(operator.and_, exclusions) if exclusions else None}


_LOOKUP_SQL = f"""
WITH q AS (
    SELECT word, EXISTS (SELECT 1 FROM {WORDS_TABLE} w
                         WHERE w.word >= q.word AND w.word < q.word || chr(1114111)) AS known
    FROM unnest(%s::text[]) AS q(word)
)
SELECT q.word,
    ARRAY(SELECT w.word FROM {WORDS_TABLE} w
          WHERE length(q.word) >= %s AND w.word LIKE '_%%' || q.word || '%%'
          ORDER BY length(w.word), w.word LIMIT %s),
    (SELECT ARRAY[w.word, w.display] FROM {WORDS_TABLE} w
     WHERE NOT q.known AND length(q.word) >= %s
       AND w.word %% q.word AND similarity(w.word, q.word) >= %s
     ORDER BY similarity(w.word, q.word) DESC, w.word LIMIT 1)
FROM q
"""


def _lookup(query, db):
    """Compounds containing each single-word term, and a correction if it is unknown.

    One query per parsed query and database, remembered on the parsed query.
    The LIKE patterns are safe: words hold letters and digits only.
    """
    if db not in query._lookups:
        words = lookup_words(query)
        found = {}
        if words:
            with connections[db].cursor() as cursor:
                cursor.execute(_LOOKUP_SQL, [words, MIN_COMPOUND_CHARS, MAX_COMPOUNDS,
                                             MIN_FUZZY_CHARS, FUZZY_SIMILARITY])
                for word, compounds, correction in cursor.fetchall():
                    found[word] = {"compounds": compounds,
                                   "correction": correction[0] if correction else None,
                                   "display": correction[1] if correction else None}
        query._lookups[db] = found
    return query._lookups[db]
