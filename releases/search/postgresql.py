"""PostgreSQL: ranking by relevance over the whole archive, with two stored vectors.

Each release has a ``search_vector`` over its whole document (title A, subtitle,
names and teaser B, text C) and a small ``heading_vector`` over its heading only
(title A; subtitle and the names it carries B), both built with the
``german_unaccent`` configuration (unaccent, then the German Snowball stemmer)
from text normalised as queries are (see text.py), each with a GIN index. The
umlaut words are there a second time, folded and marked (text._document).

A search lists its results in groups (text.GROUPS), so that neither a looser
match nor a mere mention outranks a closer one: tier by tier (exact stems or
phrases, then beginnings of words, compounds and plurals, then typo
corrections), the releases whose heading matches, then those that match in their
text only; within a group by ts_rank, then the newer release. The groups are read
in order until the list is full (text.best_first): a looser tier or the mentions
of a common word are not read when closer matches fill the list. Every release
whose heading matches is a candidate, however old (headings are short: a word is
in few of them; all tiers in one query, ``_headings``). Where more releases
match in a group than the list has room for (a name every release of an office
carries, a word found in half the texts), the newest of them take part: their
ids come from the date index or the search index, whichever is faster for the
number of matches (``_Plans``), and only they are ranked.

The tsqueries of a search are made once (``_tsqueries``, one query) and then
passed as PostgreSQL writes them, each one parameter.
"""

import json
import re
from functools import cache

from django.contrib.postgres.search import SearchHeadline, SearchRank, SearchVector
from django.db import connections, transaction
from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.expressions import RawSQL

from ..models import Release
from .postgresql_tsqueries import CONFIG, WORDS_TABLE, _exact, _lookup, _tsqueries
from .text import (
    MAX_RESULTS,
    SNIPPET_HTML_CHARS,
    SNIPPET_SOURCE_CHARS,
    SNIPPET_WORDS,
    _document,
    best_first,
    closer_tier,
    substring_condition,
)

# ---------------------------------------------------------------------------
# The interface every backend has (see __init__.py).


def ranked(query, releases, order):
    """(ids best first, at most MAX_RESULTS + 1; how many of them)."""
    tiers = _tsqueries(query, releases.db)
    matches = Q(search_vector=tiers["fuzzy"])
    with _Plans(releases.db) as plans:
        if order == "date":
            plans.prepare(matches)
            ids = list(releases.filter(matches).order_by("-published_at", "-pk")
                       .values_list("pk", flat=True)[:MAX_RESULTS + 1])
        else:
            # Of what few releases match, any part is matched by few: planned once.
            if not plans.prepare(matches):
                plans.decided = True

            @cache  # read once, when the first group of headings is asked for
            def headings():
                return _headings(releases, tiers, plans)

            # A word corrected is one no public release contains: where nothing matches
            # but through the correction, the closer tiers need no look.
            corrected_only = False
            if "fuzzy" in tiers["looser"]:
                closer = Q(search_vector=tiers["positive"]["expanded"])
                plans.prepare(closer)
                corrected_only = not Release.objects.using(releases.db).filter(closer).exists()

            def group(tier, heading, wanted):
                if tier != "exact" and tier not in tiers["looser"]:
                    return []  # the same matches as the closer tier
                if corrected_only and tier != "fuzzy":
                    return []
                if heading:
                    return sorted(headings().get(tier, ()), key=lambda row: row[1:],
                                  reverse=True)[:wanted]
                return _mentions(releases, tiers, tier, wanted, plans)

            ids = best_first(group)
    return ids, len(ids)


def _headings(releases, tiers, plans):
    """{tier: [(rank, date, id)]} of the releases whose heading matches, by the closest
    tier it matches in: all of them, or the newest MAX_RESULTS + 1. In one query: a
    heading is short, and its vector is stored in the row."""
    positive = tiers["positive"]
    condition = Q(heading_vector=positive["fuzzy"])
    if tiers["exclusions"] is not None:
        condition &= Q(search_vector=tiers["exclusions"])
    tier = Case(When(heading_vector=positive["exact"], then=Value("exact")),
                When(heading_vector=positive["expanded"], then=Value("expanded")),
                default=Value("fuzzy"))
    plans.prepare(condition, walk_cost=HEADING_WALK_COST)
    found = {}
    for name, *row in _newest_ranked(releases, condition, MAX_RESULTS + 1, "heading_vector",
                                     positive["fuzzy"], tier=tier):
        found.setdefault(name, []).append(tuple(row))
    return found


def _mentions(releases, tiers, tier, wanted, plans):
    """[(rank, date, id)] of the newest ``wanted`` releases that match ``tier`` in their
    text, and not a closer tier, and whose heading matches no tier."""
    positive, closer = tiers["positive"], closer_tier(tier)
    condition = Q(search_vector=tiers[tier]) & ~Q(heading_vector=positive["fuzzy"])
    if closer:
        condition &= ~Q(search_vector=positive[closer])
    plans.prepare(condition, wanted)
    return _newest_ranked(releases, condition, wanted, "search_vector", positive["fuzzy"])


def _newest_ranked(releases, condition, limit, vector, query, **more):
    """Rows (*more, rank, date, id) of the newest ``limit`` of ``releases`` matching
    ``condition``; ranked by ``query`` on ``vector``."""
    newest = releases.filter(condition).order_by("-published_at", "-pk").values("pk")[:limit]
    # Only the newest are ranked: the subquery is limited before the rank is computed.
    return list(Release.objects.using(releases.db).filter(pk__in=newest)
                .annotate(**more, rank=SearchRank(F(vector), query)).order_by()
                .values_list(*more, "rank", "published_at", "pk"))


def shown(releases):
    """``releases`` as a page of results loads them: snippets come from the database."""
    return releases.defer("body")


def editorial(query, releases):
    # A working edition has no vector (see index.py): its fields are matched as substrings.
    expanded = _tsqueries(query, releases.db, look_up=False)["expanded"]
    return releases.filter(Q(search_vector=expanded)
                           | Q(edition_of__isnull=False) & substring_condition(query))


def has_exact_match(query, releases):
    return releases.filter(search_vector=_exact(query, releases.db)).exists()


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
        # As much of the text as a snippet is cut from, no tag cut in two
        # (snippets._snippet_source).
        body=f"regexp_replace(left({column('body')}, {int(SNIPPET_HTML_CHARS)}), '<[^>]*$', '')"),
        (SNIPPET_SOURCE_CHARS,), output_field=TextField())
    headline = SearchHeadline(
        source, _tsqueries(query, db)["marks"], config=CONFIG,
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


# The search index costs a search something for each match; the date index, for each
# row it passes until it has enough matches, about WALK_COST times as much where it
# unpacks the row's whole vector, HEADING_WALK_COST times where it reads the small
# heading vector kept in the row (12,000 heading matches of 100,000 releases: the newest
# 1,001 in 5 ms by the date index, 11 ms by the search index). See _common_matches.
WALK_COST = 5
HEADING_WALK_COST = 0.5
_table_rows = {}  # database alias -> the planner's count of releases, read once per process


class _Plans:
    """How the queries for the newest releases that match a condition are run: in one
    transaction, each planned by ``prepare``.

    The newest matches of a common word come fastest from the date index, each row
    checked against the query on the way; a rarer word would have that walk check
    (and unpack the stored vector of) tens of thousands of rows, where the search
    index names its few matches at once. The planner weighs those costs poorly, so
    its estimate of the matches decides here: a rare word's matches come from the
    search index alone, and only they are checked for visibility and sorted by date.
    """

    SETTINGS = ("enable_seqscan", "enable_indexscan")

    def __init__(self, db):
        self.db = db
        self.by_index = False  # the search index alone
        self.decided = False  # every later query is planned as the last one

    def __enter__(self):
        self.transaction = transaction.atomic(using=self.db)
        self.transaction.__enter__()
        return self

    def __exit__(self, *exc_info):
        try:
            if self.by_index and exc_info[0] is None:
                # An enclosing transaction would keep them: not for its other queries.
                with connections[self.db].cursor() as cursor:
                    cursor.execute("; ".join(f"RESET {name}" for name in self.SETTINGS))
        finally:
            self.transaction.__exit__(*exc_info)

    def prepare(self, condition, limit=MAX_RESULTS + 1, walk_cost=WALK_COST):
        """Plan the next query of the newest ``limit`` matches of ``condition``, whose
        check costs ``walk_cost`` in the date index; True if common."""
        if self.decided:
            return not self.by_index
        common = _is_common(self.db, condition, limit, walk_cost)
        if self.by_index == common:
            self.by_index = not common
            # Else the planner would rather walk the date index, or read the whole
            # table, unpacking every vector on the way.
            value = "off" if self.by_index else "on"
            with connections[self.db].cursor() as cursor:
                cursor.execute("; ".join(f"SET LOCAL {name} = {value}"
                                         for name in self.SETTINGS))
        return common


def _is_common(db, condition, limit, walk_cost):
    """Whether the planner expects many releases to match ``condition`` (_common_matches)."""
    matches = Release.objects.using(db).filter(condition).order_by().values("pk")
    return _estimated_rows(matches) > _common_matches(db, limit, walk_cost)


def _common_matches(db, limit, walk_cost):
    """How many matches make a word common: from there on the date index is faster.

    Of N releases a word in m: the date index passes about N * limit / m rows at
    ``walk_cost`` each, the search index visits m; even at m² = walk_cost * limit * N.
    For the newest 201 of 100,000 releases that is some 10,000 matches in the
    whole text, 3,200 in the headings.
    """
    if db not in _table_rows:
        with connections[db].cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                           [Release._meta.db_table])
            _table_rows[db] = cursor.fetchone()[0]
    rows = _table_rows[db] if _table_rows[db] > 0 else 100_000  # -1: never analysed
    return (walk_cost * limit * rows) ** 0.5


def _estimated_rows(queryset):
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]
